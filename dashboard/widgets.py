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


def unavailable(reason: str) -> None:
    """A view the data cannot support, with the reason instead of an error."""
    st.info(reason, icon=":material/block:")


def head_to_head_table(table: pd.DataFrame, ours: str, rival: str) -> None:
    """Us against one competitor per segment and region; click a header to sort."""
    money = st.column_config.NumberColumn
    config = {
        "segment": "Segment",
        "region": "Region",
        "our_revenue": money(f"{ours} revenue", format="dollar"),
        "their_revenue": money(f"{rival} revenue", format="dollar"),
        "revenue_gap": money("Revenue gap", format="dollar", help=f"{ours} minus {rival}, last year"),
        "our_share": money(f"{ours} share", format="%.1f%%"),
        "their_share": money(f"{rival} share", format="%.1f%%"),
        "share_gap": money("Share gap (pts)", format="%+.1f"),
        "our_price": money(f"{ours} price", format="dollar"),
        "their_price": money(f"{rival} price", format="dollar"),
        "our_units": money(f"{ours} units", format="compact"),
        "their_units": money(f"{rival} units", format="compact"),
        "our_growth": money(f"{ours} growth", format="%+.1f%%"),
        "their_growth": money(f"{rival} growth", format="%+.1f%%"),
    }
    st.dataframe(table[list(config)], hide_index=True, column_config=config, key="head_to_head")
    st.caption("Last twelve periods; growth against the twelve before. Biggest revenue gaps first.")
    st.download_button("Download data (CSV)", table.to_csv(index=False).encode(), file_name="head_to_head.csv",
                       mime="text/csv", key="download_head_to_head", icon=":material/download:", type="tertiary")
