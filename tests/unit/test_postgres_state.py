"""Shared state on a real PostgreSQL: what several app servers behind a load balancer rely on.

Each test gets an empty database of its own (`pg_url`, tests/pg.py); the
Parquet files live in one folder both "servers" share, as in docs/deploy.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text

from data import appdb
from data.launch_plans import plans_for, save_plan
from data.views import ViewStore
from data.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
ME, DATA = "browser-me-0123456789", "demo0123hash4567"


def plain(url: str) -> str:
    """The URL as an operator would write it: `postgresql://`, no driver named."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def market(scale: float = 1.0) -> dict[str, pd.DataFrame]:
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    return {"market": pd.DataFrame({
        "date": dates, "segment": "Phones", "region": "Europe", "company": ["Acme", "Corvid", "Acme"],
        "units": [10.0 * scale, 20.0, 30.0], "revenue": [100.0 * scale, 200.0, 300.0],
    })}


@pytest.fixture
def shared(pg_url, tmp_path, monkeypatch):
    """One PostgreSQL app database (given the plain way) and one shared home folder."""
    monkeypatch.setenv("MARKET_TRENDS_DATABASE_URL", plain(pg_url))
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    return pg_url


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_plain_postgresql_url_uses_the_pinned_psycopg_driver(shared):
    assert appdb.database_url() == shared
    assert appdb.ready_engine().dialect.driver == "psycopg"


def test_a_view_saved_by_one_server_opens_on_another_and_lives_in_postgresql(shared, tmp_path):
    first, second = ViewStore(), ViewStore()
    saved = first.save("Board: Europe", "competitors", {"region": ["Europe"], "rival": ["Corvid"]},
                       owner=ME, dataset=DATA)
    assert second.get(saved.id) == saved
    assert [v.id for v in second.list_for(ME, DATA)] == [saved.id]
    assert rows(shared, "SELECT id, name FROM views") == [(saved.id, "Board: Europe")]
    assert not (tmp_path / appdb.DATABASE_FILE).exists()  # nothing went to a local SQLite file
    assert second.delete(saved.id, ME) and first.get(saved.id) is None


def test_a_dataset_saved_by_one_server_is_listed_and_opens_on_another(shared, tmp_path):
    a, b = Workspace(), Workspace()
    version = a.save("Phones", market(), "phones.csv", ours="Acme", rest=("Other",))
    assert [(i.name, i.latest_version, i.ours, i.rest) for i in b.list()] == [("Phones", 1, "Acme", ("Other",))]
    pd.testing.assert_frame_equal(b.load(version.dataset_id)["market"], a.load(version.dataset_id)["market"])
    assert b.save("Phones", market(2), "phones.csv", dataset_id=version.dataset_id).version == 2
    assert a.load(version.dataset_id)["market"]["units"].iloc[0] == 20.0
    assert rows(shared, "SELECT count(*) FROM dataset_versions") == [(2,)]
    assert b.files(version.dataset_id)["market"].parent == tmp_path / "datasets" / version.dataset_id / "2"
    a.delete(version.dataset_id)
    assert b.list() == [] and not (tmp_path / "datasets" / version.dataset_id).exists()


_SAVER = """
import sys
import pandas as pd
from data.workspace import Workspace
ws, shared = Workspace(), sys.argv[1]
frame = {"sales": pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "revenue": [1.0]})}
for i in range(int(sys.argv[2])):
    ws.save(f"{sys.argv[3]} {i}", frame, "x.csv")
    ws.save("Shared", frame, "x.csv", dataset_id=shared)
"""


def test_two_servers_saving_new_versions_at_once_get_distinct_numbers(shared):
    # The row lock (SELECT ... FOR UPDATE) is what serialises version numbers on PostgreSQL.
    dataset_id = Workspace().save("Shared", market(), "x.csv").dataset_id
    runs = [subprocess.Popen([sys.executable, "-c", _SAVER, dataset_id, "6", who], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True)
            for who in ("A", "B")]
    for run in runs:
        assert run.wait(timeout=180) == 0, run.stderr.read()
    ws = Workspace()
    assert {i.name for i in ws.list()} == {f"{w} {i}" for w in "AB" for i in range(6)} | {"Shared"}
    assert ws.get(dataset_id).latest_version == 13
    assert [v.version for v in ws.versions(dataset_id)] == list(range(13, 3, -1))  # the last 10 kept


def test_servers_starting_at_once_create_the_tables_once(pg_url):
    engines = [appdb.engine(pg_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(appdb.migrate, engines))
        assert {"datasets", "dataset_versions", "views", "launch_plans"} <= set(inspect(engines[0]).get_table_names())
    finally:
        for engine in engines:
            engine.dispose()


def test_an_older_views_table_gains_the_new_columns_on_postgresql(pg_url):
    with create_engine(pg_url).begin() as conn:  # as the first release created it: no owner, no dataset
        conn.execute(text("CREATE TABLE views (id VARCHAR(16) PRIMARY KEY, name TEXT NOT NULL, page TEXT NOT NULL, "
                          "params TEXT NOT NULL, created FLOAT NOT NULL)"))
        conn.execute(text("INSERT INTO views VALUES ('abcd2345', 'Old', 'overview', '{}', 1.0)"))
    engine = appdb.engine(pg_url)
    try:
        appdb.migrate(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("views")}
        assert {"owner", "dataset"} <= columns
        assert "views_by_owner" in {i["name"] for i in inspect(engine).get_indexes("views")}
    finally:
        engine.dispose()
    assert rows(pg_url, "SELECT id, owner FROM views") == [("abcd2345", None)]


def test_launch_plans_keep_their_json_inputs_on_postgresql(shared):
    inputs = {"market_size": 1e6, "price": 99.0, "unit_cost": 40.0, "fixed_cost": 1e5, "p": 0.03, "q": 0.38,
              "periods": 36.0, "per_year": 12.0, "recurring": True}
    save_plan(DATA, "Phone X", "Premium", pd.Timestamp("2025-03-15"), inputs, owner=ME)
    save_plan(DATA, "Phone X", "Budget", pd.Timestamp("2025-04-01"), inputs, owner=ME)  # replaces the first
    [plan] = plans_for(DATA)
    assert (plan.option, plan.launch, plan.inputs) == ("Budget", pd.Timestamp("2025-04-01"), inputs)


def test_two_servers_saving_the_same_products_plan_at_once_both_succeed(shared):
    """Two people press "Track it" for one product at the same moment, on two servers: no "try again"."""
    inputs = {"market_size": 1e6, "price": 99.0, "unit_cost": 40.0, "fixed_cost": 1e5, "p": 0.03, "q": 0.38,
              "periods": 36.0, "per_year": 12.0, "recurring": False}

    def save(i: int) -> str:
        return save_plan(DATA, "Phone X", f"Option {i}", pd.Timestamp("2025-03-01"), inputs, owner=ME).option

    with ThreadPoolExecutor(8) as pool:
        saved = list(pool.map(save, range(40)))
    assert len(saved) == 40
    [plan] = plans_for(DATA)
    assert plan.option in saved and plan.inputs == inputs
