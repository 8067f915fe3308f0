"""The Data page's workspace: every saved dataset, and renaming, refreshing and deleting them.

A dataset's name and source come from users and files: they are shown in
tables (plain text) or escaped Markdown, never interpreted. Deleting asks
first and names the saved views that will stop opening; refreshing says what
happened in one sentence and the table keeps the last outcome.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.access_ui import activity_section, readable, record, role, sharing_section
from dashboard.dataset_picker import forget_choice, workspace
from dashboard.safe_text import md
from dashboard.sharing import inert_name, view_store
from data.locations import database_exists

if TYPE_CHECKING:
    from data.workspace import DatasetInfo

_MANAGED, _CONFIRM = "ws_managed", "_ws_confirm_delete"
_NOTICE = "_data_notice"  # the Data page shows it after the rerun


def workspace_section(current_id: str | None) -> None:
    """The list of saved datasets and the actions on one of them (the one on screen by default)."""
    st.subheader("Workspace")
    st.caption("Datasets saved on this server. Every link and saved view that names one opens it for whoever "
               "you send it to; each save or refresh makes a new version, and the last 10 are kept.")
    if not database_exists():
        st.caption("Nothing is saved yet: load a file or web address below and *Save to workspace*.")
        return
    from data.workspace import WorkspaceError

    try:
        infos = readable(workspace().list())  # only what this user may see
    except WorkspaceError as error:
        st.warning(f"The workspace is unavailable. {md(error)}", icon=":material/cloud_off:")
        return
    if not infos:
        st.caption("Nothing is saved yet: load a file or web address below and *Save to workspace*.")
        return
    st.dataframe(catalog_table(infos), hide_index=True, width="stretch",
                 column_config={"Last update": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                "Rows": st.column_config.NumberColumn(format="localized")})
    by_id = {i.id: i for i in infos}
    if st.session_state.get(_MANAGED) not in by_id:
        st.session_state[_MANAGED] = current_id if current_id in by_id else infos[0].id
    chosen = by_id[st.selectbox("Manage", list(by_id), key=_MANAGED,
                                format_func=lambda i: f"{by_id[i].name} ({i})")]
    _actions(chosen)


def catalog_table(infos: list[DatasetInfo]) -> pd.DataFrame:
    """One row per dataset, in words: what the workspace list shows."""
    return pd.DataFrame([{
        "Name": i.name,
        "Version": i.latest_version,
        "Last update": datetime.fromtimestamp(i.updated, tz=timezone.utc).replace(tzinfo=None),
        "Periods": _periods(i),
        "Rows": sum(i.tables.values()),
        "Last refresh": refresh_outcome(i),
        "Source": i.source,
        "Tables": ", ".join(f"{t} ({n:,} rows)" for t, n in i.tables.items()),
        "Id": i.id,
    } for i in infos])


def refresh_outcome(info: DatasetInfo) -> str:
    """'never', 'ok', or 'failed: why' (the last good version stays the latest)."""
    if info.refresh_outcome is None:
        return "never"
    if info.refresh_outcome == "ok":
        return "succeeded"
    return f"failed: {info.refresh_message or 'no reason recorded'}"


def _periods(info: DatasetInfo) -> str:
    if not info.periods_start or not info.periods_end:
        return "no dates"
    start, end = (pd.Timestamp(d) for d in (info.periods_start, info.periods_end))
    return f"{start:%b %Y} to {end:%b %Y}" + (f", {info.periodicity}" if info.periodicity else "")


def _actions(info: DatasetInfo) -> None:
    from data.access import may_edit, may_manage
    from data.refresh import is_url

    mine = role(info)
    rename_col, go_col, open_col, refresh_col, delete_col = st.columns([4, 1, 1, 1, 1], vertical_alignment="bottom")
    open_col.link_button("Open", f"?data={info.id}", icon=":material/open_in_new:",
                         help="Every page on this dataset's latest version")
    new_name = rename_col.text_input("New name", value=info.name, max_chars=80, key=f"ws_rename_{info.id}",
                                     disabled=not may_edit(mine))
    if go_col.button("Rename", key=f"ws_rename_go_{info.id}",
                     disabled=not may_edit(mine) or new_name.strip() in ("", info.name)):
        _rename(info, new_name)
    if refresh_col.button("Refresh", key=f"ws_refresh_{info.id}", icon=":material/refresh:",
                          disabled=not may_edit(mine) or not is_url(info.source),
                          help="Fetch the web address again and save a new version if it passes the checks"
                          if is_url(info.source) else "Uploaded as a file: upload the new file and save it instead"):
        _refresh(info)
    if delete_col.button("Delete", key=f"ws_delete_{info.id}", icon=":material/delete:", disabled=not may_manage(mine),
                         help=None if may_manage(mine) else "Only the owner can delete it"):
        st.session_state[_CONFIRM] = info.id
    if st.session_state.get(_CONFIRM) == info.id and may_manage(mine):
        _confirm_delete(info)
    if info.refresh_outcome == "failed":
        st.warning(f"The last refresh of **{md(info.name)}** failed: {md(info.refresh_message or 'no reason')} "
                   f"Version {info.latest_version} (the last good one) is still in use.", icon=":material/sync_problem:")
    sharing_section(info)
    activity_section(info)


def _rename(info: DatasetInfo, name: str) -> None:
    from data.workspace import WorkspaceError

    try:
        renamed = workspace().rename(info.id, name)
    except WorkspaceError as error:
        st.error(f"Could not rename **{md(info.name)}**. {md(error)}", icon=":material/error:")
        return
    record("renamed", dataset=info.id, detail=f"{info.name} → {renamed.name}")
    st.session_state[_NOTICE] = f"Renamed **{md(info.name)}** to **{md(renamed.name)}**."
    st.rerun()


def _refresh(info: DatasetInfo) -> None:
    from data.refresh import refresh
    from data.workspace import WorkspaceError

    with st.spinner(f"Fetching {md(info.source[:80])} …", show_time=True):
        try:
            outcome = refresh(info.id, workspace())
        except WorkspaceError as error:
            st.error(f"Could not refresh **{md(info.name)}**. {md(error)}", icon=":material/error:")
            return
    record("refreshed", dataset=info.id, detail=outcome.line())
    if outcome.ok:
        st.session_state[_NOTICE] = f"Refreshed: {md(outcome.line())}."
        st.rerun()
    st.error(f"{md(outcome.line())}", icon=":material/sync_problem:")


def _confirm_delete(info: DatasetInfo) -> None:
    from data.views import ViewStoreError
    from data.workspace import KEEP_VERSIONS, WorkspaceError

    try:
        broken = view_store().on_dataset(info.id)
    except ViewStoreError as error:
        broken, problem = [], str(error)
    else:
        problem = ""
    kept = min(info.latest_version, KEEP_VERSIONS)
    text = (f"Delete **{md(info.name)}** and {'its only version' if kept == 1 else f'all {kept} kept versions'}? "
            "Links to it will open the demo.")
    if broken:
        names = ", ".join(f"{inert_name(v.name)} (`{v.id}`)" for v in broken[:10])
        more = f" and {len(broken) - 10} more" if len(broken) > 10 else ""
        which = "This saved view" if len(broken) == 1 else f"These {len(broken)} saved views"
        text += f" {which} will stop opening it: {names}{more}."
    elif problem:
        text += f" (Which saved views use it cannot be checked: {md(problem)})"
    else:
        text += " No saved view uses it."
    st.warning(text, icon=":material/delete_forever:")
    confirm_col, cancel_col = st.columns(2)
    if cancel_col.button("Cancel", key="ws_cancel_delete"):
        del st.session_state[_CONFIRM]
        st.rerun()
    if not confirm_col.button("Delete for everyone", type="primary", key="ws_confirm_delete"):
        return
    del st.session_state[_CONFIRM]
    try:
        workspace().delete(info.id)
    except WorkspaceError as error:
        st.error(f"Could not delete **{md(info.name)}**. {md(error)}", icon=":material/error:")
        return
    record("deleted", dataset=info.id, detail=info.name)
    if st.query_params.get("data", "").split("@")[0] == info.id:
        forget_choice()  # the page was showing it: back to the demo
    st.session_state.pop(_MANAGED, None)
    st.session_state[_NOTICE] = f"Deleted **{md(info.name)}** from the workspace."
    st.rerun()
