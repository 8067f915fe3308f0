"""How did our past forecasts do? Forecasts made on earlier versions of a dataset, against what happened.

An executive trusts a forecast that has a record. Every version of a dataset with later periods
lets the forecasts of the earlier versions be checked: per period, how far off the forecast was
(signed, so "too high" and "too low" read differently), the mean absolute percentage error, and
how many actuals fell inside the band the forecast stated. Pure pandas: the numbers are
unit-tested, the pages only word and draw them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Plural period words, from the data's periodicity ("monthly" -> "months").
PERIOD_PLURALS = {"weekly": "weeks", "monthly": "months", "quarterly": "quarters", "yearly": "years"}


@dataclass(frozen=True)
class TrackRecord:
    """One earlier forecast checked against the actuals of the periods that now have them."""

    version: str  # what the forecast was made on, in words ("version 3", "the data to Dec 2024")
    level: float  # the stated band's level, e.g. 0.9
    model: str
    rows: pd.DataFrame  # period, forecast, lower, upper, actual, error_pct (signed, % of actual), inside (bool)

    @property
    def checked(self) -> int:
        """Periods with an actual (the band can be checked even when the actual is zero)."""
        return len(self.rows)

    @property
    def inside(self) -> int:
        return int(self.rows["inside"].sum())

    @property
    def mape(self) -> float:
        """Mean absolute % error over periods whose actual is not zero; NaN if there is none."""
        errors = self.rows["error_pct"].dropna()
        return float(errors.abs().mean()) if len(errors) else math.nan

    @property
    def bias(self) -> float:
        """Mean signed % error: positive means the forecast ran high."""
        errors = self.rows["error_pct"].dropna()
        return float(errors.mean()) if len(errors) else math.nan


def check_forecast(forecast: pd.DataFrame, actuals: pd.Series, *, version: str, level: float,
                   model: str = "") -> TrackRecord | None:
    """`forecast` (columns period, point, lower, upper) against `actuals` (indexed by period).

    Only periods present in both, with a non-missing actual, are checked; None when no period
    overlaps (the earlier version's forecast is all still in the future). The signed error is
    (forecast - actual) / actual in percent, NaN where the actual is zero (no percentage of zero).
    """
    actual = pd.Series(actuals, dtype="float64").dropna()
    actual = actual[~actual.index.duplicated(keep="last")]
    made = forecast.dropna(subset=["point"]).drop_duplicates("period", keep="last").set_index("period")
    periods = made.index.intersection(actual.index).sort_values()
    if len(periods) == 0:
        return None
    point = made.loc[periods, "point"].astype("float64").to_numpy()
    lower = made.loc[periods, "lower"].astype("float64").to_numpy()
    upper = made.loc[periods, "upper"].astype("float64").to_numpy()
    seen = actual.loc[periods].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(seen != 0, (point - seen) / np.abs(seen) * 100.0, np.nan)
    inside = (seen >= lower) & (seen <= upper)  # a missing bound (NaN) counts as outside
    rows = pd.DataFrame({"period": periods, "forecast": point, "lower": lower, "upper": upper, "actual": seen,
                         "error_pct": error, "inside": inside})
    return TrackRecord(version, float(level), model, rows.reset_index(drop=True))


def period_name(period: pd.Timestamp, periodicity: str | None) -> str:
    """A period as a reader says it: "March 2026", "Q1 2026", "2026", "the week of 2 Mar 2026"."""
    period = pd.Timestamp(period)
    if periodicity == "quarterly":
        return f"Q{period.quarter} {period.year}"
    if periodicity == "yearly":
        return str(period.year)
    if periodicity == "weekly":
        return f"the week of {period.day} {period:%b %Y}"
    if periodicity == "monthly" or periodicity is None:
        return f"{period:%B %Y}"
    return f"{period.day} {period:%b %Y}"


def error_words(period: pd.Timestamp, error_pct: float, periodicity: str | None) -> str:
    """"The forecast of March 2026 was 4% too high"; rounds to whole percent, as an executive reads it."""
    name = period_name(period, periodicity)
    if not np.isfinite(error_pct):
        return f"The actual of {name} was zero, so no percentage error can be given"
    rounded = round(abs(error_pct))
    if rounded == 0:
        return f"The forecast of {name} was within 1% of the actual"
    return f"The forecast of {name} was {rounded:.0f}% too {'high' if error_pct > 0 else 'low'}"


def record_words(record: TrackRecord, periodicity: str | None) -> str:
    """One record in a sentence: the average miss, its direction, and the band's hits."""
    plural = PERIOD_PLURALS.get(periodicity or "", "periods")
    if not np.isfinite(record.mape):
        average = "no percentage error can be given (the actuals were zero)"
    else:
        lean = round(record.bias)
        average = f"off by {record.mape:.0f}% on average" + (
            f", running {'high' if lean > 0 else 'low'}" if abs(lean) >= 1 and abs(record.bias) >= 0.5 * record.mape
            else "")
    return (f"The forecast made on {record.version} was {average}; {record.inside} of {record.checked} {plural} "
            f"fell inside its {record.level:.0%} band.")


def summary_line(records: Sequence[TrackRecord], periodicity: str | None) -> str | None:
    """"Past forecasts: off by 3% on average; 9 of 10 months inside the 90% band", over every checked period
    of every record (a period checked by two versions counts twice); None without a checked period."""
    records = [r for r in records if r.checked]
    if not records:
        return None
    rows = pd.concat([r.rows for r in records], ignore_index=True)
    errors = rows["error_pct"].dropna()
    plural = PERIOD_PLURALS.get(periodicity or "", "periods")
    if len(rows) == 1:
        plural = plural[:-1]
    levels = {round(r.level, 4) for r in records}
    band = f"the {levels.pop():.0%} band" if len(levels) == 1 else "the stated band"
    average = f"off by {errors.abs().mean():.0f}% on average" if len(errors) else "no percentage error (zero actuals)"
    return f"Past forecasts: {average}; {int(rows['inside'].sum())} of {len(rows)} {plural} inside {band}"
