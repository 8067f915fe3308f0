"""Bound widgets that must always hold a value, even when the link empties them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st


def required_choice(label: str, options: Sequence[str], default: str, *, key: str, **kwargs: Any) -> str:
    """A required segmented control bound to the link; never None, and never shown empty.

    Streamlit registers even a required segmented control as clearable, so `?key=`
    (an edited link, an old saved view) arrives as None: the Market page then
    grouped by None and crashed, Opportunities computed one-off revenue. Here the
    page reruns once with `default` selected; the link notice says why.
    """
    emptied = f"_emptied_{key}"
    fallback = bool(st.session_state.get(emptied)) and st.session_state.get(key) not in options
    if fallback:
        st.session_state[key] = default
    # default=None on that one run: Streamlit warns when a default and a session value meet
    chosen = st.segmented_control(label, options, default=None if fallback else default, key=key,
                                  bind="query-params", required=True, **kwargs)
    if chosen in options:
        st.session_state.pop(emptied, None)
        return chosen
    if not fallback:
        st.session_state[emptied] = True
        st.rerun()
    return default
