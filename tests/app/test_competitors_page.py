"""Competitors page: every control lives in the link, and a link reopens the same view."""

from __future__ import annotations

from tests.app.test_pages import chart_titles, open_app

PAGE = "../pages/competitors.py"
VIEW = {
    "rival": "Corvid",
    "share_view": "area",
    "bridge": ["2019-12", "2022-12"],
    "cap_view": "radar",
    "cap_with": ["Corvid", "Apex"],
    "region": ["Europe"],
}


def test_a_link_sets_every_control_and_the_charts_follow():
    at = open_app(VIEW, PAGE)
    assert not at.exception
    assert at.selectbox(key="rival").value == "Corvid"
    assert at.segmented_control(key="share_view").value == "area"
    assert at.select_slider(key="bridge").value == ("2019-12", "2022-12")
    assert at.segmented_control(key="cap_view").value == "radar"
    assert at.multiselect(key="cap_with").value == ["Corvid", "Apex"]
    titles = chart_titles(at)
    assert any("year to Dec 2019 vs year to Dec 2022" in t for t in titles)
    assert any("Northwind vs Corvid" in t for t in titles)
    assert any("against Corvid, Apex" in t for t in titles)
    # the same link opened again gives the same charts
    assert chart_titles(open_app(VIEW, PAGE)) == titles


def test_bad_page_values_are_named_and_dropped():
    at = open_app({"rival": "Narnia Corp", "share_view": "pie", "bridge": ["2022-12", "2019-12"]}, PAGE)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "Competitor “Narnia Corp”" in notice and "Share chart “pie”" in notice and "ends before it starts" in notice


def test_our_own_company_is_never_offered_as_a_competitor():
    at = open_app({"rival": "Northwind"}, PAGE)
    assert not at.exception
    assert "Northwind" not in at.selectbox(key="rival").options and "Apex" in at.selectbox(key="rival").options
    assert any("Competitor" in w.value and "Northwind" in w.value for w in at.warning)  # the link's value is named
    assert any("Northwind vs Apex" in t for t in chart_titles(at))  # the largest competitor instead


def test_share_only_data_explains_missing_price_views():
    from tests.app.test_data_page import WIDE

    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", WIDE).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "Price views need units and revenue" in info and "No `capabilities` table" in info
    # three months: no 12-month share forecast from three points, and the Briefing says the same
    assert "share forecast needs at least 6 periods with figures; this slice has 3" in info
    titles = chart_titles(at)
    assert len(titles) == 3 and titles[0].startswith("Market share by company")  # shares, bridge, HHI
    assert "1 month to Feb 2024 vs 1 month to Mar 2024" in titles[1]
