"""Competitors: are we winning share, from whom, at what price, and where is it heading?"""

import pandas as pd
import streamlit as st

from analysis import competition as comp
from analysis.share import share_over_time
from dashboard import charts
from dashboard.context import page_context
from dashboard.data_access import market_totals
from dashboard.formatting import MEASURE_LABELS
from dashboard.theme import company_colors
from dashboard.widgets import basis_caption, chart, head_to_head_table, unavailable

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
ours, measure = filters.company, filters.measure
label = MEASURE_LABELS[measure].lower()
has_money = {"units", "revenue"} <= set(store.measures())

st.title("Competitors")
st.caption("Are we winning? Share over time, who we win from or lose to, concentration, price and capabilities.")

totals = market_totals(store, key, filters.market_filter(), ("date", "company"))
if totals.empty or totals[measure].isna().all():
    st.info(f"No {label} figures in this slice. Widen the filters in the sidebar.")
    st.stop()
companies = sorted(totals["company"].unique())
rivals = [c for c in companies if c != ours]
colors = company_colors(companies, ours)
if not rivals:
    st.info("Only one company in this slice: there is nobody to compare with.")
    st.stop()
latest = totals[totals["date"] == totals["date"].max()].set_index("company")[measure]
default_rival = latest.drop(index=ours, errors="ignore").idxmax()
rival = st.selectbox("Competitor to compare with", rivals, index=rivals.index(default_rival), key="rival",
                     bind="query-params")

# Share over time
shares = share_over_time(totals, measure)
view = st.segmented_control("Share chart", ["lines", "area"], default="lines", key="share_view",
                            bind="query-params", required=True)
title = f"Share of {label} by company, {filters.start:%b %Y} – {filters.end:%b %Y}"
share_fig = (charts.share_area(shares, title=title, colors=colors, ours=ours) if view == "area" else
             charts.lines(shares, x="date", y="share", color="company", title=title, y_title=f"Share of {label} (%)",
                          y_format=".1f", y_suffix="%", colors=colors, emphasis=ours))
chart(share_fig, shares, key="competitor_shares")

# Share bridge
periods = sorted(totals["date"].unique())
labels = [pd.Timestamp(p).strftime("%Y-%m") for p in periods]
window = min(12, max(1, len(periods) // 2))
st.subheader("Who we won share from, and lost it to")
first_label, second_label = st.select_slider(
    "Compare the year ending in … with the year ending in …", options=labels,
    value=(labels[max(0, len(labels) - 1 - window)], labels[-1]), key="bridge", bind="query-params",
)
a_end, b_end = pd.Timestamp(first_label + "-01"), pd.Timestamp(second_label + "-01")
span = pd.DateOffset(months=window - 1)
before = comp.window_shares(totals, measure, a_end - span, a_end)
after = comp.window_shares(totals, measure, b_end - span, b_end)
bridge = comp.share_bridge(before, after, ours)
change = after.get(ours, 0.0) - before.get(ours, 0.0)
chart(charts.waterfall(bridge, start_share=before.get(ours, 0.0), end_share=after.get(ours, 0.0),
                       start_label=f"Year to {a_end:%b %Y}", end_label=f"Year to {b_end:%b %Y}",
                       title=f"{ours} share of {label}: {change:+.1f} points, year to {a_end:%b %Y} vs year to {b_end:%b %Y}"),
      bridge, key="share_bridge")
st.caption(comp.BRIDGE_METHOD)

# Concentration
conc = comp.concentration(totals, measure)
latest_hhi = conc["hhi"].iloc[-1]
verdict = ("unconcentrated" if latest_hhi < comp.HHI_UNCONCENTRATED else "highly concentrated"
           if latest_hhi > comp.HHI_HIGHLY_CONCENTRATED else "moderately concentrated")
chart(charts.concentration_chart(conc, low=comp.HHI_UNCONCENTRATED, high=comp.HHI_HIGHLY_CONCENTRATED,
                                 title=f"Market concentration: HHI {latest_hhi:,.0f}, {verdict}"), conc, key="concentration")
st.caption("HHI is the sum of squared shares (0–10,000); thresholds from the 2010 US Horizontal Merger Guidelines. "
           "“Others” counts as one company, which overstates concentration when it hides many small firms.")

# Price positioning and price-volume
st.subheader("Price positioning")
if not has_money:
    unavailable("Price views need units and revenue; this data has " + ", ".join(store.measures()) + " only.")
else:
    positions = comp.price_positioning(totals)
    left, right = st.columns(2)
    with left:
        chart(charts.company_bubbles(positions, x="price_index", y="unit_share", size="revenue", colors=colors,
                                     title="Price index against unit share (bubble = revenue, last year)",
                                     x_title="Price index (market average = 100)", y_title="Unit share"),
              positions, key="price_positioning")
    with right:
        pv = comp.price_volume(totals, [ours, rival])
        chart(charts.price_volume_chart(pv, title=f"Price and volume: {ours} vs {rival}", colors=colors), pv,
              key="price_volume")

    by_segment = market_totals(store, key, filters.market_filter(), ("date", "segment", "company"))
    matrix = comp.growth_share_matrix(by_segment, measure, ours).dropna(subset=["relative_share", "growth"])
    matrix_fig = charts.bubbles(matrix, x="relative_share", y="growth", size="size", label="segment",
                                title=f"Growth-share matrix for {ours}: relative share against segment growth",
                                x_title=f"Relative market share ({ours} ÷ largest competitor)",
                                y_title="Segment growth, last year",
                                hover={"relative_share": "Relative share", "growth": "Growth %", "our_share": "Our share %"})
    chart(charts.divide_at(matrix_fig, x=1.0, left="a competitor leads", right=f"{ours} leads"), matrix,
          key="growth_share")

    st.subheader(f"Head to head: {ours} vs {rival}")
    detail = market_totals(store, key, filters.market_filter(), ("date", "segment", "region", "company"))
    head_to_head_table(comp.head_to_head(detail, ours, rival), ours, rival)

# Capabilities
st.subheader("Capabilities")
if "capabilities" not in store.tables:
    unavailable("No `capabilities` table in this dataset; load one on the Data page.")
else:
    caps = store.table("capabilities")
    with_whom = st.multiselect("Compare capabilities with", [c for c in caps["company"].unique() if c != ours],
                               default=[r for r in [rival] if r in set(caps["company"])], key="cap_with",
                               bind="query-params")
    cap_view = st.segmented_control("Capability chart", ["heatmap", "radar"], default="heatmap", key="cap_view",
                                    bind="query-params", required=True)
    cap_matrix = comp.capability_matrix(caps, [ours, *with_whom], ours)
    tiers = comp.price_tiers(caps)
    cap_matrix.columns = [f"{c} ({tiers[c]})" if c in tiers else c for c in cap_matrix.columns]
    cap_colors = {f"{c} ({tiers[c]})" if c in tiers else c: v for c, v in company_colors(caps["company"].unique(), ours).items()}
    cap_title = f"Feature scores, {ours} against {', '.join(with_whom) or 'nobody yet'}: biggest gaps on top"
    chart(charts.capability_radar(cap_matrix, title=cap_title, colors=cap_colors) if cap_view == "radar"
          else charts.capability_heatmap(cap_matrix, title=cap_title), cap_matrix.reset_index(), key="capabilities")
basis_caption(context)
