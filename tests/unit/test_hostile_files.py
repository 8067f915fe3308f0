"""Files that used to crash the loader or load wrong: each now gets a line in the report.

Every file is made here (CSV text, xlsx via openpyxl, Parquet via pyarrow), so
each test shows the exact bytes a user uploaded and the line they now read.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import readers
from data.validate import load

HEADER = "date,segment,region,company,units\n"
ROWS = [("2024-01-01", "SMB", "Europe", "Apex", 10), ("2024-02-01", "SMB", "Europe", "Apex", 11)]


def market(text: str | bytes, name: str = "market.csv"):
    return load(name, text.encode() if isinstance(text, str) else text, "market")


def csv_with(*lines: str, header: str = HEADER) -> str:
    return header + "".join(f"{line}\n" for line in lines)


def xlsx(header: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def lines(loaded) -> str:
    return "\n".join(loaded.report.lines())


# --- 1. dates pandas cannot hold -----------------------------------------------------------


@pytest.mark.parametrize("good, date", [
    ("2024-01-01", "0001-01-01"), ("2024-01-01", "9999-12-01"), ("2024-01-01", "2262-01-01"),
    ("2024-01-01", "1677-09-21"), ("Jan 2024", "Jan 9999"), ("2024Q1", "9999Q4"),
])
def test_a_date_outside_1900_to_2200_is_an_error_naming_column_and_row(good, date):
    loaded = market(csv_with(f"{good},SMB,Europe,Apex,10", f"{date},SMB,Europe,Apex,11"))
    assert not loaded.ok
    assert f"error · market.date · row 3: “{date}” is outside the dates this dashboard handles " \
           "(1900-01-01 to 2200-12-31)" in lines(loaded)


def test_data_ending_in_2200_loads_and_every_date_is_kept():
    loaded = market(csv_with("2200-11-01,SMB,Europe,Apex,10", "2200-12-01,SMB,Europe,Apex,11"))
    assert loaded.ok, lines(loaded)
    assert loaded.frame["date"].max() == pd.Timestamp("2200-12-01")


def test_a_year_9999_date_in_excel_is_reported():
    content = xlsx(["date", "company", "units"], [[dt.datetime(2024, 1, 1), "Apex", 1], [dt.datetime(9999, 12, 1), "Apex", 2]])
    loaded = market(content, "market.xlsx")
    assert "error · market.date · row 3: “9999-12-01” is outside" in lines(loaded)


def test_a_year_9999_parquet_timestamp_is_reported():
    table = pa.table({
        "date": pa.array([dt.datetime(2024, 1, 1), dt.datetime(9999, 12, 1)], pa.timestamp("us")),
        "company": ["Apex", "Apex"], "units": [1.0, 2.0],
    })
    loaded = market(parquet(table), "market.parquet")
    assert "error · market.date · row 3: “9999-12-01” is outside" in lines(loaded)


def test_the_command_line_reports_a_year_9999_date_without_a_traceback(tmp_path):
    path = tmp_path / "far.csv"
    path.write_text(csv_with("2024-01-01,SMB,Europe,Apex,10", "9999-12-01,SMB,Europe,Apex,11"))
    run = subprocess.run([sys.executable, "-m", "data.validate", str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "error · market.date · row 3: “9999-12-01” is outside" in run.stdout
    assert "Traceback" not in run.stderr


# --- 2. duplicate columns --------------------------------------------------------------------


@pytest.mark.parametrize("second", ["units", "units ", "Units", "UNITS "])
def test_duplicate_columns_are_an_error_naming_both(second):
    text = f"date,segment,region,company,units,{second}\n2024-01-01,SMB,Europe,Apex,10,20\n"
    line = lines(market(text))
    assert f"market.csv has duplicate columns: “units” and “{second}” (columns 5, 6)" in line
    assert "rename or delete the repeats" in line


def test_duplicate_columns_in_excel_and_parquet_are_errors():
    content = xlsx(["date", "company", "units", "Units"], [["2024-01-01", "Apex", 1, 2]])
    assert "market.xlsx has duplicate columns: “units” and “Units” (columns 3, 4)" in lines(market(content, "market.xlsx"))
    table = pa.Table.from_arrays([pa.array(["2024-01-01"]), pa.array(["Apex"]), pa.array([1.0]), pa.array([2.0])],
                                 names=["date", "company", "units", "units"])
    assert "market.parquet has duplicate columns: “units” and “units”" in lines(market(parquet(table), "market.parquet"))


# --- 3. figures no market has ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "-Infinity", "1e999"])
def test_non_finite_figures_are_errors(value):
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,10", f"2024-02-01,SMB,Europe,Apex,{value}"))
    assert not loaded.ok
    assert f"error · market.units · row 3: “{value}” is not a finite number" in lines(loaded)


def test_an_absurd_magnitude_is_an_error():
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,10", "2024-02-01,SMB,Europe,Apex,1e308"))
    assert "error · market.units · row 3: “1e308” is larger than 1,000,000,000,000,000" in lines(loaded)


def test_non_finite_parquet_floats_are_errors():
    table = pa.table({"date": ["2024-01-01", "2024-02-01"], "company": ["Apex", "Apex"],
                      "revenue": [float("inf"), 5.0]})
    assert "error · market.revenue · row 2: “inf” is not a finite number" in lines(market(parquet(table), "m.parquet"))


def test_a_share_over_100_in_a_long_file_is_an_error():
    loaded = market("date,company,share\n2024-01-01,Apex,40\n2024-01-01,Beta,160\n")
    assert "error · market.share · row 3: shares are percent of the market and cannot exceed 100" in lines(loaded)


def test_nan_text_in_a_measure_is_read_as_missing_and_said_so():
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,NaN", "2024-02-01,SMB,Europe,Apex,11"))
    assert loaded.ok
    assert "warning · market.units · row 2: 1 cell(s) hold “NaN”, read as missing" in lines(loaded)
    assert loaded.frame["units"].isna().tolist() == [True, False]


# --- 4. mixed decimal marks, ragged rows, "NA" as a name ------------------------------------------


def test_a_decimal_comma_in_a_decimal_point_file_is_an_error_not_35():
    text = csv_with("2024-01-01,SMB,Europe,Apex,1.5", "2024-02-01,SMB,Europe,Apex,2.5", '2024-03-01,SMB,Europe,Apex,"3,5"')
    loaded = market(text)
    assert not loaded.ok
    assert "error · market.units · row 4: “3,5” uses the other decimal mark, but this file uses decimal points; " \
           "it would read as 35" in lines(loaded)


def test_a_decimal_point_in_a_decimal_comma_file_is_an_error():
    text = "date;company;units\n2024-01-01;Apex;1,5\n2024-02-01;Apex;2,5\n2024-03-01;Apex;3.5\n"
    assert "error · market.units · row 4: “3.5” uses the other decimal mark" in lines(market(text))


def test_thousands_separators_still_load():
    loaded = market('date,company,units\n2024-01-01,Apex,"1,234.5"\n2024-02-01,Apex,"12,000"\n')
    assert loaded.ok, lines(loaded)
    assert loaded.frame["units"].tolist() == [1234.5, 12000.0]


def test_a_row_with_too_few_fields_is_a_warning_naming_it():
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,10", "2024-02-01,SMB,Europe,Apex", "2024-03-01,SMB,Europe,Apex,12"))
    assert "warning · market · row 3: 1 row(s) have fewer fields than the header" in lines(loaded)


def test_row_numbers_are_file_lines_even_after_a_blank_line():
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,10", "", "2024-02-01,SMB,Europe,Apex,ten"))
    assert "error · market.units · row 4: “ten” is not a number" in lines(loaded)


def test_a_row_with_too_many_fields_is_an_error_naming_it():
    loaded = market(csv_with("2024-01-01,SMB,Europe,Apex,10", "2024-02-01,SMB,Europe,Apex,11,12"))
    assert "market.csv: row 3 has more fields than the header's 5" in lines(loaded)


@pytest.mark.parametrize("word", ["NA", "N/A", "None", "null"])
def test_na_as_a_region_is_kept_as_a_name_with_a_warning(word):
    loaded = market(csv_with(f"2024-01-01,SMB,{word},Apex,10", f"2024-02-01,SMB,{word},Apex,11"))
    assert loaded.ok, lines(loaded)
    assert loaded.frame["region"].tolist() == [word, word]
    assert f"warning · market.region · rows 2, 3: “{word}” kept as a name" in lines(loaded)


def test_na_in_an_excel_company_column_is_kept():
    content = xlsx(["date", "company", "units"], [["2024-01-01", "NA", 1], ["2024-01-01", "Apex", 2]])
    loaded = market(content, "m.xlsx")
    assert loaded.ok and sorted(loaded.frame["company"]) == ["Apex", "NA"]


# --- 5. resource limits ----------------------------------------------------------------------


def test_an_xlsx_that_expands_far_beyond_its_size_is_refused_before_parsing():
    small = xlsx(["date", "company", "units"], [["2024-01-01", "Apex", 1]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for part in source.infolist():
            bomb.writestr(part, source.read(part.filename))
        bomb.writestr("xl/padding.xml", b" " * 30_000_000)  # 30 MB of XML, about 30 KB on disk
    assert len(buffer.getvalue()) < 1_000_000
    line = lines(market(buffer.getvalue(), "bomb.xlsx"))
    assert "bomb.xlsx expands to 30 MB of spreadsheet data" in line and "save the sheet you need as CSV or Parquet" in line


def test_an_xlsx_over_the_row_cap_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_EXCEL_ROWS", 100)
    content = xlsx(["date", "company", "units"], [["2024-01-01", f"C{i}", i] for i in range(150)])
    assert "big.xlsx has more than 100 rows, the limit for this kind of file; save it as CSV or Parquet." in \
        lines(market(content, "big.xlsx"))


def test_a_csv_or_parquet_over_the_row_or_cell_cap_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 100)
    text = csv_with(*(f"2024-01-01,SMB,Europe,C{i},1" for i in range(150)))
    assert "big.csv has more than 100 rows" in lines(market(text, "big.csv"))
    table = pa.table({"date": ["2024-01-01"] * 150, "company": [f"C{i}" for i in range(150)], "units": [1.0] * 150})
    assert "big.parquet has more than 100 rows" in lines(market(parquet(table), "big.parquet"))
    monkeypatch.setattr(readers, "MAX_CELLS", 300)
    text = csv_with(*(f"2024-01-01,SMB,Europe,C{i},1" for i in range(70)))
    assert "wide.csv has more than 300 cells (5 columns)" in lines(market(text, "wide.csv"))
