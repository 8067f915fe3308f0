"""Briefing: the headline, the reasons, where the market is heading, and links to the evidence."""

import streamlit as st

from analysis.breaks import describe_breaks, share_breaks
from analysis.briefing import market_outlook, risks_and_opportunities, turning_point
from analysis.changes import Heading, headline as headline_text, needs
from analysis.kpis import growth_by, headline
from analysis.market import outlook
from analysis.share import share_change, share_over_time
from analysis.share_findings import UNITS, standing_of
from analysis.share_forecast import share_forecast, too_short
from dashboard.background import in_background
from dashboard.briefing_ui import (MARKET_EVENTS, deck_groups, events, explained_list, findings_list, money_cards,
                                   how_to_read, outlook_export, share_cards, share_outlook)
from dashboard.charts import lines, marked, stacked_area
from dashboard.launch_ui import launch_findings
from dashboard.track_record_ui import briefing_line, record_soon
from dashboard.context import page_context
from dashboard.data_access import market_totals, slice_findings
from dashboard.focus import evidence_target, evidence_url, section
from dashboard.formatting import MEASURE_LABELS, PERIOD_WORDS, SHARE_LABELS, compact, percent
from dashboard.link_notice import warn_about_link
from dashboard.product_line import our_product
from dashboard.safe_text import md
from dashboard.deck import Briefing, briefing_deck
from dashboard.report import briefing_html, chart_pngs, chrome_for_images, png_zip
from dashboard.shared_work import computed, figure
from dashboard.slides import Deck
from dashboard.theme import company_colors
from dashboard.url_state import flag_spec
from dashboard.widgets import basis_caption, chart, outlook_table
from data.mapping import ALL
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
measure, ours = filters.measure, filters.company
label = MEASURE_LABELS[measure].lower()
share_of = SHARE_LABELS[measure]  # unit share and revenue share differ: every label says which
window = SEASON_LENGTH.get(filters.periodicity, 12)
span = f"{window} {PERIOD_WORDS.get(filters.periodicity, 'period')}s" if window > 1 else "year"

st.title("Briefing")
# Presentation mode shows one of these per screen (`?present=1&slide=N`); otherwise all, one under the other.
deck = Deck(["Headline and figures", "What changed", "Risks and opportunities",
             "Where shares are heading" if measure == "share" else "Market by segment", "Share by company"])
deck.controls()
if deck.shows(0):
    st.caption(f"How big is the market, are we growing with it, and where is it heading? The latest {span} against "
               f"the {span} before.")
headline_slot = st.empty()  # filled last: the headline says where the market is heading, from the forecast
warn_about_link([flag_spec("outlook", "Outlook of every segment")])
by_company = market_totals(store, key, filters.market_filter(), ("date", "company"))
if by_company.empty or by_company[measure].isna().all():
    st.info(f"No {label} figures in this slice. Widen the segments, regions or period in the sidebar.")
    st.stop()

h = computed(headline, by_company, ours, measure, window)  # shared by every session on this slice
market_series = by_company.groupby("date")[measure].sum()
# The forecast is the slowest number here: it runs on the other core while the rest is drawn,
# and its card fills the slot kept for it at the end.
forecasting = measure != "share" and len(market_series) >= 2 * window
if forecasting:
    record_soon(context, window)  # the track record under the forecast card: on the worker too, first time only
pending = in_background(market_outlook, market_series, season=window) if forecasting else None
share_short = too_short(by_company, measure) if measure == "share" else None
share_pending = (in_background(share_forecast, by_company, "share", window, season_length=window)
                 if measure == "share" and share_short is None else None)
rest = context.dataset.rest
where = computed(standing_of, by_company, ours, measure, window, rest)

vs = f"vs prior {span}"
cards = (share_cards(where, vs) if measure == "share" and where is not None
         else money_cards(h, ours, measure, share_of, span))
inert_card = lambda card: {**card, **{k: md(card[k]) for k in ("label", "help") if k in card}}  # noqa: E731
forecast_slot = track_slot = None
breaks = computed(share_breaks, by_company, measure)
if deck.shows(0):
    with section("cards", lambda: f"{ours} {label} {percent(h.our_growth, signed=True) or 'n/a'} on the {span} "
                                  f"before; the market {percent(h.market_growth, signed=True) or 'n/a'}."):
        columns = st.columns(len(cards) + (forecasting or share_pending is not None))
        for column, card in zip(columns, cards):
            with column:
                st.metric(**inert_card(card), border=True, height="stretch")
        if forecasting or share_pending is not None:  # one card: the forecast, and how past forecasts did
            card_box = columns[-1].container(border=True, height="stretch")
            forecast_slot = card_box.empty()
            track_slot = card_box.empty() if forecasting else None
    basis_caption(context, describe_breaks(breaks))
    our_product(context)  # the product the PM runs, within our company
found = slice_findings(store, key, filters.market_filter(), ours, window, rest)
found = sorted([*found, *launch_findings(store, key, ours, context.dataset_key)], key=lambda f: f.impact, reverse=True)
findings_area = st.container()

shares = computed(share_over_time, by_company, measure)
first, last = computed(share_change, by_company, ours, measure, window)
share_title = (f"{ours} {share_of}: {first:.1f}% → {last:.1f}% (first vs last {span})" if h.previous_market is not None
               else f"{ours} {share_of}: {last:.1f}% over the period")
# The events the findings name are marked on the chart.
share_chart = figure(marked, lines, events(found, breaks), shares, x="date", y="share", color="company",
                     title=share_title, y_title=f"{share_of.capitalize()} (%)", y_format=".1f", y_suffix="%",
                     colors=company_colors(shares["company"].unique(), ours), emphasis=ours, half_width=True)
figures = [share_chart]
left, right = st.columns(2) if not deck.paged else (st.container(), st.container())
share_forecast_slot = None
with left:
    if measure == "share" and deck.shows(3):
        share_forecast_slot = st.empty()
        if share_pending is None:
            share_forecast_slot.info(share_short, icon=":material/info:")
    elif measure != "share":
        by_seg = market_totals(store, key, filters.market_filter(), ("date", "segment"))
        growth = computed(growth_by, by_seg, "segment", measure, window).dropna()
        if set(by_seg["segment"]) == {ALL}:  # a file without segments: the market, not "Market revenue: All"
            segment_title = f"Market {label}" + (f": {growth.iloc[0]:+.0f}% (first vs last {span})" if len(growth) else "")
        else:
            segment_title = (f"{growth.index[0]} grew fastest: {growth.iloc[0]:+.0f}% (first vs last {span})"
                             if len(growth) > 1 else f"Market {label}: {', '.join(growth.index) or 'by segment'}")
        segment_chart = figure(marked, stacked_area, events(found, [], MARKET_EVENTS),  # a shock, if any
                               by_seg, x="date", y=measure, color="segment", title=segment_title, measure=measure,
                               periodicity=filters.periodicity, half_width=True)
        figures.insert(0, segment_chart)
        if deck.shows(3):
            chart(deck.fit(segment_chart), by_seg, key="market_by_segment")
with right:
    if deck.shows(4):
        chart(deck.fit(share_chart), shares, key="share_by_company")

here = {k: st.query_params.get_all(k) for k in st.query_params}  # what evidence links keep: data, slice, present
target = lambda finding: evidence_target(finding, ours, measure, here)  # noqa: E731
missing = computed(needs, by_company, window)
next_year = pending.result() if pending is not None else None
if next_year is not None:
    low, high = next_year.growth_range
    cards.append(dict(label=f"Forecast, next {span}", value=compact(next_year.next, measure),
                      delta=percent(next_year.growth, signed=True), delta_description=f"range {low:+.0f}% to {high:+.0f}%",
                      help=f"{next_year.level:.0%} interval: {compact(next_year.low, measure)} to "
                           f"{compact(next_year.high, measure)}. {next_year.summary}"))
    if forecast_slot is not None:
        forecast_slot.metric(**inert_card(cards[-1]))
    record_line = briefing_line(context, window) if track_slot is not None else None
    if record_line is not None:
        track_slot.caption(md(record_line))
future = share_pending.result() if share_pending is not None else None
heading = Heading(market_growth=h.market_growth if measure != "share" else None)
if next_year is not None:
    heading = Heading(h.market_growth, next_year.growth, next_year.growth_range)
if future is not None and not future.empty:
    heading, card, future_chart = share_outlook(future, shares, ours, h.share)
    if card is not None:
        cards.append(card)
        if forecast_slot is not None:
            forecast_slot.metric(**inert_card(card))
    figures.insert(0, future_chart)
    if share_forecast_slot is not None:
        with share_forecast_slot.container():
            chart(deck.fit(future_chart), future, key="briefing_share_forecast")
said = computed(headline_text, by_company[["date", "company", measure]], ours, window, found, heading, rest=rest,
                breaks=breaks)
if deck.shows(0):
    headline_slot.markdown("#### " + md(said))

risks, opportunities, by_segment_outlook = [], [], None
with findings_area:
    if next_year is not None and st.toggle("Add the forecast outlook of every segment", key="outlook",
                                           bind="query-params", help="One forecast per segment: takes a moment."):
        by_segment = market_totals(store, key, filters.market_filter(), ("date", "segment"))
        by_segment_outlook = computed(outlook, by_segment, "segment", measure, season=window)
    unit = UNITS[measure]  # a market counted in units moves units, not dollars
    if next_year is not None and (turn := turning_point(next_year, h.market_growth, unit=unit)) is not None:
        found = sorted([*found, turn], key=lambda f: f.impact, reverse=True)
    risks, opportunities = risks_and_opportunities(found, by_segment_outlook, "segment", unit=unit)

    if deck.shows(1):
        st.subheader("What changed")
        if missing:
            st.caption(md(missing))
        elif not found:
            st.caption("Checked overtakes, entrants, share runs, the gap to the leader and share moves: none passes "
                       "its threshold in this slice.")
        else:
            findings_list(found, target)
    if deck.shows(2):
        left, right = st.columns(2)
        with left:
            explained_list("Risks", risks, target, missing or f"No change in this slice works against {ours}.")
        with right:
            explained_list("Opportunities", opportunities, target,
                           missing or f"No change in this slice works for {ours}.")
    if by_segment_outlook is not None and deck.shows(1):
        st.subheader(f"Outlook by segment: next {span} against the last")
        outlook_table(by_segment_outlook, "segment")

briefing = Briefing(f"Market briefing: {ours}", context.dataset.name, filters.basis(), said, cards,
                    deck_groups(found, risks, opportunities, lambda f: evidence_url(f, ours, measure, here), ours, missing), figures,
                    table=outlook_export(by_segment_outlook, "segment", measure, f"Outlook by segment: next {span}"))
deck = lambda: briefing_deck(briefing, chart_pngs if chrome_for_images() else None)  # noqa: E731 (on click)
report = lambda: briefing_html(briefing, how_to_read(ours, span))  # noqa: E731 (it embeds 4.5 MB of plotly.js)
with st.container(horizontal=True):
    st.download_button("Download this briefing (HTML, opens offline)", report, file_name="market-briefing.html",
                       mime="text/html", icon=":material/description:", on_click="ignore", key="download_briefing")
    st.download_button("Download as PowerPoint", deck, file_name="market-briefing.pptx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       icon=":material/slideshow:", key="download_deck")
    if chrome_for_images():
        st.download_button("Charts as PNG images for slides (zip)", lambda: png_zip(figures, source=briefing.footer),
                           file_name="market-briefing-charts.zip", mime="application/zip", icon=":material/image:",
                           on_click="ignore", key="download_pngs")
