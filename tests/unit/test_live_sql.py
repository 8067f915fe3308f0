"""A live SQL dataset on a real PostgreSQL: the warehouse answers exactly what the DuckDB store answers.

The same Core statements (`data/queries.py`) run in both; the warehouse table has its own column names,
mapped to the market schema, and credentials never come back in a message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Date, create_engine, select, table, text
from sqlalchemy import column as sql_column
from sqlalchemy.engine.default import DefaultDialect

from data import live_sql
from data.live_sql import LiveSourceError, LiveSpec, LiveStore, connection_names, redact, refresh_stamp
from data.mapping import LONG, WIDE, Mapping, suggest_mapping
from data.periods import to_period_start
from data.queries import period_start
from data.store import MarketFilter, Store
from data.validate import load

MAPPING = {"date": "month", "segment": "seg", "region": "geo", "company": "vendor", "product": "sku",
           "units": "qty", "revenue": "amount"}
HOSTILE = "x'); DROP TABLE sales; --"


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    dates = pd.date_range("2024-01-01", periods=6, freq="MS")
    rows = [(d, s, r, c, f"{c} {p}", float(rng.integers(1, 100)), float(rng.integers(100, 10_000)))
            for d in dates for s in ("Phones", "Laptops") for r in ("Europe", "Asia", HOSTILE)
            for c in ("Acme", "Corvid") for p in ("One", "Two")]
    return pd.DataFrame(rows, columns=["month", "seg", "geo", "vendor", "sku", "qty", "amount"])


@pytest.fixture
def warehouse(pg_url, monkeypatch, tmp_path):
    """A `sales` table in PostgreSQL under its own names, and the connection `warehouse` pointing at it."""
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE sales (month DATE, seg TEXT, geo TEXT, vendor TEXT, sku TEXT, "
                          "qty DOUBLE PRECISION, amount NUMERIC(14, 2))"))
        conn.execute(text("INSERT INTO sales VALUES (:month, :seg, :geo, :vendor, :sku, :qty, :amount)"),
                     frame().assign(month=lambda f: f["month"].dt.date).to_dict("records"))
    engine.dispose()
    monkeypatch.chdir(tmp_path)  # no secrets file of the developer's
    monkeypatch.setenv("MARKET_TRENDS_CONNECTION_WAREHOUSE", pg_url.replace("+psycopg", ""))
    yield pg_url
    for eng in list(live_sql._engines.values()):
        eng.dispose()
    live_sql._engines.clear()


def embedded() -> Store:
    market = frame().rename(columns={v: k for k, v in MAPPING.items()})
    return Store.from_frames({"market": market.assign(share=np.nan, channel=None, launch_date=pd.NaT)})


SLICES = [MarketFilter(), MarketFilter(segments=("Phones",), regions=("Europe", "Asia")),
          MarketFilter(companies=("Corvid",), start=pd.Timestamp("2024-02-01"), end=pd.Timestamp("2024-04-01")),
          MarketFilter(regions=(HOSTILE,)), MarketFilter(segments=("Nothing",))]
GROUPS = [(), ("date",), ("date", "company"), ("segment", "region"), ("company", "product")]


@pytest.mark.parametrize("where", SLICES)
def test_every_aggregate_matches_the_embedded_store(warehouse, where):
    live, local = LiveStore(LiveSpec("warehouse", "sales", MAPPING)), embedded()
    for by in GROUPS:
        pd.testing.assert_frame_equal(live.market_totals(where, by), local.market_totals(where, by), check_dtype=False)


def test_filter_options_periods_and_measures_come_from_the_warehouse(warehouse):
    live, local = LiveStore(LiveSpec("warehouse", "sales", MAPPING)), embedded()
    for column in ("segment", "region", "company"):
        assert live.distinct("market", column) == local.distinct("market", column)
    assert live.periods() == local.periods() and live.date_range() == local.date_range()
    assert live.measures() == ["units", "revenue"] and live.row_count() == len(frame())
    assert "product" in live.columns() and "cost" in live.columns() and "channel" not in live.columns()
    assert HOSTILE in live.distinct("market", "region")  # a value, never SQL: the table is still there
    assert len(live.table("market", limit=5)) == 5
    summed = live.table("market")  # no limit: the finest grain *summed*, never the raw rows fetched one by one
    assert len(summed) == len(frame()) and set(summed.columns) >= {"date", "units", "revenue"}


def test_connections_come_from_the_secrets_file_and_the_environment(warehouse, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[connections.finance]\nurl = "postgresql://reader:s3cret@db.internal/finance"\n'
        '[connections.warehouse]\nurl = "sqlite:///nowhere.db"\n')
    assert connection_names() == ["finance", "warehouse"]
    assert LiveStore(LiveSpec("warehouse", "sales", MAPPING)).row_count() == len(frame())  # the environment wins
    with pytest.raises(LiveSourceError, match="No connection named “nope”"):
        LiveStore(LiveSpec("nope", "sales", MAPPING))


def test_credentials_never_appear_in_an_error(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    closed = f"postgresql://analyst:Hunter2-secret@127.0.0.1:{_closed_port()}/warehouse?connect_timeout=2"
    monkeypatch.setenv("MARKET_TRENDS_CONNECTION_BROKEN", closed)
    with pytest.raises(LiveSourceError) as caught:
        LiveStore(LiveSpec("broken", "sales", MAPPING)).row_count()
    message = str(caught.value)
    assert "broken" in message and "Hunter2-secret" not in message and closed not in message
    assert redact(f"failed at {closed}", closed) == "failed at ***"
    assert "Hunter2" not in redact("password Hunter2-secret rejected", closed)
    live_sql._engines.clear()


def test_a_spec_round_trips_and_bad_specs_say_what_to_fix():
    spec = LiveSpec("warehouse", "public.sales", MAPPING, ttl=60)
    assert LiveSpec.from_json(spec.to_json()) == spec
    assert "url" not in str(spec.to_json()).lower()
    with pytest.raises(LiveSourceError, match="needs date"):
        LiveSpec("warehouse", "sales", {"units": "qty"}).checked()
    with pytest.raises(LiveSourceError, match="connection name"):
        LiveSpec("x'; --", "sales", MAPPING).checked()
    with pytest.raises(LiveSourceError, match="damaged"):
        LiveSpec.from_json({"connection": "w"})
    wide = LiveSpec.from_mapping("warehouse", "tracker", Mapping(WIDE, date_column="period",
                                                                  company_columns=("Apex %", "Other %"), value="share"))
    assert wide.wide.companies == {"Apex": "Apex %", "Other": "Other %"}
    assert LiveSpec.from_json(wide.to_json()) == wide
    with pytest.raises(LiveSourceError, match="date column"):
        LiveSpec.from_mapping("warehouse", "t", Mapping(WIDE, date_column="d", company_columns=("d",))).checked()
    with pytest.raises(LiveSourceError, match="Place dates"):
        LiveSpec("warehouse", "sales", MAPPING, calendar="hourly").checked()


def test_the_refresh_stamp_changes_on_refresh_and_when_the_ttl_runs_out():
    assert refresh_stamp(None, 900, now=1000.0) == refresh_stamp(None, 900, now=1799.0)
    assert refresh_stamp(None, 900, now=1000.0) != refresh_stamp(None, 900, now=1800.0)
    assert refresh_stamp(None, 900, now=1000.0) != refresh_stamp(1500.0, 900, now=1000.0)


def test_tables_and_a_sample_are_listed_for_the_mapping(warehouse):
    assert "sales" in live_sql.tables_of("warehouse")
    sample = live_sql.sample_rows("warehouse", "sales", limit=7)
    assert list(sample.columns) == ["month", "seg", "geo", "vendor", "sku", "qty", "amount"] and len(sample) == 7


def _closed_port() -> int:
    from tests.e2e.harness import free_port

    return free_port()


def test_a_select_named_in_the_servers_configuration_is_a_source_too(warehouse, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[connections.warehouse]\nurl = "sqlite:///overridden-by-the-environment.db"\n'
        '[connections.warehouse.queries]\n'
        'phones = "SELECT month, seg, geo, vendor, sku, qty, amount FROM sales WHERE seg = \'Phones\'"\n')
    assert "query:phones" in live_sql.tables_of("warehouse")
    assert list(live_sql.sample_rows("warehouse", "query:phones").columns) == [
        "month", "seg", "geo", "vendor", "sku", "qty", "amount"]
    assert set(live_sql.sample_rows("warehouse", "query:phones")["seg"]) == {"Phones"}
    live, local = LiveStore(LiveSpec("warehouse", "query:phones", MAPPING)), embedded()
    phones = MarketFilter(segments=("Phones",))
    for by in GROUPS:
        pd.testing.assert_frame_equal(live.market_totals(MarketFilter(), by), local.market_totals(phones, by),
                                      check_dtype=False)
    with pytest.raises(LiveSourceError, match="no query named “nope”"):
        LiveStore(LiveSpec("warehouse", "query:nope", MAPPING))


def _table(url: str, name: str, frame: pd.DataFrame) -> None:
    engine = create_engine(url)
    frame.to_sql(name, engine, index=False)
    engine.dispose()


def test_a_wide_share_tracker_in_the_warehouse_reads_as_the_same_file_uploaded(warehouse):
    """Month-end dates, one percent column per company, no segment or region: the upload's own test case."""
    months = pd.date_range("2023-01-31", periods=18, freq="ME")
    rng = np.random.default_rng(3)
    raw = rng.dirichlet([6, 3, 2, 1], size=len(months)) * 100
    tracker = pd.DataFrame(np.round(raw, 1), columns=["Apex %", "Borealis %", "Corvid %", "Other %"])
    tracker.iloc[:, -1] = 100 - tracker.iloc[:, :-1].sum(axis=1)  # the tracker's rows add up to 100
    tracker.insert(0, "Period", months.date)
    _table(warehouse, "tracker", tracker)

    uploaded = load("tracker.csv", tracker.to_csv(index=False).encode())
    assert uploaded.ok and uploaded.mapping.layout == WIDE
    sample = live_sql.sample_rows("warehouse", "tracker")
    from dashboard.live_ui import sample_file

    suggested = suggest_mapping(sample_file("tracker", sample), "market")
    assert suggested == uploaded.mapping  # the same suggestion from the warehouse's sample as from the file
    live = LiveStore(LiveSpec.from_mapping("warehouse", "tracker", suggested, calendar="monthly"))
    local = Store.from_frames({"market": uploaded.frame})
    assert live.periods() == local.periods() and live.periods()[0] == pd.Timestamp("2023-01-01")
    assert live.distinct("market", "company") == ["Apex", "Borealis", "Corvid", "Other"]
    assert live.distinct("market", "segment") == ["All"] == live.distinct("market", "region")
    for by in [("date", "company"), ("company",), ("date",)]:
        pd.testing.assert_frame_equal(live.market_totals(MarketFilter(), by), local.market_totals(MarketFilter(), by),
                                      check_dtype=False, atol=1e-9)
    assert live.measures() == ["share"]


def test_daily_rows_are_grouped_into_periods_by_the_warehouse(warehouse):
    """A daily fact table without segment or region: the warehouse sums each month, one row per month travels."""
    days = pd.date_range("2024-01-01", "2024-06-30", freq="D")
    facts = pd.DataFrame({"order_day": np.repeat(days, 2), "brand": ["Acme", "Corvid"] * len(days),
                          "sales": np.arange(2 * len(days), dtype=float)})
    _table(warehouse, "orders", facts)
    chosen = Mapping(LONG, {"date": "order_day", "company": "brand", "revenue": "sales"})
    live = LiveStore(LiveSpec.from_mapping("warehouse", "orders", chosen, calendar="monthly"))
    assert live.periods() == list(pd.date_range("2024-01-01", periods=6, freq="MS"))
    monthly = live.market_totals(MarketFilter(companies=("Acme",)), ["date"])
    expected = facts[facts.brand == "Acme"].groupby(facts.order_day.dt.to_period("M"))["sales"].sum()
    assert len(monthly) == 6 and np.allclose(monthly["revenue"], expected.to_numpy())
    quarters = LiveStore(LiveSpec.from_mapping("warehouse", "orders", chosen, calendar="quarterly"))
    assert quarters.periods() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]
    assert live.distinct("market", "region") == ["All"]


def test_weeks_start_on_monday_in_the_warehouse_as_in_an_upload(warehouse):
    """Daily rows grouped by week in PostgreSQL land on the same Mondays an uploaded file's weeks start on."""
    days = pd.date_range("2024-01-03", "2024-03-20", freq="D")  # starts on a Wednesday
    facts = pd.DataFrame({"order_day": days, "brand": "Acme", "sales": 1.0})
    _table(warehouse, "daily", facts)
    chosen = Mapping(LONG, {"date": "order_day", "company": "brand", "revenue": "sales"})
    weeks = LiveStore(LiveSpec.from_mapping("warehouse", "daily", chosen, calendar="weekly"))
    uploaded = sorted(to_period_start(pd.Series(days), "weekly").unique())
    assert weeks.periods() == uploaded and all(week.day_of_week == 0 for week in uploaded)
    totals = weeks.market_totals(MarketFilter(), ["date"])
    assert totals["revenue"].tolist() == [5.0, *[7.0] * (len(uploaded) - 2), 3.0]  # Wed-Sun, full weeks, Mon-Wed


class _NamedDialect(DefaultDialect):
    """Only a dialect's name chooses the spelling; the warehouses themselves are not reachable from CI."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


@pytest.mark.parametrize(("dialect", "month", "week"), [
    ("postgresql", "CAST(date_trunc('month', facts.d) AS DATE)", "CAST(date_trunc('week', facts.d) AS DATE)"),
    ("snowflake", "CAST(date_trunc('month', facts.d) AS DATE)", "CAST(date_trunc('week', facts.d) AS DATE)"),
    ("bigquery", "DATE_TRUNC(CAST(facts.d AS DATE), MONTH)", "DATE_TRUNC(CAST(facts.d AS DATE), WEEK(MONDAY))"),
    ("mssql", "CAST(DATETRUNC(month, facts.d) AS DATE)", "CAST(DATETRUNC(iso_week, facts.d) AS DATE)"),
])
def test_period_starts_are_spelled_for_each_warehouse(dialect, month, week):
    """BigQuery puts the unit second and starts weeks on Sunday, SQL Server on its DATEFIRST day: each gets
    its own spelling, and a week and a month are different statements to SQLAlchemy's compiled cache."""
    facts = table("facts", sql_column("d", Date))
    by_month, by_week = (select(period_start(facts.c.d, calendar)) for calendar in ("monthly", "weekly"))
    assert month in str(by_month.compile(dialect=_NamedDialect(dialect)))
    assert week in str(by_week.compile(dialect=_NamedDialect(dialect)))
    assert by_month._generate_cache_key() != by_week._generate_cache_key()


def test_hostile_column_names_stay_quoted_identifiers(warehouse):
    """A warehouse column named like an injection is a column, in the long and the wide layout alike."""
    hostile = 'x"); DROP TABLE odd; --'
    odd = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=3, freq="MS").date,
                        hostile: [1.0, 2.0, 3.0], "B's *share*": [3.0, 2.0, 1.0]})
    _table(warehouse, "odd", odd)
    wide = LiveStore(LiveSpec.from_mapping("warehouse", "odd", Mapping(WIDE, date_column="when",
                                                                        company_columns=(hostile, "B's *share*"),
                                                                        value="units")))
    totals = wide.market_totals(MarketFilter(), ["company"])
    assert dict(zip(totals["company"], totals["units"])) == {hostile: 6.0, "B's *share*": 6.0}
    assert live_sql.sample_rows("warehouse", "odd").shape == (3, 3)  # the table is still there
