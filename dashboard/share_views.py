"""Share views for pages whose main views need sizes: share trends and the coherent share forecast.

Used by Market when the data has shares only, so a tracker export gets where
shares stand and where they are heading instead of a notice.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.share import share_over_time
from analysis.share_forecast import METHOD, share_forecast, too_short
from dashboard import charts
from dashboard.shared_work import computed, figure
from dashboard.theme import company_colors
from dashboard.widgets import chart


def heading_title(future: pd.DataFrame, ours: str) -> str:
    """The share forecast chart's title on every page; short enough for a half-width chart."""
    mine = future[future["company"] == ours]
    if mine.empty:
        return "Where shares are heading (forecast)"
    return f"Where shares are heading: {ours} at {mine['share'].iloc[-1]:.1f}% in {mine['date'].iloc[-1]:%b %Y}"


def share_trends(totals: pd.DataFrame, ours: str, *, season: int, key: str) -> None:
    """Shares over time, and their forecast for the next season (by the rule every page uses: `too_short`)."""
    shares = computed(share_over_time, totals, "share")
    colors = company_colors(shares["company"].unique(), ours)
    left, right = st.columns(2)
    with left:
        chart(figure(charts.lines, shares, x="date", y="share", color="company", title="Market share by company",
                     y_title="Market share (%)", y_format=".1f", y_suffix="%", colors=colors, emphasis=ours),
              shares, key=f"{key}_shares")
    with right:
        if short := too_short(totals, "share"):
            st.info(short, icon=":material/info:")
            return
        with st.spinner("Forecasting every company's share…"):
            future = computed(share_forecast, totals, "share", season, season_length=season)
        chart(figure(charts.share_forecast_chart, shares, future, colors=colors, ours=ours, level=0.9,
                     title=heading_title(future, ours)),
              future, key=f"{key}_share_forecast")
    st.caption(METHOD.format(measure="share", level=0.9))
