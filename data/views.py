"""Saved views: a name and a short id for a page and its link parameters, in the app database.

A link with every control in it can get long; `?view=k3x9p2` is easy to paste
into a slide. Views hold only the page and its parameters (never data, never
credentials); each save is one transaction in the same database as the
workspace catalog (`data/appdb.py`: SQLite in `$MARKET_TRENDS_HOME`, or
PostgreSQL for several servers), so several app processes can save at once.

Each view remembers who saved it (an opaque per-browser id, until sign-in
exists) and on which dataset, so a visitor lists and deletes only their own
views; anyone with a view's link can still open it, which is what sharing is.

The database lives outside the app and can be damaged, read-only or missing,
so every storage problem comes out as one `ViewStoreError` with a sentence a
user can act on. Creating a store touches no file: a broken one never stops a page.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from data import appdb
from data.appdb import views as views_t
from data.locations import home
from data.names import ID_ALPHABET, ID_LENGTH, ID_PATTERN, MAX_NAME, clean_text  # noqa: F401  (re-exported)

MAX_PARAMS_BYTES = 16_000
LISTED = 20  # most recent views listed per browser and dataset (a popover, not a catalogue)
OLD_FILE = "views.sqlite3"  # where views lived before they moved into the app database

log = logging.getLogger(__name__)
_COLUMNS = [views_t.c[name] for name in ("id", "name", "page", "params", "created", "owner", "dataset")]


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
    dataset: str | None = None  # the dataset it was saved on: a workspace id, or a content hash


class ViewStore:
    def __init__(self, path: Path | str | None = None) -> None:
        """`path`: a SQLite file of its own (tests, tools); by default the app database."""
        self.url = f"sqlite:///{path}" if path is not None else appdb.database_url()
        self.path = Path(path) if path is not None else None
        self._imports_old_file = path is None

    def save(self, name: str, page: str, params: dict[str, list[str]], *, owner: str, dataset: str) -> SavedView:
        """Store a view under a new random id; the name is trimmed, never interpreted."""
        name = clean_text(name, MAX_NAME, "Untitled view")
        payload = json.dumps({str(k): [str(v) for v in values] for k, values in params.items()}, sort_keys=True)
        size = len(payload.encode())
        if size > MAX_PARAMS_BYTES:
            raise ViewStoreError(f"This view's link is too long to save ({size:,} bytes of parameters, at most "
                                 f"{MAX_PARAMS_BYTES:,}): copy the page's link instead, or clear some filters.")
        created = time.time()
        for _ in range(10):  # a clash among 36^8 ids is rare; try again (in a new transaction) if it happens
            view_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            try:
                with self._writing("save a view in") as conn:
                    conn.execute(insert(views_t).values(id=view_id, name=name, page=page, params=payload,
                                                        created=created, owner=owner, dataset=dataset))
            except _Clash:
                continue
            return SavedView(view_id, name, page, json.loads(payload), created, owner, dataset)
        raise ViewStoreError(f"Could not find a free id for a new view in {self._where()}; try again.")

    def get(self, view_id: str) -> SavedView | None:
        """The view with this id, whoever saved it (a link is meant to be shared); None if unknown or malformed."""
        if not isinstance(view_id, str) or not ID_PATTERN.fullmatch(view_id):
            return None
        with self._reading("read") as conn:
            row = conn.execute(select(*_COLUMNS).where(views_t.c.id == view_id)).first()
        if row is None:
            return None
        try:
            return _view(tuple(row))
        except (ValueError, TypeError, RecursionError) as error:
            log.warning("Saved view %s in %s is damaged: %s", view_id, self._where(), error)
            raise ViewStoreError(f"The saved view “{view_id}” is damaged and cannot be opened.") from error

    def list_for(self, owner: str | None, dataset: str) -> list[SavedView]:
        """The most recent views this browser saved on this dataset, newest first; damaged rows are skipped.

        With no owner (a browser that never saved) the list is empty, but the
        store is still opened, so a broken file is reported straight away.
        """
        query = (select(*_COLUMNS).where(views_t.c.owner == owner, views_t.c.dataset == dataset)
                 .order_by(views_t.c.created.desc()).limit(LISTED))
        return self._views(query)

    def on_dataset(self, dataset: str) -> list[SavedView]:
        """Every view saved on a dataset, whoever saved it: the ones deleting the dataset would break."""
        return self._views(select(*_COLUMNS).where(views_t.c.dataset == dataset).order_by(views_t.c.created.desc()))

    def delete(self, view_id: str, owner: str | None) -> bool:
        """Delete a view only for the browser that saved it; False if it is not theirs or already gone."""
        if not owner or not isinstance(view_id, str) or not ID_PATTERN.fullmatch(view_id):
            return False
        with self._writing("delete a view from") as conn:
            return conn.execute(delete(views_t).where(views_t.c.id == view_id, views_t.c.owner == owner)).rowcount > 0

    def _views(self, query) -> list[SavedView]:  # noqa: ANN001
        with self._reading("read") as conn:
            rows = [tuple(row) for row in conn.execute(query)]
        views = []
        for row in rows:
            try:
                views.append(_view(row))
            except (ValueError, TypeError, RecursionError) as error:
                log.warning("Skipping damaged saved view %r in %s: %s", row[0], self._where(), error)
        return views

    @contextmanager
    def _reading(self, action: str) -> Iterator[Connection]:
        with self._storage(action):
            with self._engine().connect() as conn:
                yield conn

    @contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        with self._storage(action):
            with appdb.writer(self._engine()).begin() as conn:
                yield conn

    @contextmanager
    def _storage(self, action: str) -> Iterator[None]:
        """Storage errors become one ViewStoreError; an id clash becomes _Clash (the caller retries)."""
        try:
            yield
        except IntegrityError as error:
            raise _Clash from error
        except (SQLAlchemyError, sqlite3.Error, OSError) as error:
            raise ViewStoreError(self._explain(error, action)) from error

    def _engine(self) -> Engine:
        engine = appdb.ready_engine(self.url)
        if self._imports_old_file:
            self._imports_old_file = False
            _import_old_file(engine, home() / OLD_FILE)
        return engine

    def _where(self) -> str:
        if self.url.startswith("sqlite"):
            return f"the app database {self.path or self.url.split(':///', 1)[-1]}"
        return f"the app database {make_url(self.url).render_as_string(hide_password=True)}"

    def _explain(self, error: BaseException, action: str) -> str:
        where = self._where()
        cause = getattr(error, "orig", None) or error
        text = str(cause).lower()
        if isinstance(cause, (FileExistsError, NotADirectoryError)):
            return (f"Cannot {action} {where}: {cause.filename or where} is a file, not a folder; "
                    "set MARKET_TRENDS_HOME to a writable folder.")
        if isinstance(cause, OSError):
            reason = cause.strerror or str(cause)
            return (f"Cannot {action} {where} ({reason} at {cause.filename or where}): "
                    "set MARKET_TRENDS_HOME to a writable folder.")
        if "readonly" in text or "read-only" in text:
            return f"Cannot {action} {where}: it is read-only; make it writable or set MARKET_TRENDS_HOME."
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return (f"Cannot {action} {where}: it is damaged (not an app database); "
                    "move it aside or set MARKET_TRENDS_HOME to another folder.")
        if "locked" in text or "busy" in text:
            return f"Cannot {action} {where}: another process is holding it; try again in a moment."
        if "unable to open" in text:
            return (f"Cannot {action} {where}: it cannot be opened (is it a folder, or is its folder read-only?); "
                    "set MARKET_TRENDS_HOME to a writable folder.")
        first_line = (str(cause).splitlines() or [type(cause).__name__])[0][:200]
        return f"Cannot {action} {where}: {first_line}."


class _Clash(Exception):
    """Two saves drew the same id."""


def _import_old_file(engine: Engine, old: Path) -> None:
    """Views saved before they moved into the app database come along once; the old file is renamed, not deleted."""
    if not old.is_file():
        return
    try:
        with sqlite3.connect(f"file:{old}?mode=ro", uri=True) as con:
            names = {row[1] for row in con.execute("PRAGMA table_info(views)")}
            extra = [c for c in ("owner", "dataset") if c in names]
            rows = con.execute(f"SELECT id, name, page, params, created{''.join(', ' + c for c in extra)} "
                               "FROM views").fetchall() if names else []
        con.close()
        columns = ["id", "name", "page", "params", "created", *extra]
        with appdb.writer(engine).begin() as conn:
            known = {i for (i,) in conn.execute(select(views_t.c.id))}
            fresh = [dict(zip(columns, row)) for row in rows if row[0] not in known]
            if fresh:
                conn.execute(insert(views_t), fresh)
        old.rename(old.with_name(OLD_FILE + ".imported"))
        log.info("moved %d saved views from %s into the app database", len(fresh), old)
    except (sqlite3.Error, SQLAlchemyError, OSError) as error:
        log.warning("could not move the saved views of %s into the app database: %s", old, error)


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
