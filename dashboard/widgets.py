"""Small widget helpers with one job each, so pages stay short."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.context import PageContext


def chart(fig: go.Figure, data: pd.DataFrame, *, key: str) -> None:
    """A Plotly chart with a download of the data behind it."""
    st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False})
    st.download_button(
        "Download data (CSV)",
        data.to_csv(index=False).encode(),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"download_{key}",
        icon=":material/download:",
        type="tertiary",
    )


def basis_caption(context: PageContext) -> None:
    """Say what the numbers are based on: slice, period and data source."""
    st.caption(
        f"Basis: {context.filters.basis()} · Data: {context.dataset.name} "
        f"({context.dataset.source})"
    )
