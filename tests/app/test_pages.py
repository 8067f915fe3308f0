"""Every page runs in AppTest on the demo data, whatever the link says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = ["../pages/overview.py", "../pages/competitors.py", "../pages/opportunities.py", "../pages/feature_requests.py", "../pages/data.py", "../pages/market.py", "../pages/scenarios.py", "../pages/products.py"]

CUSTOM = {
    "company": "Apex",
    "segment": ["Enterprise", "SMB"],
    "region": ["Europe"],
    "period": ["2019-01", "2023-12"],
    "measure": "units",
}
GARBAGE = {
    "company": "<script>alert('x')</script>",
    "segment": ["Enterprise", "Narnia"],
    "region": ["x" * 5000],
    "period": ["1999-01", "2040-13"],
    "measure": "profit'; DROP TABLE market; --",
    "unknown_key": "whatever",
}


def open_app(params: dict, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)  # cold forecasts on a busy 2-core machine
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None and page != PAGES[0]:
        at.switch_page(page).run()
    return at


def rendered_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(m.label) for m in at.metric] + [str(w.value) for w in at.warning]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", [{}, CUSTOM, GARBAGE], ids=["default", "custom", "garbage"])
def test_every_page_runs_without_exception(page, params):
    at = open_app(params, page)
    assert not at.exception, at.exception
    assert at.title, "the page rendered no title"


def test_default_view_is_our_company_on_everything():
    at = open_app({})
    assert at.selectbox(key="company").value == "Northwind"
    assert at.multiselect(key="segment").value == []
    assert at.select_slider(key="period").value == ("2016-01", "2025-12")
    assert not at.warning
    assert len(at.metric) == 4
    assert "Northwind" in at.metric[1].label


def test_a_link_reopens_the_same_filters():
    at = open_app(CUSTOM)
    assert at.selectbox(key="company").value == "Apex"
    assert at.multiselect(key="segment").value == ["Enterprise", "SMB"]
    assert at.multiselect(key="region").value == ["Europe"]
    assert at.select_slider(key="period").value == ("2019-01", "2023-12")
    assert "Apex" in at.metric[1].label and "units" in at.metric[0].label
    assert "Enterprise, SMB · Europe · Jan 2019 to Dec 2023 · units" in rendered_text(at)
    assert not at.warning


def test_garbage_is_dropped_with_a_visible_notice():
    at = open_app(GARBAGE)
    notices = "\n".join(w.value for w in at.warning)
    for fragment in ("Company", "Narnia", "Region", "1999", "Measure"):
        assert fragment in notices
    assert "<script>" not in notices and len(notices) < 2000
    # What was valid in the link is kept; what was not falls back to the default.
    assert at.multiselect(key="segment").value == ["Enterprise"]
    assert at.selectbox(key="company").value == "Northwind"


def test_changing_a_filter_changes_the_numbers():
    at = open_app({})
    before = [m.value for m in at.metric]
    at.multiselect(key="region").select("Europe").run()
    assert not at.exception
    assert [m.value for m in at.metric] != before


def test_data_page_lists_the_five_tables():
    at = open_app({}, "../pages/data.py")
    text = rendered_text(at) + "\n".join(h.value for h in at.subheader)
    for table in ("market", "drivers", "capabilities", "feature_requests", "opportunities"):
        assert table in text


def chart_titles(at: AppTest) -> list[str]:
    """Chart titles as read: a long one broken over two lines reads as one."""
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def test_share_chart_title_agrees_with_the_share_card():
    at = open_app({"segment": ["Mid-Market"], "measure": "units"})
    share_card = at.metric[2].value  # e.g. "19.8%"
    titles = chart_titles(at)
    assert len(titles) == 2
    assert titles[1].startswith("Northwind unit share") and titles[1].split("→ ")[1].startswith(share_card)


def test_briefing_deck_builds_from_the_page_with_the_outlook_on():
    """The callable behind *Download as PowerPoint*, as the server calls it on a click."""
    import io

    from pptx import Presentation

    from bench.deck import deck_builder

    deck = Presentation(io.BytesIO(deck_builder({"outlook": "true"})()))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[:2] == ["Market briefing: Northwind", "Headline"]
    assert "Outlook by segment: next 12 months" in titles and "Opportunities" in titles


@pytest.mark.parametrize("page", ["market", "competitors", "scenarios"])
def test_main_pages_download_their_charts_as_a_deck(page):
    import io

    from pptx import Presentation

    from bench.deck import deck_builder
    from dashboard.report import chrome_for_images

    if chrome_for_images() is None:
        pytest.skip("no Chromium: pages offer no chart deck without one")
    deck = Presentation(io.BytesIO(deck_builder({}, f"../pages/{page}.py", f"download_deck_{page}")()))
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == f"{page.capitalize()}: Northwind"
    assert len(slides) >= 3 and all(any(s.shape_type == 13 for s in slide.shapes) for slide in slides[1:])
    assert all(any(s.name == "Footer" and "Source: Demo market" in s.text_frame.text for s in slide.shapes)
               for slide in slides)
