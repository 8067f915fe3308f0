"""A live SQL dataset: market data that stays in the warehouse, and only aggregates cross the wire.

A live source is a *connection name* plus a table or view (or a SELECT the
operator named in the connection's configuration, `[connections.<name>.queries]`)
and a column mapping to the market schema. The connection's SQLAlchemy URL is configured on the
server, the Streamlit way (`.streamlit/secrets.toml`, `[connections.<name>]`
with `url = "postgresql://…"`) or as an environment variable
`MARKET_TRENDS_CONNECTION_<NAME>`; only the name is ever stored in the
workspace catalog, a link or a saved view, and error messages have the URL and
its password taken out (`redact`).

`LiveStore` answers the same aggregate questions as the embedded DuckDB store
(`data/store.py`) with the same SQLAlchemy Core statements (`data/queries.py`),
compiled for the warehouse's dialect with bound parameters. Results are cached
by the dashboard per dataset, slice and refresh stamp (`refresh_stamp`).
"""

from __future__ import annotations

import os
import re
import threading
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, Select, column, create_engine, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from data import queries
from data.locations import normalise_url
from data.mapping import ALL, WIDE, company_name
from data.mapping import Mapping as ColumnMapping
from data.queries import CALENDAR_UNITS, GROUPABLE, MEASURES, SUMMED, MarketFilter
from data.schema import MARKET

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")  # a connection name: also part of an environment variable
ENV_PREFIX = "MARKET_TRENDS_CONNECTION_"
REQUIRED = ("date", "company")  # a source without segment or region is one segment and region, "All"
MAPPABLE = tuple(dict.fromkeys([*MARKET.columns, *SUMMED]))
DEFAULT_TTL = 900  # seconds a live result is reused before the warehouse is asked again
MAX_TABLE = 200
QUERY = "query:"  # a table name with this prefix is a SELECT named in the server's configuration
PREVIEW_ROWS = 200


class LiveSourceError(Exception):
    """A live source cannot be configured, reached or read; the message never contains credentials."""


@dataclass(frozen=True)
class WideColumns:
    """A wide table in the warehouse (a share tracker: one column per company), as on the upload's mapping."""

    date_column: str
    companies: Mapping[str, str]  # company name -> its column
    value: str = "share"  # what the company columns hold: units, revenue or share
    segment: str = ALL
    region: str = ALL


@dataclass(frozen=True)
class LiveSpec:
    """What the catalog keeps about a live dataset: no URL, no password, only the connection's name."""

    connection: str
    table: str  # "table" or "schema.table" (a table or a view), or "query:<name>" (a configured SELECT)
    mapping: Mapping[str, str] = field(default_factory=dict)  # long layout: market column -> the source's column
    ttl: int = DEFAULT_TTL
    calendar: str | None = None  # dates moved to the start of their week/month/quarter/year by the warehouse
    wide: WideColumns | None = None  # the wide layout instead of `mapping`

    @classmethod
    def from_mapping(cls, connection: str, table: str, chosen: ColumnMapping, ttl: int = DEFAULT_TTL,
                     calendar: str | None = None) -> LiveSpec:
        """The spec for what the user confirmed in the Data page's mapping (the same widgets as an upload)."""
        if chosen.layout == WIDE:
            wide = WideColumns(chosen.date_column or "", {company_name(c): c for c in chosen.company_columns},
                               chosen.value, chosen.segment or ALL, chosen.region or ALL)
            return cls(connection, table, {}, ttl, calendar, wide)
        return cls(connection, table, dict(chosen.columns), ttl, calendar)

    @property
    def fields(self) -> tuple[str, ...]:
        """The market columns this source provides (segment and region always: "All" where it has none)."""
        if self.wide is not None:
            return ("date", "segment", "region", "company", self.wide.value)
        return tuple(dict.fromkeys([*self.mapping, "segment", "region"]))

    @property
    def source_columns(self) -> tuple[str, ...]:
        """The warehouse columns the aggregates read."""
        if self.wide is not None:
            return (self.wide.date_column, *self.wide.companies.values())
        return tuple(dict.fromkeys(self.mapping.values()))

    def to_json(self) -> dict:
        data = {"connection": self.connection, "table": self.table, "mapping": dict(self.mapping), "ttl": self.ttl,
                "calendar": self.calendar}
        if self.wide is not None:
            data["wide"] = {"date_column": self.wide.date_column, "companies": dict(self.wide.companies),
                            "value": self.wide.value, "segment": self.wide.segment, "region": self.wide.region}
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> LiveSpec:
        try:
            wide = data.get("wide")
            spec = cls(str(data["connection"]), str(data["table"]), {str(k): str(v) for k, v in data["mapping"].items()},
                       int(data.get("ttl", DEFAULT_TTL)), data.get("calendar"),
                       None if wide is None else WideColumns(
                           str(wide["date_column"]), {str(k): str(v) for k, v in wide["companies"].items()},
                           str(wide["value"]), str(wide["segment"]), str(wide["region"])))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise LiveSourceError("This live dataset's settings are damaged; define it again on the Data page.") from error
        return spec.checked()

    def checked(self) -> LiveSpec:
        check_name(self.connection)
        if not self.table or len(self.table) > MAX_TABLE or self.table.count(".") > 1:
            raise LiveSourceError("Choose a table or view (optionally schema.table) from the list.")
        if self.calendar is not None and self.calendar not in CALENDAR_UNITS:
            raise LiveSourceError(f"Place dates on one of: {', '.join(CALENDAR_UNITS)}.")
        if self.wide is not None:
            self._check_wide(self.wide)
        else:
            self._check_long()
        if not 0 <= self.ttl <= 7 * 86400:
            raise LiveSourceError("The refresh interval must be between 0 seconds and 7 days.")
        return self

    def _check_long(self) -> None:
        missing = [c for c in REQUIRED if c not in self.mapping]
        unknown = [c for c in self.mapping if c not in MAPPABLE]
        if missing or unknown:
            raise LiveSourceError(f"The column mapping needs {', '.join(missing) or 'no more'}"
                                  + (f"; the market has no column {', '.join(unknown)}" if unknown else "") + ".")
        if not any(m in self.mapping for m in MEASURES):
            raise LiveSourceError(f"Map at least one measure ({', '.join(MEASURES)}).")

    @staticmethod
    def _check_wide(wide: WideColumns) -> None:
        if not wide.date_column or not wide.companies:
            raise LiveSourceError("The wide layout needs a date column and at least one company column.")
        if wide.date_column in wide.companies.values():
            raise LiveSourceError(f"{wide.date_column} is the date column; it cannot also be a company column.")
        if wide.value not in MEASURES:
            raise LiveSourceError(f"The company columns hold one of: {', '.join(MEASURES)}.")


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise LiveSourceError("A connection name is a letter followed by up to 39 letters, digits or '_'.")
    return name


def secrets_files() -> list[Path]:
    """Where Streamlit reads secrets: the project's `.streamlit/secrets.toml`, then the user's."""
    return [Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def _sections() -> dict[str, Mapping]:
    """`[connections.<name>]` sections of the secrets files (the project's wins over the user's)."""
    found: dict[str, Mapping] = {}
    for path in reversed(secrets_files()):
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        for name, section in (data.get("connections") or {}).items():
            if isinstance(section, Mapping) and NAME.fullmatch(name):
                found[name] = section
    return found


def configured_queries(connection: str) -> dict[str, str]:
    """Named SELECTs the operator wrote for a connection (`[connections.<name>.queries]`): SQL from the
    server's configuration, never from a user, offered on the Data page as `query:<name>`."""
    queries_ = _sections().get(connection, {}).get("queries") or {}
    return {k: v for k, v in queries_.items() if isinstance(v, str) and NAME.fullmatch(k)}


def _configured() -> dict[str, str]:
    """Connection name -> URL from the environment and the secrets files (the environment wins)."""
    found = {name: section["url"] for name, section in _sections().items() if isinstance(section.get("url"), str)}
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX) and value and NAME.fullmatch(key[len(ENV_PREFIX):].lower()):
            found[key[len(ENV_PREFIX):].lower()] = value
    return found


def connection_names() -> list[str]:
    """The configured connection names (never their URLs), for the Data page's choice."""
    return sorted(_configured())


def redact(text: str, url: str | None) -> str:
    """`text` without the URL, its password or its user:password part: safe for a message or a log line."""
    if not url:
        return text
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return text.replace(url, "<connection URL>")
    secrets = [url, normalise_url(url), parsed.render_as_string(hide_password=False)]
    if parsed.password:
        secrets.append(str(parsed.password))
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(connection: str) -> Engine:
    """This process's pooled engine for a configured connection (one per URL)."""
    url = _configured().get(check_name(connection))
    if url is None:
        raise LiveSourceError(f"No connection named “{connection}” is configured on this server: add "
                              f"[connections.{connection}] with url = \"…\" to .streamlit/secrets.toml, or set "
                              f"{ENV_PREFIX}{connection.upper()}.")
    with _engines_lock:
        if url not in _engines:
            try:
                _engines[url] = create_engine(normalise_url(url), pool_pre_ping=True, pool_size=4, max_overflow=4,
                                              pool_recycle=1800)
            except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
                raise LiveSourceError(f"The connection “{connection}” has a URL this server cannot use: "
                                      f"{redact(_first_line(error), url)}") from None
        return _engines[url]


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).splitlines() or [type(cause).__name__])[0][:300]


def _explain(error: BaseException, connection: str, what: str) -> LiveSourceError:
    url = _configured().get(connection)
    return LiveSourceError(f"Could not {what} through the connection “{connection}”: "
                           f"{redact(_first_line(error), url)}")


def tables_of(connection: str) -> list[str]:
    """Tables and views the connection can see, as `schema.table` outside the default schema."""
    eng = engine_for(connection)
    try:
        found = inspect(eng)
        default = found.default_schema_name
        names = []
        for schema in found.get_schema_names():
            if schema in ("information_schema", "pg_catalog") or schema.startswith("pg_"):
                continue
            prefix = "" if schema == default else f"{schema}."
            names += [prefix + t for t in [*found.get_table_names(schema=schema), *found.get_view_names(schema=schema)]]
        return sorted(names) + [QUERY + q for q in sorted(configured_queries(connection))]
    except SQLAlchemyError as error:
        raise _explain(error, connection, "list the tables") from None


def _query_sql(connection: str, name: str) -> str:
    sql = configured_queries(connection).get(name[len(QUERY):])
    if sql is None:
        raise LiveSourceError(f"The connection “{connection}” has no query named “{name[len(QUERY):]}” "
                              "configured on this server.")
    return sql


def sample_rows(connection: str, name: str, limit: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first `limit` rows of a table, view or configured query, as the Data page's mapping reads a file.

    The one place raw rows are fetched: a small sample for whoever defines the source,
    so the mapping can be suggested from names and content and checked before saving.
    """
    if name.startswith(QUERY):
        source = text(_query_sql(connection, name)).columns().subquery("q")
        statement = select(text("*")).select_from(source).limit(limit)
    else:
        schema, _, bare = name.rpartition(".")
        statement = select(text("*")).select_from(table(bare, schema=schema or None)).limit(limit)
    try:
        with engine_for(connection).connect() as conn:
            result = conn.execute(statement)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as error:
        raise _explain(error, connection, f"read the first rows of {name}") from None


def refresh_stamp(refreshed: float | None, ttl: int, now: float | None = None) -> str:
    """Part of every cache key of a live dataset: changes when someone presses Refresh or the TTL runs out."""
    now = time.time() if now is None else now
    window = int(now // ttl) if ttl > 0 else int(now * 1000)
    return f"{refreshed or 0:.3f}-{window}"


class LiveStore:
    """The store's aggregate queries, answered by the warehouse; only aggregates are fetched."""

    tables = ["market"]

    def __init__(self, spec: LiveSpec) -> None:
        self.spec = spec.checked()
        self._engine = engine_for(spec.connection)
        used = [column(c) for c in spec.source_columns]
        if spec.table.startswith(QUERY):  # the operator's SELECT, as a subquery the aggregates wrap
            raw = text(_query_sql(spec.connection, spec.table)).columns(*used).subquery("source")
        else:
            schema, _, bare = spec.table.rpartition(".")
            raw = table(bare, *used, schema=schema or None)
        if spec.wide is not None:
            w = spec.wide
            self._source = queries.wide_source(raw, w.date_column, w.companies, w.value, w.segment, w.region,
                                               spec.calendar)
        else:
            self._source = queries.mapped_source(raw, spec.mapping, spec.calendar)
        self.rows_fetched = 0  # aggregate rows that crossed the wire, for tests and benchmarks

    def columns(self, table_name: str = "market") -> list[str]:
        self._market(table_name)
        return list(dict.fromkeys([*(c for c in MARKET.columns if c in self.spec.fields), *SUMMED]))

    def row_count(self, table_name: str = "market") -> int:
        self._market(table_name)
        return int(self._run(queries.row_count(self._source))["n"].iloc[0])

    def distinct(self, table_name: str, column: str) -> list[str]:
        self._market(table_name)
        if column not in self.spec.fields:
            raise ValueError(f"market has no column {column!r}")
        return [str(v) for v in self._run(queries.distinct_values(self._source, column))["v"]]

    def measures(self) -> list[str]:
        counts = self._run(queries.measure_counts(self._source))
        return [m for m in MEASURES if int(counts[m].iloc[0]) > 0]

    def date_range(self, table_name: str = "market") -> tuple[pd.Timestamp, pd.Timestamp]:
        self._market(table_name)
        frame = self._run(queries.date_bounds(self._source))
        return pd.Timestamp(frame["lo"].iloc[0]), pd.Timestamp(frame["hi"].iloc[0])

    def periods(self, table_name: str = "market") -> list[pd.Timestamp]:
        self._market(table_name)
        return [pd.Timestamp(d) for d in self._run(queries.periods(self._source))["date"]]

    def market_totals(self, where: MarketFilter, by: Sequence[str]) -> pd.DataFrame:
        keys = list(by)
        for key in keys:
            if key not in GROUPABLE or key not in self.spec.fields:
                raise ValueError(f"cannot group market by {key!r}; choose from "
                                 f"{', '.join(k for k in GROUPABLE if k in self.spec.fields)}")
        return queries.summed_frame(self._run(queries.totals(self._source, where, keys)), keys)

    def table(self, name: str, limit: int | None = None) -> pd.DataFrame:
        """A preview (`limit` rows), or the market at its finest grain *summed*: never the raw rows."""
        self._market(name)
        if limit is not None:
            return self._run(select(self._source).limit(min(int(limit), PREVIEW_ROWS)))
        keys = [k for k in ("date", "segment", "region", "company", "product", "channel") if k in self.spec.fields]
        return self.market_totals(MarketFilter(), keys)

    def _market(self, name: str) -> None:
        if name != "market":
            raise ValueError(f"a live SQL dataset has only a market table, not {name!r}")

    def _run(self, statement: Select) -> pd.DataFrame:
        try:
            with self._engine.connect() as conn:
                result = conn.execute(statement)
                frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        except SQLAlchemyError as error:
            raise _explain(error, self.spec.connection, f"query {self.spec.table}") from None
        self.rows_fetched += len(frame)
        for name in ("date", "launch_date", "lo", "hi"):
            if name in frame.columns:
                frame[name] = pd.to_datetime(frame[name])
        return frame
