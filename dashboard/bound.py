"""Bound widgets that must always hold a value, even when the link empties them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st


def required_choice(label: str, options: Sequence[str], default: str, *, key: str, **kwargs: Any) -> str:
    """A required segmented control bound to the link, never None.

    Streamlit registers even a required segmented control as clearable, so
    `?key=` (an edited link, an old saved view) arrives as None: the Market
    page then grouped by None and crashed, Opportunities computed one-off
    revenue. The page falls back to `default`; the link notice says why.
    """
    chosen = st.segmented_control(label, options, default=default, key=key, bind="query-params", required=True,
                                  **kwargs)
    return chosen if chosen in options else default
