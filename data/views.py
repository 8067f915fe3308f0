"""Saved views: a name and a short id for a page and its link parameters, in SQLite.

A link with every control in it can get long; `?view=k3x9p2` is easy to paste
into a slide. Views hold only the page and its parameters (never data, never
credentials), each save is one transaction, and SQLite's write-ahead log lets
several app processes save at once.

Each view remembers who saved it (an opaque per-browser id, until sign-in
exists) and on which dataset, so a visitor lists and deletes only their own
views; anyone with a view's link can still open it, which is what sharing is.

The file lives outside the app and can be damaged, read-only or missing, so
every storage problem comes out as one `ViewStoreError` with a sentence a user
can act on. Creating a store touches no file: a broken one never stops a page.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sqlite3
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 8
ID_PATTERN = re.compile(rf"^[a-z0-9]{{{ID_LENGTH}}}$")
MAX_NAME = 80
MAX_PARAMS_BYTES = 16_000
LISTED = 20  # most recent views listed per browser and dataset (a popover, not a catalogue)

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")  # controls, bidi overrides


def clean_text(text: object, limit: int, fallback: str) -> str:
    """Trimmed, single-spaced, without control or bidi characters; stored and shown, never interpreted."""
    return " ".join(_UNPRINTABLE.sub(" ", str(text)).split())[:limit] or fallback
log = logging.getLogger(__name__)

_SCHEMA = ("CREATE TABLE IF NOT EXISTS views (id TEXT PRIMARY KEY, name TEXT NOT NULL, page TEXT NOT NULL, "
           "params TEXT NOT NULL, created REAL NOT NULL, owner TEXT, dataset TEXT)")
_ADDED_COLUMNS = ("owner", "dataset")  # missing from files written before views had owners
_INDEX = "CREATE INDEX IF NOT EXISTS views_by_owner ON views (owner, dataset, created)"
_COLUMNS = "id, name, page, params, created, owner, dataset"


def default_path() -> Path:
    """$MARKET_TRENDS_VIEWS, else the user's data directory (XDG_DATA_HOME or ~/.local/share)."""
    if os.environ.get("MARKET_TRENDS_VIEWS"):
        return Path(os.environ["MARKET_TRENDS_VIEWS"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "market-trends-dashboard" / "views.sqlite3"


class ViewStoreError(Exception):
    """Saved views cannot be read or written; the message says why and what to do, in one line."""


@dataclass(frozen=True)
class SavedView:
    id: str
    name: str
    page: str  # url_path of the page
    params: dict[str, list[str]]
    created: float
    owner: str | None = None  # the browser that saved it; None for views saved before owners existed
    dataset: str | None = None  # content hash of the dataset it was saved on


class ViewStore:
    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._prepared = False
        self._prepare_lock = threading.Lock()

    def save(self, name: str, page: str, params: dict[str, list[str]], *, owner: str, dataset: str) -> SavedView:
        """Store a view under a new random id; the name is trimmed, never interpreted."""
        name = clean_text(name, MAX_NAME, "Untitled view")
        payload = json.dumps({str(k): [str(v) for v in values] for k, values in params.items()}, sort_keys=True)
        size = len(payload.encode())
        if size > MAX_PARAMS_BYTES:
            raise ViewStoreError(f"This view's link is too long to save ({size:,} bytes of parameters, at most "
                                 f"{MAX_PARAMS_BYTES:,}): copy the page's link instead, or clear some filters.")
        created = time.time()
        with self._connection("save a view in") as con:
            for _ in range(10):  # a clash among 36^8 ids is rare; try again if it happens
                view_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
                try:
                    con.execute(f"INSERT INTO views ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (view_id, name, page, payload, created, owner, dataset))
                except sqlite3.IntegrityError:
                    continue
                return SavedView(view_id, name, page, json.loads(payload), created, owner, dataset)
        raise ViewStoreError(f"Could not find a free id for a new view in {self.path}; try again.")

    def get(self, view_id: str) -> SavedView | None:
        """The view with this id, whoever saved it (a link is meant to be shared); None if unknown or malformed."""
        if not isinstance(view_id, str) or not ID_PATTERN.fullmatch(view_id):
            return None
        with self._connection("read") as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM views WHERE id = ?", (view_id,)).fetchone()
        if row is None:
            return None
        try:
            return _view(row)
        except (ValueError, TypeError, RecursionError) as error:
            log.warning("Saved view %s in %s is damaged: %s", view_id, self.path, error)
            raise ViewStoreError(f"The saved view “{view_id}” is damaged and cannot be opened.") from error

    def list_for(self, owner: str | None, dataset: str) -> list[SavedView]:
        """The most recent views this browser saved on this dataset; damaged rows are skipped and logged.

        With no owner (a browser that never saved) the list is empty, but the
        store is still opened, so a broken file is reported straight away.
        """
        with self._connection("read") as con:
            rows = con.execute(f"SELECT {_COLUMNS} FROM views WHERE owner = ? AND dataset = ? "
                               "ORDER BY created DESC LIMIT ?", (owner, dataset, LISTED)).fetchall()
        views = []
        for row in rows:
            try:
                views.append(_view(row))
            except (ValueError, TypeError, RecursionError) as error:
                log.warning("Skipping damaged saved view %r in %s: %s", row[0], self.path, error)
        return views

    def delete(self, view_id: str, owner: str | None) -> bool:
        """Delete a view only for the browser that saved it; False if it is not theirs or already gone."""
        if not owner or not isinstance(view_id, str) or not ID_PATTERN.fullmatch(view_id):
            return False
        with self._connection("delete a view from") as con:
            return con.execute("DELETE FROM views WHERE id = ? AND owner = ?", (view_id, owner)).rowcount > 0

    @contextmanager
    def _connection(self, action: str) -> Iterator[sqlite3.Connection]:
        """A fresh connection (Streamlit serves sessions from many threads); storage errors become ViewStoreError."""
        try:
            self._prepare()
            con = self._connect()
            try:
                yield con
            finally:
                con.close()
        except (sqlite3.Error, OSError) as error:
            raise ViewStoreError(self._explain(error, action)) from error

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10.0, isolation_level=None)

    def _prepare(self) -> None:
        """Create the folder, the table and any missing column, once per store; retried after a failure."""
        if self._prepared:
            return
        with self._prepare_lock:
            if self._prepared:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = self._connect()
            try:
                _use_write_ahead_log(con)
                if _needs_migration(con):
                    _migrate(con)
            finally:
                con.close()
            self._prepared = True

    def _explain(self, error: sqlite3.Error | OSError, action: str) -> str:
        where = f"the saved-views file {self.path}"
        text = str(error).lower()
        if isinstance(error, (FileExistsError, NotADirectoryError)):
            return (f"Cannot {action} {where}: {error.filename or self.path.parent} is a file, not a folder; "
                    "set MARKET_TRENDS_VIEWS to a file in a writable folder.")
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            return (f"Cannot {action} {where} ({reason} at {error.filename or self.path.parent}): "
                    "set MARKET_TRENDS_VIEWS to a file in a writable folder.")
        if "readonly" in text or "read-only" in text:
            return f"Cannot {action} {where}: it is read-only; make it writable or set MARKET_TRENDS_VIEWS."
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return (f"Cannot {action} {where}: it is damaged (not a views database); "
                    "move it aside or set MARKET_TRENDS_VIEWS to another file.")
        if "locked" in text or "busy" in text:
            return f"Cannot {action} {where}: another process is holding it; try again in a moment."
        if "unable to open" in text:
            return (f"Cannot {action} {where}: it cannot be opened (is it a folder, or is its folder read-only?); "
                    "set MARKET_TRENDS_VIEWS to a writable file.")
        return f"Cannot {action} {where}: {error}; set MARKET_TRENDS_VIEWS to another file."


def _use_write_ahead_log(con: sqlite3.Connection) -> None:
    """Let several processes save at once; a read-only file keeps its journal mode and can still be read."""
    if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            con.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error).lower():
                raise


def _needs_migration(con: sqlite3.Connection) -> bool:
    columns = {row[1] for row in con.execute("PRAGMA table_info(views)")}
    return not columns or not set(_ADDED_COLUMNS) <= columns


def _migrate(con: sqlite3.Connection) -> None:
    """Create the table, or add the owner columns to an older one: one transaction, safe if two processes race."""
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute(_SCHEMA)
        columns = {row[1] for row in con.execute("PRAGMA table_info(views)")}
        for column in _ADDED_COLUMNS:
            if column not in columns:
                con.execute(f"ALTER TABLE views ADD COLUMN {column} TEXT")
        con.execute(_INDEX)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


def _view(row: tuple) -> SavedView:
    """A row as a SavedView; ValueError or TypeError if any field is not what `save` writes."""
    view_id, name, page, params, created, owner, dataset = row
    decoded = json.loads(params)
    if not (isinstance(decoded, dict) and all(
            isinstance(values, list) and all(isinstance(v, str) for v in values) for values in decoded.values())):
        raise ValueError("its parameters are not lists of text")
    if not (isinstance(name, str) and isinstance(page, str)):
        raise TypeError("its name or page is not text")
    return SavedView(view_id, name, page, decoded, float(created), owner, dataset)
