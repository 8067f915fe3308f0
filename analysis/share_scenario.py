"""Share what-if for data with shares only: win (or lose) points, from whom, and what it changes.

A share tracker has no prices or units, so there is no elasticity to move. What
a product manager can still ask is "if we win two points from OS X by the end of
next year, where do we stand?". The baseline is the coherent share forecast;
the scenario moves our share along a straight ramp to the full change at the
end of the horizon, taken from (or given to) the chosen rivals in proportion to
their own forecast share, so the shares still add up to 100%. A rival cannot
fall below zero: the move is capped, and the cap is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ShareShift:
    """The baseline and the scenario per period and company, and what changes at the end."""

    path: pd.DataFrame  # date, company, baseline, scenario (percent)
    ours: str
    points: float  # the change asked for, at the end
    moved: float  # the change made at the end (smaller when the rivals run out of share)
    takers: tuple[str, ...]
    end: pd.Timestamp

    def at_end(self, column: str) -> pd.Series:
        last = self.path[self.path["date"] == self.end].set_index("company")[column]
        return last.sort_values(ascending=False)

    def rank(self, column: str, ranked: Iterable[str] | None = None) -> int:
        shares = self.at_end(column)
        if ranked is not None:
            shares = shares[shares.index.isin(list(ranked))]
        return int((shares > shares[self.ours]).sum()) + 1

    def passed(self, ranked: Iterable[str] | None = None) -> list[str]:
        """Who we pass (or who passes us) at the end, compared with the baseline."""
        base, scen = self.at_end("baseline"), self.at_end("scenario")
        names = [c for c in base.index if c != self.ours and (ranked is None or c in set(ranked))]
        ahead_before = {c for c in names if base[c] > base[self.ours]}
        ahead_after = {c for c in names if scen[c] > scen[self.ours]}
        return sorted(ahead_before ^ ahead_after)


def shift_shares(future: pd.DataFrame, ours: str, points: float, takers: Iterable[str] | None = None) -> ShareShift:
    """Move `ours` by `points` at the end of `future` (a share forecast: date, company, share), ramping linearly.

    `takers` are the rivals the points come from (or go to when `points` is
    negative); None means every rival.
    """
    wide = future.pivot_table(index="date", columns="company", values="share", aggfunc="sum").sort_index()
    if ours not in wide.columns or wide.empty:
        raise ValueError(f"{ours} has no share forecast in this slice.")
    rivals = [c for c in wide.columns if c != ours]
    chosen = tuple(c for c in (takers if takers is not None else rivals) if c in rivals) or tuple(rivals)
    steps = np.arange(1, len(wide) + 1) / len(wide)
    scenario = wide.copy()
    pool = wide[list(chosen)]
    wanted = points * steps
    if points > 0:  # taken from the chosen rivals, never below zero
        wanted = np.minimum(wanted, pool.sum(axis=1).to_numpy())
    else:  # given to the chosen rivals, never taking us below zero
        wanted = np.maximum(wanted, -wide[ours].to_numpy())
    weights = pool.div(pool.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(1.0 / len(chosen))
    scenario[ours] = wide[ours] + wanted
    scenario[list(chosen)] = pool.sub(weights.mul(wanted, axis=0))
    path = (pd.concat({"baseline": wide, "scenario": scenario}, axis=1).stack(level=1, future_stack=True)
            .reset_index().rename(columns={"level_1": "company"}))
    path.columns = ["date", "company", *path.columns[2:]]
    return ShareShift(path[["date", "company", "baseline", "scenario"]], ours, float(points), float(wanted[-1]),
                      chosen, wide.index[-1])


def describe(shift: ShareShift, ranked: Iterable[str] | None = None) -> str:
    """The outcome in one or two plain sentences."""
    base, scen = shift.at_end("baseline"), shift.at_end("scenario")
    ours, end = shift.ours, f"{shift.end:%b %Y}"
    if abs(shift.moved) < 0.05:
        return f"With no change, {ours} is forecast at {base[ours]:.1f}% in {end}, #{shift.rank('baseline', ranked)}."
    verb = "Winning" if shift.moved > 0 else "Losing"
    moves = sorted(((c, scen[c] - base[c]) for c in shift.takers), key=lambda item: abs(item[1]), reverse=True)
    who = ", ".join(f"{c} {m:+.1f}" for c, m in moves if abs(m) >= 0.05)
    before, after = shift.rank("baseline", ranked), shift.rank("scenario", ranked)
    place = f"still #{after}" if before == after else f"#{after} instead of #{before}"
    text = (f"{verb} {abs(shift.moved):.1f} points by {end} puts {ours} at {scen[ours]:.1f}% instead of the forecast "
            f"{base[ours]:.1f}%, {place}" + (f"; {who}" if who else "") + ".")
    if abs(shift.moved) < abs(shift.points) - 0.05:
        text += (f" Only {abs(shift.moved):.1f} of the {abs(shift.points):.1f} points asked are possible: "
                 + ("the chosen rivals have no more share to lose." if shift.points > 0 else f"{ours} has no more."))
    passed = shift.passed(ranked)
    if passed:
        text += f" {ours} {'passes' if shift.moved > 0 else 'falls behind'} {', '.join(passed)}."
    return text


def value_of_points(shift: ShareShift, market_per_period: float) -> float:
    """What the scenario's extra share is worth over the horizon, for a market of `market_per_period` a period."""
    ours = shift.path[shift.path["company"] == shift.ours]
    return float(((ours["scenario"] - ours["baseline"]) / 100.0 * market_per_period).sum())
