"""Charts of the Products page, built from DataFrames like every chart (see `dashboard.charts`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import lines


def rolling_sales(sales: pd.DataFrame, table: pd.DataFrame, *, measure: str, season: int, period: str) -> go.Figure:
    """Each product's rolling `season` of sales (the season removed), its stage in the legend."""
    wide = sales.pivot_table(index="date", columns="product", values=measure, aggfunc="sum").sort_index()
    rolling = wide.fillna(0.0).rolling(season, min_periods=season).sum().where(wide.notna().cumsum() > 0)
    stages = table.set_index("product")["stage"].to_dict()
    frame = rolling.stack().rename(measure).reset_index()
    frame["product"] = [f"{p} ({stages.get(p, 'n/a')})" for p in frame["product"]]
    biggest = table["product"].iloc[0] if len(table) else None
    return lines(frame, x="date", y=measure, color="product",
                 title=f"Our products' sales over the last {season} {period}s, at each {period}",
                 y_title=f"{measure.capitalize()}, rolling {season} {period}s", money=measure == "revenue",
                 emphasis=f"{biggest} ({stages.get(biggest, 'n/a')})" if biggest else None)
