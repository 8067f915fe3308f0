"""The workspace: datasets users saved on the server, so a shared link opens their data, not the demo.

Each save writes one Parquet file per table under
`home/datasets/<id>/<version>/` (DuckDB can read them directly, no pandas copy)
and records the version in the app database (`data/appdb.py`). Files are
written to a staging folder and renamed into place inside the catalog
transaction, so a reader never sees a version whose files are half written,
and two servers saving at once get distinct version numbers. Only the last
`KEEP_VERSIONS` versions are kept.

Ids and refs come from URLs, so they are validated strictly before they reach a
path or a query; every problem comes out as one `WorkspaceError` with a
sentence a user can read.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from data import appdb
from data.appdb import dataset_grants as grants_t
from data.appdb import dataset_versions as versions_t
from data.appdb import datasets as datasets_t
from data.appdb import forecasts as forecasts_t
from data.appdb import launch_plans as plans_t
from data.periods import infer_periodicity
from data.schema import SCHEMAS, SchemaError, conform
from data.names import ID_ALPHABET, ID_LENGTH, ID_PATTERN, MAX_NAME, clean_text

KEEP_VERSIONS = 10
ROW_GROUP = 250_000  # rows per Parquet row group
MAX_VERSION = 10**6
MAX_SOURCE = 2_000
TABLE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")  # becomes a file name
_REF = re.compile(rf"^([a-z0-9]{{{ID_LENGTH}}})(?:@([0-9]{{1,7}}))?$")
log = logging.getLogger(__name__)


class WorkspaceError(Exception):
    """A dataset cannot be found, read or written; the message says why in one plain sentence."""


@dataclass(frozen=True)
class DatasetVersion:
    dataset_id: str
    version: int
    created: float
    tables: dict[str, int]  # table name -> rows
    periods_start: str | None
    periods_end: str | None
    periodicity: str | None
    source: str
    refresh_outcome: str  # "saved" or "refreshed"


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    name: str
    source: str
    created: float
    updated: float
    latest_version: int
    tables: dict[str, int]
    periods_start: str | None
    periods_end: str | None
    periodicity: str | None
    refresh_outcome: str | None  # last refresh: "ok", "failed", or None if never refreshed
    refresh_message: str | None
    ours: str | None = None  # our company, as the user said on loading
    rest: tuple[str, ...] | None = None  # the catch-all companies that are the rest of the market; None: not asked
    owner: str | None = None  # the signed-in user who first saved it (an e-mail); None: saved in open mode
    owner_name: str | None = None
    live: dict | None = None  # a live SQL dataset's settings (data/live_sql.LiveSpec.to_json); None: Parquet files
    refreshed: float | None = None  # last refresh (a live dataset: when someone pressed Refresh)

    def __post_init__(self) -> None:
        if self.rest is not None and not isinstance(self.rest, tuple):
            object.__setattr__(self, "rest", tuple(str(r) for r in self.rest))


def check_id(dataset_id: object) -> str:
    if not isinstance(dataset_id, str) or not ID_PATTERN.fullmatch(dataset_id):
        raise WorkspaceError("That is not a dataset id: ids are 8 lowercase letters and digits.")
    return dataset_id


def check_version(version: object) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise WorkspaceError(f"That is not a dataset version: versions are whole numbers from 1 to {MAX_VERSION}.")
    return version


def parse_ref(ref: object) -> tuple[str, int | None]:
    """'abc123xy@3' -> ('abc123xy', 3); 'abc123xy' -> ('abc123xy', None); anything else is refused."""
    match = _REF.fullmatch(ref) if isinstance(ref, str) else None
    if not match:
        raise WorkspaceError("That dataset link is not valid: expected an 8-character id, optionally @version.")
    version = match.group(2)
    return match.group(1), None if version is None else check_version(int(version))


class Workspace:
    parse_ref = staticmethod(parse_ref)

    def __init__(self, home: Path | None = None, engine: Engine | None = None, *,
                 after_save: Callable[[Workspace, DatasetVersion, dict[str, pd.DataFrame]], object] | None = None) -> None:
        """`after_save(workspace, record, tables)` runs after each committed save (the app stores the version's
        forecasts with it, `data.forecast_record.record_in_background`); its failure is logged, never raised."""
        self.home = Path(home) if home is not None else appdb.home()
        self._engine = engine
        self.after_save = after_save
        self._ready = False
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The app database, shared with saved views; created and migrated on first use, not on construction."""
        if self._engine is None:
            url = appdb.shared_database_url() or f"sqlite:///{self.home / appdb.DATABASE_FILE}"
            return self._guard(lambda: appdb.ready_engine(url), "open the workspace catalog")
        with self._lock:
            if not self._ready:
                self._guard(lambda: appdb.migrate(self._engine), "open the workspace catalog")
                self._ready = True
        return self._engine

    def folder(self, dataset_id: str, version: int | None = None) -> Path:
        path = self.home / "datasets" / check_id(dataset_id)
        return path if version is None else path / str(check_version(version))

    def table_path(self, dataset_id: str, version: int, table: str) -> Path:
        """The Parquet file of one table, for DuckDB to read directly."""
        return self.folder(dataset_id, version) / f"{table}.parquet"

    def save(self, name: str, tables: dict[str, pd.DataFrame], source: str, dataset_id: str | None = None,
             *, refreshed: bool = False, ours: str | None = None,
             rest: tuple[str, ...] | None = None, owner: str | None = None,
             owner_name: str | None = None) -> DatasetVersion:
        """A new dataset, or a new version of `dataset_id` (whose name stays: `rename` changes it);
        versions older than the last 10 are removed, files and rows. `ours` and `rest` are what the user
        said on loading; a new version given None for them keeps the dataset's. `owner` (an e-mail) and
        `owner_name` are recorded on a new dataset only: a new version never changes who owns it."""
        if not tables or not all(isinstance(t, str) and TABLE_NAME.fullmatch(t) and isinstance(f, pd.DataFrame)
                                 for t, f in tables.items()):
            raise WorkspaceError("A dataset needs at least one table, named with letters, digits, '_' or '-'.")
        try:  # stored as every page reads them, so DuckDB can use the files as they are
            tables = {t: conform(f, t) if t in SCHEMAS else f for t, f in tables.items()}
        except SchemaError as error:
            raise WorkspaceError(f"The dataset could not be saved: {error}") from error
        new = dataset_id is None
        dataset_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH)) if new else check_id(dataset_id)
        name, source = clean_text(name, MAX_NAME, "Untitled dataset"), clean_text(source, MAX_SOURCE, "unknown")
        choices = {k: v for k, v in (("ours", None if ours is None else clean_text(ours, 200, "")),
                                     ("rest", None if rest is None else [str(r) for r in rest])) if v is not None}
        staging = self.folder(dataset_id) / f".staging-{secrets.token_hex(6)}"
        final: Path | None = None
        try:
            staging.mkdir(parents=True)
            for table, frame in tables.items():
                _write_parquet(table, frame, staging / f"{table}.parquet")
            start, end, periodicity = _periods(tables)
            now = time.time()
            with appdb.writer(self.engine).begin() as conn:
                if new:
                    conn.execute(insert(datasets_t).values(id=dataset_id, name=name, source=source, created=now,
                                                           updated=now, latest_version=1, **choices,
                                                           owner=owner and clean_text(owner, 320, "") or None,
                                                           owner_name=owner_name and clean_text(owner_name, MAX_NAME, "")
                                                           or None))
                    version = 1
                else:
                    row = conn.execute(select(datasets_t.c.latest_version).where(datasets_t.c.id == dataset_id)
                                       .with_for_update()).first()
                    if row is None:
                        raise WorkspaceError("That dataset is not in the workspace (it may have been deleted).")
                    version = check_version(row.latest_version + 1)
                    values = dict(latest_version=version, updated=now, source=source, **choices)
                    if refreshed:
                        values.update(refresh_outcome="ok", refresh_message=None, refreshed=now)
                    conn.execute(update(datasets_t).where(datasets_t.c.id == dataset_id).values(**values))
                final = self.folder(dataset_id, version)
                shutil.rmtree(final, ignore_errors=True)  # left by a save that crashed before its commit
                staging.rename(final)
                record = DatasetVersion(dataset_id, version, now, {t: len(f) for t, f in tables.items()},
                                        start, end, periodicity, source, "refreshed" if refreshed else "saved")
                conn.execute(insert(versions_t).values(**{**record.__dict__, "refresh_message": None}))
                old = [v for (v,) in conn.execute(select(versions_t.c.version).where(
                    versions_t.c.dataset_id == dataset_id, versions_t.c.version <= version - KEEP_VERSIONS))]
                conn.execute(delete(versions_t).where(versions_t.c.dataset_id == dataset_id,
                                                      versions_t.c.version.in_(old)))
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            if final is not None:
                shutil.rmtree(final, ignore_errors=True)
            if new:  # only if empty: a (1 in 36**8) id collision must not touch the other dataset's files
                with contextlib.suppress(OSError):
                    self.folder(dataset_id).rmdir()
            if isinstance(error, IntegrityError):
                raise WorkspaceError("Two saves picked the same new id; please save again.") from error
            if isinstance(error, (OSError, ValueError, TypeError, pa.ArrowException, SQLAlchemyError)):
                raise WorkspaceError(f"The dataset could not be saved: {_reason(error)}") from error
            raise
        for v in old:
            shutil.rmtree(self.folder(dataset_id, v), ignore_errors=True)
        if self.after_save is not None:
            try:
                self.after_save(self, record, tables)
            except Exception:  # noqa: BLE001 (the version is saved; what follows it must not undo that)
                log.exception("after saving %s@%d", dataset_id, record.version)
        return record

    def save_live(self, name: str, live: dict, source: str, *, ours: str | None = None,
                  rest: tuple[str, ...] | None = None, summary: tuple[int, str | None, str | None, str | None] = (0, None, None, None),
                  owner: str | None = None, owner_name: str | None = None) -> DatasetVersion:
        """A live SQL dataset: only its settings (no URL, no rows) go in the catalog, as version 1.

        `summary` is what the warehouse said when it was defined: rows, first and last period, periodicity.
        `owner` and `owner_name` as in `save`: the signed-in user who defined it.
        """
        if not isinstance(live, dict):
            raise WorkspaceError("A live dataset needs its connection, table and mapping.")
        dataset_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        name, source = clean_text(name, MAX_NAME, "Untitled dataset"), clean_text(source, MAX_SOURCE, "live SQL")
        rows, start, end, periodicity = summary
        now = time.time()
        record = DatasetVersion(dataset_id, 1, now, {"market": int(rows)}, start, end, periodicity, source, "saved")
        try:
            with appdb.writer(self.engine).begin() as conn:
                conn.execute(insert(datasets_t).values(
                    id=dataset_id, name=name, source=source, created=now, updated=now, latest_version=1, live=live,
                    refreshed=now, owner=owner and clean_text(owner, 320, "") or None,
                    owner_name=owner_name and clean_text(owner_name, MAX_NAME, "") or None,
                    **({"ours": clean_text(ours, 200, "")} if ours else {}),
                    **({"rest": [str(r) for r in rest]} if rest is not None else {})))
                conn.execute(insert(versions_t).values(**{**record.__dict__, "refresh_message": None}))
        except IntegrityError as error:
            raise WorkspaceError("Two saves picked the same new id; please save again.") from error
        except SQLAlchemyError as error:
            raise WorkspaceError(f"The dataset could not be saved: {_reason(error)}") from error
        return record

    def mark_refreshed(self, dataset_id: str) -> float:
        """A live dataset's Refresh: every server's cache key changes, so the warehouse is asked again."""
        self._require(dataset_id)
        now = time.time()
        self._guard(lambda: self._write(update(datasets_t).where(datasets_t.c.id == dataset_id).values(
            refreshed=now, refresh_outcome="ok", refresh_message=None)), "record the refresh")
        return now

    def list(self) -> list[DatasetInfo]:
        """Every saved dataset with its latest version's summary, most recently updated first."""
        return self._infos(None)

    def get(self, dataset_id: str) -> DatasetInfo | None:
        """The dataset, or None if it is not (or no longer) in the workspace."""
        found = self._infos(check_id(dataset_id))
        return found[0] if found else None

    def versions(self, dataset_id: str) -> list[DatasetVersion]:
        """Kept versions, newest first."""
        self._require(dataset_id)
        query = (select(*[versions_t.c[f] for f in DatasetVersion.__dataclass_fields__])
                 .where(versions_t.c.dataset_id == dataset_id).order_by(versions_t.c.version.desc()))
        rows = self._guard(lambda: self._read(query), "read the workspace catalog")
        return [DatasetVersion(**row._asdict()) for row in rows]

    def files(self, dataset_id: str, version: int | None = None) -> dict[str, Path]:
        """The Parquet file of each table of one version (the latest if None), for DuckDB to read directly."""
        info = self._require(dataset_id)
        version = info.latest_version if version is None else check_version(version)
        query = select(versions_t.c.tables).where(versions_t.c.dataset_id == dataset_id,
                                                  versions_t.c.version == version)
        rows = self._guard(lambda: self._read(query), "read the workspace catalog")
        if not rows:
            raise WorkspaceError(f"Version {version} of '{info.name}' is not kept; the latest is "
                                 f"{info.latest_version} (only the last {KEEP_VERSIONS} are kept).")
        files = {t: self.table_path(dataset_id, version, t) for t in rows[0].tables}
        missing = sorted(t for t, path in files.items() if not path.is_file())
        if missing:
            raise WorkspaceError(f"The files of '{info.name}' version {version} are missing on the server "
                                 f"(table {', '.join(missing)}); save the dataset again.")
        return files

    def load(self, dataset_id: str, version: int | None = None) -> dict[str, pd.DataFrame]:
        """The tables of one version (the latest if None) as DataFrames, exactly as saved."""
        files = self.files(dataset_id, version)
        try:
            return {t: pd.read_parquet(path) for t, path in files.items()}
        except (OSError, ValueError, pa.ArrowException) as error:
            raise WorkspaceError(f"The files of dataset {dataset_id} cannot be read: {_reason(error)}") from error

    def rename(self, dataset_id: str, name: str) -> DatasetInfo:
        self._require(dataset_id)
        query = update(datasets_t).where(datasets_t.c.id == dataset_id).values(
            name=clean_text(name, MAX_NAME, "Untitled dataset"), updated=time.time())
        self._guard(lambda: self._write(query), "rename the dataset")
        return self._require(dataset_id)

    def delete(self, dataset_id: str) -> None:
        """Removes the catalog rows first (links stop resolving at once), then the files."""
        self._require(dataset_id)
        self._guard(lambda: self._write(delete(forecasts_t).where(forecasts_t.c.dataset == dataset_id),
                                        delete(versions_t).where(versions_t.c.dataset_id == dataset_id),
                                        delete(grants_t).where(grants_t.c.dataset == dataset_id),
                                        delete(plans_t).where(plans_t.c.dataset == dataset_id),
                                        delete(datasets_t).where(datasets_t.c.id == dataset_id)),
                    "delete the dataset")
        shutil.rmtree(self.folder(dataset_id), ignore_errors=True)

    def record_refresh_failure(self, dataset_id: str, message: str) -> None:
        """Why a refresh failed, shown on the Data page; the last good version stays the latest."""
        self._require(dataset_id)
        query = update(datasets_t).where(datasets_t.c.id == dataset_id).values(
            refresh_outcome="failed", refresh_message=clean_text(message, 500, "unknown error"), refreshed=time.time())
        self._guard(lambda: self._write(query), "record the refresh outcome")

    def _require(self, dataset_id: str) -> DatasetInfo:
        info = self.get(dataset_id)
        if info is None:
            raise WorkspaceError("That dataset is not in the workspace (it may have been deleted).")
        return info

    def _infos(self, dataset_id: str | None) -> list[DatasetInfo]:
        d, v = datasets_t.c, versions_t.c
        query = (select(d.id, d.name, d.source, d.created, d.updated, d.latest_version, v.tables, v.periods_start,
                        v.periods_end, v.periodicity, d.refresh_outcome, d.refresh_message, d.ours, d.rest,
                        d.owner, d.owner_name, d.live, d.refreshed)
                 .join_from(datasets_t, versions_t, (v.dataset_id == d.id) & (v.version == d.latest_version))
                 .order_by(d.updated.desc(), d.id))
        if dataset_id is not None:
            query = query.where(d.id == dataset_id)
        rows = self._guard(lambda: self._read(query), "read the workspace catalog")
        return [DatasetInfo(**row._asdict()) for row in rows]

    def _read(self, query) -> list:  # noqa: ANN001
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    def _write(self, *statements) -> None:  # noqa: ANN002
        with appdb.writer(self.engine).begin() as conn:
            for statement in statements:
                conn.execute(statement)

    def _guard(self, action, what: str):  # noqa: ANN001, ANN202
        try:
            return action()
        except (SQLAlchemyError, OSError) as error:
            raise WorkspaceError(f"Could not {what}: {_reason(error)}") from error


def _write_parquet(table: str, frame: pd.DataFrame, path: Path) -> None:
    """Market rows sorted by the columns pages filter on, in row groups small enough for DuckDB's
    per-group statistics to skip most of a large file on a sliced query (see `Store.attach_parquet`)."""
    if table == "market" and len(frame) > ROW_GROUP:
        frame = frame.sort_values(["segment", "region", "date"], kind="stable", ignore_index=True)
    frame.to_parquet(path, index=False, row_group_size=ROW_GROUP, compression="zstd")


def _periods(tables: dict[str, pd.DataFrame]) -> tuple[str | None, str | None, str | None]:
    """First and last date over every date column, and the periodicity of the longest one."""
    columns = [f[c] for f in tables.values() for c in f.columns if pd.api.types.is_datetime64_any_dtype(f[c])]
    columns = [c.dropna() for c in columns if c.notna().any()]
    if not columns:
        return None, None, None
    start = min(c.min() for c in columns).date().isoformat()
    end = max(c.max() for c in columns).date().isoformat()
    return start, end, infer_periodicity(max(columns, key=len)).period


def _reason(error: BaseException) -> str:
    """The first line of the cause, without SQL or parameters (they can be long and say nothing to a user)."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).splitlines() or [type(cause).__name__])[0][:200]
