"""Small widget helpers with one job each, so pages stay short."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.forecast.words import in_words
from dashboard.axes import readable_money
from dashboard.context import PageContext
from dashboard.formatting import money_columns
from dashboard.safe_text import md
from data.export import csv_bytes, excel_bytes


def chart(fig: go.Figure, data: pd.DataFrame, *, key: str) -> None:
    """A Plotly chart (money axes rounded for reading) with downloads of the data behind it, as CSV and Excel."""
    st.plotly_chart(readable_money(fig), key=f"chart_{key}", config={"displaylogo": False, "toImageButtonOptions": {"scale": 2}})
    data_downloads(data, key=key)
    context = st.session_state.get("_page_context")
    if isinstance(context, PageContext):
        context.figures[key] = fig  # for the page's PowerPoint; a fragment's rerun replaces its own charts


def deck_button(title: str, *, key: str) -> None:
    """*Download as PowerPoint* of the page's main views: a title slide, then each chart the page drew, under
    its message as the slide title, with the source and basis on every slide. Built only when clicked."""
    from dashboard.deck import Briefing, briefing_deck
    from dashboard.report import chart_pngs, chrome_for_images

    context = st.session_state.get("_page_context")
    if not isinstance(context, PageContext) or not context.figures or chrome_for_images() is None:
        return  # a deck of a page's charts needs its charts drawn
    build = lambda: briefing_deck(Briefing(  # noqa: E731 (read at the click: charts as a fragment last drew them)
        title, context.dataset.name, context.filters.basis(), "", (), (), list(context.figures.values())), chart_pngs)
    st.download_button("Download as PowerPoint", build,
                       file_name=f"{key}.pptx", on_click="ignore", key=f"download_deck_{key}",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       icon=":material/slideshow:")


def data_downloads(data: pd.DataFrame, *, key: str) -> None:
    """CSV and Excel buttons; files are built only when clicked, so reruns stay fast.

    Both go through `data.export`, which stops names from data running as spreadsheet formulas.
    """
    with st.container(horizontal=True, gap="small"):
        # on_click="ignore": a download must not rerun the page (and move what the user is looking at)
        st.download_button("CSV", lambda: csv_bytes(data), file_name=f"{key}.csv",
                           mime="text/csv", key=f"download_{key}", icon=":material/download:", type="tertiary",
                           on_click="ignore", help="Download the data behind this chart as CSV")
        st.download_button("Excel", lambda: excel_bytes(data, key), file_name=f"{key}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"download_xlsx_{key}", icon=":material/table_view:", type="tertiary",
                           on_click="ignore", help="Download the data behind this chart as an Excel workbook")


def basis_caption(context: PageContext, note: str = "") -> None:
    """Say what the numbers are based on: slice, period and data source, and `note` (plain text) if any,
    such as a break in the data."""
    st.caption(
        f"Basis: {md(context.filters.basis())} · Data: {md(context.dataset.name)} "
        f"({md(context.dataset.source)})" + (f" · :orange[{md(note)}]" if note else "")
    )


def unchanged(delta: str) -> dict:
    """Metric options for a delta such as "+0.0% vs baseline": grey and without the green up arrow
    Streamlit gives any delta not starting with a minus."""
    number = delta.split()[0].rstrip("%").lstrip("+−-")
    try:
        zero = float(number) == 0
    except ValueError:
        zero = False
    return {"delta_color": "off", "delta_arrow": "off"} if zero else {}


def unavailable(reason: str) -> None:
    """A view the data cannot support, with the reason (Markdown: escape names in it) instead of an error."""
    st.info(reason, icon=":material/block:")


def head_to_head_table(table: pd.DataFrame, ours: str, rival: str, year: str = "12 months") -> None:
    """Us against one competitor per segment and region, in columns that fit the page; click a header to sort.

    Revenue in millions (or thousands) for reading; prices and units, and the exact figures, are in the download.
    """
    number = st.column_config.NumberColumn
    shown, money = money_columns(table, {"our_revenue": f"{ours} revenue", "their_revenue": f"{rival} revenue",
                                         "revenue_gap": "Revenue gap"})
    config = {
        "segment": "Segment",
        "region": "Region",
        **{c: number(**kw) for c, kw in money.items()},
        "our_share": number(f"{ours} revenue share", format="%.1f%%"),
        "their_share": number(f"{rival} revenue share", format="%.1f%%"),
        "share_gap": number("Revenue share gap", format="%+.1f pts"),
        "our_growth": number(f"{ours} growth", format="%+.1f%%"),
        "their_growth": number(f"{rival} growth", format="%+.1f%%"),
    }
    config["revenue_gap"] = number(**{**money["revenue_gap"], "help": md(f"{ours} minus {rival}, last year")})
    st.dataframe(shown[list(config)], hide_index=True, column_config=config, key="head_to_head")
    st.caption(f"The last {year}; growth against the {year} before. Biggest revenue gaps first. "
               "Prices, units and exact figures are in the downloads.")
    data_downloads(table, key="head_to_head")


def forecast_details(fc) -> None:
    """The model behind a forecast, its backtest against the other candidates, in plain words."""
    with st.expander(f"Model details: {in_words(fc.model)}", icon=":material/query_stats:"):
        st.markdown(fc.summary)
        st.caption(f"Technical name: {md(fc.model)}")
        if fc.notes:
            st.caption(" ".join(fc.notes))
        if not fc.backtest.empty:
            st.dataframe(
                fc.backtest, hide_index=True,
                column_config={
                    "model": "Candidate",
                    "mape": st.column_config.NumberColumn("Average miss (MAPE)", format="%.1f%%"),
                    "smape": st.column_config.NumberColumn("sMAPE", format="%.1f%%"),
                    "mase": st.column_config.NumberColumn("MASE", format="%.2f",
                                                          help="Below 1: better than repeating last season."),
                },
            )
            st.caption(f"Backtest: {fc.backtest_origins} forecasts of {fc.backtest_horizon} periods each, made as if "
                       f"from earlier dates; {fc.coverage:.0%} of those outcomes fell inside the "
                       f"{fc.level:.0%} interval.")


def outlook_table(table: pd.DataFrame, by: str) -> None:
    """Forecast growth per segment or region, with the cautious range."""
    number = st.column_config.NumberColumn
    st.dataframe(table, hide_index=True, column_config={
        by: by.capitalize(),
        "last_year": number("Last year", format="compact"),
        "next_year": number("Next year (forecast)", format="compact"),
        "growth": number("Growth", format="%+.1f%%"),
        "growth_low": number("Low", format="%+.1f%%", help="Sum of the lower bounds: a cautious low case."),
        "growth_high": number("High", format="%+.1f%%", help="Sum of the upper bounds: a cautious high case."),
        "model": "Model",
    })


def table_with_download(frame: pd.DataFrame, *, key: str, column_config: dict, caption: str | None = None,
                        download: bool = True, money: Mapping[str, str] | None = None) -> None:
    """A read-only table of the configured columns, its caption, and a CSV download of all its columns.

    `money` names columns (and their labels) shown scaled for reading, $9.2M rather than $9,205,695.52;
    the download keeps the exact values.
    """
    shown = [c for c in column_config if c in frame.columns]
    view, config = frame[shown], dict(column_config)
    if money:
        view, scaled = money_columns(view, money)
        config.update({c: st.column_config.NumberColumn(**kw) for c, kw in scaled.items()})
    st.dataframe(view, hide_index=True, column_config=config, key=f"table_{key}")
    if caption:
        st.caption(caption)
    if download:
        data_downloads(frame, key=key)


def feature_grouping_editor(groups: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """Names as written and the feature each counts towards; the group column is editable."""
    return st.data_editor(
        groups[["variant", "requests", "group"]], hide_index=True, disabled=["variant", "requests"], key=key,
        column_config={
            "variant": st.column_config.TextColumn("Name as written"),
            "requests": st.column_config.NumberColumn("Requests", format="%d"),
            "group": st.column_config.TextColumn(
                "Counts as feature", required=True,
                help="Type the same name on several rows to merge them; a new name splits a row off."),
        },
    )


def rice_editor(inputs: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """Impact, confidence and effort per feature, editable within their allowed ranges."""
    number = st.column_config.NumberColumn
    return st.data_editor(
        inputs, hide_index=True, disabled=["feature", "reach"], key=key,
        column_config={
            "feature": st.column_config.TextColumn("Feature"),
            "reach": number("Reach (customers, last 12 months)", format="%d"),
            "impact": number("Impact", min_value=0.25, max_value=3.0, step=0.25, format="%.2f", required=True,
                             help="0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive."),
            "confidence": number("Confidence (%)", min_value=0, max_value=100, step=5, format="%d%%",
                                 required=True, help="How sure you are of reach and impact."),
            "effort": number("Effort (person-months)", min_value=0.1, max_value=120.0, step=0.5, format="%.1f",
                             required=True),
        },
    )
