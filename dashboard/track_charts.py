"""The track record's chart: forecasts made on earlier versions against what then happened.

Built from plain frames like every chart (see `dashboard.charts`), with the app's template.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import _finish
from dashboard.safe_text import plot
from dashboard.theme import CATEGORY_PALETTE, TEXT_COLOR

CONTEXT_PERIODS = 24  # actuals shown before the first forecast period, to see where the forecasts started from


def _rgba(color: str, alpha: float) -> str:
    color = color.lstrip("#")
    r, g, b = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def track_record_chart(actual: pd.Series, forecasts: Sequence[tuple[str, pd.DataFrame]], *, level: float,
                       title: str, y_title: str, money: bool = False) -> go.Figure:
    """Actuals solid; each earlier version's forecast dashed in its own colour, with its `level` band.

    `forecasts`: (label, frame with period, point, lower, upper), oldest first. Markers show the
    forecast periods that now have an actual, so the eye goes to what was checked.
    """
    number = "$,.3s" if money else ",.3s"
    fig = go.Figure()
    first = min((f["period"].min() for _, f in forecasts), default=actual.index.min())
    start = actual.index[max(actual.index.searchsorted(first) - CONTEXT_PERIODS, 0)] if len(actual) else first
    shown = actual[actual.index >= start]
    for i, (label, frame) in enumerate(forecasts):
        color = CATEGORY_PALETTE[(i + 1) % len(CATEGORY_PALETTE)]
        name = plot(label)
        band_x = list(frame["period"]) + list(frame["period"][::-1])
        band_y = list(frame["upper"]) + list(frame["lower"][::-1])
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", fillcolor=_rgba(color, 0.12), line=dict(width=0),
                                 hoverinfo="skip", legendgroup=name, name=f"{level:.0%} band, {name}"))
        checked = frame["period"].isin(actual.index)
        fig.add_trace(go.Scatter(
            x=frame["period"], y=frame["point"], mode="lines+markers", name=f"Forecast made on {name}",
            legendgroup=name, line=dict(color=color, width=2.5, dash="dash"),
            marker=dict(size=[7 if c else 0 for c in checked], color=color),
            customdata=list(zip(frame["lower"], frame["upper"])),
            hovertemplate=f"%{{y:{number}}} (%{{customdata[0]:{number}}} to %{{customdata[1]:{number}}})"
                          f"<extra>{name}</extra>"))
    fig.add_trace(go.Scatter(x=shown.index, y=shown.to_numpy(), mode="lines", name="Actual",
                             line=dict(color=TEXT_COLOR, width=2), hovertemplate=f"%{{y:{number}}}<extra>Actual</extra>"))
    return _finish(fig, title=title, y_title=y_title, money=money)
