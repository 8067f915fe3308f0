"""Pieces of the Briefing page: its cards, the findings with their amounts, risks and opportunities.

Numbers come from `analysis`; this module only words and draws them. Every
finding and item is Markdown-escaped: company names come from users' files.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.breaks import Break
from analysis.changes import Heading
from analysis.findings import Finding
from analysis.kpis import Headline
from analysis.share_findings import Standing
from dashboard.charts import share_forecast_chart
from dashboard.deck import Group, Point, Table
from dashboard.formatting import MEASURE_LABELS, compact, percent, points
from dashboard.safe_text import md
from dashboard.share_views import heading_title
from dashboard.shared_work import figure
from dashboard.theme import company_colors

BADGES = {"risk": ":red-badge[bad for us]", "opportunity": ":green-badge[good for us]",
          "neutral": ":gray-badge[neutral]"}


SHARE_EVENTS = ("overtake", "rank", "entrant", "run", "price", "launch")  # what a share chart marks
MARKET_EVENTS = ("shock",)  # what a market-size chart marks


def events(found: list[Finding], breaks: list[Break],
           kinds: tuple[str, ...] = SHARE_EVENTS) -> list[tuple[pd.Timestamp, str]]:
    """What a time chart marks: the dated events of `kinds` the findings name, and breaks in the data (one per date)."""
    marked = [(f.when, f.label) for f in found if f.when is not None and f.label and f.kind in kinds]
    marked += [(date, "Tracker method change?") for date in dict.fromkeys(b.date for b in breaks)]
    return marked


def amount(finding: Finding) -> str:
    """The size of a finding as it ranks: dollars a year, units a year, or share points."""
    if finding.unit == "points":
        return f"{finding.impact:.1f} pts"
    if finding.unit == "units":
        return f"{compact(finding.impact, 'units')} units/yr"
    return f"{compact(finding.impact, 'revenue')}/yr"


def card(**fields: object) -> dict:
    """st.metric keywords; "vs prior 12 months" only under a change, never alone under a level."""
    if fields.get("delta") is None:
        fields.pop("delta_description", None)
    return fields


def share_cards(where: Standing, vs: str) -> list[dict]:
    """Share-only data: our share, our rank and the gap to the leader (or our lead), each with its change."""
    cards = [card(label=f"{where.company} market share", value=percent(where.share),
                  delta=points(None if where.previous_share is None else where.share - where.previous_share),
                  delta_description=vs, help=f"Average share over the last {where.span}, {where.start:%b %Y} – "
                                             f"{where.end:%b %Y}.")]
    cards.append(card(label="Rank", value=f"#{where.rank} of {where.of}",
                      help=f"By share over the last {where.span}. A catch-all column such as “Other” is the rest of "
                           "the market and is not ranked, unless you said on loading that it is a company."))
    if where.rival is not None and where.gap is not None:
        change = None if where.previous_gap is None else where.gap - where.previous_gap
        label = f"Lead over {where.rival}" if where.rank == 1 else f"Gap to the leader, {where.rival}"
        cards.append(card(label=label, value=f"{abs(where.gap):.1f} pts", delta=points(change),
                          delta_description=vs,
                          help=f"{where.rival} has {where.rival_share:.1f}% over the last {where.span}. The change is "
                               "in our favour when positive: a lead that grew or a gap that closed."))
    return cards


def money_cards(h: Headline, ours: str, measure: str, share_of: str, span: str) -> list[dict]:
    """Units or revenue: the market and us over the last window, with growth, and our share."""
    label, vs = MEASURE_LABELS[measure].lower(), f"vs prior {span}"
    gap = None if h.our_growth is None or h.market_growth is None else h.our_growth - h.market_growth
    return [
        card(label=f"Market {label}", value=compact(h.market, measure),
             delta=percent(h.market_growth, signed=True), delta_description=vs,
             help=f"Sum over the last {span}, {h.window_start:%b %Y} – {h.window_end:%b %Y}, selected segments and regions."),
        card(label=f"{ours} {label}", value=compact(h.ours, measure),
             delta=points(gap), delta_description="vs market growth",
             help=f"Sum over the last {span}. {ours} grew {percent(h.our_growth, signed=True) or 'n/a'}, the market "
                  f"{percent(h.market_growth, signed=True) or 'n/a'}."),
        card(label=f"{ours} {share_of}", value=percent(h.share), delta=points(h.share_change), delta_description=vs),
    ]


def share_outlook(future: pd.DataFrame, shares: pd.DataFrame, ours: str,
                  now: float) -> tuple[Heading, dict | None, go.Figure]:
    """From the share forecast: the headline's heading, the forecast card and the forecast chart."""
    last_date = future["date"].max()
    at_end = future[future["date"] == last_date].set_index("company")["share"]
    chart = figure(share_forecast_chart, shares, future, colors=company_colors(shares["company"].unique(), ours),
                   ours=ours, level=0.9, title=heading_title(future, ours))
    return Heading(share_date=last_date, share_forecast=at_end.to_dict()), share_forecast_card(future, ours, now), chart


def share_forecast_card(future: pd.DataFrame, ours: str, now: float, level: float = 0.9) -> dict | None:
    """The last forecast period of our share, against our share now."""
    mine = future[future["company"] == ours]
    if mine.empty:
        return None
    last = mine.iloc[-1]
    return dict(label=f"Forecast, {last['date']:%b %Y}", value=percent(float(last["share"])),
                delta=points(float(last["share"]) - now), delta_description="vs last 12 months" if len(mine) == 12
                else f"vs the last {len(mine)} periods",
                help=f"{ours}'s share. {level:.0%} interval {last['lower']:.1f}% to {last['upper']:.1f}%. Every company's share is "
                     "forecast together so that they add up to 100% (the method is on Competitors).")


Target = Callable[[Finding], tuple[str, dict[str, list[str]]]]  # a finding's evidence: page file, query


def evidence_link(finding: Finding, target: Target, label: str = "Evidence") -> None:
    """A link to the finding's evidence that opens in the same tab (client-side: the session and data stay)."""
    page, params = target(finding)
    st.page_link(page, label=label, icon=":material/arrow_forward:", icon_position="right", query_params=params,
                 help="")  # not the page's own help: a tooltip wrapper hides in presentation mode


def findings_list(found: list[Finding], target: Target) -> None:
    """Biggest first, one row each: what changed, its size, and the link to its evidence."""
    for f in found:
        text, link = st.columns([7, 1], vertical_alignment="center")
        text.markdown(f"{BADGES.get(f.sentiment, BADGES['neutral'])} **{md(amount(f))}** · {md(f.text)}")
        with link:
            evidence_link(f, target)


def explained_list(title: str, items: list[Finding], target: Target, empty: str) -> None:
    """Risks or Opportunities: each item says why it is one and what to watch."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        if not items:
            st.caption(md(empty))
            return
        for f in items:
            st.markdown(f"**{md(f.text)}** ({md(amount(f))})  \n{md(f.why)}  \n*Watch:* {md(f.watch)}")
            evidence_link(f, target)


def server_base() -> str:
    """The address the user reached the app on (scheme, host, base path), so exported links work from a
    file; empty when unknown (AppTest), and then links stay relative."""
    parts = urlsplit(st.context.url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")


def deck_groups(found: list[Finding], risks: list[Finding], opportunities: list[Finding],
                link: Callable[[Finding], str], ours: str, missing: str = "") -> list[Group]:
    """What changed, Risks and Opportunities as a deck says them, each with its absolute evidence link."""
    base = server_base()
    point = lambda f, detail: Point(f.text, amount(f), f.sentiment, detail,  # noqa: E731
                                    base + link(f))
    return [
        Group("What changed", [point(f, "") for f in found], missing or "Checked overtakes, entrants, share runs, "
              "the gap to the leader and share moves: none passes its threshold in this slice."),
        Group("Risks", [point(f, f"{f.why} Watch: {f.watch}".strip()) for f in risks],
              missing or f"No change in this slice works against {ours}."),
        Group("Opportunities", [point(f, f"{f.why} Watch: {f.watch}".strip()) for f in opportunities],
              missing or f"No change in this slice works for {ours}."),
    ]


def outlook_export(table: pd.DataFrame | None, by: str, measure: str, heading: str) -> Table | None:
    """The outlook table as the exports show it: the same columns as on the page, formatted for reading."""
    if table is None or table.empty:
        return None
    signed = lambda value: "n/a" if pd.isna(value) else f"{value:+.1f}%"  # noqa: E731
    rows = [[str(row[by]), compact(row["last_year"], measure), compact(row["next_year"], measure),
             signed(row["growth"]), signed(row["growth_low"]), signed(row["growth_high"]), str(row["model"])]
            for _, row in table.iterrows()]
    return Table(heading, [by.capitalize(), "Last year", "Next year (forecast)", "Growth", "Low", "High", "Model"], rows)


def how_to_read(ours: str, span: str) -> str:
    """The exported report's footer: what its figures, arrows and links mean without the app to ask."""
    return (f"Figures are sums over the latest {span} against the {span} before, for the data and slice named at "
            f"the top. ▲ green is a rise and ▼ red a fall, also written as a signed number: percent, or "
            f"percentage points (pts) for shares. Findings are ranked by the money they move a year; “bad for us” "
            f"and “good for us” are for {ours}. Each “evidence” link opens the dashboard page with the numbers "
            f"behind a finding, on the same data (it needs access to the dashboard).")
