"""Share a view: a copyable link, named saved views (`?view=<id>`), and presentation mode.

Every control is bound to the URL, so the link in the address bar already is
the view; this module makes it easy to copy, gives long links a short name,
and restores a saved one by navigating to its page with its parameters.

Saved views live in a file that can break; when it does, the links still work,
the Share popover says in one line why saving is unavailable, and no page fails.
Signed in, a user's views are theirs by e-mail address; in open mode a random id in
a first-party cookie (`mtd_browser`) says which views this browser saved: it lists
and deletes only those. A view of a workspace dataset opens only for who may read
that dataset (`dashboard/access_ui.py`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import streamlit as st

from dashboard.dataset_picker import forget_choice
from dashboard.safe_text import md
from dashboard.url_state import shown
from data.locations import database_exists
from data.names import MAX_NAME, clean_text

if TYPE_CHECKING:  # the database driver is imported on first use, not on every server's first page
    from data.views import SavedView, ViewStore

VIEW_KEY, PRESENT_KEY = "view", "present"
BROWSER_COOKIE = "mtd_browser"
_BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_NOTICE, _SESSION_BROWSER, _CONFIRM_DELETE = "_view_notice", "_browser_id", "_confirm_delete_view"
_HIDDEN_IN_PRESENTATION = (
    "stSidebar", "stSidebarCollapsedControl", "stHeader", "stSelectbox", "stMultiSelect", "stSlider",
    "stButtonGroup", "stRadio", "stTextInput", "stCheckbox", "stDownloadButton", "stButton", "stFileUploader",
    "stNumberInput", "stDataFrameToolbar", "stPopover",
)
# Help "?" icons; a tooltip that wraps a link (st.page_link's help) is a link and stays.
_HELP_ICONS = "[data-testid='stTooltipIcon']:not(:has(a))"


@st.cache_resource
def view_store() -> ViewStore:
    """One store per server; creating it opens no file, so a broken one cannot poison this cache."""
    from data.views import ViewStore

    return ViewStore()


def restore_saved_view(pages: Mapping[str, st.Page]) -> None:
    """If the link names a saved view, go to its page with its parameters (call before any widget)."""
    view_id = st.query_params.get(VIEW_KEY)
    if view_id is None:
        return
    from data.views import ViewStoreError

    try:
        view = view_store().get(view_id)
    except ViewStoreError as error:
        _fall_back_to_default(f"The saved view “{inert_name(view_id)}” cannot be opened. {md(str(error))}")
        return
    if view is None or view.page not in pages:
        _fall_back_to_default(f"No saved view “{inert_name(view_id)}” exists (it may have been deleted).")
        return
    from dashboard.access_ui import record_opened, require_view

    require_view(view.dataset, view.id)  # a view of a dataset this user may not see: the owner's name, nothing else
    record_opened(view.dataset or "", f"view {view.id}")
    st.session_state[_NOTICE] = f"Opened the saved view “{inert_name(view.name)}”."
    forget_choice()  # the view's own `data=` (or none: the demo) decides, not this session's last pick
    st.switch_page(pages[view.page], query_params=view.params)


def _fall_back_to_default(reason: str) -> None:
    st.session_state[_NOTICE] = f"{reason} Showing the default view."
    del st.query_params[VIEW_KEY]


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


def owner_key(create: bool = False) -> str | None:
    """Whose views these are: the signed-in user's e-mail, else (open mode) this browser's id."""
    from dashboard.auth_ui import current_user

    user = current_user()
    if user is not None and not user.open_mode and user.email:
        return user.email
    return browser_id(create)


def browser_id(create: bool = False) -> str | None:
    """This browser's id: from its cookie, else (with `create`) a new one for this session, set by `remember_browser`."""
    cookie = _cookie()
    if cookie is not None:
        return cookie
    if create and _SESSION_BROWSER not in st.session_state:
        st.session_state[_SESSION_BROWSER] = secrets.token_urlsafe(18)
    return st.session_state.get(_SESSION_BROWSER)


def _cookie() -> str | None:
    """The browser id cookie sent with this session's first request, if it is one of ours."""
    cookie = st.context.cookies.get(BROWSER_COOKIE)
    return cookie if isinstance(cookie, str) and _BROWSER_ID.match(cookie) else None


def remember_browser() -> None:
    """Store this session's new browser id in a cookie, so the next visit lists the same views.

    Only a browser that saved a view gets the cookie. The value is ours
    (`token_urlsafe`), never user input, so the script has nothing to escape.
    """
    new_id = st.session_state.get(_SESSION_BROWSER)
    if new_id is None or _cookie() == new_id:
        return
    st.html(
        f"<script>document.cookie = '{BROWSER_COOKIE}={new_id}; Max-Age=31536000; Path=/; SameSite=Lax'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def save_view(name: str, page: str, params: Mapping[str, list[str]], dataset_key: str) -> SavedView | None:
    """Save a view as this browser's; on failure show why in one line and return None (inputs keep their text)."""
    from data.views import ViewStoreError

    try:
        saved = view_store().save(name, page, dict(params), owner=owner_key(create=True), dataset=dataset_key)
    except ViewStoreError as error:
        st.error(f"Could not save this view. {md(str(error))}", icon=":material/error:")
        return None
    from dashboard.access_ui import record

    record("saved", dataset=dataset_key, view=saved.id, detail=f"view on {page}")
    remember_browser()
    return saved


def share_panel(page: str, dataset_key: str, data_ref: str | None = None) -> None:
    """The sidebar's Share control: the link, a presentation link, save under a name, this browser's saved views.

    `data_ref` (`<id>@<version>`) is the workspace dataset on screen: a saved view pins that version, while
    the copyable link follows the latest one.
    """
    params = current_params()
    with st.popover("Share this view", icon=":material/share:", use_container_width=True):
        st.caption("This link reopens exactly what you see (page, filters and every control):")
        st.code(link(params, page), language=None, wrap_lines=True)
        st.caption("For a meeting-room screen, without the sidebar and controls:")
        st.code(link({**params, PRESENT_KEY: ["1"]}, page), language=None, wrap_lines=True)
        views, problem = _listed(dataset_key)
        if problem:
            st.warning(f"Saved views are unavailable. {md(problem)}", icon=":material/bookmark_remove:")
            return
        name = st.text_input("Save this view as", max_chars=80, key="save_view_name",
                             placeholder="e.g. Board deck: Europe pricing")
        if st.button("Save view", icon=":material/bookmark_add:", disabled=not name.strip(), key="save_view"):
            pinned = {**params, "data": [data_ref]} if data_ref else params
            saved = save_view(name, page, pinned, dataset_key)
            if saved is not None:
                st.success(f"Saved. Short link: `{link({VIEW_KEY: [saved.id]}, page)}`")
                views = [saved, *views]
        _saved_views(views)
    remember_browser()


def _listed(dataset_key: str) -> tuple[list[SavedView], str | None]:
    """This browser's views on this data, or why they are unavailable.

    Before anything was saved on this server there is nothing to open, and no database driver to load.
    """
    if owner_key() is None and not database_exists():
        return [], None
    from data.views import ViewStoreError

    try:
        return view_store().list_for(owner_key(), dataset_key), None
    except ViewStoreError as error:
        return [], str(error)


def _saved_views(views: list[SavedView]) -> None:
    """This browser's views on this data, as inert names with our own `?view=` links; deleting asks first."""
    if not views:
        return
    st.markdown("**Your saved views** (this browser, this data)")
    for view in views:
        open_col, delete_col = st.columns([4, 1], vertical_alignment="center")
        # Link text never becomes a link of its own, so the escaped name is inert; the target is ours.
        open_col.markdown(f"[{shown(view.name)}](?{VIEW_KEY}={view.id}) · {shown(view.page)}")
        if delete_col.button("", icon=":material/delete:", key=f"delete_view_{view.id}",
                             help="Delete this saved view (asks first)"):
            st.session_state[_CONFIRM_DELETE] = view.id
    pending = next((v for v in views if v.id == st.session_state.get(_CONFIRM_DELETE)), None)
    if pending is not None:
        _confirm_delete(pending)


def _confirm_delete(view: SavedView) -> None:
    st.warning(f"Delete “{inert_name(view.name)}”? Its link stops working for everyone.", icon=":material/delete:")
    confirm_col, cancel_col = st.columns(2)
    if cancel_col.button("Cancel", key="cancel_delete_view"):
        del st.session_state[_CONFIRM_DELETE]
        st.rerun()
    if not confirm_col.button("Confirm delete", type="primary", key="confirm_delete_view"):
        return
    del st.session_state[_CONFIRM_DELETE]
    from data.views import ViewStoreError

    try:
        deleted = view_store().delete(view.id, owner_key())
    except ViewStoreError as error:
        st.error(f"Could not delete this view. {md(str(error))}", icon=":material/error:")
        return
    if not deleted:
        st.error("Could not delete this view: it was not saved from this browser, or is already gone.")
        return
    from dashboard.access_ui import record

    record("deleted", dataset=view.dataset, view=view.id)
    st.rerun()


def inert_name(name: str) -> str:
    """A user-given name (a view's, or a link's id) as a Markdown code span: shown exactly, never interpreted.

    Backslash escapes are not enough: Streamlit's Markdown turns a bare
    `https://…` or `a@b.example` in plain text into a live link after unescaping,
    but never inside a code span. The fence is longer than any run of backticks
    in the name; control and direction-override characters become spaces.
    """
    flat = clean_text(name, MAX_NAME, "")
    if not flat:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def presentation_mode() -> bool:
    """With `?present=1`, hide the sidebar, every control and help icon and enlarge text, for a big screen.

    Only a paged page's Previous / Next (`dashboard.slides`) stay.
    """
    if st.query_params.get(PRESENT_KEY) != "1":
        return False
    hidden = ", ".join([*(f'[data-testid="{testid}"]' for testid in _HIDDEN_IN_PRESENTATION), _HELP_ICONS])
    st.html(
        f"<style>{hidden} {{display: none !important;}}"
        ".st-key-slide_nav [data-testid='stButton'] {display: block !important;}"
        "[data-testid='stMain'] {font-size: 1.25rem;}"
        "[data-testid='stMetricValue'] {font-size: 3rem;}"
        "[data-testid='stMainBlockContainer'] {padding-top: 1.5rem; max-width: 100%;}</style>"
    )
    return True
