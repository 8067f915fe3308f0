"""Which price elasticity a scenario may rest on, and in what words to say so.

A slice's own estimate is often useless: a short history, a price that barely
moved, or a launch that raised price and units together gives a wrong sign or
an interval that includes zero. Used as is, "+10% price" then raises units and
margin, and an executive reads "raise prices, it's free". So the default is
chosen in a fixed order, and the page says which one in one sentence:

1. the slice's own estimate, when its sign is right and its 95% interval
   excludes zero;
2. a pooled estimate over the wider market (every company, segment and region:
   log units on log price against each one's own trend, with common period
   effects, so growth paths, seasons and market-wide shocks are not read as
   price effects), with the
   slice's own estimate shrunk toward it by precision weighting;
3. a stated prior from the literature.

Marketing and competitor-price effects follow the same rule more simply:
their own estimate when it is established, else a prior (marketing) or no
effect (competitor prices), said in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.elasticity import DemandModel, Estimate

Z95 = 1.96
MIN_PANEL_ROWS = 48
MAX_PANEL_GROUPS = 300  # the largest cells by units; a huge market needs no more to pin one number down

# Bijmolt, van Heerde & Pieters (2005), "New empirical generalizations on the determinants of price elasticity",
# Journal of Marketing Research 42(2): mean of 1,851 price elasticities from 81 studies, −2.62. The band around
# it is this product's assumption (most published estimates fall between −1 and −4.5), stated as such.
PRICE_PRIOR = Estimate("own price", -2.62, -4.5, -1.0, float("nan"))
PRICE_PRIOR_SOURCE = ("the average of 1,851 published price elasticities (Bijmolt, van Heerde & Pieters, "
                      "Journal of Marketing Research, 2005)")
# Sethuraman, Tellis & Briesch (2011), "How well does advertising work? Generalizations from meta-analysis of brand
# advertising elasticities", Journal of Marketing Research 48(3): mean short-term advertising elasticity 0.12.
MARKETING_PRIOR = Estimate("marketing", 0.12, 0.0, 0.24, float("nan"))
MARKETING_PRIOR_SOURCE = ("the average short-term advertising elasticity in a meta-analysis (Sethuraman, Tellis & "
                          "Briesch, Journal of Marketing Research, 2011)")

SLICE, POOLED, PRIOR, OVERRIDE = "this slice", "the wider market", "a published prior", "your override"


@dataclass(frozen=True)
class Chosen:
    """One elasticity a scenario uses: value, 95% range, where it came from and why, in plain words."""

    value: float
    low: float
    high: float
    basis: str  # SLICE, POOLED, PRIOR or OVERRIDE
    sentence: str
    weak: bool  # the outcome must be labelled as resting on a fallback or a weak estimate

    @property
    def sd(self) -> float:
        return (self.high - self.low) / (2 * Z95)

    def label(self) -> str:
        """Next to an outcome: 'price elasticity −1.84 (range −2.30 to −1.38), from the wider market'."""
        return f"price elasticity {self.value:+.2f} (range {self.low:+.2f} to {self.high:+.2f}), from {self.basis}"


def established(estimate: Estimate | None, sign: int) -> bool:
    """Right sign and a 95% interval that excludes zero."""
    if estimate is None or not np.isfinite([estimate.value, estimate.low, estimate.high]).all():
        return False
    return estimate.high < 0 if sign < 0 else estimate.low > 0


def pooled_price_elasticity(panel: pd.DataFrame) -> Estimate | None:
    """log(units) on log(price) against each group's own trend, with period effects: one elasticity for the market.

    `panel` has `date`, `group` (e.g. company · segment · region), `units` and
    `revenue`; price is revenue per unit. Standard errors are clustered by
    group. None when too few usable rows or no price varies within a group.
    """
    data = panel[(panel["units"] > 0) & (panel["revenue"] > 0)].copy()
    if data.empty:
        return None
    largest = data.groupby("group")["units"].sum().nlargest(MAX_PANEL_GROUPS).index
    data = data[data["group"].isin(largest)]
    data["y"] = np.log(data["units"])
    data["x"] = np.log(data["revenue"] / data["units"])
    counts = data.groupby("group")["y"].transform("size")
    data = data[counts >= 3]
    if len(data) < MIN_PANEL_ROWS or data["group"].nunique() < 2:
        return None
    y, x = _within(data, ["y", "x"])
    if float(np.std(x)) < 1e-6:
        return None
    fit = sm.OLS(y, x.reshape(-1, 1)).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["group"])[0]})
    low, high = fit.conf_int(0.05)[0]
    return Estimate("own price", float(fit.params[0]), float(low), float(high), float(fit.pvalues[0]))


def _within(data: pd.DataFrame, columns: list[str], sweeps: int = 100) -> list[np.ndarray]:
    """Each column less its group's own linear trend and the period's mean (alternating projections).

    A group's own trend absorbs its growth path (an entrant's rise while its
    price creeps up would otherwise read as demand loving price); period means
    absorb what hit the whole market at once (a season, a supply shock).
    """
    groups, dates = pd.factorize(data["group"])[0], pd.factorize(data["date"])[0]
    t = ((data["date"] - data["date"].min()).dt.days / 365.25).to_numpy(float)
    n, st, stt = np.bincount(groups), np.bincount(groups, t), np.bincount(groups, t * t)
    det = n * stt - st**2
    out = []
    for column in columns:
        values = data[column].to_numpy(float).copy()
        for _ in range(sweeps):
            sv, stv = np.bincount(groups, values), np.bincount(groups, t * values)
            slope = np.divide(n * stv - st * sv, det, out=np.zeros_like(det), where=det > 1e-12)
            values -= ((sv - slope * st) / n)[groups] + slope[groups] * t
            period_means = (np.bincount(dates, values) / np.bincount(dates))[dates]
            values -= period_means
            if np.abs(period_means).max() < 1e-10:
                break
        out.append(values)
    return out


def choose_price(model: DemandModel | None, pooled: Estimate | None, override: float | None = None) -> Chosen:
    """The price elasticity a scenario uses by default, in the order the module docstring gives."""
    own = model.own if model is not None else None
    if override is not None:
        return Chosen(override, override, override, OVERRIDE,
                      f"Using your price elasticity {override:+.2f}"
                      + (f" instead of this slice's estimate {own.value:+.2f}." if own else "."), weak=True)
    if established(own, -1):
        weak = bool(model.warnings)
        why = " (with a caution: " + "; ".join(model.warnings) + ")" if weak else ""
        return Chosen(own.value, own.low, own.high, SLICE,
                      f"Using this slice's own price elasticity, {own.value:+.2f}: demand falls as price rises and "
                      f"the estimate is clear of zero{why}.", weak=weak)
    problem = _problem(own)
    if established(pooled, -1):
        value, low, high = _shrunk(own, pooled)
        if high < 0:
            return Chosen(value, low, high, POOLED,
                          f"This slice's own price estimate is not usable ({problem}), so the scenario uses the "
                          f"wider market's, {pooled.value:+.2f} over every company, segment and region, with this "
                          f"slice's estimate weighed in: {value:+.2f}.", weak=True)
    market = "the wider market's estimate is not clear either" if pooled is not None else \
        "the wider market has too little price history to pool"
    return Chosen(PRICE_PRIOR.value, PRICE_PRIOR.low, PRICE_PRIOR.high, PRIOR,
                  f"This slice's own price estimate is not usable ({problem}) and {market}, so the scenario uses "
                  f"{PRICE_PRIOR.value:+.2f}, {PRICE_PRIOR_SOURCE}. Override it if you know better.", weak=True)


def choose_marketing(model: DemandModel | None) -> Chosen | None:
    """Marketing's elasticity: the slice's when established, else the published prior; None without marketing data."""
    estimate = model.marketing if model is not None else None
    if estimate is None:
        return None
    if established(estimate, +1):
        return Chosen(estimate.value, estimate.low, estimate.high, SLICE,
                      f"Marketing: this slice's own elasticity, {estimate.value:+.2f}.", weak=False)
    p = MARKETING_PRIOR
    return Chosen(p.value, p.low, p.high, PRIOR,
                  f"Marketing: this slice's estimate ({estimate.value:+.2f}) is not clear of zero, so the lever "
                  f"uses {p.value:+.2f}, {MARKETING_PRIOR_SOURCE}.", weak=True)


def choose_cross(model: DemandModel | None) -> Chosen | None:
    """Competitors' price effect: the slice's when established, else no effect; None without their prices."""
    estimate = model.cross if model is not None else None
    if estimate is None:
        return None
    if established(estimate, +1):
        return Chosen(estimate.value, estimate.low, estimate.high, SLICE,
                      f"Competitors' prices: this slice's own cross-price elasticity, {estimate.value:+.2f}.",
                      weak=False)
    return Chosen(0.0, 0.0, 0.0, PRIOR,
                  f"Competitors' prices: this slice's estimate ({estimate.value:+.2f}) is not clear of zero, so "
                  "the lever assumes their price moves do not change our units.", weak=True)


def _problem(own: Estimate | None) -> str:
    if own is None:
        return "too little price history in this slice"
    if own.value >= 0:
        return f"{own.value:+.2f}, the wrong sign: demand rising with price"
    return f"{own.value:+.2f}, but its range {own.low:+.2f} to {own.high:+.2f} includes zero"


def _shrunk(own: Estimate | None, pooled: Estimate) -> tuple[float, float, float]:
    """Precision-weighted combination of the slice's estimate and the pooled one (the pooled one alone if no slice).

    A slice estimate with the wrong sign still carries information about its
    slice, but it is weighed by its (usually wide) precision, so a noisy
    slice barely moves the pooled value.
    """
    pooled_sd = max((pooled.high - pooled.low) / (2 * Z95), 1e-9)
    if own is None or not np.isfinite([own.value, own.low, own.high]).all():
        return pooled.value, pooled.low, pooled.high
    own_sd = max((own.high - own.low) / (2 * Z95), 1e-9)
    weights = np.array([1 / own_sd**2, 1 / pooled_sd**2])
    value = float(weights @ np.array([own.value, pooled.value]) / weights.sum())
    sd = float(1 / np.sqrt(weights.sum()))
    return value, value - Z95 * sd, value + Z95 * sd
