"""Findings for the executive briefing: short sentences, ranked by the money they move.

Each finding is computed from the market table over the latest twelve periods
against the twelve before, carries the size of what it describes in dollars
(share points times the market they are points of, growth times size, …) so
findings of different kinds can be ranked together, and names the page and
link parameters that show the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.competition import concentration

MIN_SHARE_POINTS = 1.0  # smaller share moves are noise at segment × region level
MIN_PRICE_MOVE = 5.0  # percent
ALL = "All"  # the segment and region of a file that has no such column
MIN_GROWTH_GAP = 3.0  # percentage points between our growth and the market's
MIN_HHI_CHANGE = 100.0


@dataclass(frozen=True)
class Finding:
    kind: str  # "share", "growth", "price", "lag", "concentration", "forecast", "overtake", "rank", "entrant",
    # "gap", "run", "position" or "shock"
    text: str
    impact: float  # USD a year the finding is about; ranks findings of every kind
    page: str  # url_path of the page with the evidence
    params: dict[str, list[str]] = field(default_factory=dict)
    sentiment: str = "neutral"  # "risk", "opportunity" or "neutral", for our company
    unit: str = "USD"  # what `impact` is in: "USD", "units" or "points" (share-only data)
    why: str = ""  # for Risks and Opportunities: why it matters to us, in numbers
    watch: str = ""  # and what to watch next
    when: pd.Timestamp | None = None  # the period the event happened, for chart annotations
    label: str = ""  # a short name of the event for a chart annotation, e.g. "Apex overtakes"
    clause: str = ""  # how the headline tells it, e.g. "but Apex overtook Northwind in Nov 2025"
    parties: tuple[str, ...] = ()  # the companies it is about, the mover first


def _years(frame: pd.DataFrame, season: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    dates = sorted(frame["date"].unique())
    last, previous = dates[-season:], dates[-2 * season : -season]
    return frame[frame["date"].isin(last)], frame[frame["date"].isin(previous)]


def _moved(growth: float) -> str:
    """'grew 9%' or 'shrank 2%': a minus sign after "grew" reads as a typo."""
    return f"{'grew' if growth >= 0 else 'shrank'} {abs(growth):.0f}%"


def _where(segment: str, region: str) -> str:
    """"SMB in Europe"; a file without segments or regions has "All" there, which is left out."""
    named = [name for name in (segment, region) if name != ALL]
    return " in ".join(named) or "the whole market"


def share_moves(market: pd.DataFrame, ours: str, season: int = 12) -> list[Finding]:
    """The biggest share gains and losses per segment and region, naming who moved and what we did."""
    now, before = _years(market, season)
    keys = ["segment", "region"]
    findings = []
    if before.empty:
        return findings
    size = now.groupby(keys)["revenue"].sum()
    share_now = 100 * now.groupby([*keys, "company"])["revenue"].sum() / size
    share_before = 100 * before.groupby([*keys, "company"])["revenue"].sum() / before.groupby(keys)["revenue"].sum()
    change = share_now.sub(share_before, fill_value=0.0)
    for (segment, region), moves in change.groupby(level=[0, 1]):
        moves = moves.droplevel([0, 1])
        mover = moves.drop(index=ours, errors="ignore").abs().idxmax() if len(moves) > 1 else None
        if mover is None or abs(moves[mover]) < MIN_SHARE_POINTS:
            continue
        ours_change = moves.get(ours, 0.0)
        verb = "gained" if moves[mover] > 0 else "lost"
        text = (f"{mover} {verb} {abs(moves[mover]):.1f} points of revenue share in {_where(segment, region)} "
                f"over the last 12 months; {ours} {'gained' if ours_change >= 0 else 'lost'} {abs(ours_change):.1f}.")
        # As many points either way make it good or bad for us: a rival's big gain beside our 0.1 is not good news.
        sentiment = ("risk" if ours_change < -MIN_SHARE_POINTS / 2 else "opportunity" if ours_change > MIN_SHARE_POINTS / 2
                     else "neutral")
        why, watch = (("Share we win in a segment and region is revenue our rivals no longer book.",
                       "Whether the rivals answer with price or launches there.") if sentiment == "opportunity"
                      else ("", ""))
        findings.append(Finding(
            "share", text, impact=abs(moves[mover]) / 100 * float(size[(segment, region)]), page="competitors",
            params={"segment": [segment], "region": [region], "rival": [mover]}, sentiment=sentiment, why=why,
            watch=watch,
        ))
    return findings


def growth_spots(market: pd.DataFrame, ours: str, season: int = 12) -> list[Finding]:
    """The fastest growing and shrinking segment × region cells, and our share of each."""
    now, before = _years(market, season)
    if before.empty:
        return []
    keys = ["segment", "region"]
    size_now, size_before = now.groupby(keys)["revenue"].sum(), before.groupby(keys)["revenue"].sum()
    growth = (100 * (size_now / size_before.where(size_before > 0) - 1)).dropna()
    mine = now[now["company"] == ours].groupby(keys)["revenue"].sum().reindex(size_now.index, fill_value=0.0)
    our_share = 100 * mine / size_now
    findings = []
    cells = dict.fromkeys([*growth.nlargest(2).index, *growth.nsmallest(1).index])  # with few cells these overlap
    for cell in cells:
        segment, region = cell
        rate = growth[cell]
        verb = "grows" if rate >= 0 else "shrinks"
        text = f"{_where(segment, region)} {verb} {abs(rate):.0f}% a year and {ours} holds {our_share[cell]:.0f}% of it."
        findings.append(Finding(
            "growth", text, impact=abs(rate) / 100 * float(size_now[cell]), page="market",
            params={"segment": [segment], "region": [region]},
            sentiment=("opportunity" if rate > 0 and our_share[cell] < 20 else "risk" if rate < 0 and our_share[cell] > 10
                       else "neutral"),
        ))
    return findings


def price_moves(market: pd.DataFrame, ours: str, season: int = 12) -> list[Finding]:
    """Companies whose average price in a region moved by more than MIN_PRICE_MOVE percent, and when.

    The date is the period where the price stepped most in the move's direction
    (the mean of the next three periods against the three before), so a chart
    can mark the cut or the rise where it happened, not at the window's edge.
    """
    now, before = _years(market, season)
    if before.empty:
        return []
    keys = ["region", "company"]
    price_now = now.groupby(keys)["revenue"].sum() / now.groupby(keys)["units"].sum()
    price_before = before.groupby(keys)["revenue"].sum() / before.groupby(keys)["units"].sum()
    move = (100 * (price_now / price_before - 1)).replace([np.inf, -np.inf], np.nan).dropna()
    revenue = now.groupby(keys)["revenue"].sum()
    both = pd.concat([before, now])
    monthly = both.groupby([*keys, "date"])[["revenue", "units"]].sum()
    findings = []
    for (region, company), pct in move[move.abs() >= MIN_PRICE_MOVE].items():
        cell = monthly.loc[(region, company)]
        when = step_date(cell["revenue"] / cell["units"].where(cell["units"] > 0), rising=pct > 0)
        where = "" if region == ALL else f" in {region}"  # a file without regions has "All" there
        findings.append(Finding(
            "price", f"{company}'s average price{where} was {abs(pct):.0f}% {'higher' if pct > 0 else 'lower'} "
                     f"over the last 12 months than the 12 before"
                     + (f"; the {'rise' if pct > 0 else 'cut'} came around {when:%b %Y}." if when is not None else "."),
            impact=abs(pct) / 100 * float(revenue[(region, company)]), page="competitors",
            params={"region": [region], **({"rival": [company]} if company != ours else {})},
            sentiment="risk" if pct < 0 and company != ours else "neutral", when=when,
            label=f"{company} {'raises' if pct > 0 else 'cuts'} price {abs(pct):.0f}%{where and f' ({region})'}",
            parties=(company,),
        ))
    return findings


def step_date(series: pd.Series, rising: bool, width: int = 3) -> pd.Timestamp | None:
    """The date where `series` steps most in one direction: mean of `width` periods from it against the `width` before."""
    values = series.dropna()
    if len(values) < 2 * width:
        return None
    ahead = values[::-1].rolling(width).mean()[::-1]  # mean of this period and the next width - 1
    behind = values.rolling(width).mean().shift(1)  # mean of the width periods before
    step = (ahead - behind).dropna()
    if step.empty:
        return None
    best = step.idxmax() if rising else step.idxmin()
    return pd.Timestamp(best) if (step[best] > 0) == rising else None


def growth_lags(market: pd.DataFrame, ours: str, season: int = 12) -> list[Finding]:
    """Segments where our revenue grows more slowly than the segment's market."""
    now, before = _years(market, season)
    if before.empty:
        return []
    findings = []
    for segment in sorted(market["segment"].unique()):
        seg_now, seg_before = now[now["segment"] == segment], before[before["segment"] == segment]
        market_growth = 100 * (seg_now["revenue"].sum() / seg_before["revenue"].sum() - 1)
        ours_now = seg_now[seg_now["company"] == ours]["revenue"].sum()
        ours_before = seg_before[seg_before["company"] == ours]["revenue"].sum()
        if ours_before <= 0:
            continue
        our_growth = 100 * (ours_now / ours_before - 1)
        gap = our_growth - market_growth
        if gap > -MIN_GROWTH_GAP:
            continue
        findings.append(Finding(
            "lag", f"In {segment}, {ours} {_moved(our_growth)} while the market {_moved(market_growth)}: "
                   f"{abs(gap):.0f} points behind.",
            impact=abs(gap) / 100 * ours_now, page="overview", params={"segment": [segment]}, sentiment="risk",
        ))
    return findings


def concentration_change(market: pd.DataFrame, season: int = 12) -> list[Finding]:
    """A notable change in HHI between the year before and the last."""
    totals = market.groupby(["date", "company"], as_index=False)["revenue"].sum()
    conc = concentration(totals, "revenue")
    if len(conc) < 2 * season:
        return []
    now, before = conc["hhi"].iloc[-season:].mean(), conc["hhi"].iloc[-2 * season : -season].mean()
    if abs(now - before) < MIN_HHI_CHANGE:
        return []
    direction = "more" if now > before else "less"
    size = market[market["date"].isin(sorted(market["date"].unique())[-season:])]["revenue"].sum()
    return [Finding("concentration", f"The market became {direction} concentrated: HHI {before:,.0f} → {now:,.0f}.",
                    impact=abs(now - before) / 10_000 * float(size), page="competitors")]


def findings(market: pd.DataFrame, ours: str, season: int = 12, limit: int = 8) -> list[Finding]:
    """Every kind of finding, biggest money first; at most two of a kind so the list stays varied."""
    recent = np.sort(market["date"].unique())[-2 * season :]
    market = market[market["date"].isin(recent)]  # every finding compares the last two years: skip the rest
    # A file without segments or regions is all "All": there, per-cell share and growth findings would repeat the
    # market-wide ones "in All in All", and a lag "in All" is the cards' growth against the market.
    whole = set(market["segment"].unique()) == {ALL} and set(market["region"].unique()) == {ALL}
    candidates = (([] if whole else share_moves(market, ours, season) + growth_spots(market, ours, season))
                  + price_moves(market, ours, season)
                  + ([] if set(market["segment"].unique()) == {ALL} else growth_lags(market, ours, season))
                  + concentration_change(market, season))
    return biggest_varied(candidates, limit)


def biggest_varied(candidates: list[Finding], limit: int, per_kind: int = 2) -> list[Finding]:
    """The biggest findings first, at most `per_kind` of a kind, so the list stays varied."""
    chosen, counts = [], {}
    for finding in sorted(candidates, key=lambda f: f.impact, reverse=True):
        if counts.get(finding.kind, 0) >= per_kind:
            continue
        chosen.append(finding)
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
        if len(chosen) == limit:
            break
    return chosen
