"""What changed, in one ranked list, and the Briefing's headline built from it.

`changes` runs every finding kind the data supports: the money kinds of
`findings` when the market table has units and revenue, and the share kinds
of `share_findings` on any measure. `headline` turns where we stand, the
biggest change and where the market is heading into one or two sentences a
VP can read aloud; nothing in it is written per dataset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.breaks import Break
from analysis.calendar import calendar
from analysis.findings import Finding, biggest_varied, findings
from analysis.share_findings import MEASURE_WORDS, SHARE_WORDS, best_measure, period_word, share_findings, share_table, standing
from analysis.shocks import regular, shock_findings

HEADLINE_ORDER = ("overtake", "shock", "entrant", "run")  # the change a headline names first, after our own share


def _has(frame: pd.DataFrame, measure: str) -> bool:
    return measure in frame and frame[measure].notna().any() and float(frame[measure].sum()) > 0


def needs(market: pd.DataFrame, season: int) -> str | None:
    """What the data lacks for findings, in one sentence; None when they can be computed."""
    if market.empty or not any(_has(market, m) for m in ("revenue", "units", "share")):
        return "Findings need figures (revenue, units or share) in this slice."
    periods = market["date"].nunique()
    if periods < 2 * season:
        word = period_word(market["date"].unique())
        compare = f"Findings compare the last {season} {word}s with the {season} before: "
        span = len(calendar(market["date"]))
        if span >= 2 * season:  # long enough, but periods in between have no figures
            return (compare + f"{span - periods} of the {span} {word}s in this slice have no figures, and the "
                    f"comparison needs {2 * season} {word}s with figures; load the missing {word}s (the Data page "
                    "shows which).")
        return (compare + f"this slice has {periods} {word}{'s' * (periods != 1)}; widen the period or load at "
                f"least {2 * season}.")
    if market["company"].nunique() < 2:
        return "Findings compare companies: this slice has only one."
    return None


def changes(market: pd.DataFrame, ours: str, season: int = 12, *, rest: Iterable[str] | None = None,
            limit: int = 8) -> list[Finding]:
    """Every kind of finding the data supports, biggest first (money, or share points with shares only);
    at most two of a kind so the list stays varied."""
    if needs(market, season) is not None:
        return []
    candidates: list[Finding] = []
    if _has(market, "units") and _has(market, "revenue"):
        candidates += findings(market, ours, season, limit=limit)
    measure = best_measure(market)
    totals = market.groupby(["date", "company"], as_index=False)[measure].sum()
    table = share_table(totals, measure, rest)
    candidates += share_findings(table, ours, season)
    size = totals.groupby("date")[measure].sum().sort_index()
    if measure != "share" and regular(size.index):  # a shock compares each period with the same one a year before
        candidates += shock_findings(size, season, measure, table.period, recent=2 * season)
    return biggest_varied(candidates, limit)


@dataclass(frozen=True)
class Heading:
    """Where the market is heading, for the headline's second sentence."""

    market_growth: float | None = None  # percent, last window against the one before
    forecast_growth: float | None = None  # percent, next window against the last
    forecast_range: tuple[float, float] | None = None
    share_date: pd.Timestamp | None = None  # share forecast: the last forecast period
    share_forecast: dict[str, float] | None = None  # company → forecast share in percent at `share_date`


def _grew(growth: float) -> str:
    return f"{'grew' if growth >= 0 else 'shrank'} {abs(growth):.1f}%"


def headline(market: pd.DataFrame, ours: str, season: int, found: list[Finding], heading: Heading | None = None,
             *, rest: Iterable[str] | None = None, breaks: Iterable[Break] = ()) -> str:
    """One or two sentences: where we stand and the biggest change; where the market is heading.

    A change of our share that spans one of our `breaks` (a tracker's change of method) says so.
    """
    measure = best_measure(market)
    totals = market.groupby(["date", "company"], as_index=False)[measure].sum()
    table = share_table(totals, measure, rest)
    window = min(season, max(1, len(table.volume)))
    where = standing(table, ours, window)
    word = MEASURE_WORDS[measure]
    if where is None:
        return f"{ours} has no {word if measure != 'share' else 'share'} figures in this slice."
    span = where.span
    reference, when = (where.first_share, f"the first {span}") if where.first_share is not None else (
        where.previous_share, f"the {span} before")
    moved = reference is not None and abs(where.share - reference) >= 0.5
    if where.rank == 1:
        place = f"{where.gap:.1f} points ahead of {where.rival}" if where.rival is not None else "alone"
    else:
        place = f"#{where.rank} of {where.of}, {abs(where.gap):.1f} points behind the leader {where.rival}"
        if where.previous_gap is not None and abs(where.gap - where.previous_gap) >= 0.5:
            place += f" (it was {abs(where.previous_gap):.1f} the {span} before)"
    if moved:
        dates = table.volume.index
        since = dates[window - 1] if where.first_share is not None else dates[-window - 1]  # the reference's end
        across = [b for b in breaks if b.company == ours and since < b.date <= dates[-1]]
        caveat = f" (across a likely change in the tracker's method in {across[0].date:%b %Y})" if across else ""
        first = (f"{ours}'s {SHARE_WORDS[measure]} {'fell' if where.share < reference else 'rose'} from {reference:.1f}% in "
                 f"{when} to {where.share:.1f}% in the last {span}{caveat}; it "
                 + (f"{'still ' if where.share < reference else ''}leads, {place}" if where.rank == 1 else f"is {place}"))
    else:
        first = (f"{ours} leads with {where.share:.1f}% of {word} over the last {span}, {place}" if where.rank == 1
                 else f"{ours} has {where.share:.1f}% of {word} over the last {span}, {place}")
    story = _biggest_change(found, ours)
    if story:
        first += f", {story}" if story.startswith("but ") else f"; {story}"
    sentences = [first + "."]
    if heading is not None and (second := _heading(heading, ours, where.rival, span)):
        sentences.append(second)
    return " ".join(sentences)


def _biggest_change(found: list[Finding], ours: str) -> str:
    about_us = [f for f in found if f.kind == "overtake" and ours in f.parties]
    if about_us:
        f = about_us[0]
        return f"but {f.clause}" if f.parties[1] == ours else f.clause
    for kind in HEADLINE_ORDER:
        for f in found:
            if f.kind == kind and f.clause:
                return f.clause
    return ""


def _heading(heading: Heading, ours: str, rival: str | None, span: str) -> str:
    if heading.forecast_growth is not None and np.isfinite(heading.forecast_growth):
        low, high = heading.forecast_range or (np.nan, np.nan)
        text = "The market "
        if heading.market_growth is not None:
            text += f"{_grew(heading.market_growth)} over the last {span} and "
        verb = "grow" if heading.forecast_growth >= 0 else "shrink"
        text += f"is forecast to {verb} {abs(heading.forecast_growth):.1f}% over the next"
        if np.isfinite(low) and np.isfinite(high):
            text += f" (range {low:+.0f}% to {high:+.0f}%)"
        return text + "."
    if heading.share_forecast and heading.share_date is not None and ours in heading.share_forecast:
        text = f"On current trends {ours} holds {heading.share_forecast[ours]:.1f}% of the market in {heading.share_date:%b %Y}"
        if rival is not None and rival in heading.share_forecast:
            text += f", {rival} {heading.share_forecast[rival]:.1f}%"
        return text + " (share forecast)."
    if heading.market_growth is not None:
        return f"The market {_grew(heading.market_growth)} over the last {span}."
    return ""
