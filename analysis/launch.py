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


# One name per NPV concept, the same on every chart, table and sentence.
NPV_AT_INPUTS = "NPV at the inputs"  # the cash flows at the table's values, discounted
EXPECTED_NPV = "expected NPV over the uncertainty"  # the mean over the Monte Carlo draws of the uncertain inputs
EXPECTED_NPV_TITLE = "Expected NPV over the uncertainty"
NPV_DEFINITIONS = (f"{NPV_AT_INPUTS}: the option's monthly cash flows at the values in the table, discounted at "
                   f"the rate above. {EXPECTED_NPV_TITLE}: the average NPV over 10,000 draws of the uncertain inputs "
                   "within their ranges; options are ranked by it.")


def any_pays_back(ranked: pd.DataFrame) -> bool:
    """Whether the best option's expected NPV over the uncertainty is above zero."""
    return bool(len(ranked)) and float(ranked["expected_npv"].iloc[0]) > 0


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


def options_from_table(table: pd.DataFrame, *, years: int, recurring: bool = True
                       ) -> tuple[dict[str, LaunchInputs], list[str]]:
    """Launch inputs per option from an (edited) opportunities table, and what is wrong with it.

    Rows with a problem are left out and named, so one bad edit never hides the
    other options. Missing p or q take the published averages (see analysis.bass).
    """
    from analysis.bass import DEFAULT_P, DEFAULT_Q

    options: dict[str, LaunchInputs] = {}
    problems: list[str] = []
    for position, row in table.reset_index(drop=True).iterrows():
        name = str(row.get("option") or "").strip()
        where = f"row {position + 1}" + (f" ({name})" if name else "")
        if not name:
            problems.append(f"{where}: give the option a name.")
            continue
        if name in options:
            problems.append(f"{where}: another option has the same name; names must be unique.")
            continue
        values = {k: pd.to_numeric(row.get(k), errors="coerce") for k in ("market_size", "price", "unit_cost",
                                                                           "fixed_cost", "p", "q")}
        p = DEFAULT_P if pd.isna(values["p"]) else float(values["p"])
        q = DEFAULT_Q if pd.isna(values["q"]) else float(values["q"])
        checks = [
            (pd.isna(values["market_size"]) or values["market_size"] <= 0, "market size must be a positive number of adopters"),
            (pd.isna(values["price"]) or values["price"] <= 0, "price must be positive"),
            (pd.isna(values["unit_cost"]) or values["unit_cost"] < 0, "unit cost must be zero or more"),
            (pd.isna(values["fixed_cost"]) or values["fixed_cost"] < 0, "launch cost must be zero or more"),
            (not 0 < p < 1, "p must lie between 0 and 1 (typically 0.01–0.05)"),
            (not 0 <= q < 3, "q must lie between 0 and 3 (typically 0.2–0.6)"),
        ]
        wrong = [message for failed, message in checks if failed]
        if wrong:
            problems.append(f"{where}: " + "; ".join(wrong) + ".")
            continue
        options[name] = LaunchInputs(float(values["market_size"]), float(values["price"]), float(values["unit_cost"]),
                                     float(values["fixed_cost"]), p, q, periods=12 * years, per_year=12,
                                     recurring=recurring)
    return options, problems


def entrant_histories(market: pd.DataFrame, *, min_periods: int = 12) -> dict[str, pd.Series]:
    """Units of each company in each segment from its first sale, for those that entered after the data began.

    These are the analogs a launch can borrow p and q from: a real adoption curve
    from this market, rather than an average over other industries.
    """
    start = market["date"].min()
    histories = {}
    for (company, segment), part in market.groupby(["company", "segment"]):
        units = part.groupby("date")["units"].sum().sort_index()
        selling = units[units > 0]
        if selling.empty or selling.index[0] <= start or len(selling) < min_periods:
            continue
        histories[f"{company} in {segment} (from {selling.index[0]:%b %Y})"] = selling
    return histories
