"""A live SQL dataset in the app (AppTest): defined on the Data page, opened from links, and only aggregates fetched.

The warehouse is a real PostgreSQL (tests/pg.py); the connection is configured the way an operator would, in
the environment, and its URL never shows on a page.
"""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import create_engine, event, text
from streamlit.testing.v1 import AppTest

from dashboard.dataset_picker import _workspace
from dashboard.live_ui import mapping_scope
from dashboard.sharing import view_store
from data import live_sql
from data.live_sql import LiveSpec, LiveStore
from data.workspace import Workspace
from tests.app.test_pages import APP, PAGES, open_app
from tests.app.test_workspace_page import page_text, sidebar_text

MAX_ROWS = 5_000  # "a few thousand": what may cross the wire for one page, whatever the table's size
# Two years of months x 3 segments x 4 regions x 5 companies x 3 products each: every cell filled (a full cross
# product every 4,320 rows), so a million rows are ~230 raw rows (stores, channels, SKUs) per product and month.
TEXT_OF = {"segment": "'S' || ((i / 24) % 3)", "region": "'R' || ((i / 72) % 4)", "company": "'C' || ((i / 288) % 5)"}


def make_sales(url: str, rows: int) -> None:
    """`rows` rows of monthly market data, generated inside PostgreSQL (nothing crosses the wire)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE sales AS SELECT (date '2023-01-01' + ((i % 24) * interval '1 month'))::date AS date, "
            f"{TEXT_OF['segment']} AS segment, {TEXT_OF['region']} AS region, {TEXT_OF['company']} AS company, "
            "'P' || ((i / 288) % 5) || '-' || ((i / 1440) % 3) AS product, (1 + i % 13)::double precision AS units, "
            "(100 + i % 997)::double precision AS revenue FROM generate_series(0, :rows - 1) AS i"), {"rows": rows})
        conn.execute(text("ANALYZE sales"))
    engine.dispose()


@pytest.fixture
def app_env(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    monkeypatch.setenv("MARKET_TRENDS_CONNECTION_WAREHOUSE", pg_url)
    monkeypatch.chdir(tmp_path)  # no developer secrets file
    view_store.clear()
    _workspace.clear()
    st.cache_data.clear()  # tables and samples listed for another test's database
    yield pg_url
    view_store.clear()
    _workspace.clear()
    for engine in live_sql._engines.values():
        engine.dispose()
    live_sql._engines.clear()


def saved_live(rows: int, url: str) -> str:
    make_sales(url, rows)
    spec = LiveSpec("warehouse", "sales", {c: c for c in ("date", "segment", "region", "company", "product",
                                                           "units", "revenue")})
    store = LiveStore(spec)
    return Workspace().save_live("Warehouse sales", spec.to_json(), "live SQL: warehouse · sales",
                                 summary=(store.row_count(), "2023-01-01", "2024-12-01", "monthly")).dataset_id


def test_a_live_source_is_defined_on_the_data_page_and_every_page_then_asks_the_warehouse(app_env):
    make_sales(app_env, 2_000)
    at = open_app({}, "../pages/data.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="live_connection").options == ["warehouse"]
    at.selectbox(key="live_table").set_value("sales").run()
    scope = mapping_scope("warehouse", "sales")
    assert at.radio(key=f"layout_{scope}").value == "long"  # the upload's own mapping widgets
    assert at.selectbox(key=f"map_{scope}_segment").value == "segment"  # guessed from the names
    assert at.radio(key=f"calendar_{scope}").value == "monthly"
    at.text_input(key=f"live_name_{scope}").set_value("Warehouse sales").run()
    at.button(key="live_save").click().run()
    assert not at.exception, at.exception
    [info] = Workspace().list()
    assert info.live["connection"] == "warehouse" and info.tables == {"market": 2_000}
    assert at.query_params["data"] == [info.id] or at.query_params["data"] == info.id
    shown = page_text(at) + sidebar_text(at) + " ".join(s.value for s in at.success)
    assert "Warehouse sales" in shown and "live SQL: warehouse" in shown
    assert "127.0.0.1" not in shown and "postgresql" not in shown  # the URL is never shown back
    assert set(at.selectbox(key="company").options) == {f"C{i}" for i in range(5)}  # the filters come from the warehouse


def test_the_briefing_on_a_million_row_table_fetches_only_a_few_thousand_rows(app_env):
    dataset_id = saved_live(1_000_000, app_env)
    fetched: list[int] = []
    engine = live_sql.engine_for("warehouse")

    @event.listens_for(engine, "after_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            fetched.append(max(cursor.rowcount, 0))

    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["data"] = dataset_id
    at.run()
    assert not at.exception, at.exception
    assert "Warehouse sales" in sidebar_text(at) and at.title[0].value == "Briefing"
    assert at.metric, "the Briefing showed no figures"
    assert fetched and sum(fetched) <= MAX_ROWS, f"{sum(fetched):,} rows in {len(fetched)} queries"
    event.remove(engine, "after_cursor_execute", _count)


def test_refresh_changes_the_cache_key_and_a_dead_warehouse_falls_back_with_a_notice(app_env, monkeypatch):
    dataset_id = saved_live(500, app_env)
    at = open_app({"data": dataset_id}, "../pages/data.py")
    assert not at.exception, at.exception
    before = Workspace().get(dataset_id).refreshed
    at.button(key="live_refresh").click().run()
    assert not at.exception, at.exception
    assert Workspace().get(dataset_id).refreshed > before
    assert any("Refreshed" in s.value for s in at.success)

    monkeypatch.setenv("MARKET_TRENDS_CONNECTION_WAREHOUSE", "postgresql://u:TopSecret@127.0.0.1:1/none")
    Workspace().mark_refreshed(dataset_id)  # a new stamp: the warehouse is asked again, and is gone
    at = open_app({"data": dataset_id})
    assert not at.exception, at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "cannot be read now" in warnings and "TopSecret" not in warnings and "Demo market" in sidebar_text(at)



def test_a_warehouse_that_fails_in_the_middle_of_a_page_gets_a_message_not_a_traceback(app_env):
    dataset_id = saved_live(2_000, app_env)
    at = open_app({"data": dataset_id})
    assert not at.exception, at.exception
    engine = create_engine(app_env)
    with engine.begin() as conn:  # the table goes away while the session is open
        conn.execute(text("ALTER TABLE sales RENAME TO sales_gone"))
    engine.dispose()
    at.multiselect(key="segment").set_value(["S1"]).run()  # a slice nobody asked for: the warehouse is asked
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.error)
    assert "The warehouse did not answer" in said and "postgresql" not in said


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_live_dataset(app_env, page):
    at = open_app({"data": saved_live(8_640, app_env)}, page)
    assert not at.exception, at.exception
    assert at.title and "Warehouse sales" in sidebar_text(at)
    assert not any("cannot be read" in w.value for w in at.warning)


def test_a_warehouse_table_named_its_own_way_is_mapped_like_an_upload_and_grouped_by_month(app_env):
    """Daily rows under export names (day, brand, country, net_sales) and an "Other" brand: the same
    suggestions, calendar and catch-all question as an uploaded file, then the pages see months."""
    engine = create_engine(app_env)
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE orders AS SELECT (date '2024-01-01' + (i % 365)) AS day, "
            "(ARRAY['Apex', 'Borealis', 'Other'])[1 + i % 3] AS brand, 'DE' AS country, "
            "(10 + i % 7)::numeric(10, 2) AS net_sales FROM generate_series(0, 3 * 365 - 1) AS i"))
    engine.dispose()
    at = open_app({}, "../pages/data.py")
    at.selectbox(key="live_table").set_value("orders").run()
    scope = mapping_scope("warehouse", "orders")
    assert not at.exception, at.exception
    mapped = {field: at.selectbox(key=f"map_{scope}_{field}").value for field in ("date", "company", "region", "revenue")}
    assert mapped == {"date": "day", "company": "brand", "region": "country", "revenue": "net_sales"}
    assert at.radio(key=f"calendar_{scope}").value == "monthly"  # daily rows: months suggested
    assert at.radio(key=f"rest_{scope}_0").value == "The rest of the market"  # "Other" is not a company
    at.text_input(key=f"live_name_{scope}").set_value("Orders").run()
    at.button(key="live_save").click().run()
    assert not at.exception, at.exception
    [info] = Workspace().list()
    assert info.rest == ("Other",) and info.ours in ("Apex", "Borealis") and info.periodicity == "monthly"
    store = LiveStore(LiveSpec.from_json(info.live))
    assert len(store.periods()) == 12 and store.periods()[0].day == 1
    at = open_app({"data": info.id}, "../pages/competitors.py")
    assert not at.exception, at.exception
    assert "Orders" in sidebar_text(at) and "Other" not in at.selectbox(key="company").options
