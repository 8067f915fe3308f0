"""Money on chart axes, rounded for reading: $9.2M, −$6M, $1.5B; exact values stay in the downloads.

A chart's money axis is the one whose title says USD (every builder in
`charts` and every page titles its money axes that way). Plotly's own ticks
read well for positive amounts ($10M, $2.5B with `exponentformat="B"`), but a
`tickprefix` puts the dollar before the sign ("$−6M"); an axis with negative
amounts gets d3's currency format instead, which writes −$6M. Subplots that
share a money axis (the seasonal decomposition's four rows) have no titles of
their own and follow the first.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

_SIGNED = dict(tickformat="$~s", tickprefix="")  # d3: −$6M, $2.5M (d3 writes G for billions: used below 1e9 only)
_PLAIN = dict(tickprefix="$", exponentformat="B")  # Plotly: $10M, $2.5B


def money_axes(fig: go.Figure) -> dict[str, dict]:
    """The layout updates that make every money axis of `fig` read as rounded dollars (empty: none needed)."""
    layout = fig.layout.to_plotly_json()
    updates: dict[str, dict] = {}
    for letter in ("x", "y"):
        names = sorted(k for k in layout if k == f"{letter}axis" or (k.startswith(f"{letter}axis") and k[5:].isdigit()))
        main = _title(layout.get(f"{letter}axis", {}))
        for name in names:
            axis = layout[name]
            title = _title(axis) or main
            if "USD" not in title or "ticktext" in axis or axis.get("type") == "log":
                continue
            values = pd.concat([_values(fig, letter, name), _numbers(axis.get("range"))]).dropna()
            signed = bool(len(values)) and values.min() < 0 and values.abs().max() < 1e9
            wanted = _SIGNED if signed else _PLAIN
            if any(axis.get(k) != v for k, v in wanted.items()):
                updates[name] = {**wanted, **({} if signed else {"tickformat": ""})}
    return updates


def readable_money(fig: go.Figure) -> go.Figure:
    """`fig` with its money axes rounded for reading; a copy when anything changes (figures may be shared)."""
    updates = money_axes(fig)
    if not updates:
        return fig
    fig = go.Figure(fig)
    fig.update_layout(updates)
    return fig


def _title(axis: dict) -> str:
    title = axis.get("title", {})
    return str(title.get("text", "") if isinstance(title, dict) else title or "")


def _values(fig: go.Figure, letter: str, axis_name: str) -> pd.Series:
    """Every number plotted on one axis, the low ends of error bars included (a set range is added by the caller)."""
    ref = letter + axis_name[5:]  # "yaxis2" -> "y2", "yaxis" -> "y"
    parts = []
    for trace in fig.data:
        if (getattr(trace, f"{letter}axis", None) or letter) != ref:
            continue
        values = _numbers(getattr(trace, letter, None))
        base = _numbers(getattr(trace, "base", None))  # bars drawn from a base (a tornado's): base + length
        if len(base) == len(values) and len(values):
            values = values + base.to_numpy()
        parts.append(values)
        error = getattr(trace, f"error_{letter}", None)
        if error is not None and error.arrayminus is not None and len(values):
            parts.append(values - _numbers(error.arrayminus).to_numpy())
    return pd.concat(parts).dropna() if parts else pd.Series(dtype=float)


def _numbers(data: object) -> pd.Series:
    if data is None or isinstance(data, str | int | float):
        return pd.Series(dtype=float)
    return pd.to_numeric(pd.Series(list(data)), errors="coerce")
