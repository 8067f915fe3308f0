"""Loading users' files: every bad input gets a message, every awkward valid one loads."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.mapping import WIDE, Mapping
from data.validate import load

GOOD = (
    "date,segment,region,company,units,revenue\n"
    "2024-01-01,SMB,Europe,Apex,10,100\n"
    "2024-01-01,SMB,Europe,Northwind,20,250\n"
    "2024-02-01,SMB,Europe,Apex,11,110\n"
    "2024-02-01,SMB,Europe,Northwind,19,240\n"
)


def market(text: str, name: str = "market.csv", **kwargs):
    return load(name, text.encode() if isinstance(text, str) else text, "market", **kwargs)


def only_error(loaded) -> str:
    assert not loaded.ok and loaded.frame is None
    assert loaded.report.errors, "a file that cannot load must say why"
    return loaded.report.lines()[0]


# --- one test per bad input -------------------------------------------------------------


def test_empty_file():
    assert "is empty" in only_error(market(""))
    assert "no data rows" in only_error(market("date,segment,region,company,units,revenue\n"))


def test_binary_file():
    assert "binary" in only_error(market(b"\x00\x01\x02garbage\x00" * 50))


def test_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("market.csv", GOOD)
    assert "ZIP archive" in only_error(market(buffer.getvalue()))


def test_html_page_saved_as_csv():
    assert "web page" in only_error(market("<!DOCTYPE html><html><body><table></table></body></html>"))


def test_unsupported_extension():
    message = only_error(market(GOOD, name="market.json"))
    assert "“.json” are not supported" in message and ".xlsx" in message


def test_missing_required_columns():
    message = only_error(market("date,units\n2024-01-01,5\n"))
    assert "no column for company" in message and "The file's columns are: date, units" in message


def test_non_numeric_values_name_the_rows():
    bad = GOOD.replace("11,110", "eleven,110").replace("19,240", "n.a.,240")
    message = only_error(market(bad))
    assert "market.units" in message and "rows 4, 5" in message and "“eleven” is not a number" in message


def test_negative_units_or_revenue():
    message = only_error(market(GOOD.replace("20,250", "20,-250")))
    assert "market.revenue" in message and "row 3" in message and "negative" in message


def test_duplicate_keys():
    message = only_error(market(GOOD + "2024-02-01,SMB,Europe,Apex,12,120\n"))
    assert "rows 4, 6" in message and "date × segment × region × company" in message


def test_unparseable_dates():
    message = only_error(market(GOOD.replace("2024-02-01,SMB,Europe,Apex", "sometime,SMB,Europe,Apex")))
    assert "market.date" in message and "row 4" in message and "“sometime” is not a date" in message


def test_mixed_period_spacing():
    months = [f"2023-{m:02d}-01" for m in range(1, 7)] + ["2023-09-01", "2023-12-01", "2024-03-01", "2024-06-01"]
    text = "date,company,units\n" + "".join(f"{d},Apex,{i + 1}\n" for i, d in enumerate(months))
    assert "unevenly or mix lengths" in only_error(market(text))


def test_irregular_spacing_is_a_warning_naming_the_gap():
    months = ["2024-01-01", "2024-02-01", "2024-05-01", "2024-06-01"]
    loaded = market("date,company,units\n" + "".join(f"{d},Apex,1\n" for d in months))
    assert loaded.ok
    assert any("2 monthly period(s) are missing" in line for line in loaded.report.lines())


def test_single_period_is_a_warning():
    loaded = market("date,company,units\n2024-01-01,Apex,1\n2024-01-01,Northwind,2\n")
    assert loaded.ok and any("single period" in line for line in loaded.report.lines())


def test_all_values_missing():
    message = only_error(market("date,company,units\n2024-01-01,,1\n2024-02-01,,2\n"))
    assert "market.company" in message and "every value is missing" in message
    assert "all empty" in only_error(market("date,company,units\n2024-01-01,A,\n2024-02-01,A,\n"))


def test_file_over_the_upload_limit():
    message = only_error(market(GOOD * 2000, limit_mb=0.1))
    assert "over the 0.1 MB limit" in message


# --- awkward but valid ------------------------------------------------------------------


def test_semicolon_latin1_decimal_comma():
    text = (
        "Monat;Marke;Segment;Region;Umsatz;Menge\n"
        "Jan 2024;Müller;SMB;Österreich;1.234,50;10\n"
        "Feb 2024;Müller;SMB;Österreich;2.345,75;12\n"
        "Jan 2024;Bäcker;SMB;Österreich;999,00;8\n"
    )
    loaded = market(text.encode("latin-1"))
    assert loaded.ok, loaded.report.lines()
    fmt = loaded.raw.format
    assert (fmt.encoding, fmt.delimiter, fmt.decimal, fmt.thousands) == ("Latin-1", ";", ",", ".")
    frame = loaded.frame.sort_values(["company", "date"])
    assert frame["revenue"].tolist() == [999.0, 1234.5, 2345.75]
    assert set(frame["company"]) == {"Müller", "Bäcker"} and set(frame["region"]) == {"Österreich"}


def test_tab_bom_quarterly():
    text = "\ufeffPeriod\tBrand\tVolume\tSales\n2023Q1\tA\t100\t1000.5\n2023Q2\tA\t110\t1100\n2023Q3\tA\t120\t1200\n"
    loaded = market(text.encode("utf-8"))
    assert loaded.ok, loaded.report.lines()
    assert loaded.raw.format.encoding == "UTF-8 with BOM" and loaded.raw.format.delimiter == "\t"
    assert loaded.periodicity.period == "quarterly"
    assert loaded.frame["date"].tolist() == list(pd.to_datetime(["2023-01-01", "2023-04-01", "2023-07-01"]))


def test_wide_percent_share_file_rows_near_100():
    text = "Month,Apex %,Northwind %,Others %\n2024-01,40.0,35.0,25.0\n2024-02,41.0,34.0,25.1\n2024-03,39.9,35.0,25.0\n"
    loaded = market(text)
    assert loaded.ok, loaded.report.lines()
    assert loaded.mapping.layout == WIDE and loaded.mapping.value == "share"
    frame = loaded.frame
    assert set(frame["company"]) == {"Apex", "Northwind", "Others"}
    sums = frame.groupby("date")["share"].sum()
    assert np.allclose(sums, 100.0, atol=1e-9)
    assert frame["units"].isna().all() and frame["revenue"].isna().all()


@pytest.mark.parametrize("label, expected", [
    ("2024-03-01", "2024-03-01"), ("2024-03", "2024-03-01"), ("Mar 2024", "2024-03-01"),
    ("2024Q1", "2024-01-01"), ("03/2024", "2024-03-01"),
])
def test_date_forms(label, expected):
    loaded = market(f"date,company,units\n{label},Apex,1\n")
    assert loaded.frame["date"].iloc[0] == pd.Timestamp(expected)


def test_excel_sheet_choice_and_parquet(demo_market):
    sample = demo_market.head(60)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"notes": ["cover sheet"]}).to_excel(writer, sheet_name="Read me", index=False)
        sample.to_excel(writer, sheet_name="Market", index=False)
    loaded = load("export.xlsx", buffer.getvalue(), "market", sheet="Market")
    assert loaded.ok, loaded.report.lines()
    assert loaded.raw.format.sheets == ("Read me", "Market")
    assert_same_market(loaded.frame, sample)
    parquet = io.BytesIO()
    sample.to_parquet(parquet)
    assert_same_market(load("export.parquet", parquet.getvalue(), "market").frame, sample)


def test_other_tables_load_with_crm_names():
    text = "Ticket ID,Created,Feature,Account,Segment,ARR\nT-1,2024-05-02,SSO,Acme,SMB,12000\nT-2,2024-05-09,SSO,Beta,Enterprise,90000\n"
    loaded = load("crm.csv", text.encode(), "feature_requests")
    assert not loaded.ok  # "Created" is not a date synonym: the report says which column is missing
    assert "no column for date" in loaded.report.lines()[0]
    fixed = load("crm.csv", text.replace("Created", "Date").encode(), "feature_requests")
    assert fixed.ok and fixed.frame["arr"].sum() == 102000


# --- the command line -------------------------------------------------------------------


def test_validate_command_exit_codes(tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace("20,250", "20,-250"))
    ok = subprocess.run([sys.executable, "-m", "data.validate", str(good)], capture_output=True, text=True)
    failed = subprocess.run([sys.executable, "-m", "data.validate", str(bad), "--table", "market"],
                            capture_output=True, text=True)
    assert ok.returncode == 0 and "OK: the file can be loaded" in ok.stdout
    assert failed.returncode == 1 and "error · market.revenue · row 3" in failed.stdout
    assert "Traceback" not in ok.stderr + failed.stderr


# --- properties -------------------------------------------------------------------------


def assert_same_market(got: pd.DataFrame, expected: pd.DataFrame, measures=("units", "revenue")) -> None:
    keys = ["date", "segment", "region", "company"]
    got = got.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    assert got[keys].astype(str).equals(expected[keys].astype(str))
    for m in measures:
        np.testing.assert_allclose(got[m].to_numpy(float), expected[m].to_numpy(float), rtol=1e-9)


@pytest.fixture(scope="module")
def demo_market():
    from data.dataset import load_demo

    market = load_demo().tables["market"]  # company level: the export below has no product column
    return market.groupby(["date", "segment", "region", "company"], as_index=False, sort=False)[["units", "revenue"]].sum()


companies = st.lists(st.sampled_from(["Apex", "Brightline", "Northwind", "Zeta Ltd", "Ölwerk"]), min_size=1, max_size=4, unique=True)


@settings(max_examples=30)
@given(companies=companies, periods=st.integers(2, 14), seed=st.integers(0, 2**16), value=st.sampled_from(["units", "share"]))
def test_long_to_wide_to_long_round_trips(companies, periods, seed, value):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-01-01", periods=periods, freq="MS")
    long = pd.DataFrame([(d, c) for d in dates for c in companies], columns=["date", "company"])
    long[value] = rng.integers(1, 10_000, len(long)).astype(float)
    if value == "share":
        long[value] = 100 * long[value] / long.groupby("date")[value].transform("sum")
    wide = long.pivot(index="date", columns="company", values=value).reset_index()
    wide["date"] = wide["date"].dt.strftime("%Y-%m")
    mapping = Mapping(WIDE, date_column="date", company_columns=tuple(companies), value=value)
    loaded = load("tracker.csv", wide.to_csv(index=False, float_format="%.12g").encode(), "market", mapping=mapping)
    assert loaded.ok, loaded.report.lines()
    expected = long.assign(segment="All", region="All")
    assert_same_market(loaded.frame, expected, measures=(value,))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_reshuffled_re_encoded_re_delimited_file_loads_the_same(demo_market, data):
    months = sorted(demo_market["date"].unique())
    start = data.draw(st.integers(0, len(months) - 6))
    segment = data.draw(st.sampled_from(sorted(demo_market["segment"].unique())))
    window = demo_market["date"].between(months[start], months[start + data.draw(st.integers(1, 5))])
    sample = demo_market[window & (demo_market["segment"] == segment)].reset_index(drop=True)
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    decimal = "," if delimiter == ";" and data.draw(st.booleans()) else "."
    columns = data.draw(st.permutations(list(sample.columns)))
    shuffled = sample[list(columns)].sample(frac=1, random_state=data.draw(st.integers(0, 10_000)))
    text = shuffled.to_csv(index=False, sep=delimiter, decimal=decimal, date_format="%Y-%m-%d")
    loaded = load("export.csv", text.encode(encoding), "market")
    assert loaded.ok, loaded.report.lines()
    assert_same_market(loaded.frame, sample)


def test_a_local_path_loads_and_a_missing_one_is_reported(tmp_path):
    from data.validate import load_path

    path = tmp_path / "market.csv"
    path.write_text(GOOD)
    assert load_path(path).ok
    missing = load_path(tmp_path / "nope.csv")
    assert not missing.ok and "cannot open" in missing.report.lines()[0]
