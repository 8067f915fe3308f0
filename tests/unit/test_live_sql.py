"""A live SQL dataset on a real PostgreSQL: the warehouse answers exactly what the DuckDB store answers.

The same Core statements (`data/queries.py`) run in both; the warehouse table has its own column names,
mapped to the market schema, and credentials never come back in a message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from data import live_sql
from data.live_sql import LiveSourceError, LiveSpec, LiveStore, connection_names, redact, refresh_stamp
from data.store import MarketFilter, Store

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


def test_the_refresh_stamp_changes_on_refresh_and_when_the_ttl_runs_out():
    assert refresh_stamp(None, 900, now=1000.0) == refresh_stamp(None, 900, now=1799.0)
    assert refresh_stamp(None, 900, now=1000.0) != refresh_stamp(None, 900, now=1800.0)
    assert refresh_stamp(None, 900, now=1000.0) != refresh_stamp(1500.0, 900, now=1000.0)


def test_tables_and_columns_are_listed_for_the_mapping(warehouse):
    assert "sales" in live_sql.tables_of("warehouse")
    assert live_sql.columns_of("warehouse", "sales") == ["month", "seg", "geo", "vendor", "sku", "qty", "amount"]
    assert live_sql.guess_mapping(["Date", "Segment", "REGION", "company", "Units", "other"]) == {
        "date": "Date", "segment": "Segment", "region": "REGION", "company": "company", "units": "Units"}


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
    assert live_sql.columns_of("warehouse", "query:phones") == ["month", "seg", "geo", "vendor", "sku", "qty", "amount"]
    live, local = LiveStore(LiveSpec("warehouse", "query:phones", MAPPING)), embedded()
    phones = MarketFilter(segments=("Phones",))
    for by in GROUPS:
        pd.testing.assert_frame_equal(live.market_totals(MarketFilter(), by), local.market_totals(phones, by),
                                      check_dtype=False)
    with pytest.raises(LiveSourceError, match="no query named “nope”"):
        LiveStore(LiveSpec("warehouse", "query:nope", MAPPING))
