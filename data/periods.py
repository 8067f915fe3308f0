"""Period labels as exports write them, turned into period starts.

`2024-01-01`, `2024-01`, `Jan 2024`, `2024Q1`, `01/2024` and Excel dates all
become the Timestamp of the period's first day, and the spacing of the
periods (weekly, monthly, quarterly, yearly) is inferred so pages can say
"monthly data, 120 periods" and forecasts pick the right season length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Formats tried in order; the one that parses the most cells of a column wins.
_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y-%m",
    "%Y/%m",
    "%m/%Y",
    "%m.%Y",
    "%b %Y",
    "%B %Y",
    "%b-%Y",
    "%b-%y",
    "%Y%m",
    "%Y",
)
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$|^\s*Q([1-4])\s*[-/ ]?\s*(\d{4})\s*$", re.IGNORECASE)
_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{2})\s*$", re.IGNORECASE)

PERIOD_DAYS = {"weekly": 7, "monthly": 30.44, "quarterly": 91.31, "yearly": 365.25}
SEASON_LENGTH = {"weekly": 52, "monthly": 12, "quarterly": 4, "yearly": 1}
FREQ = {"weekly": "W-MON", "monthly": "MS", "quarterly": "QS", "yearly": "YS"}
# Dates a market file can sensibly hold. pandas stores nanoseconds (years 1677-2262)
# and forecasts add periods after the last date, so 0001-01-01 or 9999-12-01 must be
# reported, not parsed.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31")
WINDOW = f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"


def parse_dates(cells: pd.Series) -> pd.Series:
    """Timestamps for the cells; NaT where a cell could not be read as a date or lies outside WINDOW."""
    dates, _ = read_dates(cells)
    return dates


def read_dates(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamps for the cells (NaT where unreadable or outside WINDOW), and which were outside.

    Each distinct label is parsed once: a million-row file has only a few hundred periods.
    """
    text = cells.astype("string").str.strip()
    labels = pd.Series(text.dropna().unique(), dtype="string")
    dates, outside = _read_labels(labels)
    dates.index, outside.index = labels, labels
    return text.map(dates).astype("datetime64[ns]"), text.map(outside).fillna(False).astype(bool)


def _read_labels(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The format that reads the most labels wins; see read_dates."""
    present = text.notna()
    best = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    if present.any():
        best_count = -1
        for candidate in (_quarters(text), _weeks(text), *(_with_format(text, f) for f in _FORMATS)):
            count = int(candidate.notna().sum())
            if count > best_count:
                best, best_count = candidate, count
            if count == int(present.sum()):
                break
    outside = best.notna() & ((best < EARLIEST) | (best > LATEST))
    return best.where(~outside).astype("datetime64[ns]"), outside


def _with_format(text: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[s]")


def _quarters(text: pd.Series) -> pd.Series:
    parts = text.str.extract(_QUARTER)
    year = parts[0].fillna(parts[3])
    quarter = parts[1].fillna(parts[2])
    month = (pd.to_numeric(quarter, errors="coerce") - 1) * 3 + 1
    stamp = pd.to_datetime(
        {"year": pd.to_numeric(year, errors="coerce"), "month": month, "day": 1}, errors="coerce"
    )
    return stamp.astype("datetime64[s]")


def _weeks(text: pd.Series) -> pd.Series:
    parts = text.str.extract(_ISO_WEEK)
    labels = parts[0] + "-W" + parts[1] + "-1"
    return pd.to_datetime(labels, format="%G-W%V-%u", errors="coerce").astype("datetime64[s]")


@dataclass(frozen=True)
class Periodicity:
    """What the spacing of the periods says: the period, and how regular it is."""

    period: str | None  # "weekly", "monthly", "quarterly", "yearly"; None for a single period
    count: int
    missing: int  # periods absent between the first and the last
    mixed: bool  # spacings of different kinds, e.g. months and quarters

    def describe(self) -> str:
        if self.period is None:
            return f"{self.count} period"
        text = f"{self.period}, {self.count} periods"
        if self.missing:
            text += f", {self.missing} missing"
        return text


def infer_periodicity(dates: pd.Series | pd.DatetimeIndex) -> Periodicity:
    """The period that the most gaps between consecutive distinct dates match."""
    unique = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(unique) < 2:
        return Periodicity(None, len(unique), 0, False)
    gaps = np.asarray((unique[1:] - unique[:-1]).total_seconds()) / 86_400  # days
    kinds = pd.Series([_gap_kind(g) for g in gaps])
    base = kinds[kinds.notna()].mode()
    period = str(base.iloc[0]) if not base.empty else "monthly"
    span = (unique[-1] - unique[0]).days
    expected = int(round(span / PERIOD_DAYS[period])) + 1
    multiples = np.round(gaps / PERIOD_DAYS[period])
    off_grid = bool((np.abs(gaps - multiples * PERIOD_DAYS[period]) > 0.2 * PERIOD_DAYS[period]).any())
    counts = kinds.value_counts()
    # A second spacing that recurs (not one gap of missing months) means mixed periods.
    second = int(counts.iloc[1]) if len(counts) > 1 else 0
    mixed = off_grid or bool((multiples < 1).any()) or (second >= 3 and second >= 0.2 * len(gaps))
    return Periodicity(period, len(unique), max(expected - len(unique), 0), mixed)


def _gap_kind(days: float) -> str | None:
    for period, (low, high) in {
        "weekly": (6, 8),
        "monthly": (27, 32),
        "quarterly": (88, 93),
        "yearly": (364, 367),
    }.items():
        if low <= days <= high:
            return period
    return None


def to_period_start(dates: pd.Series, period: str | None) -> pd.Series:
    """Align dates to the start of their period, so 2024-01-31 and 2024-01-01 agree."""
    if period == "monthly":
        return dates.dt.to_period("M").dt.start_time
    if period == "quarterly":
        return dates.dt.to_period("Q").dt.start_time
    if period == "yearly":
        return dates.dt.to_period("Y").dt.start_time
    if period == "weekly":
        return dates.dt.to_period("W-SUN").dt.start_time
    return dates


CALENDARS = ("monthly", "quarterly", "yearly")
_LABEL = {"monthly": lambda d: f"{d:%b %Y}", "quarterly": lambda d: f"{d.year} Q{(d.month - 1) // 3 + 1}",
          "yearly": lambda d: f"{d.year}"}


def period_label(date: pd.Timestamp, calendar: str) -> str:
    """'Mar 2001', '2001 Q1' or '2001': the period of a calendar that `date` starts."""
    return _LABEL.get(calendar, lambda d: f"{d:%Y-%m-%d}")(date)


def suggest_calendar(dates: pd.Series) -> str:
    """The calendar that fits the typical spacing of irregular dates: monthly, quarterly or yearly."""
    unique = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(unique) < 2:
        return "monthly"
    days = float(np.median((unique[1:] - unique[:-1]).total_seconds())) / 86_400
    return "monthly" if days < 60 else "quarterly" if days < 200 else "yearly"

