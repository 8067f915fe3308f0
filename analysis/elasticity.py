"""Price, cross-price and marketing elasticities estimated from the slice's own history.

A what-if on price is only as good as the elasticity behind it, so the model is
the standard log-log demand regression, with trend and month dummies so that
seasonal peaks and growth are not mistaken for price effects, and each
estimate carries its confidence interval and the reasons not to trust it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

MIN_POINTS = 24
MIN_PRICE_VARIATION = 0.03  # coefficient of variation of log price below which price "barely varied"
WEAK_FIT_R2 = 0.3


@dataclass(frozen=True)
class Estimate:
    name: str  # "own price", "competitor price", "marketing"
    value: float
    low: float  # 95% confidence interval
    high: float
    p_value: float

    def describe(self) -> str:
        return f"{self.value:+.2f} (95% CI {self.low:+.2f} to {self.high:+.2f})"


@dataclass(frozen=True)
class DemandModel:
    """Elasticities of our units, with the fit and plain-words warnings."""

    own: Estimate
    cross: Estimate | None
    marketing: Estimate | None
    r2: float
    n: int
    warnings: tuple[str, ...]
    controls: str

    @property
    def trustworthy(self) -> bool:
        return not self.warnings


def estimate(history: pd.DataFrame, *, season: int = 12) -> DemandModel:
    """Fit log(units) on log(price) [+ log(competitor price)] [+ log(marketing)] + trend + season.

    `history` has `date`, `units`, `price`, and optionally `competitor_price`
    and `marketing` (periods where any used value is missing or not positive
    are dropped). Raises ValueError when fewer than 8 usable periods remain.
    """
    columns = ["units", "price"] + [c for c in ("competitor_price", "marketing") if c in history
                                    and history[c].notna().sum() >= MIN_POINTS // 2]
    data = history[["date", *columns]].dropna()
    data = data[(data[columns] > 0).all(axis=1)].sort_values("date")
    if len(data) < 8:
        raise ValueError(f"only {len(data)} periods with positive units and price; an estimate needs at least 8")
    X = pd.DataFrame({"log_price": np.log(data["price"].to_numpy())}, index=data.index)
    if "competitor_price" in columns:
        X["log_competitor_price"] = np.log(data["competitor_price"])
    if "marketing" in columns:
        X["log_marketing"] = np.log(data["marketing"])
    X["trend"] = np.arange(len(data)) / max(season, 1)
    controls = "trend"
    if season > 1 and len(data) >= 2 * season:
        position = pd.Series(np.arange(len(data)) % season, index=data.index)
        X = X.join(pd.get_dummies(position, prefix="season", drop_first=True, dtype=float))
        controls = f"trend and {season}-period seasonality"
    fit = sm.OLS(np.log(data["units"].to_numpy()), sm.add_constant(X), missing="drop").fit()
    ci = fit.conf_int(0.05)

    def get(column: str, name: str) -> Estimate | None:
        if column not in X:
            return None
        return Estimate(name, float(fit.params[column]), float(ci.loc[column, 0]), float(ci.loc[column, 1]),
                        float(fit.pvalues[column]))

    own = get("log_price", "own price")
    return DemandModel(
        own=own, cross=get("log_competitor_price", "competitor price"), marketing=get("log_marketing", "marketing"),
        r2=float(fit.rsquared), n=int(fit.nobs), warnings=_warnings(own, data["price"], fit.rsquared, int(fit.nobs)),
        controls=controls,
    )


def _warnings(own: Estimate, price: pd.Series, r2: float, n: int) -> tuple[str, ...]:
    found = []
    if np.std(np.log(price)) < MIN_PRICE_VARIATION:
        found.append("price barely varied in this history, so the data cannot say how demand reacts to it")
    if n < MIN_POINTS:
        found.append(f"only {n} periods: at least {MIN_POINTS} are needed for a stable estimate")
    if own.value > 0:
        found.append("the price elasticity has the wrong sign (demand rising with price): something else moved "
                     "with price, such as quality or a launch")
    elif own.high > 0:
        found.append("the confidence interval includes zero: the data cannot rule out no price effect")
    if r2 < WEAK_FIT_R2:
        found.append(f"the model explains only {r2:.0%} of the variation in units")
    return tuple(found)
