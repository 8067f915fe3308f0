"""Overview: is the market growing, and are we growing with it?"""

import streamlit as st

from analysis.kpis import growth_by, headline
from analysis.share import share_change, share_over_time
from dashboard.charts import lines, stacked_area
from dashboard.context import page_context
from dashboard.data_access import market_totals
from dashboard.formatting import MEASURE_LABELS, PERIOD_WORDS, compact, percent, points
from dashboard.theme import company_colors
from dashboard.widgets import basis_caption, chart
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
measure, ours = filters.measure, filters.company
label = MEASURE_LABELS[measure].lower()
share_of = "market share" if measure == "share" else f"share of {label}"
window = SEASON_LENGTH.get(filters.periodicity, 12)
span = f"{window} {PERIOD_WORDS.get(filters.periodicity, 'period')}s" if window > 1 else "year"

st.title("Overview")
st.caption(f"Is the market growing, and are we growing with it? The latest {span} against the {span} before.")

by_company = market_totals(store, key, filters.market_filter(), ("date", "company"))
if by_company.empty or by_company[measure].isna().all():
    st.info(f"No {label} figures in this slice. Widen the segments, regions or period in the sidebar.")
    st.stop()

h = headline(by_company, ours, measure, window)
vs_previous = f"vs prior {span}"
gap = None if h.our_growth is None or h.market_growth is None else h.our_growth - h.market_growth
cards = [
    dict(label=f"{ours} {share_of}", value=percent(h.share), delta=points(h.share_change),
         delta_description=vs_previous),
]
if measure == "share":
    cards.insert(0, dict(label="Market size", value="n/a",
                         help="This data has shares only: load units or revenue to see the market's size and growth."))
else:
    cards[:0] = [
        dict(label=f"Market {label}, last {span}", value=compact(h.market, measure),
             delta=percent(h.market_growth, signed=True), delta_description=vs_previous,
             help=f"Sum over {h.window_start:%b %Y} – {h.window_end:%b %Y} for the selected segments and regions."),
        dict(label=f"{ours} {label}, last {span}", value=compact(h.ours, measure),
             delta=percent(h.our_growth, signed=True), delta_description=vs_previous),
    ]
    cards.append(dict(label=f"{ours} growth", value=percent(h.our_growth, signed=True) or "n/a", delta=points(gap),
                      delta_description="vs market growth",
                      help="Our growth minus the market's: positive means we are gaining share."))
for column, card in zip(st.columns(4), cards):
    with column:
        st.metric(**card, border=True, height="stretch")
if h.previous_market is None:
    st.caption(f"Growth and change need at least {2 * window} periods; choose a longer period in the sidebar.")

shares = share_over_time(by_company, measure)
first, last = share_change(by_company, ours, measure, window)
share_title = f"{ours} {share_of}: {first:.1f}% → {last:.1f}% (first vs last {span})"
if h.previous_market is None:
    share_title = f"{ours} {share_of}: {last:.1f}% over the period"
share_chart = lines(shares, x="date", y="share", color="company", title=share_title,
                    y_title=f"{share_of.capitalize()} (%)",
                    y_format=".1f", y_suffix="%", colors=company_colors(shares["company"].unique(), ours),
                    emphasis=ours)

left, right = st.columns(2)
with left:
    if measure == "share":
        st.info("Market size by segment needs units or revenue; this data has shares only.", icon=":material/info:")
    else:
        by_segment = market_totals(store, key, filters.market_filter(), ("date", "segment"))
        growth = growth_by(by_segment, "segment", measure, window).dropna()
        segment_title = f"Market {label}: {', '.join(growth.index) or 'by segment'}"
        if len(growth) > 1:
            segment_title = f"{growth.index[0]} grew fastest: {growth.iloc[0]:+.0f}% (first vs last {span})"
        chart(stacked_area(by_segment, x="date", y=measure, color="segment", title=segment_title, measure=measure,
                           periodicity=filters.periodicity), by_segment, key="market_by_segment")
with right:
    chart(share_chart, shares, key="share_by_company")
basis_caption(context)
