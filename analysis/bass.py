"""The Bass diffusion model: how fast a new product is adopted, and when sales peak.

Adoption comes from innovators (p: people who buy on their own) and imitators
(q: people who buy because others did). With p, q and the market potential m
the model gives adoption per period; fitted to an analog product's history it
gives p and q for a launch that has no history yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit

# Averages over 213 published Bass fits (Sultan, Farley & Lehmann, "A Meta-Analysis of
# Applications of Diffusion Models", Journal of Marketing Research 27(1), 1990): p 0.03, q 0.38
# per year. Used when nothing better is known, and labelled so on the page.
DEFAULT_P, DEFAULT_Q = 0.03, 0.38
DEFAULT_SOURCE = "published averages (Sultan, Farley & Lehmann 1990: p = 0.03, q = 0.38 a year)"


def cumulative_share(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """F(t): the share of the potential that has adopted by time t (closed form)."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


def adoption(p: float, q: float, m: float, periods: int, *, per_year: int = 1) -> pd.DataFrame:
    """New and cumulative adopters in each of `periods` periods (p and q are per year).

    With monthly periods (`per_year=12`) time runs in years of 1/12, so the same
    p and q give the same curve whatever the period length.
    """
    t = np.arange(0, periods + 1) / per_year
    cumulative = m * cumulative_share(t, p, q)
    return pd.DataFrame({
        "period": np.arange(1, periods + 1),
        "new": np.diff(cumulative),
        "cumulative": cumulative[1:],
    })


def peak_time(p: float, q: float) -> float:
    """Years from launch to the peak of new adoptions; 0 when imitation is weaker than innovation."""
    return max(0.0, math.log(q / p) / (p + q)) if q > p > 0 else 0.0


@dataclass(frozen=True)
class BassFit:
    p: float
    q: float
    m: float
    r2: float
    rmse: float
    n: int

    def describe(self) -> str:
        quality = "good" if self.r2 >= 0.9 else "fair" if self.r2 >= 0.7 else "poor"
        return (f"Fitted to {self.n} periods: p = {self.p:.3f}, q = {self.q:.3f}, m = {self.m:,.0f}; "
                f"R² = {self.r2:.2f} ({quality} fit)")


def fit(new_adopters: pd.Series | np.ndarray, *, per_year: int = 1) -> BassFit:
    """p, q and m by non-linear least squares on cumulative adoption.

    Cumulative sales are smoother than per-period sales, which keeps the fit
    stable on noisy data. Raises ValueError when there is too little to fit.
    """
    sales = np.asarray(new_adopters, dtype=float)
    sales = np.nan_to_num(sales, nan=0.0).clip(min=0.0)
    if len(sales) < 4 or sales.sum() <= 0:
        raise ValueError("a Bass fit needs at least four periods with sales")
    t = np.arange(1, len(sales) + 1) / per_year
    cumulative = np.cumsum(sales)

    def model(t: np.ndarray, p: float, q: float, m: float) -> np.ndarray:
        return m * cumulative_share(t, p, q)

    start = (DEFAULT_P, DEFAULT_Q, cumulative[-1] * 2.0)
    bounds = ([1e-5, 1e-4, cumulative[-1]], [1.0, 3.0, cumulative[-1] * 50.0])
    (p, q, m), _ = curve_fit(model, t, cumulative, p0=start, bounds=bounds, maxfev=20_000)
    fitted_new = np.diff(np.concatenate([[0.0], model(t, p, q, m)]))
    residual = sales - fitted_new
    total = ((sales - sales.mean()) ** 2).sum()
    r2 = 1.0 - (residual**2).sum() / total if total > 0 else 0.0
    return BassFit(float(p), float(q), float(m), float(r2), float(np.sqrt((residual**2).mean())), len(sales))
