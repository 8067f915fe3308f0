"""Which column of a file is which column of our tables, and long or wide layout.

Exports name things their own way (Period, Brand, Sales, Volume) and share
trackers publish wide tables with one column per company. We suggest a
mapping from names and content; the user sees it, changes it if needed, and
confirms it; only then is the file turned into a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from data.readers import MISSING, RawFile, normalise
from data.schema import SCHEMAS

LONG, WIDE = "long", "wide"
WIDE_VALUES = ("units", "revenue", "share")
ALL = "All"  # segment or region of a file that has none
ROW = "_row"  # the file row each record came from, for the report

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "period", "month", "week", "day", "quarter", "year", "time", "datum", "period start", "monat", "fecha", "mois"),
    "company": ("company", "brand", "vendor", "competitor", "manufacturer", "supplier", "player", "firm", "marke", "hersteller", "marca", "marque", "unternehmen"),
    "segment": ("segment", "category", "market segment", "product line", "customer segment"),
    "region": ("region", "country", "geography", "geo", "territory", "area", "market", "land", "país", "pays"),
    "units": ("units", "volume", "quantity", "qty", "unit sales", "units sold", "volume units", "menge", "absatz", "stückzahl", "unidades"),
    "revenue": ("revenue", "sales", "sales value", "value", "turnover", "amount", "revenue usd", "sales usd", "umsatz", "ventas", "ventes", "chiffre d affaires"),
    "share": ("share", "market share", "share pct", "share percent", "value share", "volume share"),
    "price": ("price", "avg price", "average price", "asp", "unit price"),
    "product": ("product", "sku", "model", "item"),
    "cost": ("cost", "costs", "cost of sales", "cost of goods sold", "total cost"),
    "launch_date": ("launch date", "launched", "release date", "introduced", "introduction date"),
    "channel": ("channel", "sales channel"),
    "variable": ("variable", "driver", "indicator", "metric", "series"),
    "value": ("value", "amount", "level"),
    "feature": ("feature", "capability", "feature name", "request", "title", "summary", "subject"),
    "score": ("score", "rating", "grade"),
    "category": ("category", "group", "area"),
    "price_tier": ("price tier", "tier", "pricing tier"),
    "request_id": ("request id", "id", "ticket", "ticket id", "issue id", "key", "idea id"),
    "customer": ("customer", "account", "account name", "client", "company name", "organization"),
    "arr": ("arr", "annual recurring revenue", "account arr", "arr usd", "contract value", "acv"),
    "source": ("source", "origin", "channel"),
    "note": ("note", "notes", "comment", "description", "details"),
    "option": ("option", "name", "launch option", "opportunity", "idea"),
    "market_size": ("market size", "potential", "addressable market", "tam", "potential adopters"),
    "unit_cost": ("unit cost", "cost per unit", "cogs", "variable cost"),
    "fixed_cost": ("fixed cost", "launch cost", "investment", "capex"),
    "launch": ("launch", "launch date", "start", "start date"),
    "p": ("p", "innovation", "coefficient of innovation"),
    "q": ("q", "imitation", "coefficient of imitation"),
    "analog": ("analog", "analogue", "analog product", "reference product"),
}


@dataclass(frozen=True)
class Mapping:
    """How a file becomes one of our tables; shown to the user before it is applied.

    Long: `columns` maps each table column to a file column. Wide: one date
    column, one column per company, and what the values are.
    """

    layout: str = LONG
    columns: dict[str, str] = field(default_factory=dict)
    date_column: str | None = None
    company_columns: tuple[str, ...] = ()
    value: str = "units"
    segment: str = ALL
    region: str = ALL
    # Irregular dates (survey snapshots) placed on this calendar: "monthly", "quarterly" or "yearly"; None: as read
    calendar: str | None = None


def suggest_columns(columns: list[str], table: str) -> dict[str, str]:
    """Table column → file column, matching names case-insensitively and by synonym."""
    targets = list(SCHEMAS[table].columns)
    free = {normalise(c): c for c in columns}
    chosen: dict[str, str] = {}
    for exact in (True, False):
        for target in targets:
            if target in chosen:
                continue
            for synonym in (normalise(target), *SYNONYMS.get(target, ())):
                match = _find(free, synonym, exact)
                if match is not None:
                    chosen[target] = free.pop(match)
                    break
    return chosen


def _find(free: dict[str, str], synonym: str, exact: bool) -> str | None:
    if exact:
        return synonym if synonym in free else None
    for name in free:
        if re.search(rf"\b{re.escape(synonym)}\b", name) and len(synonym) > 2:
            return name
    return None


def suggest_mapping(raw: RawFile, table: str) -> Mapping:
    """Long when the file names a company column; wide when companies are columns."""
    columns = list(raw.frame.columns)
    suggested = suggest_columns(columns, table)
    if table != "market" or "company" in suggested or "date" not in suggested:
        return Mapping(LONG, suggested)
    others = [c for c in columns if c != suggested["date"] and _mostly_numeric(raw.frame[c])]
    if len(others) < 2:
        return Mapping(LONG, suggested)
    return Mapping(
        WIDE,
        date_column=suggested["date"],
        company_columns=tuple(others),
        value=_guess_wide_value(raw.frame[others], raw.format.decimal, raw.name),
    )


def _mostly_numeric(cells: pd.Series) -> bool:
    text = cells.dropna().astype(str)
    text = text[~text.isin(MISSING)].str.replace(r"[\s%$€£,.'\u00a0-]", "", regex=True)
    return len(text) > 0 and text.str.fullmatch(r"\d+").mean() > 0.8


def _guess_wide_value(values: pd.DataFrame, decimal: str, name: str) -> str:
    headers = " ".join(normalise(c) for c in values.columns) + " " + normalise(name)
    if "%" in headers or "share" in headers:
        return "share"
    if any(word in headers for word in ("revenue", "sales", "usd", "eur", "value")):
        return "revenue"
    numbers = values.apply(lambda c: to_number(c, decimal, None))
    sums = numbers.sum(axis=1, min_count=1).dropna()
    if len(sums) and sums.between(95, 105).mean() > 0.9:
        return "share"
    return "units"


def apply_mapping(raw: RawFile, table: str, mapping: Mapping) -> pd.DataFrame:
    """The file's cells under our column names, long, with the file row of each record."""
    rows = pd.Series(raw.frame.index, name=ROW)  # the readers index rows by file row
    frame = raw.frame.reset_index(drop=True)
    if mapping.layout == WIDE:
        wide = frame[[mapping.date_column, *mapping.company_columns]].copy()
        wide[ROW] = rows
        long = wide.melt(id_vars=[mapping.date_column, ROW], var_name="company", value_name=mapping.value)
        long["company"] = long["company"].map(company_name)
        long = long.rename(columns={mapping.date_column: "date"})
        long["segment"], long["region"] = mapping.segment or ALL, mapping.region or ALL
        return long.sort_values([ROW, "company"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({target: frame[source] for target, source in mapping.columns.items() if source in frame})
    out[ROW] = rows
    if table in ("market", "feature_requests"):
        for column in ("segment", "region") if table == "market" else ("segment",):
            if column not in out:
                out[column] = ALL
    if table == "feature_requests" and "request_id" not in out:
        out["request_id"] = [f"row {row}" for row in rows]  # CRM exports seldom number their requests
    return out


def company_name(column: str) -> str:
    """'Apex %', 'Apex (share)' and 'Apex share %' are all the company Apex."""
    name = re.sub(r"\s*[\(\[]?\s*(%|pct|percent|share|units|revenue|sales)\s*[\)\]]?\s*$", "", column, flags=re.IGNORECASE)
    name = re.sub(r"\s*(%|share)\s*$", "", name, flags=re.IGNORECASE)
    return name.strip() or column


# Currency, percent and spaces (listed, not \s: pandas runs that pattern cell by cell in Python).
_NOISE = "[%$€£ \t\r\n\u00a0\u2009\u202f]"


def to_number(cells: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Numbers from text in the file's own style: '1.234,5' or '1,234.5', '12 %', '$1,200'."""
    text = cells.astype("string").str.strip()
    text = text.str.replace(_NOISE, "", regex=True)
    if thousands and thousands.strip():
        text = text.str.replace(thousands, "", regex=False)
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    text = text.str.replace("'", "", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


_GROUPED = {".": re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$"), ",": re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$")}


def wrong_decimal_mark(cells: pd.Series, decimal: str) -> pd.Series:
    """Cells holding the other decimal mark where it cannot be a thousands separator.

    In a decimal-point file `3,5` would become 35 once the comma is dropped as a
    thousands separator; such a cell must be reported, not reinterpreted.
    """
    other = "," if decimal == "." else "."
    text = cells.astype("string").str.replace(_NOISE, "", regex=True).str.replace("'", "", regex=False)
    has_other = text.str.contains(other, regex=False).fillna(False)
    grouped = text.str.match(_GROUPED[decimal]).fillna(False)
    return (has_other & ~grouped).astype(bool)
