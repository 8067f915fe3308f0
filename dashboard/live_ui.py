"""The Data page's live SQL source: define one, see when it was last asked, refresh it.

A live dataset is saved in the workspace catalog like a file (so the picker,
links and saved views open it) but holds only a connection *name*, a table and
a column mapping (`data/live_sql.py`). Every page then asks the warehouse for
aggregates, cached per dataset, slice and refresh stamp: the stamp changes when
someone presses *Refresh* (on any server: it is kept in the catalog) or when the
dataset's refresh interval (TTL) runs out.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.safe_text import md
from data.dataset import Dataset

if TYPE_CHECKING:
    from data.workspace import DatasetInfo

_NOTICE = "_data_notice"  # shown by the Data page after the rerun
NOT_MAPPED = "(not in this table)"
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
def _columns(connection: str, table: str) -> list[str]:
    from data.live_sql import columns_of

    return columns_of(connection, table)


def live_section() -> None:
    """Define a live SQL dataset: a configured connection, a table or view, the column mapping, a TTL."""
    from data.live_sql import ENV_PREFIX, MAPPABLE, REQUIRED, LiveSourceError, connection_names, guess_mapping

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
        except LiveSourceError as error:
            st.error(md(error), icon=":material/cloud_off:")
            return
        if not tables:
            st.caption("This connection sees no tables or views.")
            return
        table = st.selectbox("Table or view", tables, key="live_table",
                             help="`query:<name>`: a SELECT configured on the server under "
                                  "[connections.<name>.queries]")
        try:
            columns = _columns(connection, table)
        except LiveSourceError as error:
            st.error(md(error), icon=":material/cloud_off:")
            return
        guessed = guess_mapping(columns)
        st.caption("Which column holds each market field (guessed from the names; required: "
                   f"{', '.join(REQUIRED)}, and at least one of units, revenue, share).")
        mapping = {}
        grid = st.columns(4)
        for i, field in enumerate(MAPPABLE):
            options = [NOT_MAPPED, *columns]
            default = options.index(guessed[field]) if field in guessed else 0
            chosen = grid[i % 4].selectbox(field, options, index=default, key=f"live_map_{table}_{field}")
            if chosen != NOT_MAPPED:
                mapping[field] = chosen
        ttl = st.selectbox("Ask the warehouse again after", list(TTL_CHOICES), index=2, key="live_ttl",
                           format_func=TTL_CHOICES.get)
        name = st.text_input("Dataset name", value=table, max_chars=80, key="live_name")
        if st.button("Save live dataset", key="live_save", icon=":material/save:"):
            _save(name, connection, table, mapping, ttl)


def _save(name: str, connection: str, table: str, mapping: dict[str, str], ttl: int) -> None:
    from dashboard.access_ui import record, user
    from dashboard.dataset_picker import open_in_session, workspace
    from data.live_sql import LiveSourceError, LiveSpec, LiveStore
    from data.periods import infer_periodicity
    from data.workspace import WorkspaceError

    try:
        spec = LiveSpec(connection, table, mapping, ttl).checked()
        with st.spinner("Asking the warehouse for a summary…"):
            store = LiveStore(spec)
            rows, periods = store.row_count(), store.periods()
        if not periods:
            raise LiveSourceError(f"{table} has no rows with a date.")
        periodicity = infer_periodicity(pd.Series(periods)).period
        me = user()  # the owner, as for a saved upload (nobody, in open mode)
        saved = workspace().save_live(name, spec.to_json(), f"live SQL: {connection} · {table}",
                                      summary=(rows, f"{periods[0]:%Y-%m-%d}", f"{periods[-1]:%Y-%m-%d}", periodicity),
                                      owner=me.email, owner_name=None if me.email is None else me.name)
    except (LiveSourceError, WorkspaceError) as error:
        st.error(f"The live dataset was not saved. {md(error)}", icon=":material/error:")
        return
    record("saved", dataset=saved.dataset_id, detail="live SQL")
    open_in_session(saved.dataset_id)
    st.session_state[_NOTICE] = (f"Saved **{md(name)}** (live, {rows:,} rows in the warehouse) to the workspace "
                                 f"(id `{saved.dataset_id}`); every page now asks the warehouse.")
    st.rerun()
