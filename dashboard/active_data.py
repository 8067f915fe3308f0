"""Which dataset this session works on: the demo, or tables the user loaded.

The choice is per browser session, so one person's upload never changes what a
colleague sees. Loading only replaces the active dataset once a file passed
validation and the user confirmed it; a failed load leaves everything as it was.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data_access import demo_dataset
from data.dataset import Dataset

_ACTIVE, _TABLES, _SOURCES, _CHOICES = "_active_dataset", "_user_tables", "_user_sources", "_user_choices"


def active_dataset() -> Dataset:
    return st.session_state.get(_ACTIVE) or demo_dataset()


def use_demo() -> None:
    for key in (_ACTIVE, _TABLES, _SOURCES, _CHOICES):
        st.session_state.pop(key, None)


def use_table(table: str, frame: pd.DataFrame, source: str, *, ours: str | None = None,
              rest: tuple[str, ...] | None = None) -> Dataset | None:
    """Make `frame` the session's `table`; with a market table, the data becomes "yours".

    Returns the new active dataset, or None while the user has no market table
    yet (other tables wait for it rather than mixing with the demo market).
    Tables loaded earlier in the session are kept, so a user can bring market,
    drivers and feature requests one file at a time. `ours` and `rest` are what the
    user answered when loading the market table: our company, and the catch-all
    columns that are the rest of the market.
    """
    if table == "market":
        st.session_state[_CHOICES] = (ours, rest)
    ours, rest = st.session_state.get(_CHOICES, (None, None))
    tables = {**st.session_state.get(_TABLES, {}), table: frame}
    sources = {**st.session_state.get(_SOURCES, {}), table: source}
    st.session_state[_TABLES], st.session_state[_SOURCES] = tables, sources
    if "market" not in tables:
        return None
    described = "; ".join(f"{t}: {s}" for t, s in sources.items())
    dataset = Dataset.from_tables(f"Your data ({sources['market']})", described, tables, ours=ours, rest=rest)
    st.session_state[_ACTIVE] = dataset
    return dataset


def loaded_tables() -> dict[str, str]:
    """Table → source of what the user loaded this session."""
    return dict(st.session_state.get(_SOURCES, {}))


def user_tables() -> dict[str, pd.DataFrame]:
    """Table → frame of what the user loaded this session (validated), for saving to the workspace."""
    return dict(st.session_state.get(_TABLES, {}))
