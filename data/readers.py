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
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from data.report import LoadError

UPLOAD_LIMIT_MB = 200  # matches server.maxUploadSize in .streamlit/config.toml
CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
SUPPORTED = sorted(CSV_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS)
DELIMITERS = (",", ";", "\t", "|")
MISSING = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "-", "—"]

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
    """A file's cells as text (None where empty), with how it was read."""

    name: str
    frame: pd.DataFrame = field(repr=False)
    format: FileFormat
    size_bytes: int


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


def _read_csv(name: str, content: bytes) -> RawFile:
    _refuse_non_tables(name, content)
    encoding, text = _decode(content)
    delimiter = _sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
            na_values=MISSING, skipinitialspace=True, engine="python",
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise LoadError(f"{name} could not be read as a table ({_first_line(exc)}). "
                        "Check that every row has the same number of columns.") from None
    frame = _tidy(frame)
    decimal, thousands = _number_style(frame, delimiter)
    return RawFile(name, frame, FileFormat("csv", encoding, delimiter, decimal, thousands), len(content))


def _read_excel(name: str, content: bytes, sheet: str | None) -> RawFile:
    try:
        book = pd.ExcelFile(io.BytesIO(content), engine="openpyxl")
    except Exception:  # openpyxl raises many types for a corrupt workbook
        raise LoadError(f"{name} is not a readable Excel workbook. Open and save it again in Excel as .xlsx.") from None
    sheets = tuple(str(s) for s in book.sheet_names)
    chosen = sheet if sheet in sheets else sheets[0]
    frame = pd.read_excel(book, sheet_name=chosen, dtype=object)
    frame = _tidy(frame.map(_cell_text))
    return RawFile(name, frame, FileFormat("excel", sheet=chosen, sheets=sheets), len(content))


def _read_parquet(name: str, content: bytes) -> RawFile:
    try:
        frame = pd.read_parquet(io.BytesIO(content))
    except Exception:  # pyarrow raises several types for a damaged file
        raise LoadError(f"{name} is not a readable Parquet file. Export it again.") from None
    frame = _tidy(frame.astype(object).map(_cell_text))
    return RawFile(name, frame, FileFormat("parquet"), len(content))


def _cell_text(value: object) -> str | None:
    """Excel and Parquet cells as the text a CSV would hold (dates as ISO)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop empty rows and unnamed empty columns, name other unnamed ones, strip cells.

    An empty column with a header stays: "every value is missing" helps more
    than "no such column" when the export left a column blank.
    """
    frame = frame.dropna(how="all")
    unnamed_empty = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    frame = frame.drop(columns=unnamed_empty)
    frame.columns = [
        f"column {i + 1}" if str(c).startswith("Unnamed:") or str(c).strip() == "" else str(c).strip()
        for i, c in enumerate(frame.columns)
    ]
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
    frame = frame.replace({"": None})
    return frame.astype(object).where(frame.notna(), None)


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
    sample = pd.Series(frame.to_numpy().ravel()).dropna().astype(str).head(20_000)
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
