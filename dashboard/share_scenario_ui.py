"""Scenarios on share-only data: win or lose points against the share forecast, from the rivals you choose.

The numbers come from `analysis.share_forecast` and `analysis.share_scenario`;
this module draws the controls (each bound to the link), the outcome and the chart.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.share_findings import catch_all
from analysis.share_forecast import share_forecast
from analysis.share_scenario import ShareShift, describe, shift_shares, value_of_points
from dashboard.charts import lines
from dashboard.formatting import compact
from dashboard.safe_text import md
from dashboard.shared_work import computed
from dashboard.theme import company_colors
from dashboard.widgets import chart, unavailable, unchanged


def share_scenario(totals: pd.DataFrame, ours: str, *, season: int, rest: Iterable[str] | None) -> None:
    """The whole share what-if: controls, the outcome in words and cards, and baseline against scenario."""
    periods = totals["date"].nunique()
    if periods < 2 * season:
        unavailable(f"The share what-if starts from the share forecast, which needs at least {2 * season} periods; "
                    f"this slice has {periods}. Widen the period in the sidebar.")
        return
    future = computed(share_forecast, totals, "share", season, season_length=season)
    if ours not in set(future["company"]):
        unavailable(md(f"{ours} has no share forecast in this slice. Pick another company in the sidebar."))
        return
    others = catch_all(future["company"].unique(), rest)
    rivals = sorted(c for c in future["company"].unique() if c != ours)
    st.caption(md(f"This data has shares only, so there is no price or marketing to move. Ask instead what winning "
                  f"or losing share points does: the baseline is the share forecast; the scenario moves {ours} in a "
                  "straight line to the change you set by the last period, taken from (or given to) the rivals you "
                  "choose in proportion to their share, so shares still add up to 100%."))
    a, b = st.columns([1, 2])
    points = a.slider("Share points we win (+) or lose (−) by the end", -10.0, 10.0, 0.0, step=0.5, key="win_pts",
                      bind="query-params")
    takers = b.multiselect("Taken from (or given to)", rivals, key="win_from", bind="query-params",
                           placeholder="Every rival, in proportion to its share",
                           help="Empty: every rival, in proportion to its forecast share.")
    size = st.number_input("Market size per period, to put a value on the points (optional, in your unit: "
                           "revenue or units)", min_value=0.0, value=None, step=1000.0, key="win_size",
                           bind="query-params")
    shift = computed(shift_shares, future, ours, points, takers or None)
    ranked = [c for c in future["company"].unique() if c not in others]
    outcome(shift, ranked, size)
    colors = company_colors(future["company"].unique(), ours)
    left, right = st.columns([3, 2])
    with left:
        chart(scenario_lines(shift, colors), shift.path, key="share_scenario")
    with right:
        st.markdown(f"**Market share at the end, {shift.end:%b %Y}**")  # a date only: nothing to escape
        number = st.column_config.NumberColumn
        st.dataframe(end_table(shift), hide_index=True, column_config={
            "Forecast": number("Forecast", format="%.1f%%"), "Scenario": number("Scenario", format="%.1f%%"),
            "Change": number("Change", format="%+.1f pts")})


def outcome(shift: ShareShift, ranked: list[str], size: float | None) -> None:
    base, scen = shift.at_end("baseline"), shift.at_end("scenario")
    ours = shift.ours
    st.markdown("**" + md(describe(shift, ranked)) + "**")
    cols = st.columns(3)
    delta = f"{scen[ours] - base[ours]:+.1f} pts vs forecast"
    cols[0].metric(f"{ours} market share, {shift.end:%b %Y}", f"{scen[ours]:.1f}%", delta, border=True, **unchanged(delta))
    cols[1].metric("Rank at the end", f"#{shift.rank('scenario', ranked)} of {len(ranked)}",
                   f"forecast #{shift.rank('baseline', ranked)}", delta_color="off", delta_arrow="off", border=True)
    if size:
        worth = value_of_points(shift, size)
        cols[2].metric("Worth over the horizon", compact(abs(worth)), "gained" if worth >= 0 else "lost",
                       delta_color="normal" if worth >= 0 else "inverse", border=True,
                       help="The extra (or lost) share in each period times the market size you entered, summed.")
    else:
        cols[2].metric("Worth over the horizon", "—", "enter a market size above", delta_color="off",
                       delta_arrow="off", border=True)


def scenario_lines(shift: ShareShift, colors: dict[str, str]) -> go.Figure:
    """Points gained or lost against the forecast, per period, for us and each rival that moves."""
    frame = shift.path.assign(change=shift.path["scenario"] - shift.path["baseline"])
    moving = frame.groupby("company")["change"].apply(lambda c: c.abs().max() >= 0.05)
    frame = frame[frame["company"].isin(moving[moving].index) | (frame["company"] == shift.ours)]
    gained = float(frame[(frame["company"] == shift.ours) & (frame["date"] == shift.end)]["change"].iloc[0])
    return lines(frame, x="date", y="change", color="company", colors=colors, emphasis=shift.ours,
                 title=f"Share points against the forecast: {shift.ours} {gained:+.1f} by {shift.end:%b %Y}",
                 y_title="Points vs the share forecast", y_format="+.1f", y_suffix=" pts")


def end_table(shift: ShareShift) -> pd.DataFrame:
    """Every company's share at the end: forecast, scenario and the change, biggest first."""
    table = pd.DataFrame({"Forecast": shift.at_end("baseline"), "Scenario": shift.at_end("scenario")})
    table["Change"] = table["Scenario"] - table["Forecast"]
    return table.sort_values("Scenario", ascending=False).rename_axis("Company").reset_index()
