"""Money from adoption: cash flows, NPV, IRR, payback, and NPV under uncertainty.

Launch options are compared on what they are worth today (NPV at the firm's
discount rate), how long they take to pay back, and how likely they are to
lose money. Monte Carlo turns each uncertain input's range into a distribution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from analysis.bass import cumulative_share


def npv(rate: float, cash_flows: Sequence[float] | np.ndarray, *, per_year: int = 1) -> float:
    """Net present value of flows at the end of periods 0, 1, 2, …; `rate` is per year."""
    flows = np.asarray(cash_flows, dtype=float)
    factor = (1.0 + rate) ** (-np.arange(len(flows)) / per_year)
    return float((flows * factor).sum())


def irr(cash_flows: Sequence[float] | np.ndarray, *, per_year: int = 1) -> float | None:
    """The yearly rate at which NPV is zero; None when the flows never change sign."""
    flows = np.asarray(cash_flows, dtype=float)
    if not (flows < 0).any() or not (flows > 0).any():
        return None
    try:
        return float(brentq(lambda r: npv(r, flows, per_year=per_year), -0.99, 100.0, maxiter=500))
    except ValueError:  # no sign change of NPV in the bracket
        return None


def payback(cash_flows: Sequence[float] | np.ndarray) -> float | None:
    """Periods until cumulative cash turns non-negative (interpolated); None if it never does."""
    cumulative = np.cumsum(np.asarray(cash_flows, dtype=float))
    after = np.nonzero(cumulative >= 0)[0]
    if len(after) == 0:
        return None
    k = int(after[0])
    if k == 0:
        return 0.0
    before, now = cumulative[k - 1], cumulative[k]
    return float(k - 1 + (-before) / (now - before))


@dataclass(frozen=True)
class LaunchInputs:
    """One launch option; p and q are per year, periods are `1 / per_year` of a year.

    Recurring (the default, as for subscriptions and contracts): every adopter
    pays `price` and costs `unit_cost` each year from adoption on. One-off: each
    adopter pays once, when adopting.
    """

    market_size: float  # potential adopters
    price: float
    unit_cost: float
    fixed_cost: float  # paid at launch (period 0)
    p: float
    q: float
    periods: int = 60
    per_year: int = 12
    recurring: bool = True


def cash_flows(option: LaunchInputs) -> pd.DataFrame:
    """New adopters, revenue, costs and cash per period (period 0 holds the launch cost)."""
    t = np.arange(0, option.periods + 1) / option.per_year
    cumulative = option.market_size * cumulative_share(t, option.p, option.q)
    units = np.diff(cumulative)
    paying = _paying(cumulative[None, :], option)[0]
    revenue = paying * option.price
    costs = paying * option.unit_cost
    cash = np.concatenate([[-option.fixed_cost], revenue - costs])
    return pd.DataFrame({
        "period": np.arange(0, option.periods + 1),
        "units": np.concatenate([[0.0], units]),
        "revenue": np.concatenate([[0.0], revenue]),
        "costs": np.concatenate([[option.fixed_cost], costs]),
        "cash": cash,
        "cumulative_cash": np.cumsum(cash),
    })


def simulate_npv(option: LaunchInputs, ranges: Mapping[str, tuple[float, float]], rate: float, *,
                 draws: int = 10_000, seed: int = 7) -> np.ndarray:
    """NPV of `draws` versions of the option, each uncertain input uniform in its range.

    Vectorised over draws (10,000 × 60 periods in a few milliseconds). An input
    without a range, or with a zero-width one, keeps its value, so with no
    ranges every draw equals the deterministic NPV.
    """
    rng = np.random.default_rng(seed)
    values = {}
    for name in ("market_size", "price", "unit_cost", "fixed_cost", "p", "q"):
        low, high = ranges.get(name, (getattr(option, name),) * 2)
        values[name] = rng.uniform(low, high, draws) if high > low else np.full(draws, float(low))
    t = np.arange(0, option.periods + 1) / option.per_year
    p, q = values["p"][:, None], values["q"][:, None]
    e = np.exp(-(p + q) * t[None, :])
    cumulative = values["market_size"][:, None] * (1.0 - e) / (1.0 + (q / p) * e)
    margin = (values["price"] - values["unit_cost"])[:, None] * _paying(cumulative, option)
    discount = (1.0 + rate) ** (-np.arange(1, option.periods + 1) / option.per_year)
    return margin @ discount - values["fixed_cost"]


def _paying(cumulative: np.ndarray, option: LaunchInputs) -> np.ndarray:
    """What is billed each period, in adopter-years: new adopters once, or every adopter's share of a year."""
    if option.recurring:
        return cumulative[:, 1:] / option.per_year  # adopters at the end of each period, billed for that period
    return np.diff(cumulative, axis=1)


@dataclass(frozen=True)
class Risk:
    expected: float
    p10: float
    p90: float
    probability_positive: float

    @classmethod
    def of(cls, outcomes: np.ndarray) -> Risk:
        return cls(float(outcomes.mean()), float(np.percentile(outcomes, 10)), float(np.percentile(outcomes, 90)),
                   float((outcomes > 0).mean()))
