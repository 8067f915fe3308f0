"""The Data page's live SQL source: define one, see when it was last asked, refresh it.

A live dataset is saved in the workspace catalog like a file (so the picker,
links and saved views open it) but holds only a connection *name*, a table and
a column mapping (`data/live_sql.py`). Every page then asks the warehouse for
aggregates, cached per dataset, slice and refresh stamp: the stamp changes when
someone presses *Refresh* (on any server: it is kept in the catalog) or when the
dataset's refresh interval (TTL) runs out.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.safe_text import md
from data.dataset import Dataset
from data.mapping import Mapping
from data.readers import FileFormat, RawFile

if TYPE_CHECKING:
    from data.live_sql import LiveSpec
    from data.workspace import DatasetInfo

_NOTICE = "_data_notice"  # shown by the Data page after the rerun
CALENDAR_LABELS = {"weekly": "Week", "monthly": "Month", "quarterly": "Quarter", "yearly": "Year"}
TTL_CHOICES = {60: "1 minute", 300: "5 minutes", 900: "15 minutes", 3600: "1 hour", 86400: "1 day"}


def live_dataset(info: DatasetInfo) -> Dataset:
    """The Dataset a live catalog entry opens as; its key changes with the refresh stamp."""
    from data.live_sql import LiveSourceError, LiveSpec, refresh_stamp
    from data.workspace import WorkspaceError

    try:
        spec = LiveSpec.from_json(info.live or {})
    except LiveSourceError as error:
        raise WorkspaceError(str(error)) from None
    stamp = refresh_stamp(info.refreshed, spec.ttl)
    asked = _when(info.refreshed)
    return Dataset(info.name, f"live SQL: {spec.connection} · {spec.table} · refreshed {asked}", {},
                   f"live-{info.id}-{stamp}", info.ours or None, rest=info.rest, live=spec.to_json())


def _when(stamp: float | None) -> str:
    if not stamp:
        return "never"
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def live_status(dataset: Dataset, dataset_id: str | None) -> None:
    """For the active live dataset: how fresh its figures are, and a Refresh button."""
    if not dataset.live or not dataset_id:
        return
    ttl = int(dataset.live.get("ttl", 0))
    every = TTL_CHOICES.get(ttl, f"{ttl} seconds") if ttl else "every rerun"
    st.caption(f"Live from the warehouse (connection **{md(dataset.live['connection'])}**, "
               f"table `{md(dataset.live['table'])}`): only aggregates are fetched; figures are reused for "
               f"{every} unless someone presses *Refresh*.")
    from dashboard.access_ui import record, role
    from dashboard.dataset_picker import workspace
    from data.access import may_edit
    from data.workspace import WorkspaceError

    info = workspace().get(dataset_id)
    editor = info is not None and may_edit(role(info))  # readers see the figures; editors ask the warehouse again
    if st.button("Refresh", key="live_refresh", icon=":material/refresh:", disabled=not editor,
                 help="Ask the warehouse again now, on every server" if editor else
                 "Only the owner and editors can refresh this dataset"):
        try:
            workspace().mark_refreshed(dataset_id)
        except WorkspaceError as error:
            st.error(f"Could not refresh. {md(error)}", icon=":material/error:")
            return
        record("refreshed", dataset=dataset_id, detail="live SQL")
        st.session_state[_NOTICE] = f"Refreshed **{md(dataset.name)}** from the warehouse."
        st.rerun()


@st.cache_data(ttl=60, show_spinner=False)
def _tables(connection: str) -> list[str]:
    from data.live_sql import tables_of

    return tables_of(connection)


@st.cache_data(ttl=60, show_spinner=False)
def _sample(connection: str, table: str) -> pd.DataFrame:
    from data.live_sql import sample_rows

    return sample_rows(connection, table)


@st.cache_data(ttl=60, show_spinner=False)
def _summary(spec_json: str) -> tuple[list[pd.Timestamp], pd.DataFrame]:
    """The source's distinct dates as stored, and its totals by company: two aggregates, for the choices below."""
    from data.live_sql import LiveSpec, LiveStore
    from data.queries import MarketFilter

    spec = LiveSpec.from_json(json.loads(spec_json))
    store = LiveStore(replace(spec, calendar=None))
    return store.periods(), store.market_totals(MarketFilter(), ["company"])


def sample_file(table: str, sample: pd.DataFrame) -> RawFile:
    """A warehouse sample as the mapping reads a file: text cells, missing where NULL."""
    def cell(value: object) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    frame = sample.map(cell).astype(object)
    frame.columns = [str(c) for c in frame.columns]
    frame.index = range(2, len(frame) + 2)  # "rows" as a file numbers them, header = 1
    return RawFile(table, frame, FileFormat("sql"), 0)


def live_section() -> None:
    """Define a live SQL dataset: a configured connection, a table or view, the mapping (the upload's), a TTL."""
    from data.live_sql import ENV_PREFIX, LiveSourceError, connection_names

    with st.expander("Connect a live SQL source (data stays in the warehouse)", icon=":material/database:"):
        names = connection_names()
        if not names:
            st.caption("No connection is configured on this server. Whoever runs it adds one to "
                       "`.streamlit/secrets.toml` as `[connections.warehouse]` with `url = \"postgresql://…\"`, "
                       f"or sets `{ENV_PREFIX}WAREHOUSE`. Credentials stay on the server; only the name is shown.")
            return
        connection = st.selectbox("Connection", names, key="live_connection")
        try:
            tables = _tables(connection)
            table = st.selectbox("Table or view", tables, key="live_table",
                                 help="`query:<name>`: a SELECT configured on the server under "
                                      "[connections.<name>.queries]") if tables else None
            if table is None:
                st.caption("This connection sees no tables or views.")
                return
            sample = _sample(connection, table)
        except LiveSourceError as error:
            st.error(md(error), icon=":material/cloud_off:")
            return
        if sample.empty:
            st.caption(f"{md(table)} has no rows yet.")
            return
        _define(connection, table, sample_file(table, sample))


def _define(connection: str, table: str, raw: RawFile) -> None:
    """The upload's mapping on a sample, checked on it, then the calendar, our company, the TTL and a name."""
    from dashboard.loader_ui import edit_mapping, ours_and_rest
    from data.live_sql import LiveSourceError, LiveSpec
    from data.periods import infer_periodicity

    scope = mapping_scope(connection, table)
    with st.container(border=True):
        st.markdown(f"**Mapping**: which column is which, suggested as for an uploaded file from the names and the "
                    f"first {len(raw.frame):,} rows. Change it if a guess is wrong.")
        mapping = edit_mapping(raw, "market", scope)
    _sample_issues(raw, mapping)
    try:
        spec = LiveSpec.from_mapping(connection, table, mapping).checked()
        with st.spinner("Asking the warehouse for its periods and companies…"):
            dates, companies = _summary(json.dumps(spec.to_json()))
    except LiveSourceError as error:
        st.info(f"{md(error)} Nothing is saved until this is fixed.", icon=":material/info:")
        return
    if not dates:
        st.warning(f"{md(table)} has no rows with a date in the mapped column.", icon=":material/warning:")
        return
    periodicity = infer_periodicity(pd.Series(dates))
    suggested = periodicity.period if periodicity.period in CALENDAR_LABELS else "monthly"
    calendar = st.radio("Group the dates by", list(CALENDAR_LABELS), index=list(CALENDAR_LABELS).index(suggested),
                        horizontal=True, key=f"calendar_{scope}", format_func=CALENDAR_LABELS.get,
                        help="The warehouse moves each date to the start of its period (date_trunc) and adds up "
                             "the rows of a period, so daily or month-end rows become one figure per period.")
    ours, rest = ours_and_rest(companies, scope)
    ttl = st.selectbox("Ask the warehouse again after", list(TTL_CHOICES), index=2, key="live_ttl",
                       format_func=TTL_CHOICES.get)
    name = st.text_input("Dataset name", value=table, max_chars=80, key=f"live_name_{scope}")
    if st.button("Save live dataset", key="live_save", icon=":material/save:"):
        _save(name, replace(spec, ttl=ttl, calendar=calendar), ours, rest)


def mapping_scope(connection: str, table: str) -> str:
    """The widget keys' scope for one source, so another table starts from its own suggestion."""
    return "live_" + hashlib.sha1(f"{connection}\0{table}".encode()).hexdigest()[:10]


def _sample_issues(raw: RawFile, mapping: Mapping) -> None:
    """Problems the upload's checks find in the sample's columns (unreadable dates, text in a measure)."""
    from data.validate import check

    report = check(raw, "market", mapping).report
    issues = [i for i in (*report.errors, *report.warnings) if i.column]
    for issue in issues[:5]:
        st.warning(md(f"In the first {len(raw.frame):,} rows, {issue.column}: {issue.message}"),
                   icon=":material/warning:")


def _save(name: str, spec: LiveSpec, ours: str | None, rest: tuple[str, ...]) -> None:
    from dashboard.access_ui import record, user
    from dashboard.dataset_picker import open_in_session, workspace
    from data.live_sql import LiveSourceError, LiveStore
    from data.workspace import WorkspaceError

    try:
        with st.spinner("Asking the warehouse for a summary…"):
            store = LiveStore(spec.checked())
            rows, periods = store.row_count(), store.periods()
        if not periods:
            raise LiveSourceError(f"{spec.table} has no rows with a date.")
        me = user()  # the owner, as for a saved upload (nobody, in open mode)
        saved = workspace().save_live(name, spec.to_json(), f"live SQL: {spec.connection} · {spec.table}",
                                      ours=ours, rest=rest,
                                      summary=(rows, f"{periods[0]:%Y-%m-%d}", f"{periods[-1]:%Y-%m-%d}", spec.calendar),
                                      owner=me.email, owner_name=None if me.email is None else me.name)
    except (LiveSourceError, WorkspaceError) as error:
        st.error(f"The live dataset was not saved. {md(error)}", icon=":material/error:")
        return
    record("saved", dataset=saved.dataset_id, detail="live SQL")
    open_in_session(saved.dataset_id)
    st.session_state[_NOTICE] = (f"Saved **{md(name)}** (live, {rows:,} rows in the warehouse) to the workspace "
                                 f"(id `{saved.dataset_id}`); every page now asks the warehouse.")
    st.rerun()
