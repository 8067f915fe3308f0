"""Who may see and change a workspace dataset, and the audit trail of what people did with them.

The rules are pure functions of a user, a dataset's owner and its grants, so
they are tested without a server. A dataset has one owner (the signed-in user
who first saved it); the owner shares it with e-mail addresses or whole
domains (`@example.com`) as *reader* (sees it, its links and saved views) or
*editor* (also refreshes and renames it). Only the owner deletes it or changes
who it is shared with. Data that is not in the workspace (the demo, a
session's own upload) is readable by everyone.

With no identity provider configured the app runs open, as before sign-in
existed: the open-mode user is everything on every dataset. Datasets saved in
open mode have no owner; once sign-in is on, only administrators
(`MARKET_TRENDS_ADMINS`, e-mail addresses) see them, and can share them: access
is refused unless something grants it.

Every open, save, refresh, share, rename and delete is appended to the `audit`
table and written to the server log (stderr) as one JSON line, so an
administrator's log tooling sees it even when the database is elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from data import appdb
from data.appdb import audit as audit_t
from data.appdb import dataset_grants as grants_t
from data.names import ID_PATTERN, clean_text

READER, EDITOR, OWNER = "reader", "editor", "owner"
ROLES = (READER, EDITOR)
_RANK = {None: 0, READER: 1, EDITOR: 2, OWNER: 3}
ACTIONS = ("opened", "refused", "saved", "refreshed", "shared", "unshared", "renamed", "deleted")
ADMINS_ENV = "MARKET_TRENDS_ADMINS"
ACTIVITY_LIMIT = 200
# A pragmatic address check: something@domain.tld, no spaces, no angle brackets or quotes.
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
_DOMAIN = re.compile(r"^@([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


class AccessError(Exception):
    """A grant cannot be made or read; the message says why in one plain sentence."""


@dataclass(frozen=True)
class User:
    """Who is using the app: a signed-in person, or everyone when no provider is configured."""

    email: str | None
    name: str
    open_mode: bool = False

    @property
    def who(self) -> str:
        """How the audit names this user."""
        return "open mode" if self.open_mode else (self.email or self.name)


OPEN_USER = User(email=None, name="everyone (open mode)", open_mode=True)
SCHEDULER = User(email=None, name="python -m data.refresh")  # who the audit names for a scheduled refresh


@dataclass(frozen=True)
class Grant:
    grantee: str  # an e-mail address, or "@domain"
    role: str  # READER or EDITOR
    granted: float
    granted_by: str | None


@dataclass(frozen=True)
class Event:
    at: float
    who: str
    action: str
    dataset: str | None
    view: str | None
    detail: str


def signed_in(email: object, name: object) -> User:
    """The user an identity provider vouched for; the e-mail is compared without case."""
    address = normalise_email(email) if isinstance(email, str) else None
    shown = clean_text(name, 80, "") if isinstance(name, str) else ""
    return User(email=address, name=shown or address or "signed-in user")


def normalise_email(text: str) -> str | None:
    address = text.strip().lower()
    return address if _EMAIL.fullmatch(address) else None


def grantee(text: object) -> str:
    """An e-mail address or a whole domain (`@example.com` or `example.com`), lower case; AccessError otherwise."""
    value = str(text).strip().lower() if isinstance(text, str) else ""
    if value and "@" not in value:
        value = "@" + value
    if _EMAIL.fullmatch(value) or _DOMAIN.fullmatch(value):
        return value
    raise AccessError("Share with an e-mail address (name@example.com) or a whole domain (@example.com).")


def admins() -> frozenset[str]:
    """Administrators' e-mail addresses, from MARKET_TRENDS_ADMINS (comma separated)."""
    return frozenset(filter(None, (normalise_email(a) for a in os.environ.get(ADMINS_ENV, "").split(","))))


def role_of(user: User, owner: str | None, grants: list[Grant] | tuple[Grant, ...]) -> str | None:
    """The user's role on a workspace dataset: OWNER, EDITOR, READER, or None (no access)."""
    if user.open_mode:
        return OWNER
    if not user.email:
        return None
    if user.email in admins():
        return OWNER
    if owner is not None and owner.lower() == user.email:
        return OWNER
    domain = "@" + user.email.rsplit("@", 1)[1]
    matching = [g.role for g in grants if g.grantee in (user.email, domain) and g.role in ROLES]
    return max(matching, key=_RANK.__getitem__, default=None)


def may_read(role: str | None) -> bool:
    return _RANK[role] >= _RANK[READER]


def may_edit(role: str | None) -> bool:
    """Refresh and rename."""
    return _RANK[role] >= _RANK[EDITOR]


def may_manage(role: str | None) -> bool:
    """Delete, and change who it is shared with: the owner only."""
    return role == OWNER


def is_workspace_key(dataset_key: str | None) -> bool:
    """A workspace id (access rules apply) rather than a content hash (the demo or an unsaved upload)."""
    return isinstance(dataset_key, str) and bool(ID_PATTERN.fullmatch(dataset_key))


class Access:
    """Grants and the audit trail, in the app database next to the workspace catalog."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine if self._engine is not None else appdb.ready_engine()

    def grants(self, dataset: str) -> list[Grant]:
        query = (select(grants_t.c.grantee, grants_t.c.role, grants_t.c.granted, grants_t.c.granted_by)
                 .where(grants_t.c.dataset == dataset).order_by(grants_t.c.grantee))
        with self._guard("read who the dataset is shared with"):
            with self.engine.connect() as conn:
                return [Grant(**row._asdict()) for row in conn.execute(query)]

    def role(self, user: User, dataset: str, owner: str | None) -> str | None:
        """`role_of` with this dataset's grants read from the database (none are read in open mode)."""
        if user.open_mode:
            return OWNER
        return role_of(user, owner, self.grants(dataset))

    def roles(self, user: User, owners: dict[str, str | None]) -> dict[str, str | None]:
        """The user's role on each dataset (id -> owner), with one query for all of them (the picker's list)."""
        if user.open_mode:
            return dict.fromkeys(owners, OWNER)
        mine: dict[str, list[Grant]] = {}
        if user.email:
            domain = "@" + user.email.rsplit("@", 1)[1]
            query = (select(grants_t.c.dataset, grants_t.c.grantee, grants_t.c.role, grants_t.c.granted,
                            grants_t.c.granted_by).where(grants_t.c.grantee.in_([user.email, domain])))
            with self._guard("read who the datasets are shared with"):
                with self.engine.connect() as conn:
                    for row in conn.execute(query):
                        mine.setdefault(row.dataset, []).append(
                            Grant(row.grantee, row.role, row.granted, row.granted_by))
        return {dataset: role_of(user, owner, mine.get(dataset, [])) for dataset, owner in owners.items()}

    def share(self, dataset: str, who: str, role: str, by: User) -> Grant:
        """Give `who` (an address or @domain) `role`; sharing again changes the role."""
        target = grantee(who)
        if role not in ROLES:
            raise AccessError(f"A dataset is shared as {' or '.join(ROLES)}, not {clean_text(role, 20, '?')}.")
        grant = Grant(target, role, time.time(), by.who)
        with self._guard("share the dataset"):
            with appdb.writer(self.engine).begin() as conn:
                conn.execute(appdb.upsert(conn, grants_t, {"dataset": dataset, **grant.__dict__}))
        self.record(by, "shared", dataset=dataset, detail=f"{target} as {role}")
        return grant

    def unshare(self, dataset: str, who: str, by: User) -> bool:
        target = grantee(who)
        with self._guard("stop sharing the dataset"):
            with appdb.writer(self.engine).begin() as conn:
                gone = conn.execute(delete(grants_t).where(grants_t.c.dataset == dataset,
                                                           grants_t.c.grantee == target)).rowcount > 0
        if gone:
            self.record(by, "unshared", dataset=dataset, detail=target)
        return gone

    def record(self, user: User, action: str, *, dataset: str | None = None, view: str | None = None,
               detail: str = "") -> Event:
        """Append one event to the audit table and the server log; a database failure still logs the line."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        event = Event(time.time(), user.who, action, dataset, view, clean_text(detail, 500, ""))
        log_event(event)
        try:
            with appdb.writer(self.engine).begin() as conn:
                conn.execute(insert(audit_t).values(**event.__dict__))
        except (SQLAlchemyError, OSError) as error:  # the log line above is the record of last resort
            audit_log.warning(json.dumps({"audit": "not stored", "reason": str(error).splitlines()[0][:200]}))
        return event

    def activity(self, dataset: str, limit: int = ACTIVITY_LIMIT) -> list[Event]:
        """The dataset's events, newest first, views saved on it included."""
        query = (select(audit_t.c.at, audit_t.c.who, audit_t.c.action, audit_t.c.dataset, audit_t.c.view,
                        audit_t.c.detail)
                 .where(audit_t.c.dataset == dataset).order_by(audit_t.c.at.desc(), audit_t.c.id.desc()).limit(limit))
        with self._guard("read the dataset's activity"):
            with self.engine.connect() as conn:
                return [Event(**{**row._asdict(), "detail": row.detail or ""}) for row in conn.execute(query)]

    @staticmethod
    @contextmanager
    def _guard(what: str) -> Iterator[None]:
        """Storage errors become one AccessError with the first line of the cause."""
        try:
            yield
        except (SQLAlchemyError, OSError) as error:
            cause = getattr(error, "orig", None) or error
            raise AccessError(f"Could not {what}: {(str(cause).splitlines() or ['?'])[0][:200]}") from error


audit_log = logging.getLogger("market_trends.audit")


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a server's, or a test's capture)."""

    @property
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001
        pass


def _stderr_handler() -> None:
    """One JSON line per event on stderr, whatever the app's logging setup (Streamlit configures only its own)."""
    if not any(getattr(h, "_market_trends_audit", False) for h in audit_log.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._market_trends_audit = True  # type: ignore[attr-defined]
        audit_log.addHandler(handler)
        audit_log.setLevel(logging.INFO)
        audit_log.propagate = False


def log_event(event: Event) -> None:
    _stderr_handler()
    when = datetime.fromtimestamp(event.at, tz=timezone.utc).isoformat(timespec="seconds")
    audit_log.info(json.dumps({"audit": event.action, "at": when, "who": event.who, "dataset": event.dataset,
                               "view": event.view, "detail": event.detail}, ensure_ascii=False))
