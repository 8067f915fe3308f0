"""What every page needs: the active dataset, its store and the global filters.

`app.py` sets it once per run, before the page script runs, so pages stay thin
and never rebuild the store or re-read the sidebar themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from dashboard.filters import Filters
from data.dataset import Dataset
from data.store import Store

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    dataset: Dataset
    store: Store
    filters: Filters
    figures: dict = field(default_factory=dict)  # chart key → the figure this page last drew there, for its deck
    # What server-side records of this data are filed under: its workspace id, or its content hash when unsaved.
    dataset_key: str = ""


def set_page_context(context: PageContext) -> None:
    st.session_state[_KEY] = context


def page_context() -> PageContext:
    return st.session_state[_KEY]
