"""Widgets of the Data page: pick a file, confirm its mapping, read its report.

Each function has one job and returns plain values, so `pages/data.py` reads
as the steps a user takes: choose a source, check how it was read, fix the
mapping, read the report, then use the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.breaks import describe_breaks, share_breaks
from analysis.coverage import companies_beyond, coverage, missing_by_company
from analysis.share_findings import best_measure, is_catch_all
from dashboard.charts import missing_heatmap
from dashboard.safe_text import md
from data.http_source import fetch
from data.mapping import ALL, LONG, SYNONYMS, WIDE, WIDE_VALUES, Mapping, suggest_mapping
from data.periods import CALENDARS, infer_periodicity, read_dates, suggest_calendar
from data.readers import SUPPORTED, UPLOAD_LIMIT_MB, RawFile
from data.report import LoadError
from data.schema import SCHEMAS
from data.validate import Loaded, check, read

NONE = "(none)"
HEATMAP_COMPANIES = 50  # rows of the missing-figures heatmap; more would hang the browser


# A file is read once and checked once per mapping. The results are kept as they are
# (cache_resource: no pickled copy per rerun), keyed by the content's hash rather than
# the bytes, and only the last two are kept: a 100 MB upload must not stay in memory
# several times over. Nothing downstream changes them.
def read_upload(name: str, content: bytes, table: str, sheet: str | None) -> Loaded:
    """The file read (not checked), cached so widget changes on the page do not re-read it."""
    return _read(_digest(content), name, table, sheet, content)


def checked(name: str, content: bytes, table: str, mapping: Mapping, sheet: str | None) -> Loaded:
    """The file mapped and validated with the mapping the user confirmed; cached likewise."""
    digest = _digest(content)
    return _check(digest, name, table, mapping, sheet, _read(digest, name, table, sheet, content))


def _digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@st.cache_resource(max_entries=2, ttl="1h", show_spinner="Reading the file…")
def _read(digest: str, name: str, table: str, sheet: str | None, _content: bytes) -> Loaded:
    return read(name, _content, table, sheet=sheet)


@st.cache_resource(max_entries=2, ttl="1h", show_spinner="Checking the file…")
def _check(digest: str, name: str, table: str, mapping: Mapping, sheet: str | None, _file: Loaded) -> Loaded:
    return _file if _file.raw is None else check(_file.raw, table, mapping)


def pick_source(table: str) -> tuple[str, bytes] | None:
    """An uploaded file or a fetched URL for `table`; None until the user gives one."""
    how = st.radio("Source", ["Upload a file", "From a web address"], horizontal=True, key=f"how_{table}")
    if how == "Upload a file":
        upload = st.file_uploader(
            f"File for `{table}` ({', '.join(SUPPORTED)}; up to {UPLOAD_LIMIT_MB} MB)",
            key=f"upload_{table}",
        )
        return (upload.name, upload.getvalue()) if upload is not None else None
    url = st.text_input("Address of a CSV, Excel or Parquet file", key=f"url_{table}",
                        placeholder="https://example.org/market-share.csv")
    fetched_key = f"fetched_{table}"
    if st.button("Fetch", key=f"fetch_{table}", icon=":material/download:", disabled=not url):
        try:
            with st.spinner(f"Fetching {md(url[:60])}…"):
                st.session_state[fetched_key] = (url, *fetch(url))
        except LoadError as exc:
            st.session_state.pop(fetched_key, None)
            st.error(md(exc), icon=":material/cloud_off:")
    fetched = st.session_state.get(fetched_key)
    if fetched and fetched[0] == url:
        return fetched[1], fetched[2]
    return None


def choose_sheet(raw: RawFile | None, table: str) -> str | None:
    if raw is None or raw.format.kind != "excel" or len(raw.format.sheets) < 2:
        return None
    return st.selectbox("Sheet", raw.format.sheets, key=f"sheet_{table}")


def edit_mapping(raw: RawFile, table: str, scope: str) -> Mapping:
    """The suggested mapping, shown and editable; returns what the user confirmed.

    `scope` names the file, so a new file starts from its own suggestion.
    """
    suggested = suggest_mapping(raw, table)
    columns = list(raw.frame.columns)
    layouts = [LONG, WIDE] if table == "market" else [LONG]
    layout = st.radio(
        "Layout", layouts, index=layouts.index(suggested.layout), horizontal=True, key=f"layout_{scope}",
        format_func=lambda v: {LONG: "Long: one row per company and period",
                               WIDE: "Wide: one column per company"}[v],
    )
    if layout == WIDE:
        return _edit_wide(columns, suggested, scope)
    targets = list(SCHEMAS[table].columns)
    chosen: dict[str, str] = {}
    grid = st.columns(4)
    for i, target in enumerate(targets):
        options = [NONE, *columns]
        default = suggested.columns.get(target, NONE)
        required = target in SCHEMAS[table].required
        with grid[i % 4]:
            picked = st.selectbox(
                f"{target}{' *' if required else ''}", options, index=options.index(default),
                key=f"map_{scope}_{target}", help=f"Also recognised: {', '.join(SYNONYMS.get(target, ())[:6])}",
            )
        if picked != NONE:
            chosen[target] = picked
    return Mapping(LONG, chosen)


def choose_calendar(raw: RawFile, mapping: Mapping, scope: str) -> Mapping:
    """Irregular dates (survey snapshots): ask which calendar to place each observation on.

    Regular files are returned as they are; the validation report then says
    which dates moved where and which periods stay empty.
    """
    column = mapping.date_column if mapping.layout == WIDE else mapping.columns.get("date")
    if column is None or column not in raw.frame:
        return mapping
    dates, _ = read_dates(raw.frame[column])
    periodicity = infer_periodicity(dates)
    if not periodicity.mixed:
        return replace(mapping, calendar=None)
    suggested = suggest_calendar(dates)
    calendar = st.radio(
        "These dates are irregular (e.g. survey snapshots). Place each observation on a calendar:", CALENDARS,
        index=CALENDARS.index(suggested), horizontal=True, key=f"calendar_{scope}",
        format_func=lambda c: {"monthly": "Month", "quarterly": "Quarter", "yearly": "Year"}[c],
        help="Each date moves to the start of its month, quarter or year; periods without an observation stay "
             "empty (gaps in charts), never filled in. Two observations in one period need a coarser calendar.")
    return replace(mapping, calendar=calendar)


def _edit_wide(columns: list[str], suggested: Mapping, scope: str) -> Mapping:
    date_default = suggested.date_column if suggested.date_column in columns else columns[0]
    left, right = st.columns([1, 2])
    with left:
        date_column = st.selectbox("Date column", columns, index=columns.index(date_default), key=f"wide_date_{scope}")
        value = st.selectbox("The values are", WIDE_VALUES, index=WIDE_VALUES.index(suggested.value),
                             key=f"wide_value_{scope}",
                             format_func=lambda v: {"units": "Units", "revenue": "Revenue",
                                                    "share": "Percent share"}[v])
    with right:
        default_companies = [c for c in suggested.company_columns if c != date_column] or [
            c for c in columns if c != date_column]
        companies = st.multiselect("Company columns", [c for c in columns if c != date_column],
                                   default=default_companies, key=f"wide_companies_{scope}")
        segment = st.text_input("Segment these figures describe", value=ALL, key=f"wide_segment_{scope}")
        region = st.text_input("Region these figures describe", value=ALL, key=f"wide_region_{scope}")
    return Mapping(WIDE, date_column=date_column, company_columns=tuple(companies), value=value,
                   segment=segment.strip() or ALL, region=region.strip() or ALL)


def show_report(loaded: Loaded) -> None:
    """Errors first, then warnings, one line each; success when the file can be used."""
    if loaded.ok:
        period = f" · {loaded.periodicity.describe()}" if loaded.periodicity else ""
        st.success(md(f"{loaded.name} can be loaded: {len(loaded.frame):,} rows{period}."), icon=":material/check_circle:")
    for issue in loaded.report.errors:
        st.error(md(issue.line()), icon=":material/error:")
    for issue in loaded.report.warnings:
        st.warning(md(issue.line()), icon=":material/warning:")


def show_coverage(market: pd.DataFrame, *, key: str) -> None:
    """Periods, companies, segments and regions, and a heatmap of the missing cells."""
    c = coverage(market)
    cols = st.columns(5)
    span = c.periods + c.missing_periods
    cols[0].metric("Periods", f"{c.periods} of {span}" if c.missing_periods else f"{c.periods}",
                   help=f"{c.first:%b %Y} to {c.last:%b %Y}" + (
                       f": {c.missing_periods} of the {span} periods have no figures" if c.missing_periods else ""))
    cols[1].metric("Companies", f"{c.companies}")
    cols[2].metric("Segments", f"{c.segments}")
    cols[3].metric("Regions", f"{c.regions}")
    cols[4].metric("Missing cells", f"{c.missing_percent:.1f}%",
                   help="Company × segment × region × period cells with no figure.")
    measure = best_measure(market)
    if breaks := share_breaks(market.groupby(["date", "company"], as_index=False)[measure].sum(), measure):
        st.warning(md(f"Data breaks: {describe_breaks(breaks)}"), icon=":material/timeline:")
    if not c.missing_cells:
        return
    matrix = missing_by_company(market, limit=HEATMAP_COMPANIES)
    left_out = companies_beyond(market, HEATMAP_COMPANIES)
    title = "Where figures are missing, by company and period"
    if left_out:
        title = f"Where figures are missing: the {HEATMAP_COMPANIES} companies with the most rows"
    st.plotly_chart(missing_heatmap(matrix, title=title), key=f"missing_{key}")
    if left_out:
        st.caption(f"{left_out:,} more companies are not drawn; their cells count in “Missing cells” above.")


REST, COMPANY = "The rest of the market", "A company"


def ours_and_rest(market: pd.DataFrame, scope: str) -> tuple[str | None, tuple[str, ...]]:
    """Ask which company is ours (the largest by default) and whether a catch-all column is a company.

    A catch-all ("Other", "Others", "Unknown") is the rest of the market by
    default: it stays in every total but is never ranked, never the leader and
    never "ours".
    """
    measure = best_measure(market)
    sizes = market.groupby("company")[measure].sum().sort_values(ascending=False, kind="stable")
    rest = []
    catch_alls = [c for c in sizes.index if is_catch_all(c)]
    columns = st.columns(max(1, len(catch_alls) + 1))
    for i, name in enumerate(catch_alls):
        with columns[i + 1]:
            answer = st.radio(md(f"Is “{name}” a company, or the rest of the market?"), [REST, COMPANY],
                              key=f"rest_{scope}_{i}", horizontal=True,
                              help="The rest of the market counts in every total and share but is never ranked, "
                                   "never the leader and never our company.")
        if answer == REST:
            rest.append(name)
    candidates = [c for c in sizes.index if c not in rest] or list(sizes.index)
    with columns[0]:
        ours = st.selectbox("Which company is ours?", candidates, index=0, key=f"ours_{scope}",
                            help="The company every page measures. The largest is suggested; it is also the default "
                                 "of “Our company” in the sidebar.")
    return ours, tuple(rest)
