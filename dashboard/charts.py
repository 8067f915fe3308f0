"""Plotly figure builders: a tidy DataFrame and column names in, a styled figure out.

Pages never style a chart themselves; everything visual lives here and in theme.py,
so every chart shares one look, one date format and one colour per company.
Plotly reads its labels as HTML: every name and title from data passes through
`plot` on the way in (colours stay keyed by the raw name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import hover_format, measure_axis
from dashboard.safe_text import plot
from dashboard.theme import CATEGORY_PALETTE, OUR_COLOR, TEMPLATE, TEXT_COLOR

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
    half_width: bool = False,
) -> go.Figure:
    """One filled trace per `color` value, stacked, over a date axis (`half_width`: see `_finish`).

    Used for market size by segment: the top edge is the whole market, the bands
    show what it is made of.
    """
    fig = _one_trace_per_group(
        frame, x=x, y=y, color=color, colors=colors, hover=f"%{{y:{hover_format(measure)}}}",
        style=lambda name, shade: dict(stackgroup="one", line=dict(width=0.5, color=shade)),
    )
    return _finish(fig, title=title, y_title=measure_axis(measure, periodicity), money=measure == "revenue",
                   half_width=half_width)


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
    half_width: bool = False,
) -> go.Figure:
    """One line per `color` value; the `emphasis` line (our company) drawn thicker and first (`half_width`: see
    `_finish`)."""
    fig = _one_trace_per_group(
        frame, x=x, y=y, color=color, colors=colors, hover=f"%{{y:{y_format}}}{y_suffix}",
        first=emphasis,
        style=lambda name, shade: dict(line=dict(width=3.5 if name == emphasis else 1.8, color=shade)),
    )
    return _finish(fig, title=title, y_title=y_title, money=money, half_width=half_width)


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
                x=part[x], y=part[y], name=plot(name), mode="lines",
                hovertemplate=f"{hover}<extra>{plot(name)}</extra>", **style(name, palette[name]),
            )
        )
    return fig


def _palette(groups: list) -> dict:
    return {g: CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)] for i, g in enumerate(groups)}


LEGEND_ABOVE = 10  # legend entries that fit in rows above the plot, under the title, on a half-width chart
TITLE_FITS = 60  # characters of a title that fit a half-width chart on a 1400 px screen


def _finish(fig: go.Figure, *, title: str, y_title: str, money: bool = False, half_width: bool = False) -> go.Figure:
    """Title, size and axes every time chart shares. On a `half_width` chart a long title's closing parenthesis
    goes on a second line."""
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=440)
    if half_width and len(title) > TITLE_FITS and title.endswith(")") and " (" in title:
        # "Aurora Systems unit share: 25.5% → 41.0% (first vs last 12 months)" runs off a half-width chart:
        # its closing parenthesis goes on a second line, and the plot moves down to make room
        head, tail = title.rsplit(" (", 1)
        fig.update_layout(title=dict(text=f"{plot(head)}<br>{plot('(' + tail)}", y=0.94), margin=dict(t=122))
    if sum(trace.showlegend is not False for trace in fig.data) > LEGEND_ABOVE:
        # 25 companies in rows above the plot grow up over the title: list them at the right, scrolling if need be
        fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1.0, xanchor="left", x=1.02))
    fig.update_xaxes(title_text="Period", hoverformat=DATE_HOVER, tickformat="%b %Y")
    periods = sorted({x for trace in fig.data for x in trace.x})
    if len(periods) <= 15:  # few periods: one tick each, not Plotly's in-between dates
        fig.update_xaxes(tickvals=periods)
    # exponentformat "B" writes 2B rather than d3's 2G, which reads as gigabytes.
    fig.update_yaxes(title_text=plot(y_title), exponentformat="B", tickprefix="$" if money else "")
    return fig


def missing_heatmap(matrix: pd.DataFrame, *, title: str) -> go.Figure:
    """Companies by period, shaded by the percent of cells with no figure."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(matrix.columns),
            y=[plot(i) for i in matrix.index],
            zmin=0,
            zmax=100,
            colorscale=[[0.0, "#eef2f7"], [1.0, "#c23b22"]],
            colorbar=dict(title=dict(text="% missing"), ticksuffix="%"),
            hovertemplate="%{y}, %{x|%b %Y}: %{z:.0f}% of cells missing<extra></extra>",
        )
    )
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=max(260, 60 + 28 * len(matrix)),
                      hovermode="closest")
    fig.update_xaxes(title_text="Period", tickformat="%b %Y")
    fig.update_yaxes(title_text="Company", autorange="reversed", rangemode="normal")
    return fig


def bubbles(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    size: str,
    label: str,
    title: str,
    x_title: str,
    y_title: str,
    hover: Mapping[str, str],
) -> go.Figure:
    """A labelled bubble per row: e.g. segment size against growth, bubble = our share.

    `hover` maps column → label for the hover text, formatted as numbers.
    """
    sizes = frame[size].fillna(0.0).clip(lower=0.0)
    scale = 2.0 * max(float(sizes.max()), 1e-9) / 60.0**2  # the largest bubble 60 px across
    lines_ = "<br>".join(f"{plot(name)}: %{{customdata[{i}]:,.1f}}" for i, name in enumerate(hover.values()))
    fig = go.Figure(
        go.Scatter(
            x=frame[x], y=frame[y], mode="markers+text", text=frame[label].map(plot), textposition="top center",
            marker=dict(size=sizes, sizemode="area", sizeref=scale, sizemin=6, color=CATEGORY_PALETTE[0],
                        opacity=0.75, line=dict(width=1, color="white")),
            customdata=frame[list(hover)].to_numpy(),
            hovertemplate=f"<b>%{{text}}</b><br>{lines_}<extra></extra>",
        )
    )
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=440, hovermode="closest", showlegend=False)
    xs = frame[x].astype(float)
    x_span = float(xs.max() - xs.min()) if len(frame) else 0.0
    centre = float(xs.mean()) if len(frame) else 0.0
    # One bubble (or all at one x) would give an axis of "60.768434M … 60.7684355M": give it a readable span.
    x_pad = 0.2 * x_span if x_span > 1e-9 * max(abs(centre), 1.0) else 0.3 * max(abs(centre), 1.0)
    fig.update_xaxes(title_text=plot(x_title), exponentformat="B", showgrid=True, gridcolor="#e4e7eb",
                     range=[(float(xs.min()) - x_pad) if xs.min() < 0 else max(float(xs.min()) - x_pad, 0.0),
                            float(xs.max()) + x_pad] if len(frame) else None)
    spread = float(frame[y].max() - frame[y].min()) if len(frame) else 1.0
    pad = max(spread * 0.2, 1.0)
    top = max(spread * 0.4, 2.0)  # room for the top bubble's label below anything drawn above the plot
    fig.update_yaxes(title_text=plot(y_title), ticksuffix="%", rangemode="normal", zeroline=True, zerolinecolor="#c0c6cc",
                     range=[float(frame[y].min()) - pad, float(frame[y].max()) + top] if len(frame) else None)
    return fig


def divide_at(fig: go.Figure, *, x: float, left: str, right: str) -> go.Figure:
    """A vertical reference line (e.g. relative share 1: we lead) with a label either side.

    The x axis widens so the line sits at least 30% in from either edge: with every bubble on one side (one
    segment, which we lead 1.5 to 1) the line and the other side's label would fall outside the chart. The far
    side then gets room for the bubbles and their labels in proportion to the wider axis.
    """
    if fig.layout.xaxis.range is not None:
        lo, hi = fig.layout.xaxis.range
        if x - lo < 0.3 * (hi - lo):
            hi += 0.25 * (hi - x)
            lo = x - 0.3 / 0.7 * (hi - x)
        elif hi - x < 0.3 * (hi - lo):
            lo -= 0.25 * (x - lo)
            hi = x + 0.3 / 0.7 * (x - lo)
        fig.update_xaxes(range=[lo, hi])
    fig.add_vline(x=x, line=dict(color="#7b8794", dash="dot", width=1))
    for text, anchor in ((left, "right"), (right, "left")):
        fig.add_annotation(x=x, y=1.0, xref="x", yref="paper", text=plot(text), showarrow=False, xanchor=anchor,
                           yanchor="bottom", xshift=-6 if anchor == "right" else 6, font=dict(size=11, color="#7b8794"))
    return fig


def decomposition(frame: pd.DataFrame, *, title: str, y_title: str) -> go.Figure:
    """Observed, trend, seasonal and remainder stacked on one date axis."""
    from plotly.subplots import make_subplots

    parts = [("observed", "Observed"), ("trend", "Trend"), ("seasonal", "Seasonal"), ("remainder", "Remainder")]
    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[name for _, name in parts])
    for row, (column, name) in enumerate(parts, start=1):
        kind = go.Bar if column == "remainder" else go.Scatter
        style = dict(marker_color=CATEGORY_PALETTE[1]) if kind is go.Bar else dict(
            mode="lines", line=dict(color=CATEGORY_PALETTE[0], width=1.8))
        fig.add_trace(kind(x=frame["date"], y=frame[column], name=name, showlegend=False,
                           hovertemplate=f"{name}: %{{y:,.3s}}<extra></extra>", **style), row=row, col=1)
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=640, margin=dict(t=90))
    fig.update_xaxes(hoverformat=DATE_HOVER, tickformat="%b %Y")
    fig.update_xaxes(title_text="Period", row=4, col=1)
    fig.update_yaxes(rangemode="normal", exponentformat="B")
    fig.update_yaxes(title_text=plot(y_title), row=1, col=1)
    return fig


def forecast_chart(
    actual: pd.Series,
    mean: pd.Series,
    lower: pd.Series,
    upper: pd.Series,
    *,
    level: float,
    title: str,
    y_title: str,
    money: bool = False,
) -> go.Figure:
    """Actuals solid, forecast dashed, the interval as a band with its level, a line at the origin."""
    number = "$,.3s" if money else ",.3s"
    fig = go.Figure()
    band_x = list(upper.index) + list(lower.index[::-1])
    band_y = list(upper.to_numpy()) + list(lower.to_numpy()[::-1])
    fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", fillcolor="rgba(31, 78, 156, 0.15)",
                             line=dict(width=0), hoverinfo="skip", name=f"{level:.0%} prediction interval"))
    fig.add_trace(go.Scatter(x=actual.index, y=actual.to_numpy(), mode="lines", name="Actual",
                             line=dict(color=TEXT_COLOR, width=2), hovertemplate=f"%{{y:{number}}}<extra>Actual</extra>"))
    customdata = list(zip(lower.to_numpy(), upper.to_numpy()))
    fig.add_trace(go.Scatter(
        x=mean.index, y=mean.to_numpy(), mode="lines", name="Forecast",
        line=dict(color=OUR_COLOR, width=2.5, dash="dash"), customdata=customdata,
        hovertemplate=f"%{{y:{number}}} (%{{customdata[0]:{number}}} to %{{customdata[1]:{number}}})<extra>Forecast</extra>",
    ))
    origin = actual.index[-1]
    fig.add_vline(x=origin, line=dict(color="#7b8794", width=1, dash="dot"))
    fig.add_annotation(x=origin, y=1.0, yref="paper", text="forecast from here", showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=11, color="#7b8794"))
    return _finish(fig, title=title, y_title=y_title, money=money)


def share_area(shares: pd.DataFrame, *, title: str, colors: Mapping[str, str], ours: str) -> go.Figure:
    """Shares as a 100% stacked area, ours at the bottom so its band is easy to follow."""
    fig = _one_trace_per_group(
        shares, x="date", y="share", color="company", colors=colors, hover="%{y:.1f}%", first=ours,
        style=lambda name, shade: dict(stackgroup="one", groupnorm="percent",
                                       line=dict(width=2.5 if name == ours else 0.5, color=shade)),
    )
    fig = _finish(fig, title=title, y_title="Share (%)")
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def waterfall(bridge: pd.DataFrame, *, start_share: float, end_share: float, title: str,
              start_label: str, end_label: str) -> go.Figure:
    """Our share from one period to another, one bar per competitor we won from or lost to."""
    labels = [plot(v) for v in (start_label, *bridge["company"], end_label)]
    values = [start_share, *bridge["points"], end_share]
    fig = go.Figure(go.Waterfall(
        x=labels, y=values, measure=["absolute", *["relative"] * len(bridge), "total"],
        text=[f"{start_share:.1f}%", *[f"{v:+.2f}" for v in bridge["points"]], f"{end_share:.1f}%"],
        textposition="outside",
        increasing=dict(marker=dict(color="#3f8f3f")), decreasing=dict(marker=dict(color="#c23b22")),
        totals=dict(marker=dict(color=OUR_COLOR)), connector=dict(line=dict(color="#c0c6cc")),
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=440, hovermode="closest", showlegend=False)
    # Zoom on the levels the bars move between: the change is small next to the share itself.
    moves = sum(abs(v) for v in bridge["points"])
    low, high = min(start_share, end_share) - moves - 0.5, max(start_share, end_share) + moves + 0.5
    fig.update_yaxes(title_text="Our share (%; bars in between: points)", range=[max(0.0, low), high],
                     rangemode="normal")
    fig.update_xaxes(title_text="Won from (+) or lost to (−)")
    return fig


def concentration_chart(conc: pd.DataFrame, *, title: str, low: float, high: float) -> go.Figure:
    """HHI over time with the usual thresholds shaded, CR4 on a second axis."""
    fig = go.Figure()
    top = max(float(conc["hhi"].max()) * 1.15, high * 1.2)
    fig.add_hrect(y0=0, y1=low, fillcolor="#3f8f3f", opacity=0.06, line_width=0)
    fig.add_hrect(y0=high, y1=top, fillcolor="#c23b22", opacity=0.06, line_width=0)
    for value, text in ((low, f"{low:,.0f}: unconcentrated below"), (high, f"{high:,.0f}: highly concentrated above")):
        fig.add_hline(y=value, line=dict(color="#7b8794", dash="dot", width=1))
        fig.add_annotation(x=0, xref="paper", y=value, text=text, showarrow=False, xanchor="left", yanchor="bottom",
                           font=dict(size=11, color="#7b8794"))
    fig.add_trace(go.Scatter(x=conc["date"], y=conc["hhi"], mode="lines", name="HHI",
                             line=dict(color=OUR_COLOR, width=2.5), hovertemplate="HHI %{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=conc["date"], y=conc["cr4"], mode="lines", name="CR4 (right axis)", yaxis="y2",
                             line=dict(color=CATEGORY_PALETTE[2], width=1.8, dash="dash"),
                             hovertemplate="CR4 %{y:.1f}%<extra></extra>"))
    fig = _finish(fig, title=title, y_title="HHI (0 to 10,000)")
    fig.update_yaxes(range=[0, top], exponentformat="none", tickformat=",")
    fig.update_layout(yaxis2=dict(title="CR4: share of the top four (%)", overlaying="y", side="right",
                                  range=[0, 100], ticksuffix="%", showgrid=False), margin=dict(r=72))
    return fig


def company_bubbles(table: pd.DataFrame, *, x: str, y: str, size: str, title: str, x_title: str, y_title: str,
                    colors: Mapping[str, str], x_suffix: str = "", y_suffix: str = "%") -> go.Figure:
    """One bubble per company in its own colour (price positioning), each label where it overlaps nothing."""
    sizes = table[size].clip(lower=0.0)
    scale = 2.0 * max(float(sizes.max()), 1e-9) / 70.0**2
    xs, ys = table[x].astype(float), table[y].astype(float)
    span_x = max(float(xs.max() - xs.min()), 10.0) if len(xs) else 10.0
    span_y = max(float(ys.max()), 1.0) if len(ys) else 1.0
    x_range = (float(xs.min()) - 0.25 * span_x, float(xs.max()) + 0.25 * span_x) if len(xs) else (0.0, 1.0)
    y_range = (0.0, float(ys.max()) + 0.25 * span_y) if len(ys) else (0.0, 1.0)
    radii = [max(0.5 * float(np.sqrt(max(v, 0.0) / scale)), 3.0) for v in sizes]
    labels = {i: p for i, _, p in _place_labels(xs.tolist(), ys.tolist(), [str(c) for c in table["company"]], x_range,
                                                y_range, plot_w=480.0, plot_h=320.0, radii=radii)}
    fig = go.Figure()
    for i, (_, row) in enumerate(table.iterrows()):
        fig.add_trace(go.Scatter(
            x=[row[x]], y=[row[y]], mode="markers+text", text=[plot(row["company"])],
            textposition=labels.get(i, "top center"), cliponaxis=False,
            name=plot(row["company"]), marker=dict(size=[max(row[size], 0.0)], sizemode="area", sizeref=scale,
                                                  sizemin=6, color=colors[row["company"]], opacity=0.8),
            hovertemplate=(f"<b>{plot(row['company'])}</b><br>{plot(x_title)}: %{{x:.1f}}{x_suffix}<br>{plot(y_title)}: %{{y:.1f}}{y_suffix}"
                           f"<br>Revenue: ${row[size]:,.0f}<extra></extra>"),
        ))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=460, hovermode="closest", showlegend=False)
    fig.update_xaxes(title_text=plot(x_title), showgrid=True, gridcolor="#e4e7eb", ticksuffix=x_suffix,
                     range=list(x_range))
    fig.update_yaxes(title_text=plot(y_title), ticksuffix=y_suffix, range=list(y_range))
    return fig


def price_volume_chart(frame: pd.DataFrame, *, title: str, colors: Mapping[str, str]) -> go.Figure:
    """Price (solid, left axis) and units (dotted, right axis) per company over time."""
    fig = go.Figure()
    for company, part in frame.groupby("company", sort=False):
        color = colors[company]
        fig.add_trace(go.Scatter(x=part["date"], y=part["price"], mode="lines", name=f"{plot(company)} price",
                                 line=dict(color=color, width=2.2), hovertemplate="$%{y:,.0f}<extra>%{fullData.name}</extra>"))
        fig.add_trace(go.Scatter(x=part["date"], y=part["units"], mode="lines", name=f"{plot(company)} units", yaxis="y2",
                                 line=dict(color=color, width=1.4, dash="dot"),
                                 hovertemplate="%{y:,.3s} units<extra>%{fullData.name}</extra>"))
    fig = _finish(fig, title=title, y_title="Average price (USD per unit)", money=True)
    fig.update_yaxes(rangemode="normal")
    top = float(frame["units"].max()) if len(frame) else 1.0
    step = _nice_step(top / 4)  # round ticks (10k, 20k, 30k), not "6.69k … 28.73k"
    fig.update_layout(yaxis2=dict(title="Units per period", overlaying="y", side="right", showgrid=False,
                                  tickmode="linear", tick0=0, dtick=step, tickformat="~s",
                                  range=[0, step * (int(top // step) + 1)]), margin=dict(r=72))
    return fig


def _nice_step(raw: float) -> float:
    """The round number (1, 2 or 5 times a power of ten) at or above `raw`: a readable tick spacing."""
    if not raw > 0:
        return 1.0
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def capability_heatmap(matrix: pd.DataFrame, *, title: str) -> go.Figure:
    """Feature scores 0–5, features down, companies across."""
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=[plot(c) for c in matrix.columns], y=[plot(i) for i in matrix.index], zmin=0, zmax=5,
        colorscale=[[0, "#f4f6f9"], [0.5, "#9db7dc"], [1, OUR_COLOR]], text=matrix.round(1).to_numpy(),
        texttemplate="%{text}", colorbar=dict(title=dict(text="Score (0–5)")),
        hovertemplate="%{x} · %{y}: %{z:.1f} of 5<extra></extra>",
    ))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=max(360, 80 + 30 * len(matrix)),
                      hovermode="closest")
    fig.update_xaxes(title_text="Company", side="top")
    fig.update_yaxes(title_text="Feature", autorange="reversed", rangemode="normal")
    return fig


def capability_radar(matrix: pd.DataFrame, *, title: str, colors: Mapping[str, str]) -> go.Figure:
    """The same scores as a radar, one closed shape per company."""
    fig = go.Figure()
    features = [plot(i) for i in matrix.index]
    for company in matrix.columns:
        values = list(matrix[company].fillna(0.0))
        fig.add_trace(go.Scatterpolar(r=values + values[:1], theta=features + features[:1], name=plot(company),
                                      line=dict(color=colors[company], width=2), fill="toself", opacity=0.55,
                                      hovertemplate="%{theta}: %{r:.1f} of 5<extra>" + plot(company) + "</extra>"))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=520, hovermode="closest",
                      polar=dict(radialaxis=dict(range=[0, 5], tickvals=[1, 2, 3, 4, 5])))
    return fig


def demand_quadrant(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    flag: str,
    title: str,
    x_title: str,
    y_title: str,
    x_split: float,
    y_split: float,
    flag_name: str,
    other_name: str,
    hover: Callable[[pd.Series], str],
    same_spot: Callable[[pd.DataFrame], str] | None = None,
) -> go.Figure:
    """Feature requests by breadth (x, 0–100) against revenue at stake (y, USD, log scale), split at two lines.

    Rows where `flag` is true get their own marker and legend entry (e.g. driven
    by one account). Rows at exactly the same spot (five features asked by one
    customer have one breadth and one ARR) become one larger marker labelled
    by `same_spot(rows)` (e.g. "5 features: Acme"), whose hover lists each
    row; other labels go where they overlap least.
    """
    import math

    fig = go.Figure()
    table = _merge_same_spot(table, x, y, label, flag, hover, same_spot)
    hover = lambda r: r["_hover"]  # noqa: E731  (merged rows carry their hover text)
    positive = table[table[y] > 0]
    low, high = (float(positive[y].min()) / 2, float(positive[y].max()) * 2) if len(positive) else (1.0, 10.0)
    x_range, y_range = (-2.0, 102.0), (math.log10(low), math.log10(high))
    for flagged, name, symbol, color in ((False, other_name, "circle", OUR_COLOR), (True, flag_name, "diamond", "#c23b22")):
        part = table[table[flag] == flagged]
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], name=plot(name), mode="markers", hovertext=[hover(r) for _, r in part.iterrows()],
            hoverinfo="text", showlegend=True,
            marker=dict(size=(13 + 3 * (part["_count"] - 1).clip(upper=6)).tolist(), symbol=symbol, color=color,
                        opacity=0.85, line=dict(width=1, color="white")),
        ))
    corners = (("Narrow, high value: one account?", 0.01, 0.99, "left", "top"),
               ("Broad and valuable", 0.99, 0.99, "right", "top"),
               ("Narrow and small", 0.01, 0.01, "left", "bottom"),
               ("Broad but small accounts", 0.99, 0.01, "right", "bottom"))
    labels = _place_labels(
        [float(v) for v in positive[x]], [math.log10(float(v)) for v in positive[y]],
        [str(v) for v in positive[label]], x_range, y_range,
        blocked=[(c[1] * _PLOT_W - (len(c[0]) * 6.8 if c[3] == "right" else 0), (1 - c[2]) * _PLOT_H - (0 if c[4] == "top" else 16),
                  len(c[0]) * 6.8, 16) for c in corners])
    fig.add_trace(go.Scatter(
        x=[positive[x].iloc[i] for i, _, _ in labels], y=[positive[y].iloc[i] for i, _, _ in labels],
        text=[t for _, t, _ in labels], textposition=[p for _, _, p in labels], mode="markers+text",
        marker=dict(size=[13 + 3 * min(int(positive["_count"].iloc[i]) - 1, 6) for i, _, _ in labels], opacity=0),
        textfont=dict(size=11, color="#3e4c59"), hoverinfo="skip", showlegend=False,
    ))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=560, hovermode="closest")
    fig.update_xaxes(title_text=plot(x_title), range=list(x_range), showgrid=True, gridcolor="#e4e7eb", zeroline=False)
    ticks = [m * 10**e for e in range(int(y_range[0]) - 1, int(y_range[1]) + 2) for m in (1, 2, 5)]
    ticks = [t for t in ticks if low <= t <= high]
    fig.update_yaxes(title_text=plot(y_title), type="log", range=list(y_range), tickvals=ticks,
                     ticktext=[_money(t) for t in ticks], rangemode="normal", minor=dict(showgrid=False))
    fig.add_vline(x=x_split, line=dict(color="#7b8794", dash="dot", width=1))
    fig.add_hline(y=y_split, line=dict(color="#7b8794", dash="dot", width=1))
    for text, px, py, xa, ya in corners:
        fig.add_annotation(x=px, y=py, xref="paper", yref="paper", text=text, showarrow=False, xanchor=xa,
                           yanchor=ya, font=dict(size=12, color="#7b8794"))
    return fig


_PLOT_W, _PLOT_H = 840.0, 380.0  # a typical plot area in pixels, for label placement only


def _merge_same_spot(table: pd.DataFrame, x: str, y: str, label: str, flag: str,
                     hover: Callable[[pd.Series], str],
                     same_spot: Callable[[pd.DataFrame], str] | None) -> pd.DataFrame:
    """One row per distinct (x, y): its label from `same_spot` when several rows share it, hovers joined."""
    rows = []
    for _, group in table.groupby([table[x].round(6), table[y].round(2)], sort=False):
        first = group.iloc[0].copy()
        first["_count"] = len(group)
        first["_hover"] = "<br>".join(hover(r) for _, r in group.iterrows()) if len(group) <= 8 else (
            "<br>".join(hover(r) for _, r in group.head(8).iterrows()) + f"<br>… and {len(group) - 8} more")
        if len(group) > 1:
            first[label] = same_spot(group) if same_spot else f"{len(group)} features"
            first[flag] = bool(group[flag].any())
        rows.append(first)
    return pd.DataFrame(rows).reset_index(drop=True) if rows else table.assign(_count=[], _hover=[])


def _money(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"${value / limit:g}{suffix}"
    return f"${value:g}"


def _place_labels(
    xs: list[float], ys: list[float], texts: list[str], x_range: tuple[float, float], y_range: tuple[float, float],
    blocked: list[tuple[float, float, float, float]] = (), *, plot_w: float = _PLOT_W, plot_h: float = _PLOT_H,
    radii: list[float] | None = None,
) -> list[tuple[int, str, str]]:
    """(row, text, textposition) per label: near points share one label; each goes where it overlaps least.

    A greedy placer on an assumed plot size (`plot_w` × `plot_h` pixels; pass
    the size of a chart in a column): good enough for a few dozen points.
    `radii` are the markers' radii in pixels (bubbles), 7 by default.
    """
    px = [(v - x_range[0]) / (x_range[1] - x_range[0]) * plot_w for v in xs]
    py = [(1 - (v - y_range[0]) / (y_range[1] - y_range[0])) * plot_h for v in ys]
    radii = radii or [7.0] * len(xs)
    clusters: list[list[int]] = []
    for i in range(len(xs)):
        home = next((c for c in clusters if abs(px[c[0]] - px[i]) < 10 and abs(py[c[0]] - py[i]) < 10), None)
        home.append(i) if home is not None else clusters.append([i])
    boxes = [(px[i] - radii[i], py[i] - radii[i], 2 * radii[i], 2 * radii[i]) for i in range(len(xs))] + list(blocked)

    def overlap(a: tuple, b: tuple) -> float:
        w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
        h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        return max(w, 0.0) * max(h, 0.0)

    placed = []
    for cluster in sorted(clusters, key=lambda c: (-len(c), py[c[0]])):
        names = [texts[i] for i in cluster]
        w, h = 6.4 * max(len(n) for n in names) + 4, 14.0 * len(names)
        x0, y0, r = px[cluster[0]], py[cluster[0]], radii[cluster[0]]
        options = {"middle right": (x0 + r + 3, y0 - h / 2), "middle left": (x0 - r - 3 - w, y0 - h / 2),
                   "top center": (x0 - w / 2, y0 - r - 2 - h), "bottom center": (x0 - w / 2, y0 + r + 2),
                   "top right": (x0 + 0.6 * r, y0 - r - h), "bottom right": (x0 + 0.6 * r, y0 + r),
                   "top left": (x0 - 0.6 * r - w, y0 - r - h), "bottom left": (x0 - 0.6 * r - w, y0 + r)}

        def cost(corner: tuple[float, float]) -> float:
            box = (corner[0], corner[1], w, h)
            outside = max(0.0, -box[0]) + max(0.0, box[0] + w - plot_w) + max(0.0, -box[1]) + max(0.0, box[1] + h - plot_h)
            return sum(overlap(box, other) for other in boxes) + 50 * outside * h

        position = min(options, key=lambda k: cost(options[k]))  # ties go to the first: beside the point
        boxes.append((*options[position], w, h))
        placed.append((cluster[0], "<br>".join(plot(n) for n in names), position))
    return placed


def ranked_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    x_title: str,
    hover: Callable[[pd.Series], str],
    color_title: str | None = None,
    muted: str | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top, one colour per `color` value (e.g. requesters by segment).

    The `muted` value (e.g. an "other customers" bucket) is grey and listed last in the legend.
    """
    from dashboard.theme import OTHERS_COLOR

    fig = go.Figure()
    names = sorted(dict.fromkeys(frame[color].astype(str)), key=lambda n: (n == muted, n))
    palette = {**_palette([n for n in names if n != muted]), muted: OTHERS_COLOR}
    order = [plot(v) for v in frame[y]]
    for name in names:
        part = frame[frame[color].astype(str) == name]
        fig.add_trace(go.Bar(
            x=part[x], y=part[y].map(plot), orientation="h", name=plot(name), marker_color=palette[name],
            hovertext=[hover(row) for _, row in part.iterrows()], hoverinfo="text", showlegend=True,
        ))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=max(230, 170 + 26 * len(frame)),
                      hovermode="closest", barmode="stack", bargap=0.25, margin=dict(l=24),
                      legend=dict(traceorder="normal", title=dict(text=f"{plot(color_title)}:" if color_title else None, side="left")))
    fig.update_xaxes(title_text=plot(x_title), tickprefix="$", exponentformat="B", showgrid=True, gridcolor="#e4e7eb")
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", automargin=True,
                     rangemode="normal")
    return fig


def adoption_chart(curve: pd.DataFrame, *, title: str, analog: pd.DataFrame | None = None) -> go.Figure:
    """New adopters per month (bars) and cumulative adopters (line, right axis); an analog's actuals as dots."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=curve["date"], y=curve["new"], name="New adopters per month",
                         marker_color=CATEGORY_PALETTE[0], hovertemplate="%{y:,.0f} new<extra></extra>"))
    fig.add_trace(go.Scatter(x=curve["date"], y=curve["cumulative"], name="Cumulative adopters", yaxis="y2",
                             mode="lines", line=dict(color=OUR_COLOR, width=2.5),
                             hovertemplate="%{y:,.0f} in total<extra></extra>"))
    if analog is not None:
        fig.add_trace(go.Scatter(x=analog["date"], y=analog["actual"], name="Analog, actual (scaled)", mode="markers",
                                 marker=dict(color=CATEGORY_PALETTE[2], size=5),
                                 hovertemplate="%{y:,.0f} (analog)<extra></extra>"))
    fig = _finish(fig, title=title, y_title="New adopters per month")
    fig.update_layout(yaxis2=dict(title="Cumulative adopters", overlaying="y", side="right", showgrid=False,
                                  rangemode="tozero", exponentformat="B"), margin=dict(r=72), bargap=0.1)
    return fig


def cash_chart(flows: pd.DataFrame, *, title: str, payback_date: pd.Timestamp | None) -> go.Figure:
    """Cash per month (bars) and cumulative cash (line), with the payback month marked."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=flows["date"], y=flows["cash"], name="Cash per month",
                         marker_color=[("#c23b22" if v < 0 else "#3f8f3f") for v in flows["cash"]],
                         hovertemplate="$%{y:,.0f}<extra>Cash</extra>"))
    fig.add_trace(go.Scatter(x=flows["date"], y=flows["cumulative_cash"], name="Cumulative cash", mode="lines",
                             line=dict(color=OUR_COLOR, width=2.5), hovertemplate="$%{y:,.0f}<extra>Cumulative</extra>"))
    if payback_date is not None:
        fig.add_vline(x=payback_date, line=dict(color="#7b8794", dash="dot", width=1))
        fig.add_annotation(x=payback_date, y=0.98, yref="paper", text=f"pays back {payback_date:%b %Y}",
                           showarrow=False, xanchor="right", yanchor="top", xshift=-4, font=dict(size=11, color="#7b8794"))
    fig = _finish(fig, title=title, y_title="Cash (USD)", money=True)
    fig.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor="#7b8794")
    return fig


def npv_histogram(outcomes: np.ndarray, *, title: str, p10: float, p90: float) -> go.Figure:
    """The NPV distribution of the Monte Carlo draws, losses in red, with the 10th–90th band."""
    fig = go.Figure()
    finite = outcomes[np.isfinite(outcomes)]
    # Bins of our own, shared by both traces, so the tallest bar is known and the band's label clears it.
    edges = np.histogram_bin_edges(finite, bins=60) if finite.size else np.array([0.0, 1.0])
    bins = dict(start=float(edges[0]), end=float(edges[-1]), size=float(edges[1] - edges[0]) or 1.0)
    for name, part, color in (("NPV below 0", finite[finite < 0], "#c23b22"),
                              ("NPV 0 or more", finite[finite >= 0], "#3f8f3f")):
        fig.add_trace(go.Histogram(x=part, name=name, marker_color=color, opacity=0.8, xbins=bins, autobinx=False,
                                   hovertemplate="%{y} draws near $%{x:,.3s}<extra></extra>"))
    fig.add_vrect(x0=p10, x1=p90, fillcolor=OUR_COLOR, opacity=0.07, line_width=0)
    fig.add_annotation(x=(p10 + p90) / 2, y=0.98, yref="paper", text="10th–90th percentile", showarrow=False,
                       yanchor="top", font=dict(size=11, color="#7b8794"))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), barmode="overlay", height=400, hovermode="closest")
    fig.update_xaxes(title_text="NPV (USD)", tickprefix="$", exponentformat="B")
    tallest = np.histogram(finite, bins=edges)[0].max() if finite.size else 0
    fig.update_yaxes(title_text="Draws (of 10,000)", range=[0, tallest * 1.15] if tallest else None)
    return fig


def tornado_chart(table: pd.DataFrame, *, title: str, x_title: str) -> go.Figure:
    """Each input's low and high end as a bar either side of the base value; biggest swing on top."""
    rows = table.iloc[::-1]
    base = float(rows["base"].iloc[0])
    fig = go.Figure()
    fig.add_trace(go.Bar(y=rows["input"].map(plot), x=rows["npv_low"] - base, base=base, orientation="h", name="Input at its low end",
                         marker_color="#c06c84", customdata=rows["npv_low"],
                         hovertemplate="%{y} low: $%{customdata:,.0f}<extra></extra>"))
    fig.add_trace(go.Bar(y=rows["input"].map(plot), x=rows["npv_high"] - base, base=base, orientation="h",
                         name="Input at its high end", marker_color="#6c9a8b", customdata=rows["npv_high"],
                         hovertemplate="%{y} high: $%{customdata:,.0f}<extra></extra>"))
    fig.add_vline(x=base, line=dict(color=TEXT_COLOR, width=1))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), barmode="overlay", height=380, hovermode="closest")
    fig.update_xaxes(title_text=plot(x_title), tickprefix="$", exponentformat="B")
    fig.update_yaxes(title_text=None, rangemode="normal")
    return fig


def risk_return(table: pd.DataFrame, *, title: str) -> go.Figure:
    """Expected NPV against the chance of losing money, with the 10th–90th NPV range as error bars.

    The axes leave room around the points and each label goes where it overlaps
    nothing (options close together share one), so long option names are never
    cut by the chart's edge or printed over each other.
    """
    loss, value = 100 - table["probability_positive"], table["expected_npv"]
    span_x = max(float(loss.max() - loss.min()), 10.0) if len(loss) else 10.0
    x_range = (float(loss.min()) - 0.35 * span_x, float(loss.max()) + 0.35 * span_x) if len(loss) else (0.0, 100.0)
    low, high = (float(table["p10"].min()), float(table["p90"].max())) if len(table) else (0.0, 1.0)
    pad = 0.12 * max(high - low, abs(high), 1.0)
    y_range = (min(low, 0.0) - pad, max(high, 0.0) + pad)
    labels = _place_labels(loss.tolist(), value.tolist(), [str(o) for o in table["option"]], x_range, y_range,
                           plot_w=480.0, plot_h=300.0)
    fig = go.Figure(go.Scatter(
        x=loss, y=value, mode="markers", text=table["option"].map(plot), marker=dict(size=14, color=OUR_COLOR),
        error_y=dict(type="data", symmetric=False, array=table["p90"] - value, arrayminus=value - table["p10"],
                     color="#9aa5b1"),
        hovertemplate="<b>%{text}</b><br>Expected NPV $%{y:,.0f}<br>Chance of a loss %{x:.0f}%<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[loss.iloc[i] for i, _, _ in labels], y=[value.iloc[i] for i, _, _ in labels], mode="markers+text",
        text=[t for _, t, _ in labels], textposition=[p for _, _, p in labels], marker=dict(size=14, opacity=0),
        textfont=dict(size=11, color="#3e4c59"), hoverinfo="skip", showlegend=False))
    fig.add_hline(y=0, line=dict(color="#7b8794", dash="dot", width=1))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=440, hovermode="closest", showlegend=False)
    fig.update_xaxes(title_text="Chance the NPV is below zero (%)", ticksuffix="%", showgrid=True,
                     gridcolor="#e4e7eb", range=list(x_range))
    fig.update_yaxes(title_text="Expected NPV (USD; bars: 10th–90th percentile)", tickprefix="$", exponentformat="B",
                     range=list(y_range))
    return fig


def share_forecast_chart(history: pd.DataFrame, future: pd.DataFrame, *, title: str, colors: Mapping[str, str],
                         ours: str, level: float) -> go.Figure:
    """Each company's share: history solid, forecast dashed with its band; ours drawn thicker."""
    fig = go.Figure()
    companies = sorted(history["company"].unique(), key=lambda c: c != ours)
    for company in companies:
        color, width = colors[company], 3.0 if company == ours else 1.6
        past, ahead = history[history["company"] == company], future[future["company"] == company]
        if not ahead.empty and company == ours:
            fig.add_trace(go.Scatter(
                x=list(ahead["date"]) + list(ahead["date"][::-1]), y=list(ahead["upper"]) + list(ahead["lower"][::-1]),
                fill="toself", fillcolor="rgba(31, 78, 156, 0.15)", line=dict(width=0), hoverinfo="skip",
                name=f"{plot(company)}: {level:.0%} interval"))
        label = plot(company)
        fig.add_trace(go.Scatter(x=past["date"], y=past["share"], mode="lines", name=label, legendgroup=label,
                                 line=dict(color=color, width=width), hovertemplate="%{y:.1f}%<extra>" + label + "</extra>"))
        fig.add_trace(go.Scatter(x=ahead["date"], y=ahead["share"], mode="lines", name=f"{label} (forecast)",
                                 legendgroup=label, showlegend=False, line=dict(color=color, width=width, dash="dash"),
                                 customdata=ahead[["lower", "upper"]].to_numpy(),
                                 hovertemplate="%{y:.1f}% (%{customdata[0]:.1f} to %{customdata[1]:.1f})<extra>"
                                               + label + " forecast</extra>"))
    if not future.empty:
        origin = history["date"].max()
        fig.add_vline(x=origin, line=dict(color="#7b8794", width=1, dash="dot"))
    fig = _finish(fig, title=title, y_title="Share (%)")
    fig.update_yaxes(ticksuffix="%")
    return fig


def scenario_chart(history: pd.Series, projection: pd.DataFrame, *, title: str, y_title: str) -> go.Figure:
    """Actual units, the baseline forecast and the scenario, each forecast with its 10th–90th band."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history.index, y=history.to_numpy(), mode="lines", name="Actual",
                             line=dict(color=TEXT_COLOR, width=2), hovertemplate="%{y:,.0f}<extra>Actual</extra>"))
    for prefix, name, color, fill in (("baseline", "Baseline", "#7b8794", "rgba(123, 135, 148, 0.15)"),
                                      ("scenario", "Scenario", OUR_COLOR, "rgba(31, 78, 156, 0.18)")):
        x = list(projection.index)
        fig.add_trace(go.Scatter(x=x + x[::-1], y=list(projection[f"{prefix}_high"]) + list(projection[f"{prefix}_low"][::-1]),
                                 fill="toself", fillcolor=fill, line=dict(width=0), hoverinfo="skip",
                                 name=f"{name}: 10th–90th percentile"))
        fig.add_trace(go.Scatter(x=x, y=projection[f"{prefix}_units"], mode="lines", name=name,
                                 line=dict(color=color, width=2.5, dash="dash" if prefix == "baseline" else "solid"),
                                 hovertemplate="%{y:,.0f}<extra>" + name + "</extra>"))
    return _finish(fig, title=title, y_title=y_title)


def lever_tornado(table: pd.DataFrame, *, value: str, title: str) -> go.Figure:
    """Revenue (or margin) with each lever moved down and up by a realistic amount."""
    rows = table.iloc[::-1]
    base = float(rows[f"base_{value}"].iloc[0])
    fig = go.Figure()
    for side, color, label in (("down", "#c06c84", "Lever moved down"), ("up", "#6c9a8b", "Lever moved up")):
        fig.add_trace(go.Bar(y=rows["lever"], x=rows[f"{value}_{side}"] - base, base=base, orientation="h", name=label,
                             marker_color=color, customdata=rows[f"{value}_{side}"],
                             hovertemplate="%{y}: $%{customdata:,.0f}<extra>" + label + "</extra>"))
    fig.add_vline(x=base, line=dict(color=TEXT_COLOR, width=1))
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), barmode="overlay", height=360, hovermode="closest")
    fig.update_xaxes(title_text=f"{value.capitalize()} over the horizon (USD)", tickprefix="$", exponentformat="B")
    fig.update_yaxes(title_text=None, rangemode="normal")
    return fig


def marked(builder: Callable[..., go.Figure], events: list[tuple[pd.Timestamp, str]], *args: Any,
           **kwargs: Any) -> go.Figure:
    """`with_events(builder(*args, **kwargs), events)`: shared by its plain inputs (`figure(marked, …)`),
    so a session finding it cached never pickles a whole figure to look it up."""
    return with_events(builder(*args, **kwargs), events)


def with_events(fig: go.Figure, events: list[tuple[pd.Timestamp, str]]) -> go.Figure:
    """A copy of a time chart with each event (date, short label) marked: a dotted line and its label.

    Labels are staggered in three rows and anchored away from the nearer edge,
    so neighbouring events and the last periods do not clip or overlap.
    """
    fig = go.Figure(fig)
    dates = [x for trace in fig.data for x in (trace.x if trace.x is not None else [])]
    if not events or not dates:
        return fig
    first, last = pd.Timestamp(min(dates)), pd.Timestamp(max(dates))
    span = max((last - first).total_seconds(), 1.0)
    lines_, notes = [], []
    for i, (when, label) in enumerate(sorted(events)):
        when = pd.Timestamp(when)
        if not first <= when <= last:
            continue
        right_half = (when - first).total_seconds() / span > 0.5
        lines_.append(dict(type="line", x0=when, x1=when, xref="x", y0=0, y1=1, yref="y domain",
                           line=dict(color="#7b8794", width=1, dash="dot")))
        notes.append(dict(x=when, y=0.99 - 0.08 * (i % 3), xref="x", yref="paper", yanchor="top",
                          xanchor="right" if right_half else "left", xshift=-4 if right_half else 4,
                          text=plot(label), showarrow=False, font=dict(size=11, color=TEXT_COLOR),
                          bgcolor="rgba(255,255,255,0.8)"))
    if any(key[5:].isdigit() for key in fig.layout.to_plotly_json() if key.startswith("xaxis")):
        # subplots (a second x axis): let Plotly place the lines on every one of them
        for line, note in zip(lines_, notes):
            fig.add_vline(x=line["x0"], line=line["line"])
            fig.add_annotation(**note)
        return fig
    # What add_vline and add_annotation make, added in one step: one by one they cost ~50 ms an event.
    fig.update_layout(shapes=[*fig.layout.shapes, *lines_], annotations=[*fig.layout.annotations, *notes])
    return fig
