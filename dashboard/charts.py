"""Plotly figure builders: a tidy DataFrame and column names in, a styled figure out.

Pages never style a chart themselves; everything visual lives here and in theme.py,
so every chart shares one look, one date format and one colour per company.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import hover_format, measure_axis
from dashboard.theme import CATEGORY_PALETTE, TEMPLATE

DATE_HOVER = "%b %Y"  # "Mar 2024": how people say months in a meeting


def stacked_area(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    measure: str,
    periodicity: str | None = "monthly",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """One filled trace per `color` value, stacked, over a date axis.

    Used for market size by segment: the top edge is the whole market, the bands
    show what it is made of.
    """
    fig = _one_trace_per_group(
        frame, x=x, y=y, color=color, colors=colors, hover=f"%{{y:{hover_format(measure)}}}",
        style=lambda name, shade: dict(stackgroup="one", line=dict(width=0.5, color=shade)),
    )
    return _finish(fig, title=title, y_title=measure_axis(measure, periodicity), money=measure == "revenue")


def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    y_title: str,
    y_format: str = ",.3s",
    y_suffix: str = "",
    money: bool = False,
    colors: Mapping[str, str] | None = None,
    emphasis: str | None = None,
) -> go.Figure:
    """One line per `color` value; the `emphasis` line (our company) drawn thicker and first."""
    fig = _one_trace_per_group(
        frame, x=x, y=y, color=color, colors=colors, hover=f"%{{y:{y_format}}}{y_suffix}",
        first=emphasis,
        style=lambda name, shade: dict(line=dict(width=3.5 if name == emphasis else 1.8, color=shade)),
    )
    return _finish(fig, title=title, y_title=y_title, money=money)


def _one_trace_per_group(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    colors: Mapping[str, str] | None,
    hover: str,
    style: Callable[[str, str], dict],
    first: str | None = None,
) -> go.Figure:
    """A line trace per value of `color`, in data order (`first` leads the legend)."""
    fig = go.Figure()
    groups = sorted(dict.fromkeys(frame[color]), key=lambda g: g != first)
    palette = colors or _palette(groups)
    for name in groups:
        part = frame[frame[color] == name]
        fig.add_trace(
            go.Scatter(
                x=part[x], y=part[y], name=str(name), mode="lines",
                hovertemplate=f"{hover}<extra>{name}</extra>", **style(name, palette[name]),
            )
        )
    return fig


def _palette(groups: list) -> dict:
    return {g: CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)] for i, g in enumerate(groups)}


def _finish(fig: go.Figure, *, title: str, y_title: str, money: bool = False) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=title), height=440)
    fig.update_xaxes(title_text="Period", hoverformat=DATE_HOVER, tickformat="%b %Y")
    periods = sorted({x for trace in fig.data for x in trace.x})
    if len(periods) <= 15:  # few periods: one tick each, not Plotly's in-between dates
        fig.update_xaxes(tickvals=periods)
    # exponentformat "B" writes 2B rather than d3's 2G, which reads as gigabytes.
    fig.update_yaxes(title_text=y_title, exponentformat="B", tickprefix="$" if money else "")
    return fig


def missing_heatmap(matrix: pd.DataFrame, *, title: str) -> go.Figure:
    """Companies by period, shaded by the percent of cells with no figure."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(matrix.columns),
            y=[str(i) for i in matrix.index],
            zmin=0,
            zmax=100,
            colorscale=[[0.0, "#eef2f7"], [1.0, "#c23b22"]],
            colorbar=dict(title=dict(text="% missing"), ticksuffix="%"),
            hovertemplate="%{y}, %{x|%b %Y}: %{z:.0f}% of cells missing<extra></extra>",
        )
    )
    fig.update_layout(template=TEMPLATE, title=dict(text=title), height=max(260, 60 + 28 * len(matrix)),
                      hovermode="closest")
    fig.update_xaxes(title_text="Period", tickformat="%b %Y")
    fig.update_yaxes(title_text="Company", autorange="reversed", rangemode="normal")
    return fig
