"""AppTest: evidence links land on their section with its figure; presentation mode shows one section per slide."""

from __future__ import annotations

from urllib.parse import parse_qs

from dashboard.focus import SECTIONS
from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app


def focus_lines(at) -> list[str]:
    return [unescaped_markdown(m.value) for m in at.markdown if "From the Briefing" in m.value]


def test_findings_link_to_the_section_holding_their_number_in_the_same_tab():
    at = open_app({"segment": ["SMB", "Enterprise"], "present": "1", "slide": "2"})
    assert not at.exception, at.exception
    links = at.get("page_link")  # st.page_link: client-side navigation in the same tab, never target=_blank
    assert links and all(link.proto.label == "Evidence" for link in links)
    queries = [parse_qs(link.proto.query_string) for link in links]
    for query in queries:
        assert query["present"] == ["1"] and query["company"] == ["Northwind"]
        assert query["focus"][0] in SECTIONS
        # the Briefing's slice, unless the finding is about one segment
        assert query["segment"] == ["SMB", "Enterprise"] or query["segment"][0] in ("SMB", "Enterprise")
    assert any(query["focus"] == ["share"] for query in queries)


def test_a_share_finding_lands_on_the_share_chart_with_the_rivals_share_highlighted():
    at = open_app({"focus": "share", "rival": "Apex", "measure": "revenue"}, "../pages/competitors.py")
    assert not at.exception, at.exception
    lines = focus_lines(at)
    assert len(lines) == 1
    assert "Revenue share in Dec 2025: Apex " in lines[0] and "Over the last 12 months: Apex " in lines[0]
    assert "pts on the 12 months before); Northwind " in lines[0]


def test_a_focus_the_page_does_not_know_highlights_nothing():
    at = open_app({"focus": "<script>x</script>"}, "../pages/competitors.py")
    assert not at.exception and not focus_lines(at)


def test_a_linked_rival_that_is_not_in_the_data_is_not_named_in_the_highlight():
    at = open_app({"focus": "price", "rival": "[Click](https://evil.example)"}, "../pages/competitors.py")
    assert not at.exception, at.exception
    lines = focus_lines(at)
    assert len(lines) == 1 and "evil" not in lines[0] and "Northwind's average price" in lines[0]


def test_market_growth_and_forecast_sections_show_their_figures():
    at = open_app({"focus": "growth", "segment": ["SMB"], "region": ["Europe"]}, "../pages/market.py")
    assert not at.exception, at.exception
    assert any("This market: $" in line and "Northwind holds" in line
               for line in focus_lines(at))
    at = open_app({"focus": "forecast"}, "../pages/market.py")
    assert any("the Briefing's forecast" in line for line in focus_lines(at))


def test_presentation_mode_shows_one_section_per_slide_and_moves_with_the_buttons():
    at = open_app({"present": "1"})
    assert not at.exception, at.exception
    assert [b.label for b in at.button][:2] == ["Previous", "Next"] and at.button(key="slide_previous").disabled
    assert len(at.metric) >= 3 and not at.get("plotly_chart") and not at.get("page_link")
    at.button(key="slide_next").click().run()
    assert at.query_params["slide"] in ("2", ["2"])
    assert [s.value for s in at.subheader] == ["What changed"] and not at.metric and not at.get("plotly_chart")
    at.button(key="slide_next").click().run()
    at.button(key="slide_next").click().run()
    assert at.query_params["slide"] in ("4", ["4"]) and len(at.get("plotly_chart")) == 1 and not at.metric


def test_a_slide_link_reopens_that_slide_and_out_of_range_values_do_not_fail():
    at = open_app({"present": "1", "slide": "5"})
    assert len(at.get("plotly_chart")) == 1 and at.button(key="slide_next").disabled
    assert any("5 / 5" in m.value for m in at.markdown)
    for value in ("99", "-3", "x"):
        at = open_app({"present": "1", "slide": value})
        assert not at.exception, at.exception


def test_without_presentation_mode_every_section_shows_and_no_slide_buttons():
    at = open_app({})
    assert not [b for b in at.button if b.key in ("slide_previous", "slide_next")]
    assert len(at.get("plotly_chart")) == 2 and len(at.metric) >= 3 and at.get("page_link")


def test_following_a_link_in_the_same_session_takes_the_findings_slice_over_the_sessions_filters():
    at = open_app({})  # the Briefing on every segment and region: the session's filters
    at.multiselect(key="segment").set_value(["Enterprise"]).run()
    for key, value in {"segment": ["SMB"], "region": ["Europe"], "rival": "Corvid", "focus": "share"}.items():
        at.query_params[key] = value
    at.switch_page("../pages/competitors.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="segment").value == ["SMB"] and at.multiselect(key="region").value == ["Europe"]
    assert at.selectbox(key="rival").value == "Corvid"
    at.multiselect(key="segment").set_value(["SMB", "Consumer"]).run()  # the user's next choice is kept
    assert at.multiselect(key="segment").value == ["SMB", "Consumer"]


def test_share_only_data_presents_the_share_forecast_on_its_own_slide():
    from tests.app.test_share_only import loaded

    at = loaded()
    at.query_params["present"] = "1"
    at.query_params["slide"] = "4"
    at.switch_page("../pages/overview.py").run()
    assert not at.exception, at.exception
    assert any("4 / 5** · Where shares are heading" in m.value for m in at.markdown)
    charts = at.get("plotly_chart")
    assert len(charts) == 1 and not at.metric
    at.button(key="slide_next").click().run()
    assert len(at.get("plotly_chart")) == 1 and at.button(key="slide_next").disabled
