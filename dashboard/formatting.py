"""Numbers as an executive reads them: $1.2B, 350k units, +4.1%, -0.8 pts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

MEASURE_LABELS = {"revenue": "Revenue", "units": "Units", "share": "Share"}
# What a share is a share of: a unit share and a revenue share of one company differ, so every label says which.
SHARE_LABELS = {"revenue": "revenue share", "units": "unit share", "share": "market share"}
PERIOD_WORDS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}


def measure_axis(measure: str, periodicity: str | None = "monthly") -> str:
    """Axis title with its unit: 'Revenue (USD per month)', 'Share (%)'."""
    per = PERIOD_WORDS.get(periodicity or "", "period")
    return {"revenue": f"Revenue (USD per {per})", "units": f"Units sold per {per}", "share": "Share (%)"}[measure]


def compact(value: float, measure: str = "units") -> str:
    """A number in thousands, millions or billions; revenue gets a dollar sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{size / limit:.3g}{suffix}"
            break
    else:
        text = f"{size:,.0f}"
    return f"{sign}${text}" if measure == "revenue" else f"{sign}{text}"


def percent(value: float | None, signed: bool = False) -> str | None:
    if value is None:
        return None
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def points(value: float | None) -> str | None:
    """A change in share, in percentage points."""
    return None if value is None else f"{value:+.1f} pts"


def hover_format(measure: str) -> str:
    """Plotly d3 format for hover text: $1.23M for revenue, 1.23M for units."""
    return "$,.3s" if measure == "revenue" else ",.3s"


def scale_for(values: Sequence[float]) -> tuple[float, str]:
    """The divisor and suffix that make the largest value read as 1–999: (1e6, "M") for tens of millions."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    largest = max(finite, default=0.0)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if largest >= limit:
            return limit, suffix
    return 1.0, ""


def money_columns(frame: pd.DataFrame, columns: Mapping[str, str], money: bool = True) -> tuple[pd.DataFrame, dict]:
    """A table's money (or unit) columns scaled for reading ($9.2M, not $9,205,695.52) and still numbers.

    Returns the scaled frame and `st.column_config`-style keyword dicts
    (label, format) per column; downloads should use the unscaled frame.
    """
    out, config = frame.copy(), {}
    for column, label in columns.items():
        divisor, suffix = scale_for(out[column].tolist())
        out[column] = out[column] / divisor
        config[column] = {"label": label, "format": f"{'$' if money else ''}%.1f{suffix}"}
    return out, config
