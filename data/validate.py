"""Check a user's file against a table's schema and say exactly what to fix.

    python -m data.validate FILE [--table market] [--sheet NAME]

prints the report the Data page shows and exits 0 when the file can be
loaded (warnings allowed) and 1 when it cannot, so an export can be checked
before anyone uploads it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from data.http_source import fetch
from data.mapping import ALL, LONG, ROW, WIDE, Mapping, apply_mapping, suggest_mapping, to_number, wrong_decimal_mark
from data.periods import (CALENDARS, FREQ, WINDOW, Periodicity, infer_periodicity, period_label, read_dates,
                          to_period_start)
from data.readers import MISSING, UPLOAD_LIMIT_MB, FileFormat, RawFile, read_file
from data.report import LoadError, Report
from data.schema import DATE, INT, SCHEMAS, TEXT

MEASURES = ("units", "revenue", "share")
NON_NEGATIVE = {"units", "revenue", "share", "price", "cost", "arr", "market_size", "unit_cost", "fixed_cost", "value"}
SHARE_TOLERANCE = 0.5  # percentage points a tracker's rows may miss 100 by before we warn
LARGEST = 1e15  # no market figure is this large; 1e308 would overflow every sum and growth rate


@dataclass
class Loaded:
    """Everything the Data page shows about one file: how it was read, mapped and checked."""

    name: str
    table: str
    report: Report
    raw: RawFile | None = None
    mapping: Mapping | None = None
    frame: pd.DataFrame | None = field(default=None, repr=False)  # typed, None when not loadable
    periodicity: Periodicity | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok and self.frame is not None


def load(
    name: str,
    content: bytes,
    table: str = "market",
    *,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    limit_mb: float = UPLOAD_LIMIT_MB,
    calendar: str | None = None,
) -> Loaded:
    """Read, map and validate a file. Never raises for a bad file: the report says why.

    `calendar` places irregular dates on months, quarters or years (see `place_on_calendar`)."""
    file = read(name, content, table, sheet=sheet, limit_mb=limit_mb)
    if file.raw is None:
        return file
    if calendar is not None:
        mapping = replace(mapping or suggest_mapping(file.raw, table), calendar=calendar)
    return check(file.raw, table, mapping)


def read(
    name: str, content: bytes, table: str = "market", *, sheet: str | None = None, limit_mb: float = UPLOAD_LIMIT_MB
) -> Loaded:
    """The file read but not yet mapped or checked: what the page needs to suggest a mapping."""
    report = Report(table)
    try:
        raw = read_file(name, content, sheet=sheet, limit_mb=limit_mb)
    except LoadError as exc:
        report.error(str(exc))
        return Loaded(name, table, report)
    return Loaded(name, table, report, raw)


def check(raw: RawFile, table: str = "market", mapping: Mapping | None = None) -> Loaded:
    """Map and validate a file already read. Never raises for a bad file: the report says why."""
    name, report = raw.name, Report(table)
    _report_short_rows(raw, report)
    mapping = mapping or suggest_mapping(raw, table)
    if mapping.layout == WIDE and (not mapping.date_column or not mapping.company_columns):
        report.error("The wide layout needs a date column and at least one company column; choose them in the mapping.")
        return Loaded(name, table, report, raw, mapping)
    cells = apply_mapping(raw, table, mapping)
    frame, periodicity = validate(cells, table, raw.format, report, mapping, list(raw.frame.columns))
    return Loaded(name, table, report, raw, mapping, frame if report.ok else None, periodicity)


def load_path(path: str | Path, table: str = "market", *, sheet: str | None = None,
              calendar: str | None = None) -> Loaded:
    """`load` for a file on this machine; an unreadable path is reported, not raised."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        report = Report(table)
        report.error(f"cannot open {path}: {exc.strerror or exc}. Check the path.")
        return Loaded(path.name, table, report)
    return load(path.name, content, table, sheet=sheet, calendar=calendar)


def validate(
    cells: pd.DataFrame,
    table: str,
    fmt: FileFormat,
    report: Report,
    mapping: Mapping | None = None,
    file_columns: list[str] | None = None,
) -> tuple[pd.DataFrame | None, Periodicity | None]:
    """Typed table from mapped text cells, adding every problem found to `report`."""
    schema = SCHEMAS[table]
    required = [c for c in schema.required if not (table == "market" and c in MEASURES)]
    missing = [c for c in required if c not in cells.columns]
    if table == "market" and not any(m in cells.columns for m in MEASURES):
        missing.append("units, revenue or share")
    if missing:
        found = file_columns if file_columns is not None else [c for c in cells.columns if c != ROW]
        report.error(
            f"no column for {', '.join(missing)}. The file's columns are: {', '.join(map(str, found))}. "
            "Rename the column in the file or pick it in the mapping."
        )
        return None, None
    if cells.empty:
        report.error("the file has no data rows.")
        return None, None

    rows = cells[ROW]
    kinds = schema.columns
    typed = pd.DataFrame(index=cells.index)
    for column, kind in kinds.items():
        if column not in cells.columns:
            continue
        typed[column] = _convert(cells[column], kind, column, rows, fmt, report, required=column in required)
    if not report.ok:
        return None, None

    periodicity, empty_periods = None, []
    if "date" in typed and table in ("market", "drivers"):
        calendar = mapping.calendar if mapping is not None else None
        periodicity = _check_periods(typed, report, calendar)
        if periodicity.mixed and calendar in CALENDARS:
            periodicity, empty_periods = place_on_calendar(typed, table, calendar, rows, report)
        else:
            typed["date"] = to_period_start(typed["date"], periodicity.period)
    wide = mapping is not None and mapping.layout == WIDE
    _check_measures(typed, rows, table, report, wide)
    if table == "market" and wide and mapping.value == "share":
        typed = _normalise_shares(typed, rows, report)
    _check_duplicates(typed, rows, table, report)
    typed = _with_gaps(typed, table, empty_periods)
    if table == "market":
        for column in MEASURES:
            if column not in typed:
                typed[column] = float("nan")
        if (typed[["segment", "region"]] == ALL).all().all():
            report.warn("no segment or region columns: the whole file is treated as one segment and one region, “All”.")
    if table == "feature_requests" and mapping is not None and mapping.layout == LONG:
        if "request_id" not in mapping.columns:
            report.warn("no request id column: each row counts as one request, named by its file row.")
        if "segment" not in mapping.columns:
            report.warn("no segment column: every customer is in one segment, “All”, so market alignment is flat.")
    return (typed.reset_index(drop=True) if report.ok else None), periodicity


def _convert(
    cells: pd.Series, kind: str, column: str, rows: pd.Series, fmt: FileFormat, report: Report, required: bool
) -> pd.Series:
    if kind == TEXT:
        _report_kept_names(cells, column, rows, report)
    else:
        cells = _blank_missing_words(cells, column, rows, report)
    present = cells.notna()
    if required and not present.any():
        report.error("every value is missing. Fill the column or map another one.", column)
        return cells
    if required and kind != DATE and (~present).any():
        report.error("values are missing. Fill them in or remove those rows.", column, rows[~present])
    if kind == TEXT:
        return cells.astype("string")
    if kind == DATE:
        return _convert_dates(cells, column, rows, report, required)
    return _convert_numbers(cells, kind, column, rows, fmt, report)


def _report_kept_names(cells: pd.Series, column: str, rows: pd.Series, report: Report) -> None:
    """'NA' in a region column is North America: keep it, but say so in case it meant 'missing'."""
    kept = cells.isin(MISSING)
    if kept.any():
        words = ", ".join(f"“{w}”" for w in sorted(cells[kept].unique()))
        report.warn(f"{words} kept as a name (e.g. NA for North America), not read as missing. "
                    "If it means 'no value', leave the cell empty.", column, rows[kept])


def _blank_missing_words(cells: pd.Series, column: str, rows: pd.Series, report: Report) -> pd.Series:
    """'NaN', 'N/A' or '-' in a number or date column read as missing, with a line saying so."""
    words = cells.isin(MISSING)
    if not words.any():
        return cells
    shown = ", ".join(f"“{w}”" for w in sorted(cells[words].unique()))
    report.warn(f"{int(words.sum())} cell(s) hold {shown}, read as missing. Leave such cells empty, "
                "or enter 0 where a dash means zero.", column, rows[words])
    return cells.where(~words, None)


def _convert_dates(cells: pd.Series, column: str, rows: pd.Series, report: Report, required: bool) -> pd.Series:
    present = cells.notna()
    parsed, outside = read_dates(cells)
    if outside.any():
        report.error(
            f"“{cells[outside].iloc[0]}” is outside the dates this dashboard handles ({WINDOW}). "
            "Correct the year or remove those rows.", column, rows[outside],
        )
    bad = present & parsed.isna() & ~outside
    if bad.any():
        report.error(
            f"“{cells[bad].iloc[0]}” is not a date. Use a form such as 2024-01-01, 2024-01, Jan 2024, 2024Q1 or 01/2024.",
            column, rows[bad],
        )
    if required and (~present).any():
        report.error("dates are missing. Fill them in or remove those rows.", column, rows[~present])
    return parsed


def _convert_numbers(
    cells: pd.Series, kind: str, column: str, rows: pd.Series, fmt: FileFormat, report: Report
) -> pd.Series:
    style = "decimal commas" if fmt.decimal == "," else "decimal points"
    numbers = to_number(cells, fmt.decimal, fmt.thousands)
    bad = cells.notna() & numbers.isna()
    if bad.any():
        report.error(f"“{cells[bad].iloc[0]}” is not a number. Use plain numbers such as 1234.5 (this file uses {style}).",
                     column, rows[bad])
    mark = numbers.notna() & wrong_decimal_mark(cells, fmt.decimal)
    if mark.any():
        report.error(f"“{cells[mark].iloc[0]}” uses the other decimal mark, but this file uses {style}; "
                     f"it would read as {numbers[mark].iloc[0]:g}. Write every number in one style.", column, rows[mark])
    infinite = numbers.notna() & ~np.isfinite(numbers)
    if infinite.any():
        report.error(f"“{cells[infinite].iloc[0]}” is not a finite number. Enter the figure, or leave the cell empty.",
                     column, rows[infinite])
    huge = np.isfinite(numbers) & (numbers.abs() > LARGEST)
    if huge.any():
        report.error(f"“{cells[huge].iloc[0]}” is larger than {LARGEST:,.0f}, beyond any market figure. "
                     "Check the units of the export.", column, rows[huge])
    numbers = numbers.where(np.isfinite(numbers))
    return numbers.round().astype("Int64") if kind == INT else numbers


def _report_short_rows(raw: RawFile, report: Report) -> None:
    if raw.short_rows:
        report.warn(f"{len(raw.short_rows)} row(s) have fewer fields than the header; their last cells were read "
                    "as empty. Check those rows for a lost delimiter.", None, raw.short_rows)


def _check_periods(typed: pd.DataFrame, report: Report, calendar: str | None = None) -> Periodicity:
    periodicity = infer_periodicity(typed["date"])
    if periodicity.count == 1:
        report.warn("the file has a single period. Growth, trends and forecasts need at least two.", "date")
    elif periodicity.mixed and calendar in CALENDARS:
        pass  # placed on the calendar the user chose: place_on_calendar reports what moved where
    elif periodicity.mixed:
        report.error(
            "periods are spaced unevenly or mix lengths (e.g. months and quarters, or survey dates). "
            "Choose a calendar (month, quarter or year) to place each observation on, or export one period "
            "length, e.g. all monthly.", "date",
        )
    elif periodicity.missing:
        report.warn(
            f"{periodicity.missing} {periodicity.period} period(s) are missing between the first and the last; "
            "charts show gaps and forecasts fill them in.", "date",
        )
    return periodicity


KEYS = ("company", "segment", "region", "variable", "product", "channel")


def place_on_calendar(typed: pd.DataFrame, table: str, calendar: str, rows: pd.Series,
                      report: Report) -> tuple[Periodicity, list[pd.Timestamp]]:
    """Put irregular dates on the start of their month, quarter or year; say what moved where.

    Two observations of the same series in one period cannot be placed (which
    one would it be?): that is an error naming them and a coarser calendar.
    Returns the calendar's periodicity and its periods without an observation,
    which stay empty (gaps) rather than being filled in.
    """
    original = typed["date"]
    placed = to_period_start(original, calendar)
    keys = [c for c in KEYS if c in typed]
    clash = pd.DataFrame({**{k: typed[k] for k in keys}, "date": placed}).duplicated(keep=False)
    word = PERIOD_WORDS_OF[calendar]
    if clash.any():
        first = typed[clash].assign(placed=placed[clash]).sort_values("placed").iloc[0]
        same = original[clash & (placed == first["placed"])].dt.strftime("%Y-%m-%d").unique()
        coarser = {"monthly": " Choose quarter or year.", "quarterly": " Choose year."}.get(
            calendar, " No calendar is coarser than a year: export one observation per series and year.")
        report.error(f"on a {calendar} calendar, {int(clash.sum())} observations share a {word} with another of the same "
                     f"series (e.g. {period_label(first['placed'], calendar)}: {', '.join(same[:3])}).{coarser}",
                     "date", rows[clash])
        return Periodicity(calendar, int(placed.nunique()), 0, False), []
    pairs = pd.DataFrame({"from": original, "to": placed}).drop_duplicates().sort_values("from")
    moved = pairs[pairs["from"] != pairs["to"]]
    periods = pd.date_range(placed.min(), placed.max(), freq=FREQ[calendar])
    empty = [p for p in periods if p not in set(placed)]
    examples = ", ".join(f"{a:%Y-%m-%d} → {period_label(b, calendar)}" for a, b in moved.head(4).itertuples(index=False))
    text = (f"irregular dates placed on a {calendar} calendar: {len(moved)} date(s) moved to the start of their {word}"
            + (f" ({examples}{', …' if len(moved) > 4 else ''})" if examples else "")
            + (f"; {len(empty)} {word}(s) without an observation stay empty: gaps in charts, not filled in."
               if empty else "."))
    report.warn(text, "date")
    typed["date"] = placed
    return Periodicity(calendar, len(periods), 0, False), empty


PERIOD_WORDS_OF = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def _with_gaps(typed: pd.DataFrame, table: str, empty: list[pd.Timestamp]) -> pd.DataFrame:
    """Rows without figures for the calendar's empty periods, so that charts show gaps there."""
    if not empty or typed is None or table != "market":
        return typed
    series = typed[[c for c in KEYS if c in typed]].drop_duplicates()
    blanks = series.merge(pd.DataFrame({"date": empty}), how="cross")
    return pd.concat([typed, blanks], ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)


def _check_measures(typed: pd.DataFrame, rows: pd.Series, table: str, report: Report, wide: bool = False) -> None:
    for column in NON_NEGATIVE & set(typed.columns):
        if table == "drivers" and column == "value":
            continue  # drivers such as growth rates can be negative
        negative = typed[column] < 0
        if negative.fillna(False).any():
            report.error(
                f"{int(negative.sum())} negative value(s). {column.capitalize()} cannot be below zero; "
                "fix the export (returns belong in a separate column).",
                column, rows[negative.fillna(False)],
            )
    if table == "market" and "share" in typed and not wide:
        over = (typed["share"] > 100).fillna(False)
        if over.any():
            report.error("shares are percent of the market and cannot exceed 100. "
                         "Check the column holds percent share, not units or revenue.", "share", rows[over])
    if table == "market":
        present = [m for m in MEASURES if m in typed and typed[m].notna().any()]
        if not present:
            report.error("units, revenue and share are all empty. The file has no figures to show.")
    if table == "capabilities" and "score" in typed:
        outside = ~typed["score"].between(0, 5) & typed["score"].notna()
        if outside.any():
            report.error("scores must lie between 0 and 5.", "score", rows[outside])


def _normalise_shares(typed: pd.DataFrame, rows: pd.Series, report: Report) -> pd.DataFrame:
    """Scale each period's shares to sum to exactly 100, warning if a period was far off."""
    totals = typed.groupby("date")["share"].transform("sum")
    off = (totals - 100).abs() > SHARE_TOLERANCE
    if off.any():
        report.warn(
            f"shares in some periods sum to {totals[off].min():.1f}–{totals[off].max():.1f}%, not 100%; "
            "they were scaled to 100%.", "share", rows[off].unique(),
        )
    typed = typed.copy()
    typed["share"] = (100.0 * typed["share"] / totals.where(totals > 0)).astype("float64")
    return typed


def _check_duplicates(typed: pd.DataFrame, rows: pd.Series, table: str, report: Report) -> None:
    key = [c for c in SCHEMAS[table].key if c in typed.columns]
    duplicated = typed.duplicated(subset=key, keep=False)
    if duplicated.any():
        report.error(
            f"{int(duplicated.sum())} rows share the same {' × '.join(key)}. "
            "Each combination must appear once: remove repeats or add the column that tells them apart.",
            None, rows[duplicated].unique(),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a data file before uploading it to the dashboard.")
    parser.add_argument("file", help="a path, or an http(s) address")
    parser.add_argument("--table", default="market", choices=sorted(SCHEMAS))
    parser.add_argument("--sheet", help="Excel sheet (default: the first)")
    parser.add_argument("--calendar", choices=CALENDARS, help="place irregular dates (survey snapshots) on this calendar")
    args = parser.parse_args(argv)
    if args.file.startswith(("http://", "https://")):
        try:
            name, content = fetch(args.file)
        except LoadError as exc:
            print(f"error · {args.table}: {exc}")
            return 1
        loaded = load(name, content, args.table, sheet=args.sheet, calendar=args.calendar)
    else:
        loaded = load_path(args.file, args.table, sheet=args.sheet, calendar=args.calendar)
    print(describe(loaded))
    return 0 if loaded.ok else 1


def describe(loaded: Loaded) -> str:
    """The report as the command line prints it."""
    lines = [f"{loaded.name} → table {loaded.table}"]
    if loaded.raw is not None:
        lines.append(f"read as: {loaded.raw.format.describe()}")
    if loaded.mapping is not None:
        m = loaded.mapping
        if m.layout == LONG:
            lines.append("layout: long · " + ", ".join(f"{t} ← {s}" for t, s in m.columns.items()))
        else:
            lines.append(f"layout: wide · date ← {m.date_column} · {len(m.company_columns)} company columns "
                         f"({', '.join(m.company_columns[:6])}{'…' if len(m.company_columns) > 6 else ''}) · values are {m.value}")
    if loaded.periodicity is not None:
        lines.append(f"periods: {loaded.periodicity.describe()}")
    lines.extend(loaded.report.lines())
    status = "OK: the file can be loaded" if loaded.ok else "NOT LOADABLE: fix the errors above"
    warnings = len(loaded.report.warnings)
    lines.append(f"{status} ({len(loaded.report.errors)} error(s), {warnings} warning(s)).")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
