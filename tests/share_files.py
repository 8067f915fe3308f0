"""Files a product manager actually has, made here so tests know their story.

`desktop_os_csv`: a wide monthly tracker export of percent shares (five
columns, as StatCounter publishes them) where Windows loses share to macOS and
ChromeOS, and "Other" drops from 9.4% to 3.2% in one month (Mar 2023): the
tracker changed its method, the market did not.
`survey_csv`: survey snapshots taken on irregular dates, years apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS = pd.date_range("2019-01-01", "2025-12-01", freq="MS")
BREAK = pd.Timestamp("2023-03-01")


def desktop_os_frame() -> pd.DataFrame:
    rng = np.random.default_rng(13)
    n = len(MONTHS)
    t = np.arange(n) / (n - 1)
    macos = 13.0 + 4.0 * t + rng.normal(0, 0.15, n)
    linux = 2.2 + 1.6 * t + rng.normal(0, 0.08, n)
    chromeos = 1.0 + 1.5 * t + rng.normal(0, 0.08, n)
    other = np.where(MONTHS < BREAK, 9.4, 3.2) + rng.normal(0, 0.1, n)
    windows = 100.0 - macos - linux - chromeos - other
    return pd.DataFrame({"Date": MONTHS.strftime("%Y-%m"), "Windows": windows.round(2), "OS X": macos.round(2),
                         "Linux": linux.round(2), "Chrome OS": chromeos.round(2), "Other": other.round(2)})


def desktop_os_csv() -> bytes:
    return desktop_os_frame().to_csv(index=False).encode()


SURVEY_DATES = ["2001-03-27", "2002-03-26", "2004-07-15", "2005-03-30", "2006-11-02", "2008-03-20", "2009-06-11",
                "2010-03-25", "2011-09-08", "2012-03-22", "2013-03-21", "2014-06-30"]


def survey_csv() -> bytes:
    """Survey snapshots: shares of four vendors on the day each survey was taken."""
    n = len(SURVEY_DATES)
    alpha = np.linspace(45.0, 30.0, n)
    beta = np.linspace(25.0, 38.0, n)
    gamma = np.full(n, 20.0)
    rest = 100.0 - alpha - beta - gamma
    frame = pd.DataFrame({"Survey date": SURVEY_DATES, "Alpha": alpha.round(1), "Beta": beta.round(1),
                          "Gamma": gamma.round(1), "Others": rest.round(1)})
    return frame.to_csv(index=False).encode()


WEEKS = pd.date_range("2023-01-02", "2024-12-30", freq="W-MON")  # 105 weeks: two full years of weeks
MISSING_WEEKS = [5, 6, 30, 52, 53, 80]


def weekly_gaps_csv(weeks: pd.DatetimeIndex = WEEKS) -> bytes:
    """A weekly sales export (three brands, units and sales) with six weeks missing, as a till export has."""
    rng = np.random.default_rng(5)
    season = np.delete(1 + 0.25 * np.sin(2 * np.pi * np.arange(len(weeks)) / 52), MISSING_WEEKS)
    weeks = weeks.delete(MISSING_WEEKS)
    rows = [{"Week": f"{w:%Y-%m-%d}", "Brand": brand, "Units": round(base * s * (1 + rng.normal(0, 0.03))),
             "Sales": round(base * s * 9.99, 2)}
            for brand, base in (("Alpha", 1000), ("Beta", 700), ("Gamma", 300)) for w, s in zip(weeks, season)]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def units_tracker_csv() -> bytes:
    """A wide monthly export of units (no revenue) for four companies; the market's growth fades from 4% a month
    to nothing over four years."""
    months = pd.date_range("2021-01-01", "2024-12-01", freq="MS")
    market = 10_000 * np.cumprod(1 + np.linspace(0.04, 0.0, len(months)))
    shares = {"Aurora": 0.4, "Bluepeak": 0.3, "Cobalt": 0.2, "Delta": 0.1}
    frame = pd.DataFrame({"Date": months.strftime("%Y-%m-%d"), **{c: (market * s).round() for c, s in shares.items()}})
    return frame.to_csv(index=False).encode()


def quarterly_csv() -> bytes:
    """Quarterly sales ("2021-Q1") of three companies, the market growing 2% a quarter, from 2019 Q1 to 2024 Q4."""
    quarters = pd.period_range("2019Q1", "2024Q4", freq="Q")
    rows = [{"Quarter": f"{q.year}-Q{q.quarter}", "Company": company, "Units": round(base * 1.02 ** i),
             "Revenue": round(base * 1.02 ** i) * 40}
            for i, q in enumerate(quarters) for company, base in (("Apex", 5000), ("Borealis", 4000), ("Cirrus", 2000))]
    return pd.DataFrame(rows).to_csv(index=False).encode()
