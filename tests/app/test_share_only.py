"""A share-only tracker export (wide, monthly, five companies, a method break) gets the whole product."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app
from tests.share_files import desktop_os_csv

PAGES = ["overview", "market", "competitors", "scenarios", "products", "opportunities", "feature_requests", "data"]


def loaded(ours: str | None = None, other_is_a_company: bool = False):
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("desktop.csv", desktop_os_csv()).run()
    assert not at.exception
    ours_box = next(s for s in at.selectbox if s.label == "Which company is ours?")
    assert ours_box.value == "Windows"  # the largest, not "Chrome OS", the first alphabetically
    if other_is_a_company:
        next(r for r in at.radio if "“Other”" in r.label).set_value("A company").run()
        ours_box = next(s for s in at.selectbox if s.label == "Which company is ours?")
    assert ("Other" in ours_box.options) == other_is_a_company
    if ours:
        ours_box.set_value(ours).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    assert not at.exception
    return at


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [f"{m.label}: {m.value} {m.delta or ''}" for m in at.metric]
    return unescaped_markdown("\n".join(parts))


@pytest.fixture(scope="module")
def app():
    return loaded()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_share_only_data(app, page):
    app.switch_page(f"../pages/{page}.py").run()
    assert not app.exception, app.exception
    assert app.title


def test_the_briefing_tells_our_share_rank_gap_and_forecast(app):
    app.switch_page("../pages/overview.py").run()
    assert app.selectbox(key="company").value == "Windows"
    shown = text(app)
    labels = [unescaped_markdown(m.label) for m in app.metric]
    assert labels[:3] == ["Windows market share", "Rank", "Lead over OS X"]
    assert app.metric[1].value == "#1 of 4"  # "Other" is the rest of the market: not ranked
    assert labels[3] == "Forecast, Dec 2026"
    assert "Market size" not in shown and "n/a" not in shown
    headline = next(m.value for m in app.markdown if m.value.startswith("####"))
    assert unescaped_markdown(headline).startswith("#### Windows leads with ")
    assert "(share forecast)" in unescaped_markdown(headline)
    assert "None stands out" not in shown and "need units and revenue" not in shown
    assert re.search(r"\*\*\d+\.\d pts\*\* · ", shown)  # findings show their size in share points


def test_market_shows_share_trends_and_forecast_instead_of_a_notice(app):
    app.switch_page("../pages/market.py").run()
    charts = [c.proto.id for c in app.get("plotly_chart")]
    assert any("market_shares" in c for c in charts) and any("market_share_forecast" in c for c in charts)
    assert "need units or revenue" in text(app)


def test_competitors_say_in_one_line_what_share_data_cannot_show(app):
    app.switch_page("../pages/competitors.py").run()
    shown = text(app)
    assert "Price views need units and revenue" in shown
    assert "head to head by segment and region, need units and revenue" in shown


def test_our_company_and_a_catch_all_company_are_chosen_on_loading():
    at = loaded(ours="OS X", other_is_a_company=True)
    at.switch_page("../pages/overview.py").run()
    assert not at.exception
    assert at.selectbox(key="company").value == "OS X"
    assert "Other" in at.selectbox(key="company").options
    assert at.metric[1].value == "#2 of 5"


def test_the_method_break_is_flagged_on_the_data_page_the_briefing_and_the_bridge(app):
    app.switch_page("../pages/data.py").run()
    warnings = " ".join(unescaped_markdown(w.value) for w in app.warning)
    assert "Likely a change in the tracker's method" in warnings and "Other 9.4% → 3.2% in Mar 2023" in warnings
    app.switch_page("../pages/overview.py").run()
    basis = next(unescaped_markdown(c.value) for c in app.caption if c.value.startswith("Basis:"))
    assert "Other 9.4% → 3.2% in Mar 2023" in basis
    app.switch_page("../pages/competitors.py").run()
    assert not [w for w in app.warning if "inside this comparison" in w.value]  # the last two years: 2024 vs 2025
    app.select_slider(key="bridge").set_value(("2022-12", "2023-12")).run()
    assert any("inside this comparison" in w.value and "Mar 2023" in w.value for w in app.warning)


def test_saved_to_the_workspace_it_keeps_which_company_is_ours_and_the_rest_of_the_market(tmp_path, monkeypatch):
    from dashboard.sharing import view_store

    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    view_store.clear()
    at = loaded(ours="OS X", other_is_a_company=True)
    at.switch_page("../pages/data.py").run()
    at.file_uploader(key="upload_market").upload("desktop.csv", desktop_os_csv()).run()
    next(s for s in at.selectbox if s.label == "Which company is ours?").set_value("OS X").run()
    next(r for r in at.radio if "“Other”" in r.label).set_value("A company").run()
    next(t for t in at.text_input if str(t.key).startswith("ws_name_")).input("Desktop OS tracker").run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception, at.exception
    ref = at.query_params["data"]

    colleague = open_app({"data": ref})  # a fresh session: only the link
    assert not colleague.exception, colleague.exception
    assert colleague.selectbox(key="company").value == "OS X"
    assert "Other" in colleague.selectbox(key="company").options  # a company here, as the user said
    view_store.clear()


def test_scenarios_move_share_points_from_the_chosen_rivals(app):
    app.switch_page("../pages/scenarios.py").run()
    assert not app.exception
    assert "Scenarios need units and revenue" not in text(app)
    baseline = float(app.metric[0].value.rstrip("%"))
    app.slider(key="win_pts").set_value(2.0).run()
    app.multiselect(key="win_from").set_value(["OS X"]).run()
    shown = text(app)
    assert float(app.metric[0].value.rstrip("%")) == pytest.approx(baseline + 2.0, abs=0.05)
    assert app.metric[0].delta == "+2.0 pts vs forecast"
    assert re.search(r"Winning 2\.0 points by \w{3} \d{4} puts Windows at \d+\.\d% instead of the forecast "
                     r"\d+\.\d%, still #1; OS X -2\.0\.", shown)
    app.number_input(key="win_size").set_value(1_000_000.0).run()
    assert app.metric[2].value == "130k" and app.metric[2].delta == "gained"  # 2% × (1/12 + … + 12/12) × 1M
    app.slider(key="win_pts").set_value(0.0).run()
    app.multiselect(key="win_from").set_value([]).run()
    app.number_input(key="win_size").set_value(None).run()


def test_opportunities_start_from_an_empty_table_to_fill_in(app):
    app.switch_page("../pages/opportunities.py").run()
    assert not app.exception
    shown = text(app)
    assert "This dataset has no launch options yet" in shown
    assert "Add a launch option above" in shown


@pytest.mark.parametrize("months, forecast", [(18, True), (4, False)])
def test_the_briefing_market_and_competitors_agree_on_when_shares_are_forecast(app, months, forecast):
    """One rule on every page: 18 months of a tracker get a share forecast everywhere, 4 months nowhere."""
    start = f"{pd.Timestamp('2025-12-01') - pd.DateOffset(months=months - 1):%Y-%m}"
    said = {}
    for page in ("overview", "market", "competitors"):
        app.switch_page(f"../pages/{page}.py").run()
        app.select_slider(key="period").set_value((start, "2025-12")).run()
        assert not app.exception, app.exception
        titles = [c.proto.spec for c in app.get("plotly_chart")]
        said[page] = (any("Where shares are heading" in t for t in titles),
                      " ".join(i.value for i in app.info if "share forecast needs" in i.value))
    assert {page: drawn for page, (drawn, _) in said.items()} == dict.fromkeys(said, forecast)
    if not forecast:
        assert {notice for _, notice in said.values()} == {
            "The share forecast needs at least 6 periods with figures; this slice has 4."}
    app.select_slider(key="period").set_value(("2019-01", "2025-12")).run()
