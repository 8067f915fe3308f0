"""Share a view: a copyable link, named saved views (`?view=<id>`), and presentation mode.

Every control is bound to the URL, so the link in the address bar already is
the view; this module makes it easy to copy, gives long links a short name,
and restores a saved one by navigating to its page with its parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from dashboard.url_state import shown
from data.views import ViewStore

VIEW_KEY, PRESENT_KEY = "view", "present"
_NOTICE = "_view_notice"
_HIDDEN_IN_PRESENTATION = (
    "stSidebar", "stSidebarCollapsedControl", "stHeader", "stSelectbox", "stMultiSelect", "stSlider",
    "stButtonGroup", "stRadio", "stTextInput", "stCheckbox", "stDownloadButton", "stButton", "stFileUploader",
    "stNumberInput", "stDataFrameToolbar", "stPopover",
)


@st.cache_resource
def view_store() -> ViewStore:
    return ViewStore()


def restore_saved_view(pages: Mapping[str, st.Page]) -> None:
    """If the link names a saved view, go to its page with its parameters (call before any widget)."""
    view_id = st.query_params.get(VIEW_KEY)
    if view_id is None:
        return
    view = view_store().get(view_id)
    if view is None or view.page not in pages:
        st.session_state[_NOTICE] = (f"No saved view “{shown(view_id)}” exists (it may have been deleted); "
                                     "showing the default view.")
        del st.query_params[VIEW_KEY]
        return
    st.session_state[_NOTICE] = f"Opened the saved view “{shown(view.name)}”."
    st.switch_page(pages[view.page], query_params=view.params)


def show_view_notice() -> None:
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        (st.info if notice.startswith("Opened") else st.warning)(notice, icon=":material/bookmark:")


def current_params() -> dict[str, list[str]]:
    """The link parameters of what is on screen, without the one-shot ones."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in (VIEW_KEY, PRESENT_KEY)}


def link(params: Mapping[str, list[str]], page: str) -> str:
    base = (st.context.url or f"/{page}").split("?")[0]
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    return f"{base}?{query}" if query else base


def share_panel(page: str) -> None:
    """The sidebar's Share control: the link, a presentation link, save under a name, saved views."""
    params = current_params()
    with st.popover("Share this view", icon=":material/share:", use_container_width=True):
        st.caption("This link reopens exactly what you see (page, filters and every control):")
        st.code(link(params, page), language=None, wrap_lines=True)
        st.caption("For a meeting-room screen, without the sidebar and controls:")
        st.code(link({**params, PRESENT_KEY: ["1"]}, page), language=None, wrap_lines=True)
        name = st.text_input("Save this view as", max_chars=80, key="save_view_name",
                             placeholder="e.g. Board deck: Europe pricing")
        if st.button("Save view", icon=":material/bookmark_add:", disabled=not name.strip(), key="save_view"):
            saved = view_store().save(name, page, params)
            st.success(f"Saved. Short link: `{link({VIEW_KEY: [saved.id]}, page)}`")
        saved_views = view_store().all()
        if saved_views:
            st.markdown("**Saved views**")
        for view in saved_views[:20]:
            open_col, delete_col = st.columns([4, 1])
            open_col.markdown(f"[{shown(view.name)}](?{VIEW_KEY}={view.id}) · {view.page}")
            if delete_col.button("", icon=":material/delete:", key=f"delete_view_{view.id}", help=f"Delete {view.name}"):
                view_store().delete(view.id)
                st.rerun()


def presentation_mode() -> bool:
    """With `?present=1`, hide the sidebar and every control and enlarge text, for a big screen."""
    if st.query_params.get(PRESENT_KEY) != "1":
        return False
    hidden = ", ".join(f'[data-testid="{testid}"]' for testid in _HIDDEN_IN_PRESENTATION)
    st.html(
        f"<style>{hidden} {{display: none !important;}}"
        "[data-testid='stMain'] {font-size: 1.25rem;}"
        "[data-testid='stMetricValue'] {font-size: 3rem;}"
        "[data-testid='stMainBlockContainer'] {padding-top: 1.5rem; max-width: 100%;}</style>"
    )
    return True
