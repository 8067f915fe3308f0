"""What-if projections: levers that act on our units through the estimated elasticities.

The baseline is the engine's forecast of our units and the market's; a lever
moves units by the elasticity (units change by (1 + price change)^elasticity),
and the uncertainty of both the baseline forecast and the elasticities is
carried by simulation, so a scenario comes with a band, not a false precision.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

Z90 = 1.6449  # a 90% interval spans ±1.645 standard deviations
Z95 = 1.96


@dataclass(frozen=True)
class Levers:
    price: float = 0.0  # our price change, percent
    marketing: float = 0.0  # our marketing spend change, percent
    market_growth: float = 0.0  # extra market growth, percentage points a year
    competitor_price: float = 0.0  # competitors' price response, percent
    share_shift: float = 0.0  # direct share points moved to us (positive) or away
    unit_cost: float = 0.0  # USD per unit, for gross margin


@dataclass(frozen=True)
class Elasticities:
    own: float
    own_sd: float
    cross: float = 0.0
    cross_sd: float = 0.0
    marketing: float = 0.0
    marketing_sd: float = 0.0


# A realistic move of each lever, for the sensitivity (tornado) chart.
REALISTIC_MOVES = {"price": 5.0, "marketing": 20.0, "market_growth": 2.0, "competitor_price": 5.0, "share_shift": 1.0}
LEVER_LABELS = {"price": "our price ±5%", "marketing": "marketing ±20%", "market_growth": "market growth ±2 pts/yr",
                "competitor_price": "competitor prices ±5%", "share_shift": "unit share ±1 pt"}


def project(ours: pd.DataFrame, market: pd.Series, price: float, elasticities: Elasticities, levers: Levers, *,
            draws: int = 2000, seed: int = 11, per_year: int = 12) -> pd.DataFrame:
    """Baseline and scenario per future period, with 10th–90th percentile bands.

    `ours` has the forecast of our units: columns `mean`, `lower`, `upper` (a
    90% interval) indexed by date; `market` is the market's forecast units on
    the same index; `price` is our current average price; `per_year` is the
    number of periods in a year (4 for quarters, 52 for weeks), for the market
    growth lever, which is counted a year.
    """
    rng = np.random.default_rng(seed)
    # draws=1 is the certain case (point forecasts and point elasticities), used for sensitivities
    normal = (lambda *shape: rng.standard_normal(shape)) if draws > 1 else (lambda *shape: np.zeros(shape))
    t = np.arange(1, len(ours) + 1) / per_year
    base = ours["mean"].to_numpy(float)
    sd = (ours["upper"].to_numpy(float) - ours["lower"].to_numpy(float)) / (2 * Z90)
    base_draws = np.clip(base + normal(draws, 1) * sd, 0.0, None)  # one shock per path
    e_own = elasticities.own + normal(draws) * elasticities.own_sd
    e_cross = elasticities.cross + normal(draws) * elasticities.cross_sd
    e_mkt = elasticities.marketing + normal(draws) * elasticities.marketing_sd
    effect = ((1 + levers.price / 100) ** e_own * (1 + levers.competitor_price / 100) ** e_cross
              * (1 + levers.marketing / 100) ** e_mkt)[:, None]
    growth = (1 + levers.market_growth / 100) ** t
    market_units = market.to_numpy(float) * growth
    scenario = np.clip(base_draws * growth * effect + levers.share_shift / 100 * market_units, 0.0, None)
    new_price = price * (1 + levers.price / 100)
    out = pd.DataFrame(index=ours.index)
    out["baseline_units"] = base
    out["baseline_low"], out["baseline_high"] = np.percentile(base_draws, [10, 90], axis=0)
    point_effect = ((1 + levers.price / 100) ** elasticities.own * (1 + levers.competitor_price / 100) ** elasticities.cross
                    * (1 + levers.marketing / 100) ** elasticities.marketing)
    # The central line uses the point forecast and point elasticities; the draws give the band around it.
    out["scenario_units"] = np.clip(base * growth * point_effect + levers.share_shift / 100 * market_units, 0.0, None)
    out["scenario_low"], out["scenario_high"] = np.percentile(scenario, [10, 90], axis=0)
    out["baseline_revenue"] = base * price
    out["scenario_revenue"] = out["scenario_units"] * new_price
    out["baseline_margin"] = base * (price - levers.unit_cost)
    out["scenario_margin"] = out["scenario_units"] * (new_price - levers.unit_cost)
    market_total = market.to_numpy(float)
    out["baseline_share"] = 100 * base / np.where(market_total > 0, market_total, np.nan)
    out["scenario_share"] = 100 * out["scenario_units"] / np.where(market_units > 0, market_units, np.nan)
    return out


def totals(projection: pd.DataFrame) -> dict[str, float]:
    """Sums over the horizon (units, revenue, margin) and the last period's share."""
    return {
        "baseline_units": projection["baseline_units"].sum(), "scenario_units": projection["scenario_units"].sum(),
        "baseline_revenue": projection["baseline_revenue"].sum(), "scenario_revenue": projection["scenario_revenue"].sum(),
        "baseline_margin": projection["baseline_margin"].sum(), "scenario_margin": projection["scenario_margin"].sum(),
        "baseline_share": projection["baseline_share"].iloc[-1], "scenario_share": projection["scenario_share"].iloc[-1],
    }


def sensitivity(ours: pd.DataFrame, market: pd.Series, price: float, elasticities: Elasticities,
                levers: Levers, *, per_year: int = 12) -> pd.DataFrame:
    """Revenue and margin over the horizon when each lever moves by a realistic amount up and down.

    `per_year`: periods in a year (4 for quarters), for the levers counted a year."""
    fixed = replace(elasticities, own_sd=0.0, cross_sd=0.0, marketing_sd=0.0)
    base = totals(project(ours, market, price, fixed, levers, draws=1, per_year=per_year))
    rows = []
    for name, move in REALISTIC_MOVES.items():
        current = asdict(levers)[name]
        down = totals(project(ours, market, price, fixed, replace(levers, **{name: current - move}), draws=1,
                              per_year=per_year))
        up = totals(project(ours, market, price, fixed, replace(levers, **{name: current + move}), draws=1,
                            per_year=per_year))
        rows.append({"lever": LEVER_LABELS[name], "revenue_down": down["scenario_revenue"], "revenue_up": up["scenario_revenue"],
                     "margin_down": down["scenario_margin"], "margin_up": up["scenario_margin"],
                     "base_revenue": base["scenario_revenue"], "base_margin": base["scenario_margin"]})
    table = pd.DataFrame(rows)
    table["swing"] = (table["revenue_up"] - table["revenue_down"]).abs()
    return table.sort_values("swing", ascending=False).reset_index(drop=True)


def outcome_range(ours: pd.DataFrame, market: pd.Series, price: float, elasticities: Elasticities, levers: Levers,
                  own_low: float, own_high: float, *, per_year: int = 12) -> dict[str, tuple[float, float]]:
    """Units, revenue, margin and end share over the horizon at each end of the price elasticity's range.

    The scenario's headline figures use the central elasticity; an executive
    also needs how far they move if the true elasticity is anywhere in its
    interval. Returns {measure: (lowest, highest)} of the two ends.
    """
    fixed = replace(elasticities, own_sd=0.0, cross_sd=0.0, marketing_sd=0.0)
    ends = [totals(project(ours, market, price, replace(fixed, own=e), levers, draws=1, per_year=per_year))
            for e in (own_low, own_high)]
    return {m: (min(e[f"scenario_{m}"] for e in ends), max(e[f"scenario_{m}"] for e in ends))
            for m in ("units", "revenue", "margin", "share")}
