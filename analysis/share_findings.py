"""Findings that need shares only: where we stand, overtakes, entrants, the gap to the leader, share runs.

They work on any measure (revenue, units, or the percent shares a tracker
exports), so share-only data gets findings too. With revenue each finding is
sized in dollars (share points times the market they are points of); with
shares only, in share points. A catch-all column ("Other", "Others",
"Unknown") is the rest of the market unless the user says it is a company:
it counts in the denominator but is never ranked, never overtakes anyone and
is never "the leader".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.findings import Finding

CATCH_ALL_NAMES = ("other", "others", "unknown", "rest", "rest of market", "rest of world", "all others", "n/a")
MIN_POSITION_MOVE = 0.5  # share points of our own share, last window against the one before
MIN_GAP_CHANGE = 0.5  # share points of the gap to the leader
MIN_ENTRANT_SHARE = 1.0  # an entrant below this share is not a story yet
MIN_RANK_SHARE = 2.0  # two rivals trading places matter when both hold at least this share
MIN_RANK_SWING = 1.0  # and the order between them moved by at least this many points
MEASURE_WORDS = {"revenue": "revenue", "units": "units", "share": "the market"}
UNITS = {"revenue": "USD", "units": "units", "share": "points"}
SHARE_WORDS = {"revenue": "revenue share", "units": "unit share", "share": "market share"}  # never just "share"


def is_catch_all(name: str) -> bool:
    return str(name).strip().lower() in CATCH_ALL_NAMES


def catch_all(companies: Iterable[str], rest: Iterable[str] | None = None) -> set[str]:
    """The companies that stand for the rest of the market: as the user said, else guessed by name."""
    if rest is not None:
        return set(rest)
    return {c for c in companies if is_catch_all(c)}


def best_measure(frame: pd.DataFrame) -> str:
    """Revenue if the data has it, else units, else share: findings rank by money when they can."""
    for measure in ("revenue", "units", "share"):
        if measure in frame and frame[measure].notna().any() and frame[measure].sum() > 0:
            return measure
    return "share"


def period_word(dates: Iterable[pd.Timestamp]) -> str:
    """'month', 'quarter', 'year' or 'week', from the typical spacing of the dates."""
    unique = pd.DatetimeIndex(sorted(set(dates)))
    if len(unique) < 2:
        return "period"
    days = float(np.median((unique[1:] - unique[:-1]).total_seconds())) / 86_400
    for word, limit in (("week", 10), ("month", 45), ("quarter", 140)):
        if days <= limit:
            return word
    return "year"


@dataclass(frozen=True)
class ShareTable:
    """Per-period figures and percent shares of every company (columns), and who can be ranked."""

    volume: pd.DataFrame
    shares: pd.DataFrame
    measure: str
    ranked: tuple[str, ...]
    period: str  # "month", "quarter", …

    def window_shares(self, rows: slice) -> pd.Series:
        part = self.volume.iloc[rows].sum()
        whole = float(part.sum())
        return 100.0 * part / whole if whole > 0 else part * np.nan

    def size(self, window: int) -> float:
        """The market over the last window, in the measure's unit (for sizing findings in money)."""
        return float(self.volume.iloc[-window:].sum().sum())


def share_table(totals: pd.DataFrame, measure: str, rest: Iterable[str] | None = None) -> ShareTable:
    """From totals per (`date`, `company`) of `measure`."""
    volume = totals.pivot_table(index="date", columns="company", values=measure, aggfunc="sum").sort_index()
    volume = volume.fillna(0.0).clip(lower=0.0)
    volume = volume[volume.sum(axis=1) > 0]
    shares = 100.0 * volume.div(volume.sum(axis=1), axis=0)
    others = catch_all(volume.columns, rest)
    ranked = tuple(c for c in volume.columns if c not in others)
    return ShareTable(volume, shares, measure, ranked, period_word(volume.index))


@dataclass(frozen=True)
class Standing:
    """Where `company` stands over the last window: share, rank and the gap to the nearest rival at the top."""

    company: str
    measure: str
    window: int
    period: str
    share: float
    rank: int
    of: int
    rival: str | None  # the leader when we are behind, the runner-up when we lead
    rival_share: float | None
    previous_share: float | None  # our share in the window before
    previous_gap: float | None  # `gap` in the window before, against the same rival
    first_share: float | None  # our share in the first window of the data, when it has more than two
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def gap(self) -> float | None:
        """Our share minus the rival's: positive is our lead over #2, negative how far behind the leader we are."""
        return None if self.rival_share is None else self.share - self.rival_share

    @property
    def span(self) -> str:
        return f"{self.window} {self.period}s" if self.window > 1 else self.period


def standing(table: ShareTable, ours: str, window: int) -> Standing | None:
    """None when `ours` is not in the data or is the rest of the market."""
    if ours not in table.ranked or table.volume.empty:
        return None
    now = table.window_shares(slice(-window, None))[list(table.ranked)].sort_values(ascending=False)
    rank = int(list(now.index).index(ours)) + 1
    rival = (now.index[0] if rank > 1 else now.index[1] if len(now) > 1 else None)
    has_previous = len(table.volume) >= 2 * window
    before = table.window_shares(slice(-2 * window, -window)) if has_previous else None
    first = table.window_shares(slice(None, window)) if len(table.volume) > 2 * window else None
    previous_gap = None
    if before is not None and rival is not None:
        previous_gap = float(before[ours] - before[rival])
    return Standing(
        ours, table.measure, window, table.period, float(now[ours]), rank, len(now), rival,
        None if rival is None else float(now[rival]),
        None if before is None else float(before[ours]), previous_gap,
        None if first is None else float(first[ours]),
        table.volume.index[-window:][0], table.volume.index[-1],
    )


def _sized(table: ShareTable, points: float, window: int) -> float:
    return abs(points) if table.measure == "share" else abs(points) / 100.0 * table.size(window)


def _of(table: ShareTable) -> str:
    return SHARE_WORDS.get(table.measure, "market share")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def overtakes(table: ShareTable, ours: str, window: int, *, min_run: int | None = None) -> list[Finding]:
    """Who passed whom, and when: a pair whose order flipped and stayed flipped for `min_run` periods or more.

    The order before is the average over the `window` periods before the flip, so
    a single noisy month does not count as an overtake, and neither does a pair
    that swaps places every other month. Only flips within the last two windows
    are news. Pairs involving us, and changes of leader, are overtakes; a pair
    of other rivals trading places is a rank change (kind "rank"), reported
    when both hold MIN_RANK_SHARE or more and the swing is MIN_RANK_SWING
    points or more, so small players swapping places stay out of the briefing.
    """
    min_run = min_run or (2 if window >= 4 else 1)
    shares = table.shares[list(table.ranked)]
    if len(shares) < min_run + 2:
        return []
    leader_now = shares.iloc[-1].idxmax()  # who leads in the latest period
    top = [c for c in shares.columns if shares[c].iloc[-window:].mean() >= 0.5]
    found = []
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            d = (shares[a] - shares[b]).to_numpy()
            sign = np.sign(d[-1])
            if sign == 0:
                continue
            run = 0
            while run < len(d) and np.sign(d[-1 - run]) == sign:
                run += 1
            if run < min_run or run > 2 * window or run == len(d):
                continue
            before = d[-run - window:-run] if len(d) - run >= 1 else d[:0]
            if len(before) == 0 or np.sign(before.mean()) != -sign:
                continue
            passer, passed = (a, b) if sign > 0 else (b, a)
            when = shares.index[-run]
            swing = abs(float(d[-min(run, window):].mean() - before.mean()))
            last = shares.index[-1]
            kind = "overtake" if ours in (a, b) or passer == leader_now else "rank"
            place = int((shares.iloc[-1] > shares[passer].iloc[-1]).sum()) + 1
            if kind == "rank" and (swing < MIN_RANK_SWING or min(shares[a].iloc[-window:].mean(),
                                                                 shares[b].iloc[-window:].mean()) < MIN_RANK_SHARE):
                continue
            text = (f"{passer} overtook {passed} in {when:%b %Y} and has been ahead every {table.period} since: "
                    f"{shares[passer].iloc[-1]:.1f}% against "
                    f"{shares[passed].iloc[-1]:.1f}% of {MEASURE_WORDS[table.measure]} in {last:%b %Y}.")
            if run == 1:
                text = (f"{passer} overtook {passed} in {when:%b %Y}: {shares[passer].iloc[-1]:.1f}% against "
                        f"{shares[passed].iloc[-1]:.1f}% of {MEASURE_WORDS[table.measure]}.")
            if kind == "rank":
                text = text.replace(f" overtook {passed} in ", f" overtook {passed} for #{place} in ", 1)
            sentiment = "risk" if passed == ours else "opportunity" if passer == ours else "neutral"
            rival = passer if passed == ours else passed
            why = (f"{passer} has led {passed} in each of the last {_plural(run, table.period)}, after trailing by "
                   f"{abs(before.mean()):.1f} points on average in the {_plural(len(before), table.period)} before.")
            watch = (f"Whether {passer} is still ahead next {table.period}: the gap is "
                     f"{abs(d[-1]):.1f} points in {last:%b %Y}.")
            found.append(Finding(kind, text, _sized(table, swing, window), "competitors",
                                 {"rival": [rival]} if rival != ours else {}, sentiment, UNITS[table.measure],
                                 why, watch, when, f"{passer} passes {passed}",
                                 f"{passer} overtook {passed} in {when:%b %Y}"
                                 + (f" and has been ahead every {table.period} since" if run > 1 else ""),
                                 (passer, passed)))
    return sorted(found, key=lambda f: f.impact, reverse=True)


def entrants(table: ShareTable, ours: str, window: int) -> list[Finding]:
    """Companies absent from the first periods that now hold a real share: when they came, how far they got."""
    found = []
    if len(table.volume) < 2 * window:
        return found
    now = table.window_shares(slice(-window, None))
    before = table.window_shares(slice(-2 * window, -window))
    ranks = now[list(table.ranked)].rank(ascending=False, method="min")
    for company in table.ranked:
        if company == ours:
            continue
        present = table.volume[company] > 0
        if present.iloc[0] or not present.any() or now[company] < MIN_ENTRANT_SHARE:
            continue
        entry = present.idxmax()
        periods_in = int((table.volume.index >= entry).sum())
        gain = float(now[company] - before[company])
        our_change = float(now.get(ours, 0.0) - before.get(ours, 0.0))
        text = (f"{company} entered in {entry:%b %Y} and has risen to {now[company]:.1f}% of "
                f"{MEASURE_WORDS[table.measure]} over the last {_plural(window, table.period)} "
                f"({gain:+.1f} points on the {_plural(window, table.period)} before), #{int(ranks[company])} of "
                f"{len(ranks)}.")
        impact_points = gain if periods_in > 2 * window else now[company]
        found.append(Finding(
            "entrant", text, _sized(table, impact_points, window), "competitors", {"rival": [company]},
            "risk" if gain > 0 and our_change < 0 else "neutral", UNITS[table.measure],
            f"An entrant that took {now[company]:.1f} points in {_plural(periods_in, table.period)} takes them from "
            f"incumbents; {ours} moved {our_change:+.1f} points over the same year.",
            f"{company}'s share next {table.period} against {now[company]:.1f}%; a run of gains means it is still "
            "winning customers.", entry, f"{company} enters",
            f"the entrant {company} has risen to {now[company]:.1f}% since {entry:%b %Y}", (company,)))
    return found


def leader_gap(table: ShareTable, ours: str, window: int) -> list[Finding]:
    """Our gap to the leader (or our lead over #2) widening or closing, last window against the one before."""
    where = standing(table, ours, window)
    if where is None or where.gap is None or where.previous_gap is None:
        return []
    change = where.gap - where.previous_gap
    if abs(change) < MIN_GAP_CHANGE:
        return []
    span = _plural(window, table.period)
    if where.rank == 1:
        verb = "widened" if change > 0 else "narrowed"
        text = (f"{ours}'s lead over {where.rival} {verb} from {where.previous_gap:.1f} to {where.gap:.1f} points "
                f"of {_of(table)} (last {span} against the {span} before).")
        watch = f"{where.rival}'s share against ours: a lead of {where.gap:.1f} points is what stands between us."
    else:
        verb = "closed" if change > 0 else "widened"
        text = (f"{ours}'s gap to the leader {where.rival} {verb} from {abs(where.previous_gap):.1f} to "
                f"{abs(where.gap):.1f} points of {_of(table)} (last {span} against the {span} before).")
        watch = f"The gap to {where.rival}: {abs(where.gap):.1f} points now, {abs(where.previous_gap):.1f} a year before."
    good = change > 0
    why = (f"{ours} is #{where.rank} of {where.of} with {where.share:.1f}%; {where.rival} has {where.rival_share:.1f}%. "
           f"The gap moved {abs(change):.1f} points in {'our' if good else 'their'} favour in a year.")
    title = (f"Lead over {where.rival} {verb}" if where.rank == 1 else f"Gap to the leader {where.rival} {verb}")
    return [Finding("gap", text, _sized(table, change, window), "competitors", {"rival": [where.rival]},
                    "opportunity" if good else "risk", UNITS[table.measure], why, watch, None, title)]


def share_runs(table: ShareTable, ours: str, window: int, *, min_run: int | None = None) -> list[Finding]:
    """A rival whose share rose in each of the last `min_run` periods or more, up to the latest."""
    min_run = min_run or (4 if window >= 12 else 3)
    found = []
    last = table.shares.index[-1] if len(table.shares) else None
    for company in table.ranked:
        if company == ours:
            continue
        steps = table.shares[company].diff().to_numpy()[1:]
        run = 0
        while run < len(steps) and steps[-1 - run] > 0:
            run += 1
        if run < min_run:
            continue
        series = table.shares[company]
        gain = float(series.iloc[-1] - series.iloc[-1 - run])
        start = table.shares.index[-1 - run]
        ours_series = table.shares[ours] if ours in table.shares else None
        our_move = float(ours_series.iloc[-1] - ours_series.iloc[-1 - run]) if ours_series is not None else 0.0
        text = (f"{company} gained share {_plural(run, table.period)} in a row: {series.iloc[-1 - run]:.1f}% in "
                f"{start:%b %Y} to {series.iloc[-1]:.1f}% in {last:%b %Y} ({gain:+.1f} points); {ours} "
                f"{our_move:+.1f} over the same {table.period}s.")
        found.append(Finding(
            "run", text, _sized(table, gain, window), "competitors", {"rival": [company]},
            "risk" if our_move < 0 else "neutral", UNITS[table.measure],
            f"A run of {run} gains in a row is a trend, not noise: {company} is winning customers steadily.",
            f"Whether {company} gains again next {table.period}; each more gain makes the run harder to stop.",
            start, f"{company} run starts",
            f"{company} has gained share {_plural(run, table.period)} in a row", (company,)))
    return found


def position(table: ShareTable, ours: str, window: int) -> list[Finding]:
    """Our own share, last window against the one before, and who gained most."""
    where = standing(table, ours, window)
    if where is None or where.previous_share is None:
        return []
    change = where.share - where.previous_share
    if abs(change) < MIN_POSITION_MOVE:
        return []
    now, before = table.window_shares(slice(-window, None)), table.window_shares(slice(-2 * window, -window))
    moves = (now - before).drop(index=ours)
    movers = moves.sort_values(ascending=change > 0).head(2)
    movers = movers[movers > 0] if change < 0 else movers[movers < 0]
    who = " and ".join(f"{c} ({m:+.1f})" for c, m in movers.items())
    span = _plural(window, table.period)
    verb = "fell" if change < 0 else "rose"
    text = (f"{ours}'s {_of(table)} {verb} {abs(change):.1f} points to {where.share:.1f}% over the last {span}"
            + (f"; {who} {'gained' if change < 0 else 'lost'} most" if who else "") + ".")
    since = "" if where.first_share is None else (
        f" Over the whole period it went from {where.first_share:.1f}% to {where.share:.1f}%.")
    return [Finding(
        "position", text, _sized(table, change, window), "competitors",
        {"rival": [str(movers.index[0])]} if len(movers) and change < 0 else {},
        "risk" if change < 0 else "opportunity", UNITS[table.measure],
        (f"Each point of {_of(table)} is {_amount(table, 1.0, window)} a year.{since}" if table.measure != "share"
         else f"{where.previous_share:.1f}% the {span} before, {where.share:.1f}% now.{since}"),
        f"{ours}'s share next {table.period} against {where.share:.1f}%"
        + (f", and {movers.index[0]}'s gains." if len(movers) and change < 0 else "."),
        None, f"{ours}'s {_of(table)} {'falling' if change < 0 else 'rising'}")]


def _amount(table: ShareTable, points: float, window: int) -> str:
    if table.measure == "share":
        return f"{points:.1f} point"
    return amount_text(_sized(table, points, window), table.measure)


def amount_text(value: float, measure: str) -> str:
    """$4.18M or 26.5k units: a size in words for a finding's sentence."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.3g}{suffix}"
            break
    else:
        text = f"{value:,.0f}"
    return f"${text}" if measure == "revenue" else f"{text} units"


def share_findings(table: ShareTable, ours: str, window: int) -> list[Finding]:
    """Every share kind, biggest first."""
    found = (position(table, ours, window) + overtakes(table, ours, window) + entrants(table, ours, window)
             + leader_gap(table, ours, window) + share_runs(table, ours, window))
    return sorted(found, key=lambda f: f.impact, reverse=True)


def standing_of(totals: pd.DataFrame, ours: str, measure: str, window: int,
                rest: Iterable[str] | None = None) -> Standing | None:
    """`standing` straight from totals per (`date`, `company`)."""
    return standing(share_table(totals, measure, rest), ours, window)
