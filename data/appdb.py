"""The one app database: every piece of server-side state behind one small module.

It holds the workspace catalog (datasets, their versions, sources and refresh
outcomes) and the saved views, so that one `MARKET_TRENDS_DATABASE_URL` moves
all of it to PostgreSQL when several app servers must share it.

SQLite in `home()` is the default because it needs no server; WAL plus a busy
timeout lets several processes on one machine write without "database is
locked". All SQL is SQLAlchemy Core with bound parameters, so the same code
runs on both dialects and no user text ever becomes SQL.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import (JSON, Column, Connection, Engine, Float, ForeignKey, Index, Insert, Integer, MetaData, String,
                        Table, Text, create_engine, event, inspect)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from data.locations import APP_FOLDER, DATABASE_FILE, database_url, home, shared_database_url  # noqa: F401  (re-exported for callers)

__all__ = ["APP_FOLDER", "DATABASE_FILE", "database_url", "shared_database_url", "home", "metadata", "datasets",
           "dataset_versions", "views", "launch_plans", "forecasts", "dataset_grants", "audit", "ready_engine", "engine",
           "writer", "migrate"]
log = logging.getLogger(__name__)

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
    # What the user said on loading, so a reopened share tracker keeps them: our company, and the catch-all
    # columns that are the rest of the market (a JSON list; None: not asked, names such as "Other" decide).
    Column("ours", Text),
    Column("rest", JSON),
    # A live SQL dataset (data/live_sql.py): connection *name*, table, column mapping, TTL; never a URL.
    # None for datasets stored as Parquet files.
    Column("live", JSON),
    # Who saved it first (added with sign-in; older rows have none): an e-mail address, and a name to show.
    Column("owner", Text),
    Column("owner_name", Text),
)

# Who else may see a dataset: an e-mail address or a whole domain ("@example.com"), as reader or editor.
dataset_grants = Table(
    "dataset_grants", metadata,
    Column("dataset", String(16), ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    Column("grantee", String(320), primary_key=True),
    Column("role", String(8), nullable=False),  # "reader" or "editor"
    Column("granted", Float, nullable=False),
    Column("granted_by", Text),
)

# Who opened, saved, refreshed, shared, renamed or deleted which dataset or view, and when. No foreign key:
# the history of a deleted dataset stays.
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("dataset", String(64)),
    Column("view", String(16)),
    Column("detail", Text),
    Index("audit_by_dataset", "dataset", "at"),
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

views = Table(
    "views", metadata,
    Column("id", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("page", Text, nullable=False),
    Column("params", Text, nullable=False),  # JSON text: {parameter: [values]}
    Column("created", Float, nullable=False),
    # Added after the first release (older files get them on migrate): who saved it, on which dataset.
    Column("owner", Text),
    Column("dataset", Text),
    Index("views_by_owner", "owner", "dataset", "created"),
)

# A launch option approved on the Opportunities page, saved as the plan a launched product is tracked against.
launch_plans = Table(
    "launch_plans", metadata,
    Column("dataset", String(64), primary_key=True),  # a workspace id, or the content hash of unsaved data
    Column("product", String(200), primary_key=True),
    Column("option", Text, nullable=False),
    Column("launch", String(10), nullable=False),  # ISO month the plan's curve starts
    Column("inputs", JSON, nullable=False),  # LaunchInputs fields: potential, price, costs, p, q, horizon, billing
    Column("saved", Float, nullable=False),
    Column("owner", Text),
)

# The market forecasts the app showed for each saved version, kept so later versions can check them
# (the Market page's track record). No foreign key to the version: a forecast outlives the 10 kept versions.
forecasts = Table(
    "forecasts", metadata,
    Column("dataset", String(16), ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("slice", Text, primary_key=True),  # "units|total", "revenue|segment|SMB", "units|region|Europe"
    Column("period", String(10), primary_key=True),  # ISO date of the forecast period
    Column("point", Float, nullable=False),
    Column("lower", Float),
    Column("upper", Float),
    Column("level", Float, nullable=False),
    Column("model", Text, nullable=False),
    Column("made", Float, nullable=False),  # epoch seconds
)

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_engines_lock = threading.Lock()


def ready_engine(url: str | None = None) -> Engine:
    """This process's one engine for `url`, its tables created or updated on first use.

    A failure (folder not writable, damaged file) is raised and retried on the
    next call, so fixing the cause needs no restart.
    """
    url = url or database_url()
    with _engines_lock:
        if url not in _engines:
            _engines[url] = engine(url)
        if url not in _migrated:
            migrate(_engines[url])
            _migrated.add(url)
        return _engines[url]


def engine(url: str | None = None) -> Engine:
    """An engine for the app database; for SQLite the folder is created and WAL switched on."""
    url = url or database_url()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A connection per use, as sqlite3 users do: opening a file costs microseconds, and a file replaced,
    # damaged or made read-only while the server runs is seen at once, not through a pooled connection.
    pooling = {} if path in ("", ":memory:") else {"poolclass": NullPool}
    eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **pooling)

    @event.listens_for(eng, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API object)
        # The driver's own BEGIN comes too late to lock; "begin" below takes the write lock up front for
        # writers (see `writer`), so read-then-write steps (next version number) never race another process.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            except dbapi_connection.OperationalError as error:  # a read-only file can still be read
                if "readonly" not in str(error).lower():
                    raise
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(eng, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return eng


def writer(eng: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they take the write lock at BEGIN (readers never do).

    On PostgreSQL the option changes nothing: there, read-then-write steps lock the rows they
    read (`SELECT … FOR UPDATE` of the dataset row before the next version number), which
    serialises two servers saving the same dataset (tests/unit/test_postgres_state.py).
    """
    return eng.execution_options(**{WRITE: True})


def upsert(conn: Connection, table: Table, row: dict) -> Insert:
    """INSERT … ON CONFLICT (primary key) DO UPDATE: a save that replaces a row by its key.

    Delete-then-insert races on PostgreSQL when two servers save the same key at once (both
    deletes find nothing, the second insert fails); this way both succeed and the later one is kept.
    """
    keys = [c.name for c in table.primary_key.columns]
    statement = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table).values(**row)
    return statement.on_conflict_do_update(index_elements=keys,
                                           set_={k: statement.excluded[k] for k in row if k not in keys})


def migrate(eng: Engine) -> None:
    """Create missing tables and add missing (nullable) columns; safe when two servers start at once."""
    for attempt in (1, 2):
        try:
            metadata.create_all(eng, checkfirst=True)
            _add_missing_columns(eng)
            return
        except (OperationalError, ProgrammingError, IntegrityError) as error:
            # PostgreSQL reports the race as "already exists" or as a duplicate key in pg_type.
            text = str(error).lower()
            if attempt == 2 or not any(s in text for s in ("already exists", "duplicate key", "duplicate column")):
                raise
            log.info("another server updated the app tables first; checking again")


def _add_missing_columns(eng: Engine) -> None:
    """Columns a newer release added to a table an older one created (saved views gained owners)."""
    found = inspect(eng)
    existing = set(found.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue
        have = {c["name"] for c in found.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in have and c.nullable]
        if not missing:
            continue
        with writer(eng).begin() as conn:
            for column in missing:
                kind = column.type.compile(dialect=eng.dialect)
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
        for index in table.indexes:
            index.create(eng, checkfirst=True)
