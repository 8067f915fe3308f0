"""The in-process DuckDB store that every page queries for aggregates.

Filtering and grouping happen in DuckDB so pandas only sees what a chart needs,
even on tens of millions of product-level rows. The aggregate queries are the
SQLAlchemy Core statements of `data/queries.py`, compiled for DuckDB (the same
statements run in a warehouse for a live SQL dataset, `data/live_sql.py`).
User values reach SQL only as bound parameters; column names come from the
schema, never from the user.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd
from sqlalchemy import Select

from data import queries
from data.queries import GROUPABLE, MEASURES, SUMMED, MarketFilter  # noqa: F401  (re-exported: pages import them here)
from data.schema import MARKET, SCHEMAS

MEMORY_LIMIT = "1GB"
_MARKET = queries.market_table(dict.fromkeys([*MARKET.columns, *SUMMED]))  # the store always has every measure


class Store:
    """Tables held in one in-memory DuckDB database, queried with parameterised SQL."""

    def __init__(self, memory_limit: str = MEMORY_LIMIT) -> None:
        # Past the limit DuckDB spills sorts and large tables to a temporary
        # directory instead of growing: the app shares a machine with its users.
        self._con = duckdb.connect(":memory:", config={"memory_limit": memory_limit})
        self._lock = threading.Lock()
        self._tables: set[str] = set()
        self._columns: dict[str, list[str]] = {}  # per table, dropped when the table is replaced

    @classmethod
    def from_frames(cls, tables: Mapping[str, pd.DataFrame]) -> Store:
        store = cls()
        for name, frame in tables.items():
            store.add_frame(name, frame)
        return store

    def add_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Copy a DataFrame into a native DuckDB table (faster to scan than a view)."""
        table = _known_table(name)
        with self._lock:
            self._con.register("_incoming", frame)
            self._con.execute(
                f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM _incoming {_clustering(table)}'
            )
            self._con.unregister("_incoming")
            self._add_missing_measures(table)
            self._tables.add(table)
            self._columns.pop(table, None)

    def add_parquet(self, name: str, path: Path | str) -> None:
        """Load a Parquet file straight into DuckDB, without a pandas copy in between."""
        table = _known_table(name)
        with self._lock:
            self._con.execute(
                f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM read_parquet($path) '
                f"{_clustering(table)}",
                {"path": str(path)},
            )
            self._add_missing_measures(table)
            self._tables.add(table)
            self._columns.pop(table, None)

    def _add_missing_measures(self, table: str) -> None:
        """Every market table answers for units, revenue and share, empty where unknown."""
        if table == "market":
            for measure in SUMMED:
                self._con.execute(f"ALTER TABLE market ADD COLUMN IF NOT EXISTS {measure} DOUBLE")

    def attach_parquet(self, name: str, path: Path | str) -> None:
        """Query a Parquet file where it lies: no load, no copy, memory only for what a query touches.

        For the workspace's files, which are written sorted by segment, region and
        date in small row groups, so DuckDB's per-group statistics skip most of a
        large file on a sliced query, as the sorted native table does.
        """
        table = _known_table(name)
        with self._lock:
            found = set(self._con.execute("SELECT * FROM read_parquet($path) LIMIT 0", {"path": str(path)})
                        .fetch_df().columns)
            absent = [m for m in SUMMED if m not in found] if table == "market" else []
            extra = "".join(f", CAST(NULL AS DOUBLE) AS {m}" for m in absent)
            # A view's text cannot take parameters: the path goes in as a SQL string literal, quotes doubled.
            literal = "'" + str(path).replace("'", "''") + "'"
            self._con.execute(f'CREATE OR REPLACE VIEW "{table}" AS SELECT *{extra} FROM read_parquet({literal})')
            self._tables.add(table)
            self._columns.pop(table, None)

    @property
    def tables(self) -> list[str]:
        return sorted(self._tables)

    def columns(self, table: str) -> list[str]:
        """The table's columns; asked on every page run (does it have products? launch dates?), so kept."""
        name = _known_table(table)
        if name not in self._columns:
            self._columns[name] = list(self._query(f'SELECT * FROM "{name}" LIMIT 0').columns)
        return list(self._columns[name])

    def row_count(self, table: str) -> int:
        return int(self._core(queries.row_count(_source(table)))["n"].iloc[0])

    def distinct(self, table: str, column: str) -> list[str]:
        """Sorted distinct non-null values of a text column, for filter options."""
        col = _known_column(table, column)
        frame = self._core(queries.distinct_values(queries.market_table([col], table), col))
        return [str(v) for v in frame["v"]]

    def measures(self) -> list[str]:
        """The market measures this dataset has figures for, in MEASURES order."""
        counts = self._core(queries.measure_counts(_MARKET))
        return [m for m in MEASURES if int(counts[m].iloc[0]) > 0]

    def date_range(self, table: str = "market") -> tuple[pd.Timestamp, pd.Timestamp]:
        frame = self._core(queries.date_bounds(_source(table)))
        return pd.Timestamp(frame["lo"].iloc[0]), pd.Timestamp(frame["hi"].iloc[0])

    def periods(self, table: str = "market") -> list[pd.Timestamp]:
        """Every distinct period start in the table, oldest first."""
        frame = self._core(queries.periods(_source(table)))
        return [pd.Timestamp(d) for d in frame["date"]]

    def market_totals(self, where: MarketFilter, by: Sequence[str]) -> pd.DataFrame:
        """Units and revenue summed over the slice, one row per combination of `by`.

        The columns are `by` then `units`, `revenue`, `share` and `cost`, sorted by `by`.
        Shares are summed as they are, which is right for one segment and region.
        """
        keys = [_groupable(c) for c in by]
        return queries.summed_frame(self._run(*queries.compiled_totals(_MARKET, where, keys)), keys)

    def table(self, name: str, limit: int | None = None) -> pd.DataFrame:
        """A whole table (or its first `limit` rows), for previews and small tables."""
        sql = f'SELECT * FROM "{_known_table(name)}"'
        if limit is None:
            return self._query(sql)
        return self._query(sql + " LIMIT $limit", {"limit": int(limit)})

    def _core(self, statement: Select) -> pd.DataFrame:
        """Run a `data/queries.py` statement, compiled for DuckDB with positional parameters."""
        return self._run(*queries.compiled(statement))

    def _run(self, sql: str, params: list[object] | dict[str, object]) -> pd.DataFrame:
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    def _query(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        # A cursor per query lets Streamlit's session threads share one database.
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, dict(params or {})).df()
        finally:
            cursor.close()


def _source(table: str) -> object:
    """A known table for Core: its name and date column (all the generic queries use)."""
    return queries.market_table(["date"], _known_table(table))


def _clustering(table: str) -> str:
    """Store market rows sorted by the columns pages filter on.

    DuckDB keeps min/max per row group, so sorted rows let a segment and region
    filter skip most of the table: 3.5x faster on 10M rows (bench/query.py).
    """
    return "ORDER BY segment, region, date" if table == "market" else ""


def _known_table(name: str) -> str:
    if name not in SCHEMAS:
        raise ValueError(f"unknown table {name!r}; expected one of {', '.join(SCHEMAS)}")
    return name


def _known_column(table: str, column: str) -> str:
    if column not in SCHEMAS[_known_table(table)].columns:
        raise ValueError(f"{table} has no column {column!r}")
    return column


def _groupable(column: str) -> str:
    if column not in GROUPABLE or column not in MARKET.columns:
        raise ValueError(f"cannot group market by {column!r}; choose from {', '.join(GROUPABLE)}")
    return column
