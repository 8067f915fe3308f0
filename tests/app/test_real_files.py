"""Files as users have them, not as the demo is: weekly exports with missing weeks, a market counted in units,
quarterly sales."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.safe_text import unescaped_markdown
from tests.app.test_irregular_dates import values
from tests.app.test_pages import chart_titles, open_app
from tests.share_files import quarterly_csv, units_tracker_csv, weekly_gaps_csv


def uploaded(name: str, data: bytes):
    """The app after `data` was uploaded on the Data page as the market table and put to use, as a user does."""
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload(name, data).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def weekly():
    return uploaded("weekly.csv", weekly_gaps_csv())


def test_missing_weeks_count_on_the_calendar_for_seasonality():
    three_years = pd.date_range("2022-01-03", periods=157, freq="W-MON")  # 157 weeks on the calendar, 151 with figures
    at = uploaded("weekly.csv", weekly_gaps_csv(three_years))
    at.switch_page("../pages/market.py").run()
    assert not at.exception
    title = next(t for t in chart_titles(at) if t.startswith("Trend, seasonal pattern"))
    assert "seasonality explains" in title
    assert any("6 periods without figures filled by linear interpolation" in c.value for c in at.caption)


def test_two_years_are_too_short_to_claim_seasonality(weekly):
    weekly.switch_page("../pages/market.py").run()  # 105 weeks: STL would call noise "100% seasonal"
    assert not weekly.exception
    title = next(t for t in chart_titles(weekly) if t.startswith("Trend, seasonal pattern"))
    assert title.endswith("too short to tell seasonality")
    short = open_app({"period": ["2025-01", "2025-12"]}, "../pages/market.py")  # the demo, one year
    assert next(t for t in chart_titles(short) if t.startswith("Trend, seasonal")).endswith("too short to tell seasonality")


def test_the_data_page_counts_the_missing_weeks(weekly):
    weekly.switch_page("../pages/data.py").run()
    assert not weekly.exception
    metrics = {m.label: m.value for m in weekly.metric}
    assert metrics["Periods"] == "99 of 105" and metrics["Missing cells"] == "5.7%"


def test_the_briefing_says_the_weeks_are_missing_not_to_widen_the_period(weekly):
    weekly.switch_page("../pages/overview.py").run()
    assert not weekly.exception
    shown = " ".join(c.value for c in weekly.caption) + " ".join(m.value for m in weekly.markdown)
    assert "6 of the 105 weeks in this slice have no figures" in shown and "widen the period" not in shown


def test_the_share_bridge_compares_52_calendar_weeks_on_a_weekly_file_with_weeks_missing(weekly):
    weekly.switch_page("../pages/competitors.py").run()
    assert not weekly.exception
    bridge = weekly.select_slider(key="bridge")
    assert bridge.label.startswith("Compare the 52 weeks ending in")  # was 49: half of the 99 weeks with figures
    title = next(t for t in chart_titles(weekly) if "points, 52 weeks to" in t)
    assert "52 weeks to Dec 2023 vs 52 weeks to Dec 2024" in title, title


def test_a_units_only_market_sizes_its_forecast_finding_in_units_not_dollars():
    at = uploaded("units.csv", units_tracker_csv())
    at.switch_page("../pages/overview.py").run()
    assert not at.exception
    shown = unescaped_markdown(" ".join(m.value for m in at.markdown))
    assert "Market growth slows" in shown
    assert "$" not in shown and "units/yr" in shown


def test_a_quarterly_file_compares_years_of_four_quarters_on_competitors():
    at = uploaded("quarterly.csv", quarterly_csv())
    at.switch_page("../pages/competitors.py").run()
    assert not at.exception
    titles = chart_titles(at)
    assert any(t.startswith("Where shares are heading: Apex at ") and t.endswith("in Oct 2025") for t in titles), titles
    matrix = next(c for c in at.get("plotly_chart") if "Growth-share matrix" in c.proto.spec)
    growth = json.loads(matrix.proto.spec)["data"][0]["y"]
    growth = values(growth) if isinstance(growth, dict) else growth
    assert growth[0] == pytest.approx(100 * (1.02 ** 4 - 1), abs=0.5)  # the last 4 quarters on the 4 before
    assert any(c.value.startswith("The last 4 quarters; growth against the 4 quarters before") for c in at.caption)


def test_market_growth_a_year_compounds_over_quarters_on_a_quarterly_file():
    at = uploaded("quarterly.csv", quarterly_csv())
    at.switch_page("../pages/scenarios.py").run()
    at.slider(key="d_growth").set_value(10).run()
    assert not at.exception
    units = next(m for m in at.metric if m.label == "Units, next 4 quarters")  # the next year, not 12 quarters
    # +10 points a year, compounding each quarter of the next year: on average (1.1 ** (t / 4) for t = 1..4)
    # about +6% over the year; read as months it was +2%
    change = float(units.delta.split("%")[0])
    assert 5 < change < 7.5, units.delta


def test_the_briefing_of_a_file_without_segments_titles_the_market_not_all():
    at = uploaded("quarterly.csv", quarterly_csv())
    at.switch_page("../pages/overview.py").run()
    assert not at.exception
    titles = chart_titles(at)
    assert "Market revenue: +49% (first vs last 4 quarters)" in titles, titles  # 2% a quarter for 5 years


def test_a_workbook_whose_first_sheet_is_notes_says_to_pick_the_sheet_and_loads_the_shares_sheet():
    import io

    from tests.share_files import desktop_os_frame

    shares = desktop_os_frame()
    for column in shares.columns[1:]:
        shares[column] = shares[column].map(lambda v: f"{v:.1f}%")  # as the tracker's Excel export has them
    book = io.BytesIO()
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"Notes": ["Exported from the tracker"]}).to_excel(writer, sheet_name="ReadMe", index=False)
        shares.to_excel(writer, sheet_name="Shares", index=False)
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.xlsx", book.getvalue()).run()
    assert not at.exception
    assert any("pick another **Sheet** above (this workbook has 2)" in i.value for i in at.info)  # not only "the mapping"
    at.selectbox(key="sheet_market").select("Shares").run()
    assert not at.error
    metrics = {m.label: m.value for m in at.metric[-5:]}
    assert metrics["Periods"] == "84" and metrics["Companies"] == "5"


def test_a_flat_products_year_reads_plus_zero_percent_in_the_product_line():
    months = pd.date_range("2021-01-01", "2024-12-01", freq="MS")
    rows = [{"Month": f"{m:%Y-%m}", "Company": company, "Product": product,
             "Units": (100.0 * (0.997 if i >= len(months) - 12 else 1.0) if product == "Acme One" else 50.0 + i)}
            for i, m in enumerate(months) for company, product in (("Acme", "Acme One"), ("Borealis", "Bore X"))]
    at = uploaded("products.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    at.switch_page("../pages/competitors.py").run()
    assert not at.exception
    line = next(m.value for m in at.markdown if m.value.startswith("Our product"))
    assert "+0% on the year before" in unescaped_markdown(line), line  # -0.3%: was "-0%"
    assert "% of the market;" in unescaped_markdown(line), line  # a file without segments: not "% of All"
    hhi = next(c.value for c in at.caption if c.value.startswith("HHI is the sum"))
    assert "overstates" not in hhi  # no catch-all here: no caveat about one


def test_the_hhi_caveat_names_the_catch_all_only_while_it_is_the_rest_of_the_market():
    demo = open_app({}, "../pages/competitors.py")
    assert any("“Others” counts as one company" in c.value for c in demo.caption)
