"""A launched product against the plan it was launched with: adoption, money, and the plan re-fitted.

The plan is a launch option of the Opportunities page (potential adopters,
price, cost, launch cost, Bass p and q) whose name is a product in the market
table and whose launch month is inside the data. Its units sold each period
are read as new adopters, the same meaning the plan's Bass curve has, so plan
and actuals are compared like for like: cumulative units and revenue to date
(units × price, billed once). The re-fit fits the Bass curve to the actuals so
far (`analysis.bass.fit`) and re-prices the launch with the plan's price and
costs, for a new NPV and payback.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.bass import BassFit, cumulative_share, fit
from analysis.finance import LaunchInputs, cash_flows, npv, payback
from analysis.findings import Finding

OFF_PLAN = 10.0  # percent: a launch further than this from plan is news for the Briefing


@dataclass(frozen=True)
class Tracking:
    product: str
    launch: pd.Timestamp
    plan: LaunchInputs
    periods: int  # periods of actuals since launch, the launch month included
    path: pd.DataFrame  # date, actual, plan (cumulative units), actual_revenue, plan_revenue (cumulative)
    refit: BassFit | None
    plan_npv: float
    refit_npv: float | None
    plan_payback: float | None  # periods from launch
    refit_payback: float | None

    @property
    def gap_units(self) -> float:
        return float(self.path["actual"].iloc[-1] - self.path["plan"].iloc[-1])

    @property
    def gap_percent(self) -> float:
        plan = float(self.path["plan"].iloc[-1])
        return 100.0 * self.gap_units / plan if plan > 0 else float("nan")

    @property
    def gap_revenue(self) -> float:
        return float(self.path["actual_revenue"].iloc[-1] - self.path["plan_revenue"].iloc[-1])


def launched_plans(options: pd.DataFrame, market: pd.DataFrame) -> pd.DataFrame:
    """The launch options that are products of the market table with a launch month inside the data."""
    if options is None or options.empty or "product" not in market:
        return options.iloc[0:0] if options is not None else pd.DataFrame()
    products = set(market["product"].dropna().astype(str))
    last = market["date"].max()
    launch = pd.to_datetime(options["launch"], errors="coerce")
    return options[options["option"].astype(str).isin(products) & launch.notna() & (launch <= last)]


def track(plan: LaunchInputs, launch: pd.Timestamp, sales: pd.DataFrame, *, rate: float = 0.10,
          product: str = "") -> Tracking:
    """`sales`: the product's `units` and `revenue` per period (index: dates from the launch month on)."""
    sales = sales.sort_index()
    sales = sales[sales.index >= launch]
    periods = len(sales)
    if periods < 1:
        raise ValueError(f"{product or 'the product'} has no sales since its launch in {launch:%b %Y}")
    plan_once = replace(plan, recurring=False)  # the market table records sales: each unit pays once
    t = np.arange(1, periods + 1) / plan.per_year
    planned = plan.market_size * cumulative_share(t, plan.p, plan.q)
    path = pd.DataFrame({
        "date": sales.index,
        "actual": sales["units"].cumsum().to_numpy(),
        "plan": planned,
        "actual_revenue": sales["revenue"].cumsum().to_numpy(),
        "plan_revenue": planned * plan.price,
    })
    plan_flows = cash_flows(plan_once)["cash"].to_numpy()
    refit, refit_npv, refit_payback = None, None, None
    try:
        refit = fit(sales["units"].to_numpy(), per_year=plan.per_year)
    except (ValueError, RuntimeError):  # too few periods, or the curve does not converge: too early to say
        refit = None
    if refit is not None:
        again = replace(plan_once, market_size=refit.m, p=refit.p, q=refit.q)
        flows = cash_flows(again)["cash"].to_numpy()
        refit_npv, refit_payback = npv(rate, flows, per_year=plan.per_year), payback(flows)
    return Tracking(product, pd.Timestamp(launch), plan, periods, path, refit, npv(rate, plan_flows, per_year=plan.per_year),
                    refit_npv, payback(plan_flows), refit_payback)


def describe(tracking: Tracking, money: str, period: str = "month") -> str:
    """The gap to date in one sentence; `money` is the revenue gap already formatted."""
    gap = tracking.gap_percent
    where = ("on plan" if abs(gap) < 1 else f"{abs(gap):.0f}% {'ahead of' if gap > 0 else 'behind'} plan")
    last = tracking.path["date"].iloc[-1]
    return (f"{tracking.product}, launched {tracking.launch:%b %Y}, is {where} after {tracking.periods} {period}s: "
            f"{tracking.path['actual'].iloc[-1]:,.0f} units sold to {last:%b %Y} against {tracking.path['plan'].iloc[-1]:,.0f} "
            f"planned ({tracking.gap_units:+,.0f}); revenue to date {money} against plan.")


def launch_finding(tracking: Tracking, money: str) -> Finding | None:
    """A Briefing finding when the launch runs more than OFF_PLAN percent behind or ahead of its plan."""
    gap = tracking.gap_percent
    if not np.isfinite(gap) or abs(gap) <= OFF_PLAN:
        return None
    behind = gap < 0
    return Finding(
        "launch", describe(tracking, money), abs(tracking.gap_revenue), "products",
        {"product": [tracking.product]}, "risk" if behind else "opportunity",
        why=(f"The launch plan assumed {tracking.path['plan'].iloc[-1]:,.0f} units by now; "
             f"{'missing' if behind else 'beating'} it by {abs(gap):.0f}% changes what the launch is worth "
             "(the plan re-fitted on the actuals is on Products)."),
        watch="Units sold each month against the plan's curve; a widening gap means the adoption rate, not timing.",
        when=tracking.launch, label=f"{tracking.product} launches",
        clause=f"{tracking.product} runs {abs(gap):.0f}% {'behind' if behind else 'ahead of'} its launch plan",
        parties=(tracking.product,))
