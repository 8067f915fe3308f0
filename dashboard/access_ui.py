"""Access on screen: what the current user may see and do with workspace datasets, sharing, and Activity.

A link to a dataset or a saved view the user may not read stops the run with
one sentence naming the owner, before anything of the dataset (its name, its
numbers, its saved views' titles) is drawn: what never reaches the page never
reaches the browser. Every open, save, refresh, rename, share and delete goes
through `record` into the audit trail (`data/access.py`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.auth_ui import current_user
from dashboard.safe_text import md
from data.access import (EDITOR, OWNER, READER, ROLES, Access, AccessError, User, is_workspace_key, may_manage,
                         may_read)

if TYPE_CHECKING:
    from data.workspace import DatasetInfo

_OPENED = "_audit_opened"  # (dataset, version or view) this session already recorded as opened
NO_ACCESS = "You don't have access to this dataset; ask its owner ({owner})"
ROLE_WORDS = {OWNER: "its owner", EDITOR: "an editor (you can refresh and rename it)", READER: "a reader (you can see it)"}


def user() -> User:
    """The current user; the run was stopped before this if sign-in is needed, so None reads as nobody."""
    return current_user() or User(email=None, name="signed-out visitor")


def role(info: DatasetInfo) -> str | None:
    """The current user's role on a workspace dataset; a grants table that cannot be read grants nothing."""
    who = user()
    if who.open_mode:
        return OWNER
    try:
        return Access().role(who, info.id, info.owner)
    except AccessError:
        return None


def readable(infos: list[DatasetInfo]) -> list[DatasetInfo]:
    """The datasets the current user may see, in the same order; grants that cannot be read grant nothing."""
    who = user()
    if who.open_mode:
        return infos
    try:
        roles = Access().roles(who, {i.id: i.owner for i in infos})
    except AccessError:
        return []
    return [i for i in infos if may_read(roles[i.id])]


def owner_words(info: DatasetInfo) -> str:
    return info.owner_name or info.owner or "an administrator"


def refuse(info: DatasetInfo, what: str = "link") -> None:
    """Stop the run with the no-access sentence: nothing of the dataset but its owner's name is shown.

    The attempt is audited once per session (the owner sees it under Activity), as an opening is.
    """
    record_once("refused", info.id, what)
    st.error(NO_ACCESS.format(owner=md(owner_words(info))), icon=":material/lock:")
    st.stop()


def require_read(info: DatasetInfo, what: str = "link") -> None:
    """Stop the run unless the current user may read `info`; `what` (a version, "view <id>") goes in the audit."""
    if not may_read(role(info)):
        refuse(info, what)


def require_view(dataset_key: str | None, view_id: str) -> None:
    """A saved view on a workspace dataset opens only for who may read that dataset (others: the owner's name)."""
    if user().open_mode or not is_workspace_key(dataset_key):
        return
    from dashboard.dataset_picker import workspace
    from data.workspace import WorkspaceError

    try:
        info = workspace().get(dataset_key)
    except WorkspaceError:
        info = None
    if info is not None:
        require_read(info, f"view {view_id}")


def record(action: str, *, dataset: str | None = None, view: str | None = None, detail: str = "") -> None:
    """Audit one action by the current user; never stops the page (the log line is written regardless)."""
    try:
        Access().record(user(), action, dataset=dataset, view=view, detail=detail)
    except Exception:  # noqa: BLE001  (the database engine itself could not be made: the audit log says so)
        import logging

        logging.getLogger(__name__).warning("could not record %s of %s", action, dataset, exc_info=True)


def record_opened(dataset: str, what: str) -> None:
    """'opened' once per session for each dataset version or view, not on every rerun."""
    record_once("opened", dataset, what)


def record_once(action: str, dataset: str, what: str) -> None:
    """Audit `action` on a dataset version or a view ("view <id>") once per session, not on every rerun."""
    seen = st.session_state.setdefault(_OPENED, set())
    if (action, dataset, what) in seen:
        return
    seen.add((action, dataset, what))
    if what.startswith("view "):
        record(action, dataset=dataset, view=what.removeprefix("view "))
    else:
        record(action, dataset=dataset, detail=what)


def sharing_section(info: DatasetInfo) -> None:
    """Who else sees the dataset: the owner adds addresses or domains as reader or editor, and removes them."""
    who = user()
    if who.open_mode:
        st.caption("Sharing takes effect once sign-in is configured (see the README): in open mode everyone "
                   "sees every dataset.")
        return
    mine = role(info)
    access = Access()
    try:
        grants = access.grants(info.id)
    except AccessError as error:
        st.warning(f"Who it is shared with cannot be read. {md(error)}", icon=":material/group_off:")
        return
    st.markdown(f"**Sharing**: owned by {md(owner_words(info))}; you are {ROLE_WORDS.get(mine, 'not on its list')}.")
    for n, grant in enumerate(grants):
        text_col, remove_col = st.columns([5, 1], vertical_alignment="center")
        text_col.markdown(f"{md(grant.grantee)} · {grant.role}")
        if may_manage(mine) and remove_col.button("Remove", key=f"ws_unshare_{info.id}_{n}",
                                                  icon=":material/person_remove:"):
            _change(lambda g=grant: access.unshare(info.id, g.grantee, who) and
                    f"{md(g.grantee)} no longer sees **{md(info.name)}**.")
    if not grants:
        st.caption("Not shared with anyone yet.")
    if not may_manage(mine):
        st.caption(f"Only the owner ({md(owner_words(info))}) can delete it or change who it is shared with.")
        return
    who_col, role_col, go_col = st.columns([4, 2, 1], vertical_alignment="bottom")
    target = who_col.text_input("Share with", key=f"ws_share_who_{info.id}", max_chars=320,
                                placeholder="name@example.com, or @example.com for everyone there")
    chosen = role_col.selectbox("As", ROLES, key=f"ws_share_role_{info.id}",
                                format_func=lambda r: "reader (sees it)" if r == READER else "editor (also refreshes, renames)")
    if go_col.button("Share", key=f"ws_share_go_{info.id}", icon=":material/person_add:", disabled=not target.strip()):
        _change(lambda: f"Shared **{md(info.name)}** with {md(access.share(info.id, target, chosen, who).grantee)} "
                        f"as {chosen}.")


def _change(action) -> None:  # noqa: ANN001
    """Run a sharing change (it returns the notice to show after the rerun); a failure is one line."""
    try:
        notice = action()
    except AccessError as error:
        st.error(f"Could not change the sharing. {md(error)}", icon=":material/error:")
        return
    if notice:
        st.session_state["_data_notice"] = notice
    st.rerun()


def activity_section(info: DatasetInfo) -> None:
    """The dataset's audit trail, for its owner: who did what, when."""
    if not may_manage(role(info)):
        return
    with st.expander("Activity"):
        try:
            events = Access().activity(info.id)
        except AccessError as error:
            st.warning(f"The activity cannot be read. {md(error)}", icon=":material/history_toggle_off:")
            return
        if not events:
            st.caption("Nothing recorded yet.")
            return
        st.dataframe(pd.DataFrame([{
            "When": datetime.fromtimestamp(e.at, tz=timezone.utc).replace(tzinfo=None),
            "Who": e.who, "Action": e.action, "View": e.view or "", "Detail": e.detail,
        } for e in events]), hide_index=True, width="stretch",
            column_config={"When": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss")})

