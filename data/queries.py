"""The store's aggregates, written once with SQLAlchemy Core and compiled for each engine that runs them.

Every page asks the same few questions of the market table: totals over a slice
grouped by some of date/segment/region/company/product, distinct values for the
filters, the periods, which measures have figures. They are expressed here once,
as SQLAlchemy Core statements over a table named `market` whose columns carry
the market schema's names, and compiled either for the embedded DuckDB store
(`data/store.py`: PostgreSQL's SQL, which DuckDB speaks, with `$1` parameters)
or for a warehouse's own dialect (`data/live_sql.py`: PostgreSQL here; Snowflake,
BigQuery, Redshift and Trino through their SQLAlchemy dialect packages).

User values (segments, regions, companies, dates) only ever become bound
parameters; column names come from the schema (`GROUPABLE`, `SUMMED`), never
from a user or a link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (Date, Double, FromClause, Select, cast, column, func, literal, literal_column, null, select, table,
                        union_all)
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from data.mapping import ALL

GROUPABLE = ("date", "segment", "region", "company", "product", "channel", "launch_date")
MEASURES = ("units", "revenue", "share")
SUMMED = (*MEASURES, "cost")  # what a slice total adds up; cost only where a company gave its own


@dataclass(frozen=True)
class MarketFilter:
    """A slice of the market table. Empty tuples and None mean "everything"."""

    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


class DuckDBDialect(PGDialect):
    """DuckDB reads PostgreSQL's SQL; only the parameter style differs (`$1`, which DuckDB binds natively).

    Compiling only: no driver, no connection. Core's PostgreSQL compiler is enough for
    the plain SELECT/WHERE/GROUP BY the store needs, so no extra package (duckdb_engine) is needed.
    """

    name = "duckdb"
    supports_statement_cache = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(paramstyle="numeric_dollar", **kwargs)


DUCKDB = DuckDBDialect()


def market_table(columns: Iterable[str], name: str = "market") -> FromClause:
    """The market table as Core sees it: just its name and columns, no reflection, no connection."""
    return table(name, *[column(c) for c in columns])


def _col(source: FromClause, name: str) -> ColumnElement:
    """A measure or key of `source`; a measure the source lacks is an empty (NULL) figure."""
    if name in source.c:
        return source.c[name]
    return cast(null(), Double) if name in SUMMED else literal(None)


def slice_conditions(source: FromClause, where: MarketFilter) -> list[ColumnElement]:
    """WHERE terms for a slice: IN lists and date bounds, every value a bound parameter."""
    terms: list[ColumnElement] = []
    for values, name in ((where.segments, "segment"), (where.regions, "region"), (where.companies, "company")):
        if values:
            terms.append(source.c[name].in_([str(v) for v in values]))
    if where.start is not None:
        terms.append(source.c.date >= pd.Timestamp(where.start).to_pydatetime())
    if where.end is not None:
        terms.append(source.c.date <= pd.Timestamp(where.end).to_pydatetime())
    return terms


def totals(source: FromClause, where: MarketFilter, by: Sequence[str]) -> Select:
    """Measures summed over the slice, one row per combination of `by`, sorted by `by`."""
    keys = [source.c[k] for k in by]
    sums = [cast(func.sum(_col(source, m)), Double).label(m) for m in SUMMED]
    query = select(*keys, *sums).select_from(source).where(*slice_conditions(source, where))
    return query.group_by(*keys).order_by(*keys) if keys else query


def distinct_values(source: FromClause, name: str) -> Select:
    """Sorted distinct non-null values of one column, for filter options."""
    col = source.c[name]
    return select(col.label("v")).select_from(source).where(col.is_not(None)).distinct().order_by(col)


def periods(source: FromClause) -> Select:
    """Every distinct period start, oldest first."""
    return select(source.c.date).select_from(source).distinct().order_by(source.c.date)


def date_bounds(source: FromClause) -> Select:
    return select(func.min(source.c.date).label("lo"), func.max(source.c.date).label("hi")).select_from(source)


def measure_counts(source: FromClause) -> Select:
    """How many rows have a figure for each measure (0 where the source has no such column)."""
    return select(*[func.count(_col(source, m)).label(m) for m in MEASURES]).select_from(source)


def row_count(source: FromClause) -> Select:
    return select(func.count().label("n")).select_from(source)


def compiled(statement: Select, dialect: Dialect = DUCKDB) -> tuple[str, list[object] | dict[str, object]]:
    """SQL text and its bound values for `dialect`: a list for positional styles ($1), else a dict.

    IN lists are expanded here (one parameter per value), so drivers without array
    binding run the same statement.
    """
    done = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = done.params
    if done.positiontup is not None:
        return done.string, [params[name] for name in done.positiontup]
    return done.string, dict(params)


_SHAPES: dict[tuple, str | None] = {}  # statement shape -> its SQL text (None: compile each time)
MAX_SHAPES = 1024


def compiled_totals(source: FromClause, where: MarketFilter, by: Sequence[str],
                    dialect: Dialect = DUCKDB) -> tuple[str, list[object] | dict[str, object]]:
    """`compiled(totals(source, where, by), dialect)`, with the SQL text kept per statement shape.

    Compiling costs a few milliseconds on every cold slice, more than DuckDB takes to answer it.
    The text depends only on the grouping, how many values each IN list has and which date bounds
    are set; the values are positional parameters. A shape's text is kept once a probe of that
    shape, with every value distinct, showed them bound in the order `_values` lists them.
    """
    shape = (source.name, tuple(source.c.keys()), tuple(by), len(where.segments), len(where.regions),
             len(where.companies), where.start is not None, where.end is not None, dialect.name)
    if shape not in _SHAPES:
        probe = MarketFilter(*(tuple(f"\x00{name}{i}" for i in range(len(values)))
                               for name, values in (("s", where.segments), ("r", where.regions),
                                                    ("c", where.companies))),
                             start=None if where.start is None else pd.Timestamp("1901-01-01"),
                             end=None if where.end is None else pd.Timestamp("1902-02-02"))
        sql, params = compiled(totals(source, probe, by), dialect)
        if len(_SHAPES) >= MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[shape] = sql if params == _values(probe) else None
    sql = _SHAPES[shape]
    return (sql, _values(where)) if sql is not None else compiled(totals(source, where, by), dialect)


def _values(where: MarketFilter) -> list[object]:
    """A slice's parameters in the order the compiled statement binds them: dates, then the IN lists."""
    return [*(pd.Timestamp(d).to_pydatetime() for d in (where.start, where.end) if d is not None),
            *(str(v) for v in (*where.segments, *where.regions, *where.companies))]


def summed_frame(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Totals as every page expects them: `by`, then the summed measures as float64."""
    frame = frame.reindex(columns=[*by, *SUMMED])
    frame[list(SUMMED)] = frame[list(SUMMED)].astype("float64")
    return frame


CALENDAR_UNITS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}
FILLED = ALL  # the segment or region of a source that has none, as for an uploaded file


class PeriodStart(FunctionElement):
    """A date moved to the start of its period, in each engine's spelling (see `period_start`).

    The unit travels as a literal column (a word from `CALENDAR_UNITS`, never a user's
    text), so it is part of the statement's cache key.
    """

    type = Date()
    name = "period_start"
    inherit_cache = True


def _unit_and_date(element: PeriodStart, compiler, **kw) -> tuple[str, str]:
    unit, date = element.clauses.clauses
    return unit.name, compiler.process(date, **kw)


@compiles(PeriodStart)
def _date_trunc(element: PeriodStart, compiler, **kw) -> str:
    unit, date = _unit_and_date(element, compiler, **kw)
    return f"CAST(date_trunc('{unit}', {date}) AS DATE)"


@compiles(PeriodStart, "bigquery")
def _bigquery_date_trunc(element: PeriodStart, compiler, **kw) -> str:
    unit, date = _unit_and_date(element, compiler, **kw)
    part = "WEEK(MONDAY)" if unit == "week" else unit.upper()  # BigQuery's WEEK starts on Sunday
    return f"DATE_TRUNC(CAST({date} AS DATE), {part})"


@compiles(PeriodStart, "mssql")
def _sql_server_datetrunc(element: PeriodStart, compiler, **kw) -> str:
    unit, date = _unit_and_date(element, compiler, **kw)
    part = "iso_week" if unit == "week" else unit  # SQL Server's week starts on its DATEFIRST day
    return f"CAST(DATETRUNC({part}, {date}) AS DATE)"


def period_start(date: ColumnElement, calendar: str | None) -> ColumnElement:
    """A date moved to the start of its week (Monday, as for an upload), month, quarter or year, by the engine.

    The warehouse then groups a daily or month-end fact table by period, so only one row
    per period travels, and the pages see the same period starts an upload gets.
    PostgreSQL, DuckDB, Snowflake, Redshift and Trino spell it `date_trunc('month', d)`;
    BigQuery `DATE_TRUNC(d, MONTH)` and SQL Server 2022 `DATETRUNC(month, d)` get their own.
    """
    if calendar is None:
        return date
    return PeriodStart(literal_column(CALENDAR_UNITS[calendar]), date)


def mapped_source(source: FromClause, mapping: Mapping[str, str], calendar: str | None = None,
                  name: str = "market") -> FromClause:
    """A warehouse table seen with the market schema's column names (`mapping`: market name -> its column).

    A table without a segment or region column is one segment and one region, "All",
    exactly as an uploaded file without them.
    """
    picked = [(period_start(source.c[theirs], calendar) if ours == "date" else source.c[theirs]).label(ours)
              for ours, theirs in mapping.items()]
    filled = [literal(FILLED).label(key) for key in ("segment", "region") if key not in mapping]
    return select(*picked, *filled).subquery(name)


def wide_source(source: FromClause, date_column: str, companies: Mapping[str, str], value: str,
                segment: str = FILLED, region: str = FILLED, calendar: str | None = None,
                name: str = "market") -> FromClause:
    """A wide warehouse table (one column per company, e.g. a share tracker) unpivoted with UNION ALL.

    `companies` maps each company's name to its column; the names and the segment and region
    become bound parameters, the columns quoted identifiers: nothing of the table's text is
    spliced into SQL.
    """
    date = period_start(source.c[date_column], calendar).label("date")
    parts = [select(date, literal(company).label("company"), literal(segment).label("segment"),
                    literal(region).label("region"), cast(source.c[theirs], Double).label(value))
             for company, theirs in companies.items()]
    return union_all(*parts).subquery(name)
