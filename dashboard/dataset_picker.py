"""Which workspace dataset the link names (`?data=<id>` or `?data=<id>@<version>`), and the sidebar picker.

The choice lives in the URL, so every copied link and every saved view opens
the same data for whoever opens it. A link to a deleted, unknown or malformed
dataset opens the demo (or this session's own upload) with a notice saying
why; nothing from the link reaches a path or a query before `parse_ref`
checked it, and whatever is echoed back is escaped.

Loaded datasets are shared resources keyed on (folder, id, version): every
session opening the same link shares one copy, and a new version is a new key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import streamlit as st

from dashboard.safe_text import md, plain
from dashboard.url_state import shown
from data.dataset import Dataset
from data.locations import database_exists, home

if TYPE_CHECKING:  # the workspace (and its database driver) loads on first use: a fresh server starts faster
    from data.workspace import Workspace

DATA_KEY = "data"
PICK_KEY = "data_pick"  # the sidebar selectbox; "" is the demo (or this session's upload)
_CHOICE = "_data_choice"  # the session's choice, settable after the widget ran (pages save and reset)
MAX_LABEL = 60
log = logging.getLogger(__name__)


@dataclass
class LinkedData:
    """What the link asked for: the dataset (None: demo or upload) and what to tell the user about it."""

    dataset: Dataset | None = None
    dataset_id: str | None = None
    version: int | None = None
    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)


@st.cache_resource
def _workspace(home: str) -> Workspace:
    """One Workspace (and database engine) per folder and server; creating it opens no file."""
    from data.forecast_record import record_in_background
    from data.workspace import Workspace

    # Each saved version's forecasts are stored after the save, off the session's thread (the track record).
    return Workspace(Path(home), after_save=record_in_background)


def workspace() -> Workspace:
    return _workspace(str(home()))


@st.cache_resource(max_entries=16)
def _load(key: str, name: str, source: str, files: tuple[tuple[str, str], ...], ours: str | None,
          rest: tuple[str, ...] | None) -> Dataset:
    """The version's Parquet files, read by DuckDB when the store is built: no pandas copy of the data."""
    return Dataset.from_files(name, source, dict(files), key=key, ours=ours, rest=rest)


def linked_dataset(fallback: str) -> LinkedData:
    """The workspace dataset `?data=` names; call before any widget. `fallback` names what opens otherwise."""
    ref = st.query_params.get(DATA_KEY)
    if ref is None and st.session_state.get(_CHOICE):
        ref = st.session_state[_CHOICE]  # a page switch dropped the parameter: the session's choice stays
        st.query_params[DATA_KEY] = ref
    if ref is None:
        return LinkedData()
    from data.workspace import WorkspaceError, parse_ref

    try:
        dataset_id, version = parse_ref(ref)
        ws = workspace()
        info = ws.get(dataset_id)
        if info is None:
            raise WorkspaceError("That dataset is not in the workspace (it may have been deleted).")
        from dashboard.access_ui import require_read

        require_read(info, f"version {version or info.latest_version}")  # the owner's name, nothing else
        opened = version or info.latest_version
        if info.live:  # a live SQL dataset: no files, the warehouse answers (dashboard/live_ui.py)
            from dashboard.live_ui import live_dataset

            dataset, version = live_dataset(info), None
        else:
            files = ws.files(dataset_id, opened)  # checked on every run: a version past the last 10 is gone
            dataset = _load(f"ws-{dataset_id}-{opened}", info.name, f"workspace: {info.source} · version {opened}",
                            tuple((t, str(p)) for t, p in sorted(files.items())), info.ours or None, info.rest)
        if "market" not in dataset.table_names:
            raise WorkspaceError("It has no market table, which every page needs.")
    except Exception as error:  # noqa: BLE001  a link must never show a traceback
        if not isinstance(error, WorkspaceError):
            log.exception("dataset %r could not be opened", ref)
            error = WorkspaceError(f"It could not be read ({type(error).__name__}).")
        del st.query_params[DATA_KEY]
        st.session_state[_CHOICE] = ""
        return LinkedData(warnings=[f"The dataset “{shown(ref)}” in this link cannot be opened. {md(error)} "
                                    f"Showing {md(fallback)} instead."])
    from dashboard.access_ui import record_opened

    record_opened(dataset_id, f"version {opened}")
    linked = LinkedData(dataset, dataset_id, opened)
    if version is not None and version != info.latest_version:
        linked.infos.append(f"Numbers as of version {version} of {md(info.name)}; version {info.latest_version} "
                            f"is the latest: [open latest]({_link_with(dataset_id)})")
    st.session_state[_CHOICE] = ref
    return linked


def _link_with(ref: str) -> str:
    """This page's link with `data=ref` (and every other parameter as it is), URL-encoded: inert in Markdown."""
    params = [(k, v) for k in st.query_params if k != DATA_KEY for v in st.query_params.get_all(k)]
    return "?" + urlencode([*params, (DATA_KEY, ref)])


def dataset_picker(linked: LinkedData, fallback: str) -> None:
    """The sidebar's dataset choice: `fallback` (the demo or this session's upload) and every saved dataset."""
    if not database_exists():  # nothing was ever saved here
        # The name is the option itself, not a label of "": a browser kept showing the old name after a load
        # when only the label changed.
        st.selectbox("Dataset", [_label(fallback)], disabled=True, key=PICK_KEY,
                     help="Save a dataset to the workspace on the Data page to choose it here.")
        return
    from dashboard.access_ui import readable
    from data.workspace import WorkspaceError

    try:
        infos = readable(workspace().list())  # only what this user may see
    except WorkspaceError as error:
        st.caption(f"The workspace is unavailable. {md(error)}")
        return
    seen = [i.name for i in infos]
    # Two datasets saved under one name stay tellable apart: the id follows a name used twice.
    names = {i.id: i.name if seen.count(i.name) == 1 else f"{i.name} ({i.id})" for i in infos}
    options = ["", *names]
    current = st.session_state.get(_CHOICE) or ""
    if current not in options:  # a pinned version "id@3" shows as its dataset
        current = linked.dataset_id if linked.dataset_id in names else ""
    st.session_state[PICK_KEY] = current
    st.selectbox("Dataset", options, key=PICK_KEY, on_change=_picked,
                 format_func=lambda v: _label(names.get(v, "")) if v else _label(fallback),
                 help="The demo or a dataset saved to the workspace; the link carries the choice as `data=`.")


def _label(name: str) -> str:
    """Option labels are plain text (not Markdown): only invisible characters go, and length."""
    flat = " ".join(plain(name).split())
    return flat if len(flat) <= MAX_LABEL else flat[: MAX_LABEL - 1] + "…"


def _picked() -> None:
    value = st.session_state[_CHOICE] = st.session_state.get(PICK_KEY) or ""
    if value:
        st.query_params[DATA_KEY] = value
    elif DATA_KEY in st.query_params:
        del st.query_params[DATA_KEY]


def open_in_session(dataset_id: str) -> None:
    """Make a just-saved dataset this session's (and the link's) choice."""
    st.session_state[_CHOICE] = dataset_id
    st.query_params[DATA_KEY] = dataset_id


def forget_choice() -> None:
    """Back to the demo or this session's upload: the link no longer names a dataset."""
    st.session_state[_CHOICE] = ""
    if DATA_KEY in st.query_params:
        del st.query_params[DATA_KEY]
