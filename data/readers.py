"""Turn the bytes of a CSV, Excel or Parquet file into a table of text cells.

Exports come from sales systems and research vendors in every local dialect:
semicolons and decimal commas from a German Excel, tabs and a BOM from a
reporting tool, Latin-1 from an old CRM. Cells are read as text here and
converted later, so a bad cell can be reported with its row instead of
silently becoming NaN.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from data.report import LoadError

UPLOAD_LIMIT_MB = 200  # matches server.maxUploadSize in .streamlit/config.toml
CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
SUPPORTED = sorted(CSV_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS)
DELIMITERS = (",", ";", "\t", "|")
# Cells that mean "no figure" in a numeric column. Text columns keep them as names:
# "NA" is North America, and a company may well be called "None".
MISSING = ("NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "-", "—")

# What one upload may make the server read, so a file cannot exhaust memory or time.
MAX_ROWS = 5_000_000  # CSV and Parquet
MAX_CELLS = 50_000_000
MAX_EXCEL_ROWS = 200_000  # openpyxl reads about 20,000 rows a second
MAX_EXCEL_CELLS = 5_000_000
MAX_XLSX_BYTES = 300_000_000  # uncompressed XML inside the workbook
MAX_XLSX_RATIO = 100  # uncompressed / compressed, for parts over 10 MB: a zip bomb

_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (or an Excel file with the wrong extension)",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel 97-2003 (.xls) or Office file",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass(frozen=True)
class FileFormat:
    """How the file was read, shown to the user so a wrong guess is visible."""

    kind: str  # "csv", "excel" or "parquet"
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    thousands: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "csv":
            names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
            thousands = {None: "none", ".": "dot", ",": "comma", " ": "space", "'": "apostrophe"}
            return (
                f"CSV · {self.encoding} · {names.get(self.delimiter, self.delimiter)}-separated · "
                f"decimal {'comma' if self.decimal == ',' else 'point'} · "
                f"thousands separator {thousands.get(self.thousands, self.thousands)}"
            )
        if self.kind == "excel":
            return f"Excel · sheet “{self.sheet}” of {len(self.sheets)}"
        return "Parquet"


@dataclass(frozen=True)
class RawFile:
    """A file's cells as text (missing where empty), with how it was read."""

    name: str
    frame: pd.DataFrame = field(repr=False)  # indexed by file row number, header = 1
    format: FileFormat
    size_bytes: int
    short_rows: tuple[int, ...] = ()  # CSV rows with fewer fields than the header


def read_file(
    name: str, content: bytes, *, sheet: str | None = None, limit_mb: float = UPLOAD_LIMIT_MB
) -> RawFile:
    """Read any supported file; raise LoadError with a message for the user."""
    size_mb = len(content) / 1e6
    if size_mb > limit_mb:
        raise LoadError(
            f"{name} is {size_mb:,.1f} MB, over the {limit_mb:g} MB limit. "
            "Filter it to the periods and segments you need, or save it as Parquet."
        )
    if not content.strip():
        raise LoadError(f"{name} is empty. Export the data again; the file has no rows.")
    extension = PurePath(name).suffix.lower()
    if extension not in SUPPORTED:
        raise LoadError(
            f"{name}: files ending in “{extension or '(none)'}” are not supported. "
            f"Save it as {', '.join(SUPPORTED)}."
        )
    if extension in EXCEL_EXTENSIONS:
        raw = _read_excel(name, content, sheet)
    elif extension in PARQUET_EXTENSIONS:
        raw = _read_parquet(name, content)
    else:
        raw = _read_csv(name, content)
    if raw.frame.empty or raw.frame.shape[1] == 0:
        raise LoadError(f"{name} has a header but no data rows. Export the data again with its rows.")
    return raw


def normalise(name: str) -> str:
    """Lower case, words only: 'Sales (USD)' and 'sales_usd' both become 'sales usd'."""
    return re.sub(r"[^a-z0-9%]+", " ", str(name).lower()).strip()


def _refuse_non_tables(name: str, content: bytes) -> None:
    head = content[:2048]
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise LoadError(f"{name} is {what}, not a CSV table. Export the data as CSV, Excel (.xlsx) or Parquet.")
    text = head.decode("latin-1").lstrip().lower()
    if text.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in text[:512]:
        raise LoadError(
            f"{name} is a web page (HTML), not a data file. If you saved it from a browser, "
            "download the CSV itself instead (look for an 'Export' or 'Raw' link)."
        )
    if b"\x00" in head:
        raise LoadError(f"{name} is a binary file, not a text table. Export the data as CSV, Excel (.xlsx) or Parquet.")


def _refuse_duplicate_columns(name: str, header: list) -> None:
    """Two columns the mapping cannot tell apart ('units' and 'Units ') must not load as one."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for position, column in enumerate(header, start=1):
        text = "" if column is None else str(column)
        if normalise(text):
            groups.setdefault(normalise(text), []).append((position, text))
    repeated = [g for g in groups.values() if len(g) > 1]
    if repeated:
        described = "; ".join(
            " and ".join(f"“{text}”" for _, text in group)
            + f" (columns {', '.join(str(p) for p, _ in group)})"
            for group in repeated
        )
        raise LoadError(
            f"{name} has duplicate columns: {described}. Every column needs its own name: "
            "rename or delete the repeats, then load the file again."
        )


def _refuse_too_large(name: str, rows: int, columns: int, *, excel: bool = False) -> None:
    max_rows, max_cells = (MAX_EXCEL_ROWS, MAX_EXCEL_CELLS) if excel else (MAX_ROWS, MAX_CELLS)
    what = "save it as CSV or Parquet" if excel else "filter it to the periods and segments you need, or aggregate it"
    if rows > max_rows:
        raise LoadError(f"{name} has more than {max_rows:,} rows, the limit for this kind of file; {what}.")
    if rows * max(columns, 1) > max_cells:
        raise LoadError(
            f"{name} has more than {max_cells:,} cells ({columns:,} columns), the limit for this kind of file; "
            f"drop the columns you do not need, or {what}."
        )


def _read_csv(name: str, content: bytes) -> RawFile:
    _refuse_non_tables(name, content)
    encoding, text = _decode(content)
    delimiter = _sniff_delimiter(text)
    header, records, rows, short = _csv_records(name, text, delimiter)
    _refuse_duplicate_columns(name, header)
    frame = pd.DataFrame(records, columns=_column_names(header), index=rows, dtype=object)
    del records
    frame = _tidy(frame)
    decimal, thousands = _number_style(frame, delimiter)
    fmt = FileFormat("csv", encoding, delimiter, decimal, thousands)
    return RawFile(name, frame, fmt, len(content), tuple(r for r in short if r in frame.index))


def _csv_records(name: str, text: str, delimiter: str) -> tuple[list[str], list[list], list[int], list[int]]:
    """Header, data records padded to the header's width, their file rows, and the short rows.

    Rows are counted by the csv module rather than pandas, so a row that lost a
    field is reported instead of silently loading with empty measures.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header: list[str] | None = None
    records: list[list] = []
    rows: list[int] = []
    short: list[int] = []
    long: list[int] = []
    start, width, limit = 1, 0, 0
    try:
        for record in reader:
            row, start = start, reader.line_num + 1
            if not record or (not record[0].strip() and all(not cell.strip() for cell in record)):
                continue
            if header is None:
                header, width = record, len(record)
                limit = min(MAX_ROWS, MAX_CELLS // max(width, 1))
                continue
            if len(record) != width:
                (short if len(record) < width else long).append(row)
                record = (record + [""] * width)[:width]
            records.append(record)
            rows.append(row)
            if len(records) > limit:
                _refuse_too_large(name, len(records), width)
    except csv.Error as exc:
        raise LoadError(f"{name} could not be read as a table (line {reader.line_num}: {_first_line(exc)}). "
                        "Check the quotes in that line.") from None
    if long:
        shown = ", ".join(map(str, long[:5])) + (f" and {len(long) - 5} more" if len(long) > 5 else "")
        raise LoadError(f"{name}: {'rows' if len(long) > 1 else 'row'} {shown} {'have' if len(long) > 1 else 'has'} "
                        f"more fields than the header's {width}. Quote values that contain the delimiter, "
                        "or remove the extra fields.")
    return header or [], records, rows, short


def _column_names(header: list) -> list[str]:
    return [f"Unnamed: {i}" if cell is None or not str(cell).strip() else str(cell) for i, cell in enumerate(header)]


def _read_excel(name: str, content: bytes, sheet: str | None) -> RawFile:
    _refuse_zip_bomb(name, content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a corrupt workbook
        raise LoadError(f"{name} is not a readable Excel workbook. Open and save it again in Excel as .xlsx.") from None
    try:
        sheets = tuple(str(s) for s in book.sheetnames)
        chosen = sheet if sheet in sheets else sheets[0]
        header, records, rows = _excel_records(name, book[chosen])
    except LoadError:
        raise
    except Exception:  # a damaged sheet part, or a date serial beyond the calendar
        raise LoadError(f"{name} is not a readable Excel workbook. Open and save it again in Excel as .xlsx.") from None
    finally:
        book.close()
    _refuse_duplicate_columns(name, header)
    frame = pd.DataFrame(records, columns=_column_names(header), index=rows, dtype=object)
    return RawFile(name, _tidy(frame), FileFormat("excel", sheet=chosen, sheets=sheets), len(content))


def _refuse_zip_bomb(name: str, content: bytes) -> None:
    """Refuse a workbook whose XML would fill the server's memory, before parsing any of it."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise LoadError(f"{name} is not a readable Excel workbook. Open and save it again in Excel as .xlsx.") from None
    total = sum(p.file_size for p in parts)
    bomb = any(p.file_size > 10_000_000 and p.file_size > MAX_XLSX_RATIO * max(p.compress_size, 1) for p in parts)
    if total > MAX_XLSX_BYTES or bomb:
        raise LoadError(
            f"{name} expands to {total / 1e6:,.0f} MB of spreadsheet data (limit {MAX_XLSX_BYTES / 1e6:,.0f} MB, "
            f"at most {MAX_XLSX_RATIO}× its size on disk); save the sheet you need as CSV or Parquet."
        )


def _excel_records(name: str, worksheet) -> tuple[list, list[list], list[int]]:
    """Rows of a sheet as text, from its first non-empty row, stopping past the row and cell caps."""
    declared = worksheet.max_row or 0  # from the sheet's dimension tag, when present
    if declared > MAX_EXCEL_ROWS + 1:
        _refuse_too_large(name, declared - 1, worksheet.max_column or 1, excel=True)
    header: list | None = None
    records: list[list] = []
    rows: list[int] = []
    for row, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if all(c is None for c in cells):
            continue
        if header is None:
            header = cells
            continue
        records.append((cells + [None] * len(header))[: len(header)])
        rows.append(row)
        if len(records) > MAX_EXCEL_ROWS or len(records) * len(header) > MAX_EXCEL_CELLS:
            _refuse_too_large(name, len(records), len(header), excel=True)
    return header or [], records, rows


def _read_parquet(name: str, content: bytes) -> RawFile:
    try:
        parquet = pq.ParquetFile(io.BytesIO(content))
        columns = parquet.schema_arrow.names
    except Exception:  # pyarrow raises several types for a damaged file
        raise LoadError(f"{name} is not a readable Parquet file. Export it again.") from None
    _refuse_duplicate_columns(name, columns)
    _refuse_too_large(name, parquet.metadata.num_rows, len(columns))
    try:
        # Timestamps as Python datetimes: year 9999 fits there, not in pandas' nanoseconds.
        frame = parquet.read().to_pandas(timestamp_as_object=True, date_as_object=True)
    except Exception:
        raise LoadError(f"{name} is not a readable Parquet file. Export it again.") from None
    frame = frame.astype(object).map(_cell_text)
    frame.index = range(2, len(frame) + 2)
    return RawFile(name, _tidy(frame), FileFormat("parquet"), len(content))


def _cell_text(value: object) -> str | None:
    """Excel and Parquet cells as the text a CSV would hold (dates as ISO)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # date, datetime, Timestamp
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop empty rows and unnamed empty columns, name other unnamed ones, strip cells.

    An empty column with a header stays: "every value is missing" helps more
    than "no such column" when the export left a column blank. Only empty cells
    become missing here; words such as "NA" stay, since only the column's kind
    (known after mapping) says whether they mean "missing" or North America.
    Cells are Arrow-backed text: a 100 MB file takes about its size in memory
    rather than ten times that as Python strings, and the page keeps this frame.
    """
    frame = frame.astype("string").apply(lambda column: column.str.strip().mask(lambda cells: cells == ""))
    frame = frame.dropna(how="all")
    unnamed_empty = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    frame = frame.drop(columns=unnamed_empty)
    named = {str(c).strip() for c in frame.columns if not str(c).startswith("Unnamed:")}
    frame.columns = [
        _unnamed(i, named) if str(c).startswith("Unnamed:") or str(c).strip() == "" else str(c).strip()
        for i, c in enumerate(frame.columns)
    ]
    return frame


def _unnamed(position: int, named: set[str]) -> str:
    """A name for a column without a header that no named column already has."""
    name = f"column {position + 1}"
    return name if name not in named else f"{name} (no header)"


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return "UTF-8 with BOM", content[3:].decode("utf-8", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16", content.decode("utf-16")
    try:
        return "UTF-8", content.decode("utf-8")
    except UnicodeDecodeError:
        return "Latin-1", content.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts or max(counts) < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


_EUROPEAN = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
_ENGLISH = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d+$")
_SPACED = re.compile(r"^-?\d{1,3}([ \u00a0']\d{3})+([.,]\d+)?$")


def _number_style(frame: pd.DataFrame, delimiter: str) -> tuple[str, str | None]:
    """Decimal and thousands separators, decided by which style more cells follow."""
    sample = pd.Series(frame.head(20_000).to_numpy().ravel()).dropna().astype(str).head(20_000)
    european = int(sample.str.match(_EUROPEAN).sum())
    english = int(sample.str.match(_ENGLISH).sum())
    spaced = sample[sample.str.match(_SPACED)]
    if european > english or (european == english and delimiter == ";" and european > 0):
        thousands = "." if sample.str.contains(r"\d\.\d{3}(?:,|$)", regex=True).any() else None
        return ",", thousands
    if not spaced.empty:
        return ("," if spaced.str.contains(r",\d+$").any() else "."), spaced.iloc[0][-4]
    thousands = "," if sample.str.match(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$").any() else None
    return ".", thousands


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
