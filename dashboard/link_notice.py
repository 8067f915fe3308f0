"""Tell the user which values of the link they opened could not be used."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.url_state import LinkSpec, rejected_params


def warn_about_link(specs: Sequence[LinkSpec]) -> None:
    """One warning listing every link value in `specs` that the page will ignore.

    Call it before the widgets are created: bound widgets drop such values
    from the URL as they render, silently.
    """
    notices = rejected_params({k: st.query_params.get_all(k) for k in st.query_params}, specs)
    if notices:
        st.warning(
            "Some values in this link could not be used, so the defaults are shown instead:\n"
            + "\n".join(f"- {notice}" for notice in notices),
            icon=":material/link_off:",
        )
