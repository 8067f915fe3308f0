"""Bound widgets that must always hold a value, even when the link empties them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def worded_choice(label: str, options: Sequence[str], default: str, *, key: str, words: Mapping[str, str],
                  **kwargs: Any) -> str:
    """A selectbox that shows each option in words while the link keeps the option's stable name.

    Streamlit's own binding writes the displayed text into the URL when a
    `format_func` is given, which would change every saved link whenever the
    wording does; here the widget is unbound and `?key=` is kept by hand:
    the option's name in the link, absent at the default.
    """
    asked = st.query_params.get(key)
    if asked is not None and (asked not in options or asked == default):
        del st.query_params[key]  # as bound widgets do: an unusable value (named by the link notice) leaves the link
    current = asked if asked in options else default
    widget = f"_{key}_worded"
    if st.session_state.get(widget) not in options or (asked in options and asked != st.session_state[widget]):
        st.session_state[widget] = current

    def _to_link() -> None:
        value = st.session_state[widget]
        if value == default:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value

    return st.selectbox(label, options, key=widget, format_func=lambda o: words.get(o, o), on_change=_to_link,
                        **kwargs)
