"""Where the app database and its folder are, chosen from the environment."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from data import appdb


def test_home_prefers_market_trends_home(monkeypatch, tmp_path):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path / "mt"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert appdb.home() == tmp_path / "mt"


def test_home_falls_back_to_xdg_then_local_share(monkeypatch, tmp_path):
    monkeypatch.delenv("MARKET_TRENDS_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert appdb.home() == tmp_path / "xdg" / "market-trends-dashboard"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert appdb.home() == tmp_path / "user" / ".local" / "share" / "market-trends-dashboard"


def test_url_is_sqlite_in_home_unless_a_database_url_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    assert appdb.database_url() == f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("MARKET_TRENDS_DATABASE_URL", "postgresql+psycopg://app@db/market")
    assert appdb.database_url() == "postgresql+psycopg://app@db/market"


def test_sqlite_engine_creates_the_folder_uses_wal_and_migrates(monkeypatch, tmp_path):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path / "new" / "home"))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    engine = appdb.engine()
    appdb.migrate(engine)
    appdb.migrate(engine)
    assert Path(tmp_path / "new" / "home" / "app.sqlite3").exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == appdb.BUSY_TIMEOUT_MS
    assert {"datasets", "dataset_versions"} <= set(inspect(engine).get_table_names())


def test_migrate_retries_once_when_another_server_wins_the_race(monkeypatch, tmp_path):
    from sqlalchemy.exc import OperationalError

    engine = appdb.engine(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    real, calls = appdb.metadata.create_all, []

    def racing(bind, checkfirst=True):
        calls.append(1)
        if len(calls) == 1:
            real(bind, checkfirst=checkfirst)  # the other server created the tables meanwhile
            raise OperationalError("CREATE TABLE datasets", {}, Exception("table datasets already exists"))
        real(bind, checkfirst=checkfirst)

    monkeypatch.setattr(appdb.metadata, "create_all", racing)
    appdb.migrate(engine)
    assert len(calls) == 2


def test_a_plain_postgresql_url_gets_the_pinned_driver(monkeypatch):
    # psycopg2, SQLAlchemy's default for a bare postgresql://, is not installed; psycopg 3 is pinned.
    for plain in ("postgresql://app:pw@db/market", "postgres://app:pw@db/market"):
        monkeypatch.setenv("MARKET_TRENDS_DATABASE_URL", plain)
        assert appdb.database_url() == "postgresql+psycopg://app:pw@db/market"
    monkeypatch.setenv("MARKET_TRENDS_DATABASE_URL", "postgresql+psycopg2://app@db/market")  # a driver named stays
    assert appdb.database_url() == "postgresql+psycopg2://app@db/market"
