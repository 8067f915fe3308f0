"""The five canonical tables of the data model (DESIGN.md section 2).

Every loader, the demo generator and the store agree on these column names
and types, so a page never has to guess what a column holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Column kinds. "date" columns hold period starts (Timestamp, no time zone).
DATE, TEXT, FLOAT, INT = "date", "text", "float", "int"


@dataclass(frozen=True)
class TableSchema:
    """Columns of one table: required ones first, then optional ones, and the key."""

    name: str
    required: dict[str, str]
    optional: dict[str, str]
    key: tuple[str, ...]
    description: str

    @property
    def columns(self) -> dict[str, str]:
        return {**self.required, **self.optional}


MARKET = TableSchema(
    name="market",
    required={"date": DATE, "segment": TEXT, "region": TEXT, "company": TEXT},
    # At least one measure: share trackers publish shares without units or revenue.
    # `cost` (money, summed like revenue) gives margins where a company knows its own costs; `launch_date`
    # says when a product launched when its first sales month would mislead (a soft launch, a data start).
    optional={"units": FLOAT, "revenue": FLOAT, "share": FLOAT, "product": TEXT, "channel": TEXT, "price": FLOAT,
              "cost": FLOAT, "launch_date": DATE},
    key=("date", "segment", "region", "company", "product"),
    description="Units, revenue or percent share per period, segment, region and company (and product).",
)
MARKET_MEASURES = ("units", "revenue", "share")

DRIVERS = TableSchema(
    name="drivers",
    required={"date": DATE, "region": TEXT, "variable": TEXT, "value": FLOAT},
    optional={},
    key=("date", "region", "variable"),
    description="Explanatory series per period and region: marketing spend, price index, macro.",
)

CAPABILITIES = TableSchema(
    name="capabilities",
    required={"company": TEXT, "feature": TEXT, "score": FLOAT},
    optional={"category": TEXT, "price_tier": TEXT},
    key=("company", "feature"),
    description="Feature scores (0 to 5) per company, for the competitor comparison.",
)

FEATURE_REQUESTS = TableSchema(
    name="feature_requests",
    required={
        "request_id": TEXT,
        "date": DATE,
        "feature": TEXT,
        "customer": TEXT,
        "segment": TEXT,
        "arr": FLOAT,
    },
    optional={"region": TEXT, "source": TEXT, "note": TEXT},
    key=("request_id",),
    description="One row per feature request from a customer, with the customer's ARR.",
)

OPPORTUNITIES = TableSchema(
    name="opportunities",
    required={
        "option": TEXT,
        "segment": TEXT,
        "region": TEXT,
        "market_size": FLOAT,
        "price": FLOAT,
        "unit_cost": FLOAT,
        "fixed_cost": FLOAT,
        "launch": DATE,
    },
    optional={"p": FLOAT, "q": FLOAT, "analog": TEXT},
    key=("option",),
    description="Candidate launch options, with Bass diffusion parameters or an analog product.",
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (MARKET, DRIVERS, CAPABILITIES, FEATURE_REQUESTS, OPPORTUNITIES)
}


class SchemaError(ValueError):
    """A table does not fit its schema; the message says which column and what to do."""


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return `df` with the schema's columns in order and with their types.

    Raises SchemaError naming the first problem, so callers can show it as is.
    Columns outside the schema are dropped; missing optional ones stay absent.
    """
    schema = SCHEMAS[table]
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{table}: missing required column(s) {', '.join(missing)}; "
            f"expected {', '.join(schema.required)}."
        )
    if table == "market" and not any(m in df.columns for m in MARKET_MEASURES):
        raise SchemaError("market: no units, revenue or share column; a market table needs at least one.")
    out = pd.DataFrame(index=df.index)
    for column, kind in schema.columns.items():
        if column in df.columns:
            out[column] = _cast(df[column], kind, table, column)
    return out.reset_index(drop=True)


def _cast(values: pd.Series, kind: str, table: str, column: str) -> pd.Series:
    if kind == TEXT:
        return values.astype("string")
    if kind == DATE:
        parsed = pd.to_datetime(values, errors="coerce")
        _raise_on_unparsed(values, parsed, table, column, "a date such as 2024-01-01")
        return parsed.astype("datetime64[ns]")
    parsed = pd.to_numeric(values, errors="coerce")
    _raise_on_unparsed(values, parsed, table, column, "a number")
    return parsed.astype("float64") if kind == FLOAT else parsed.astype("Int64")


def _raise_on_unparsed(
    raw: pd.Series, parsed: pd.Series, table: str, column: str, expected: str
) -> None:
    bad = parsed.isna() & raw.notna()
    if bad.any():
        rows = [int(i) + 2 for i in bad[bad].index[:3]]  # +2: header row, 1-based
        raise SchemaError(
            f"{table}.{column}: value {raw[bad].iloc[0]!r} in row(s) "
            f"{', '.join(map(str, rows))} is not {expected}; fix or remove those rows."
        )
