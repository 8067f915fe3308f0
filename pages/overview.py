"""Overview: is the market growing, and are we growing with it?"""

import streamlit as st

from analysis.kpis import growth_by, headline
from analysis.share import share_change, share_over_time
from dashboard.charts import lines, stacked_area
from dashboard.context import page_context
from dashboard.data_access import market_totals
from dashboard.formatting import MEASURE_LABELS, compact, percent, points
from dashboard.theme import company_colors
from dashboard.widgets import basis_caption, chart

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
measure = filters.measure
label = MEASURE_LABELS[measure].lower()

st.title("Overview")
st.caption("Is the market growing, and are we growing with it? The latest twelve months against the twelve before.")

by_company = market_totals(store, key, filters.market_filter(), ("date", "company"))
if by_company.empty:
    st.info("No market data in this slice. Widen the segments, regions or period in the sidebar.")
    st.stop()

h = headline(by_company, filters.company, measure)
window = f"{h.window_start:%b %Y} – {h.window_end:%b %Y}"
vs_previous = "vs prior 12 months"
market_card, ours_card, share_card, growth_card = st.columns(4)
with market_card:
    st.metric(
        f"Market {label}, 12 months", compact(h.market, measure),
        percent(h.market_growth, signed=True), delta_description=vs_previous, border=True, height="stretch",
        help=f"Sum over {window} for the selected segments and regions.",
    )
with ours_card:
    st.metric(
        f"{filters.company} {label}, 12 months", compact(h.ours, measure),
        percent(h.our_growth, signed=True), delta_description=vs_previous, border=True, height="stretch",
    )
with share_card:
    st.metric(
        f"{filters.company} share of {label}", percent(h.share),
        points(h.share_change), delta_description=vs_previous, border=True, height="stretch",
    )
with growth_card:
    gap = None if h.our_growth is None or h.market_growth is None else h.our_growth - h.market_growth
    st.metric(
        f"{filters.company} growth", percent(h.our_growth, signed=True) or "n/a",
        points(gap), delta_description="vs market growth", border=True, height="stretch",
        help="Our growth minus the market's: positive means we are gaining share.",
    )
if h.previous_market is None:
    st.caption("Choose a period of at least 24 months to compare with the previous twelve.")

by_segment = market_totals(store, key, filters.market_filter(), ("date", "segment"))
growth = growth_by(by_segment, "segment", measure).dropna()
segment_title = f"Market {label}: {', '.join(growth.index) or 'by segment'}"
if len(growth) > 1:
    segment_title = f"{growth.index[0]} grew fastest: {growth.iloc[0]:+.0f}% (first vs last year)"
shares = share_over_time(by_company, measure)
first, last = share_change(by_company, filters.company, measure)
share_title = f"{filters.company} share of {label}: {first:.1f}% → {last:.1f}% (first vs last year)"

left, right = st.columns(2)
with left:
    chart(stacked_area(by_segment, x="date", y=measure, color="segment", title=segment_title, measure=measure),
          by_segment, key="market_by_segment")
with right:
    chart(lines(shares, x="date", y="share", color="company", title=share_title,
                y_title=f"Share of {label} (%)", y_format=".1f", y_suffix="%",
                colors=company_colors(shares["company"].unique(), filters.company), emphasis=filters.company),
          shares, key="share_by_company")
basis_caption(context)
