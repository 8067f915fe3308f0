"""The one app database: every piece of server-side state behind one small module.

Today it holds the workspace catalog (datasets, their versions, sources and
refresh outcomes). Saved views still live in `data/views.py`'s own SQLite file;
they will move into these tables next, followed by stored forecasts, owners and
audit, so that one `MARKET_TRENDS_DATABASE_URL` moves all of it to PostgreSQL
when several app servers must share it.

SQLite in `home()` is the default because it needs no server; WAL plus a busy
timeout lets several processes on one machine write without "database is
locked". All SQL is SQLAlchemy Core with bound parameters, so the same code
runs on both dialects and no user text ever becomes SQL.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import (JSON, Column, Engine, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        create_engine, event)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

log = logging.getLogger(__name__)

APP_FOLDER = "market-trends-dashboard"
DATABASE_FILE = "app.sqlite3"
BUSY_TIMEOUT_MS = 10_000
WRITE = "market_trends_write"  # execution option: this transaction will write

metadata = MetaData()

datasets = Table(
    "datasets", metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("source", Text, nullable=False),  # file name or URL, shown as text, never fetched from here
    Column("created", Float, nullable=False),  # epoch seconds, same on every dialect
    Column("updated", Float, nullable=False),
    Column("latest_version", Integer, nullable=False, default=0),
    # Last refresh attempt, kept here because a failed refresh makes no version.
    Column("refresh_outcome", String(16)),  # "ok" or "failed"; None before any refresh
    Column("refresh_message", Text),
    Column("refreshed", Float),
)

dataset_versions = Table(
    "dataset_versions", metadata,
    Column("dataset_id", String(16), ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("created", Float, nullable=False),
    Column("tables", JSON, nullable=False),  # table name -> rows
    Column("periods_start", String(10)),  # ISO dates; None when no table has dates
    Column("periods_end", String(10)),
    Column("periodicity", String(16)),
    Column("source", Text, nullable=False),
    Column("refresh_outcome", String(16), nullable=False, default="saved"),  # "saved" or "refreshed"
    Column("refresh_message", Text),
)


def home() -> Path:
    """$MARKET_TRENDS_HOME, else the user data folder the saved views already use."""
    if os.environ.get("MARKET_TRENDS_HOME"):
        return Path(os.environ["MARKET_TRENDS_HOME"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def database_url() -> str:
    """$MARKET_TRENDS_DATABASE_URL (e.g. PostgreSQL for several servers), else a SQLite file in home()."""
    return os.environ.get("MARKET_TRENDS_DATABASE_URL") or f"sqlite:///{home() / DATABASE_FILE}"


def engine(url: str | None = None) -> Engine:
    """An engine for the app database; for SQLite the folder is created and WAL switched on."""
    url = url or database_url()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(eng, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API object)
        # The driver's own BEGIN comes too late to lock; "begin" below takes the write lock up front for
        # writers (see `writer`), so read-then-write steps (next version number) never race another process.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(eng, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return eng


def writer(eng: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they take the write lock at BEGIN (readers never do)."""
    return eng.execution_options(**{WRITE: True})


def migrate(eng: Engine) -> None:
    """Create missing tables; safe when two servers start at once (the loser of the race retries once)."""
    try:
        metadata.create_all(eng, checkfirst=True)
    except (OperationalError, ProgrammingError, IntegrityError) as error:
        # PostgreSQL reports the race as "already exists" or as a duplicate key in pg_type.
        text = str(error).lower()
        if "already exists" not in text and "duplicate key" not in text:
            raise
        log.info("another server created the app tables first; checking again")
        metadata.create_all(eng, checkfirst=True)
