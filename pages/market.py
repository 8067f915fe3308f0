"""Market: how big, how fast growing, how seasonal, and where it is heading."""

import numpy as np
import pandas as pd
import streamlit as st

from analysis.drivers import CAVEAT, compare_with_driver
from analysis.briefing import market_outlook
from analysis.forecast import CANDIDATES
from analysis.forecast.words import METHOD_WORDS
from analysis.shocks import shock_marks
from analysis.market import attractiveness, cagr_table, decompose, outlook, yoy_growth
from dashboard import charts
from dashboard.bound import required_choice, worded_choice
from dashboard.context import page_context
from dashboard.data_access import market_totals
from dashboard.focus import growth_claim, section
from dashboard.forecasting import MAX_HORIZON, market_forecast
from dashboard.formatting import MEASURE_LABELS, PERIOD_WORDS, SHARE_LABELS, compact, measure_axis, money_columns, percent
from dashboard.link_notice import warn_about_link
from dashboard.safe_text import md
from dashboard.share_views import share_trends
from dashboard.shared_work import computed, figure
from dashboard.track_record_ui import track_record_section
from dashboard.url_state import NumberSpec, ParamSpec
from dashboard.widgets import basis_caption, chart, deck_button, forecast_details, outlook_table, unavailable
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
measure, ours = filters.measure, filters.company
label = MEASURE_LABELS[measure].lower()
season = SEASON_LENGTH.get(filters.periodicity, 12)
LEVELS, MODELS, NO_DRIVER = ["80", "90", "95"], ["auto", *CANDIDATES], "(none)"

st.title("Market")
st.caption("How big is the market, where is it growing, how seasonal is it, and where is it heading?")
if measure == "share":
    share_trends(market_totals(store, key, filters.market_filter(), ("date", "company")), ours, season=season,
                 key="market")
    unavailable("Market size, growth, seasonality and the size forecast need units or revenue; this data has shares "
                "only. Competitors has the share bridge and concentration.")
    basis_caption(context)
    st.stop()
warn_about_link([
    ParamSpec("split", "Split", ["segment", "region"], expected="segment or region"),
    NumberSpec("horizon", "Horizon", 1, MAX_HORIZON, expected=f"a whole number of periods from 1 to {MAX_HORIZON}"),
    ParamSpec("level", "Interval level", LEVELS, expected="80, 90 or 95"),
    ParamSpec("model", "Model", MODELS, expected="auto or one of the listed models"),
    ParamSpec("driver", "Driver", [NO_DRIVER, *(sorted(store.table("drivers")["variable"].unique())
                                                if "drivers" in store.tables else [])], expected="a driver in this data"),
])

split = required_choice("Split the market by", ["segment", "region"], "segment", key="split")
by_split = market_totals(store, key, filters.market_filter(), ("date", split))
if by_split.empty:
    st.info("No data in this slice. Widen the filters in the sidebar.")
    st.stop()
table = computed(cagr_table, by_split, split, measure, season)  # shared by every session on this slice
leader = table.dropna(subset=["cagr"]).sort_values("cagr", ascending=False)
size_title = (f"{leader[split].iloc[0]} grows fastest: {leader['cagr'].iloc[0]:+.1f}% a year" if len(leader) > 1
              else f"Market {label} by {split}")
window_words = "12 months" if season == 12 else f"{season} {PERIOD_WORDS.get(filters.periodicity, 'period')}s"
with section("growth", lambda: growth_claim(market_totals(store, key, filters.market_filter(), ("date", "company")),
                                            ours, measure, season, window_words)):
    left, right = st.columns(2)
    with left:
        size_chart = figure(charts.stacked_area, by_split, x="date", y=measure, color=split, title=size_title,
                            measure=measure, periodicity=filters.periodicity)
        marks = computed(shock_marks, by_split.groupby("date")[measure].sum(), season)  # shortages, lockdowns…
        chart(figure(charts.with_events, size_chart, marks), by_split, key="market_size")
    with right:
        growth = computed(yoy_growth, by_split, split, measure, season)
        chart(figure(charts.lines, growth, x="date", y="growth", color=split,
                     title=f"Year-over-year growth of {label} by {split}",
                     y_title="Growth of the rolling year (%)", y_format="+.1f", y_suffix="%"),
              growth, key="yoy_growth")

by_company = market_totals(store, key, filters.market_filter(), ("date", split, "company"))
spots = computed(attractiveness, by_company, split, measure, ours, season).dropna(subset=["cagr"])
left, right = st.columns([3, 2])
with left:
    chart(figure(charts.bubbles, spots, x="last_year", y="cagr", size="our_share", label=split,
                 title=f"Where the market grows, and is {ours} there?",  # fits a half-width chart
                 x_title=f"Size, last year ({'USD' if measure == 'revenue' else 'units'}); "
                         f"bubble: {ours}'s {SHARE_LABELS[measure]}",
                 y_title="Growth a year (CAGR)",
                 hover={"last_year": "Size last year", "cagr": "CAGR %", "our_share": f"{ours} {SHARE_LABELS[measure]} %"}),
          spots, key="attractiveness")
with right:
    st.markdown(f"**Size and growth by {split}**")
    shown, sized = money_columns(table, {"first_year": "First year", "last_year": "Last year"},
                                 money=measure == "revenue")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        split: split.capitalize(),
        **{c: st.column_config.NumberColumn(**kw) for c, kw in sized.items()},
        "cagr": st.column_config.NumberColumn("CAGR", format="%+.1f%%"),
        "share_of_market": st.column_config.NumberColumn(SHARE_LABELS[measure].capitalize(), format="%.0f%%",
                                                         help=f"This {split}'s share of the market's {label}, last year"),
    })
    st.caption("Exact figures are in the size chart's downloads.")

st.subheader("Seasonality")
series = market_totals(store, key, filters.market_filter(), ("date",)).set_index("date")[measure]
parts = computed(decompose, series, season)
chart(figure(charts.decomposition, parts.frame, y_title=measure_axis(measure, filters.periodicity),
             title="Trend, seasonal pattern and the rest: " + (
                 "too short to tell seasonality" if parts.seasonal_strength is None
                 else f"seasonality explains {parts.seasonal_strength:.0%} of the variation around the trend")),
      parts.frame, key="decomposition")
st.caption(f"{parts.method}. A dip that shows in the seasonal row repeats every year; one that shows in the "
           "remainder is news, like a supply shock.")


@st.fragment
def forecast_section() -> None:
    """Its own fragment: moving the horizon or level redraws only this part of the page, from the one cached fit."""
    st.subheader("Forecast")
    controls = st.columns([1, 1, 1.6])
    with controls[0]:
        horizon = st.slider("Horizon (periods ahead)", 1, MAX_HORIZON, 18, key="horizon", bind="query-params")
    with controls[1]:
        level = st.select_slider("Interval level (%)", LEVELS, value="90", key="level", bind="query-params")
    with controls[2]:
        model = worded_choice("Model", MODELS, "auto", key="model", words=METHOD_WORDS,
                              help="Automatic picks by how well each model would have forecast the recent past.")
    with st.spinner("Fitting and backtesting the candidate models…"):
        fc = market_forecast(series, season, model, horizon, int(level) / 100)
    # The headline is the next year's total, the same figure (same function, same slice) as the Briefing's card.
    year = computed(market_outlook, series, season=season)
    low_growth, high_growth = year.growth_range
    span = f"{season} {PERIOD_WORDS.get(filters.periodicity, 'period')}s"
    focus = section("forecast", lambda: f"Next {span}: {compact(year.next, measure)}, {percent(year.growth, signed=True)} "
                                        f"(range {low_growth:+.0f}% to {high_growth:+.0f}%), the Briefing's forecast.")
    with focus:
        st.columns([1, 2])[0].metric(
            f"Forecast, next {span}", compact(year.next, measure), percent(year.growth, signed=True),
            delta_description=f"range {low_growth:+.0f}% to {high_growth:+.0f}%", border=True,
            help=f"{year.level:.0%} interval: {compact(year.low, measure)} to {compact(year.high, measure)}, "
                 f"against {compact(year.last, measure)} over the last {span}. The same figure as the Briefing's.")
    chart(figure(charts.forecast_chart, series, fc.mean, fc.lower, fc.upper, level=fc.level,
                 money=measure == "revenue", y_title=measure_axis(measure, filters.periodicity),
                 title=f"Market {label}: next {span} {compact(year.next, measure)} "
                       f"({compact(year.low, measure)} to {compact(year.high, measure)}), "
                       f"shown {horizon} periods ahead at {fc.level:.0%}"),
          fc.frame.reset_index(names="date"), key="forecast")
    forecast_details(fc)
    driver_section(horizon, fc.level)
    st.markdown(f"**Where each {split} is heading: the next {season} periods against the last {season}**")
    outlook_table(computed(outlook, by_split, split, measure, season=season, level=fc.level), split)


def driver_section(horizon: int, level: float) -> None:
    """Optional: a SARIMAX with an external driver against the same model without it."""
    if "drivers" not in store.tables:
        return
    drivers = store.table("drivers")
    if filters.regions:
        drivers = drivers[drivers["region"].isin(filters.regions)]
    names = sorted(drivers["variable"].unique())
    choice = st.selectbox("Compare with a model that uses a driver", [NO_DRIVER, *names], key="driver",
                          bind="query-params", help="A SARIMAX with the driver as regressor, against the same model "
                          "without it, on the last periods held out.")
    if choice == NO_DRIVER:
        return
    rows = drivers[drivers["variable"] == choice]
    # Spend adds up across regions; an index is averaged.
    x = rows.groupby("date")["value"].sum() if "spend" in choice else rows.groupby("date")["value"].mean()
    try:
        with st.spinner(f"Fitting SARIMAX with and without {md(choice)}…"):
            result = compare_with_driver(series, x, choice, horizon=horizon, season=season, level=level)
    except (ValueError, np.linalg.LinAlgError) as reason:
        unavailable(md(f"No comparison with {choice}: {reason}."))
        return
    st.markdown(md(result.describe()))  # the verdict in words first; the statistics behind details
    with st.expander("Details: the driver's statistics"):
        st.dataframe(pd.DataFrame(result.statistics()), hide_index=True, width="stretch")
        st.caption(CAVEAT)
    chart(charts.forecast_chart(series, result.mean, result.lower, result.upper, level=level,
                                money=measure == "revenue", y_title=measure_axis(measure, filters.periodicity),
                                title=f"Market {label} forecast with {choice} as a driver (SARIMAX)"),
          pd.DataFrame({"mean": result.mean, "lower": result.lower, "upper": result.upper}).reset_index(names="date"),
          key="driver_forecast")


forecast_section()
track_record_section(context, season)  # the forecasts of earlier versions against what happened
basis_caption(context)
deck_button(f"Market: {ours}", key="market")  # the charts above, as slides (built only when clicked)
