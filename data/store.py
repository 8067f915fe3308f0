"""The in-process DuckDB store that every page queries for aggregates.

Filtering and grouping happen in DuckDB so pandas only sees what a chart needs,
even on tens of millions of product-level rows. User values reach SQL only as
bound parameters; column names come from the schema, never from the user.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from data.schema import MARKET, SCHEMAS

GROUPABLE = ("date", "segment", "region", "company", "product", "channel", "launch_date")
MEASURES = ("units", "revenue", "share")
SUMMED = (*MEASURES, "cost")  # what a slice total adds up; cost only where a company gave its own
MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class MarketFilter:
    """A slice of the market table. Empty tuples and None mean "everything"."""

    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


class Store:
    """Tables held in one in-memory DuckDB database, queried with parameterised SQL."""

    def __init__(self, memory_limit: str = MEMORY_LIMIT) -> None:
        # Past the limit DuckDB spills sorts and large tables to a temporary
        # directory instead of growing: the app shares a machine with its users.
        self._con = duckdb.connect(":memory:", config={"memory_limit": memory_limit})
        self._lock = threading.Lock()
        self._tables: set[str] = set()

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

    @property
    def tables(self) -> list[str]:
        return sorted(self._tables)

    def columns(self, table: str) -> list[str]:
        return list(self._query(f'SELECT * FROM "{_known_table(table)}" LIMIT 0').columns)

    def row_count(self, table: str) -> int:
        return int(self._query(f'SELECT count(*) AS n FROM "{_known_table(table)}"')["n"].iloc[0])

    def distinct(self, table: str, column: str) -> list[str]:
        """Sorted distinct non-null values of a text column, for filter options."""
        col = _known_column(table, column)
        frame = self._query(
            f'SELECT DISTINCT "{col}" AS v FROM "{table}" WHERE "{col}" IS NOT NULL ORDER BY 1'
        )
        return [str(v) for v in frame["v"]]

    def measures(self) -> list[str]:
        """The market measures this dataset has figures for, in MEASURES order."""
        counts = self._query("SELECT count(units) AS units, count(revenue) AS revenue, count(share) AS share FROM market")
        return [m for m in MEASURES if int(counts[m].iloc[0]) > 0]

    def date_range(self, table: str = "market") -> tuple[pd.Timestamp, pd.Timestamp]:
        frame = self._query(f'SELECT min(date) AS lo, max(date) AS hi FROM "{_known_table(table)}"')
        return pd.Timestamp(frame["lo"].iloc[0]), pd.Timestamp(frame["hi"].iloc[0])

    def periods(self, table: str = "market") -> list[pd.Timestamp]:
        """Every distinct period start in the table, oldest first."""
        frame = self._query(f'SELECT DISTINCT date FROM "{_known_table(table)}" ORDER BY 1')
        return [pd.Timestamp(d) for d in frame["date"]]

    def market_totals(self, where: MarketFilter, by: Sequence[str]) -> pd.DataFrame:
        """Units and revenue summed over the slice, one row per combination of `by`.

        The columns are `by` then `units`, `revenue`, `share` and `cost`, sorted by `by`.
        Shares are summed as they are, which is right for one segment and region.
        """
        keys = [_groupable(c) for c in by]
        select = ", ".join(f'"{k}"' for k in keys)
        group = f"GROUP BY {select} ORDER BY {select}" if keys else ""
        sql = (
            f"SELECT {select + ', ' if keys else ''}"
            "sum(units) AS units, sum(revenue) AS revenue, sum(share) AS share, sum(cost) AS cost FROM market "
            "WHERE ($segments IS NULL OR list_contains($segments, segment)) "
            "AND ($regions IS NULL OR list_contains($regions, region)) "
            "AND ($companies IS NULL OR list_contains($companies, company)) "
            "AND ($start IS NULL OR date >= $start) "
            "AND ($end IS NULL OR date <= $end) "
            f"{group}"
        )
        frame = self._query(sql, _filter_params(where))
        frame[list(SUMMED)] = frame[list(SUMMED)].astype("float64")
        return frame

    def table(self, name: str, limit: int | None = None) -> pd.DataFrame:
        """A whole table (or its first `limit` rows), for previews and small tables."""
        sql = f'SELECT * FROM "{_known_table(name)}"'
        if limit is None:
            return self._query(sql)
        return self._query(sql + " LIMIT $limit", {"limit": int(limit)})

    def _query(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        # A cursor per query lets Streamlit's session threads share one database.
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, dict(params or {})).df()
        finally:
            cursor.close()


def _filter_params(where: MarketFilter) -> dict[str, object]:
    return {
        "segments": list(where.segments) or None,
        "regions": list(where.regions) or None,
        "companies": list(where.companies) or None,
        "start": None if where.start is None else pd.Timestamp(where.start).to_pydatetime(),
        "end": None if where.end is None else pd.Timestamp(where.end).to_pydatetime(),
    }


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
