"""Competitors: are we winning share, from whom, at what price, and where is it heading?"""

import pandas as pd
import streamlit as st

from analysis import competition as comp
from analysis.breaks import breaks_between, describe_breaks, share_breaks
from analysis.calendar import calendar, window_before_last, window_start
from analysis.share import share_over_time
from analysis.share_findings import catch_all, is_catch_all
from analysis.share_forecast import METHOD, share_forecast, too_short
from dashboard import charts
from dashboard.bound import required_choice
from dashboard.context import page_context
from dashboard.briefing_ui import events
from dashboard.data_access import filter_options, largest_rival, market_totals, slice_findings
from dashboard.focus import hhi_claim, linked_choice, price_claim, section, share_claim
from dashboard.formatting import MEASURE_LABELS, PERIOD_WORDS, SHARE_LABELS
from dashboard.link_notice import warn_about_link
from dashboard.product_line import our_product
from dashboard.safe_text import md
from dashboard.share_views import heading_title
from dashboard.url_state import ParamSpec
from dashboard.theme import company_colors
from dashboard.widgets import basis_caption, chart, deck_button, head_to_head_table, unavailable
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
ours, measure = filters.company, filters.measure
label = MEASURE_LABELS[measure].lower()
share_of = SHARE_LABELS[measure]  # unit share and revenue share differ: every label says which
has_money = {"units", "revenue"} <= set(store.measures())

st.title("Competitors")
st.caption("Are we winning? Share over time, who we win from or lose to, concentration, price and capabilities.")

totals = market_totals(store, key, filters.market_filter(), ("date", "company"))
if totals.empty or totals[measure].isna().all():
    st.info(f"No {label} figures in this slice. Widen the filters in the sidebar.")
    st.stop()
our_product(context)  # the share below is our company's; this says which product is ours and how it does
# Bound widgets get defaults that depend on the dataset only, never on other
# choices: a link must reopen the same view even after those choices change.
options = filter_options(store, key)
rest = context.dataset.rest
everyone = [c for c in options["company"] if (c not in rest if rest is not None else not is_catch_all(c))]
rivals = [c for c in everyone if c != ours] or everyone  # the picker never offers our own company
companies = sorted(totals["company"].unique())
colors = company_colors(options["company"], ours)
if len(companies) < 2:
    st.info("Only one company in this slice: there is nobody to compare with.")
    st.stop()
labels = options["period"]
caps = store.table("capabilities") if "capabilities" in store.tables else None
cap_companies = sorted(caps["company"].unique()) if caps is not None else []
warn_about_link([
    ParamSpec("rival", "Competitor", rivals),
    ParamSpec("share_view", "Share chart", ["lines", "area"], expected="lines or area"),
    ParamSpec("bridge", "Bridge periods", labels, max_values=2, ordered=True),
    ParamSpec("cap_view", "Capability chart", ["heatmap", "radar"], expected="heatmap or radar"),
    ParamSpec("cap_with", "Capability comparison", cap_companies, max_values=len(cap_companies), allow_empty=True),
])
# Share over time
shares = share_over_time(totals, measure)
view = required_choice("Share chart", ["lines", "area"], "lines", key="share_view")
title = f"{share_of.capitalize()} by company, {filters.start:%b %Y} – {filters.end:%b %Y}"
share_fig = (charts.share_area(shares, title=title, colors=colors, ours=ours) if view == "area" else
             charts.lines(shares, x="date", y="share", color="company", title=title, y_title=f"{share_of.capitalize()} (%)",
                          y_format=".1f", y_suffix="%", colors=colors, emphasis=ours))
season = SEASON_LENGTH.get(filters.periodicity, 12)
year = "12 months" if season == 12 else f"{season} {PERIOD_WORDS.get(filters.periodicity, 'period')}s"
linked_rival = linked_choice("rival", rivals)  # an evidence link's rival, shown by the picker below too
marks = events(slice_findings(store, key, filters.market_filter(), ours, season, rest), share_breaks(totals, measure))
with section("share", lambda: share_claim(totals, measure, season, year, ours, linked_rival)):
    chart(charts.with_events(share_fig, marks), shares, key="competitor_shares")  # the events the Briefing names

# Where shares are heading
if short := too_short(totals, measure):
    st.info(short, icon=":material/info:")
else:
    future = share_forecast(totals, measure, season, season_length=season)  # the next year, as on every page
    chart(charts.share_forecast_chart(shares, future, colors=colors, ours=ours, level=0.9,
                                      title=heading_title(future, ours)),
          future, key="share_forecast")
    st.caption(METHOD.format(measure=label, level=0.9))

# Share bridge: its own two periods, so it reads the whole history, not the sidebar's period
on_calendar = calendar(store.periods("market"))  # weeks with no figures count too: "52 weeks" are 52 weeks
window = min(SEASON_LENGTH.get(filters.periodicity, 12), max(1, len(on_calendar) // 2))
span = "year" if window == 12 else f"{window} {PERIOD_WORDS.get(filters.periodicity, 'period')}{'s' * (window > 1)}"
history = market_totals(store, key, filters.market_filter(with_dates=False), ("date", "company"))
st.subheader("Who we won share from, and lost it to")
first_label, second_label = st.select_slider(
    f"Compare the {span} ending in … with the {span} ending in …", options=labels,
    value=(labels[window_before_last(store.periods("market"), on_calendar, window)], labels[-1]), key="bridge",
    bind="query-params",
)
starts = {label_: pd.Timestamp(p) for label_, p in zip(labels, store.periods("market"))}
before, after = (comp.window_shares(history, measure, window_start(on_calendar, starts[end], window), starts[end])
                 for end in (first_label, second_label))
a_end, b_end = starts[first_label], starts[second_label]
bridge = comp.share_bridge(before, after, ours)
change = after.get(ours, 0.0) - before.get(ours, 0.0)
chart(charts.waterfall(bridge, start_share=before.get(ours, 0.0), end_share=after.get(ours, 0.0),
                       start_label=f"{span.capitalize()} to {a_end:%b %Y}", end_label=f"{span.capitalize()} to {b_end:%b %Y}",
                       title=f"{ours} {share_of}: {change:+.1f} points, {span} to {a_end:%b %Y} vs {span} to {b_end:%b %Y}"),
      bridge, key="share_bridge")
st.caption(comp.BRIDGE_METHOD)
bridge_start = window_start(on_calendar, a_end, window)
if inside := breaks_between(share_breaks(history, measure), bridge_start, b_end):
    st.warning(md(f"A break in the data falls inside this comparison: {describe_breaks(inside)}"),
               icon=":material/timeline:")

# Concentration
conc = comp.concentration(totals, measure)
latest_hhi = conc["hhi"].iloc[-1]
verdict = ("unconcentrated" if latest_hhi < comp.HHI_UNCONCENTRATED else "highly concentrated"
           if latest_hhi > comp.HHI_HIGHLY_CONCENTRATED else "moderately concentrated")
with section("hhi", lambda: hhi_claim(conc, season, year)):
    chart(charts.concentration_chart(conc, low=comp.HHI_UNCONCENTRATED, high=comp.HHI_HIGHLY_CONCENTRATED,
                                     title=f"Market concentration: HHI {latest_hhi:,.0f}, {verdict}"), conc,
          key="concentration")
lumped = sorted(c for c in catch_all(options["company"], rest) if c in options["company"])  # "Others", unless a company
st.caption("HHI is the sum of squared shares (0–10,000); thresholds from the 2010 US Horizontal Merger Guidelines."
           + "".join(f" “{md(name)}” counts as one company, which overstates concentration when it hides many small "
                     "firms." for name in lumped[:1]))

# Price positioning and the growth-share matrix
with section("price", lambda: price_claim(totals, linked_rival or ours, season, year) if has_money else None):
    st.subheader("Price positioning")
    if not has_money:
        unavailable("Price views need units and revenue; this data has " + ", ".join(store.measures()) + " only.")
    else:
        positions = comp.price_positioning(totals, season)
        left, right = st.columns(2)
        with left:
            chart(charts.company_bubbles(positions, x="price_index", y="unit_share", size="revenue", colors=colors,
                                         title="Price index against unit share (bubble = revenue, last year)",
                                         x_title="Price index (market average = 100)", y_title="Unit share"),
                  positions, key="price_positioning")

        by_segment = market_totals(store, key, filters.market_filter(), ("date", "segment", "company"))
        matrix = comp.growth_share_matrix(by_segment, measure, ours, season).dropna(subset=["relative_share", "growth"])
        matrix_fig = charts.bubbles(matrix, x="relative_share", y="growth", size="size", label="segment",
                                    title=f"Growth-share matrix for {ours}",  # the axes say what against what
                                    x_title=f"Relative {share_of} ({ours} ÷ largest competitor)",
                                    y_title="Segment growth, last year",
                                    hover={"relative_share": "Relative share", "growth": "Growth %", "our_share": f"Our {share_of} %"})
        with right:
            chart(charts.divide_at(matrix_fig, x=1.0, left="a competitor leads", right=f"{ours} leads"), matrix,
                  key="growth_share")


@st.fragment
def against_one_competitor() -> None:
    """Its own fragment: picking another competitor redraws only the views that depend on it."""
    st.subheader("Against one competitor")
    default_rival = largest_rival(store, key, ours, rivals)
    rival = st.selectbox("Competitor to compare with", rivals, index=rivals.index(default_rival), key="rival",
                         bind="query-params")
    if has_money:
        pv = comp.price_volume(totals, [ours, rival])
        chart(charts.price_volume_chart(pv, title=f"Price and volume: {ours} vs {rival}", colors=colors), pv,
              key="price_volume")
        st.markdown(f"**Head to head: {md(ours)} vs {md(rival)}**")
        detail = market_totals(store, key, filters.market_filter(), ("date", "segment", "region", "company"))
        head_to_head_table(comp.head_to_head(detail, ours, rival, season), ours, rival, year)
    else:
        unavailable("Price and volume, and head to head by segment and region, need units and revenue; this data "
                    "has " + ", ".join(store.measures()) + " only.")
    st.markdown("**Capabilities**")
    if caps is None:
        unavailable("No `capabilities` table in this dataset; load one on the Data page.")
    else:
        also = st.multiselect(f"Compare with {md(rival)} and …", cap_companies, key="cap_with", bind="query-params",
                              placeholder="more competitors")
        with_whom = [c for c in dict.fromkeys([rival, *also]) if c != ours and c in cap_companies]
        cap_view = required_choice("Capability chart", ["heatmap", "radar"], "heatmap", key="cap_view")
        cap_matrix = comp.capability_matrix(caps, [ours, *with_whom], ours)
        tiers = comp.price_tiers(caps)
        cap_matrix.columns = [f"{c} ({tiers[c]})" if c in tiers else c for c in cap_matrix.columns]
        cap_colors = {f"{c} ({tiers[c]})" if c in tiers else c: v for c, v in company_colors(caps["company"].unique(), ours).items()}
        cap_title = f"Feature scores, {ours} against {', '.join(with_whom) or 'nobody yet'}: biggest gaps on top"
        chart(charts.capability_radar(cap_matrix, title=cap_title, colors=cap_colors) if cap_view == "radar"
              else charts.capability_heatmap(cap_matrix, title=cap_title), cap_matrix.reset_index(), key="capabilities")


against_one_competitor()
basis_caption(context)
deck_button(f"Competitors: {ours}", key="competitors")  # the charts above, as slides (built only when clicked)
