"""Ranking launch options: what each is worth, how risky it is, and what would change the choice.

Builds on the Bass curve and the finance functions. Uncertainty is given per
input as a relative range (e.g. market size −20% to +20%) and applied to every
option, so options are compared under the same doubt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from analysis.finance import LaunchInputs, Risk, cash_flows, irr, npv, payback, simulate_npv

INPUTS = ("market_size", "price", "unit_cost", "fixed_cost", "p", "q")
INPUT_LABELS = {"market_size": "market potential", "price": "price", "unit_cost": "unit cost",
                "fixed_cost": "launch cost", "p": "innovation p", "q": "imitation q"}
DEFAULT_RANGES: dict[str, tuple[float, float]] = {  # relative to each option's value
    "market_size": (-0.25, 0.25), "price": (-0.10, 0.10), "unit_cost": (-0.10, 0.15),
    "fixed_cost": (-0.10, 0.25), "p": (-0.30, 0.30), "q": (-0.30, 0.30),
}


def absolute_ranges(option: LaunchInputs, relative: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Relative ranges turned into low/high values of this option's inputs."""
    return {name: (getattr(option, name) * (1 + lo), getattr(option, name) * (1 + hi))
            for name, (lo, hi) in relative.items()}


@dataclass(frozen=True)
class Evaluation:
    option: str
    npv: float
    irr: float | None
    payback_years: float | None
    risk: Risk
    peak_units: float


def evaluate(name: str, option: LaunchInputs, rate: float, relative: Mapping[str, tuple[float, float]],
             draws: int = 10_000) -> Evaluation:
    flows = cash_flows(option)
    back = payback(flows["cash"].to_numpy())
    outcomes = simulate_npv(option, absolute_ranges(option, relative), rate, draws=draws)
    return Evaluation(
        option=name, npv=npv(rate, flows["cash"], per_year=option.per_year),
        irr=irr(flows["cash"], per_year=option.per_year),
        payback_years=None if back is None else back / option.per_year,
        risk=Risk.of(outcomes), peak_units=float(flows["units"].max()),
    )


def ranking(evaluations: list[Evaluation]) -> pd.DataFrame:
    """One row per option, best expected NPV first."""
    rows = [{
        "option": e.option, "npv": e.npv, "expected_npv": e.risk.expected, "p10": e.risk.p10, "p90": e.risk.p90,
        "probability_positive": 100.0 * e.risk.probability_positive, "irr": None if e.irr is None else 100.0 * e.irr,
        "payback_years": e.payback_years,
    } for e in evaluations]
    return pd.DataFrame(rows).sort_values("expected_npv", ascending=False).reset_index(drop=True)


def tornado(option: LaunchInputs, rate: float, relative: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """NPV with each input at the low and the high end of its range, the others held: biggest swing first."""
    base = npv(rate, cash_flows(option)["cash"], per_year=option.per_year)
    rows = []
    for name, (low, high) in absolute_ranges(option, relative).items():
        at_low = npv(rate, cash_flows(replace(option, **{name: low}))["cash"], per_year=option.per_year)
        at_high = npv(rate, cash_flows(replace(option, **{name: high}))["cash"], per_year=option.per_year)
        rows.append({"input": INPUT_LABELS[name], "low_value": low, "high_value": high,
                     "npv_low": at_low, "npv_high": at_high, "swing": abs(at_high - at_low), "base": base})
    return pd.DataFrame(rows).sort_values("swing", ascending=False).reset_index(drop=True)


def what_changes_the_choice(best: LaunchInputs, runner_up_npv: float, rate: float,
                            relative: Mapping[str, tuple[float, float]]) -> list[str]:
    """Inputs of the winner whose plausible values would make it lose to the runner-up.

    For each input, find the value at which the winner's NPV equals the
    runner-up's; report it when it lies inside the input's range.
    """
    findings = []
    for name, (low, high) in absolute_ranges(best, relative).items():
        def gap(value: float, name: str = name) -> float:
            return npv(rate, cash_flows(replace(best, **{name: value}))["cash"], per_year=best.per_year) - runner_up_npv
        if np.sign(gap(low)) == np.sign(gap(high)):
            continue
        value = brentq(gap, low, high)
        direction = "below" if gap(high) > 0 else "above"
        findings.append(f"{INPUT_LABELS[name]} is {direction} {_value(name, value)}")
    return findings


def _value(name: str, value: float) -> str:
    if name in ("p", "q"):
        return f"{value:.3f}"
    if name == "market_size":
        return f"{value:,.0f} adopters"
    return f"${value:,.0f}"
