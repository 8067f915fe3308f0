"""Saving versions stores their market forecasts; a later version's actuals check them.

Integration: a real Workspace on a real SQLite file under a temporary MARKET_TRENDS_HOME, the
real forecasting engine, the hook on its background thread.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from analysis.forecast import fit_forecast
from analysis.track_record import check_forecast, summary_line
from data import appdb
from data.forecast_record import (DEFAULT_HORIZON, DEFAULT_LEVEL, FIT_HORIZON, market_series, record_in_background,
                                  slice_key, stored_forecasts)
from data.store import Store
from data.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    return tmp_path


def market(periods: int) -> pd.DataFrame:
    """Monthly units of 2 segments x 2 regions: growth, a yearly season and seeded noise."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("2020-01-01", periods=60, freq="MS")
    rows = []
    for i, (segment, region) in enumerate([("SMB", "Europe"), ("SMB", "Asia"), ("Enterprise", "Europe"),
                                           ("Enterprise", "Asia")]):
        t = np.arange(len(dates))
        units = (100 + 20 * i) * (1.01 ** t) * (1 + 0.15 * np.sin(2 * np.pi * t / 12)) * rng.normal(1, 0.02, len(t))
        rows.append(pd.DataFrame({"date": dates, "segment": segment, "region": region, "company": "Acme",
                                  "units": units.round(1)}))
    frame = pd.concat(rows, ignore_index=True)
    return frame[frame["date"] < dates[periods]].reset_index(drop=True)


def saved_series(ws: Workspace, dataset_id: str, version: int, split: str | None = None,
                 value: str | None = None) -> pd.Series:
    """A slice's units as the Market page reads them: from the version's Parquet file, through DuckDB."""
    store = Store()
    store.attach_parquet("market", ws.files(dataset_id, version)["market"])
    return market_series(store, "units", split, value)


def save_in_background(ws: Workspace, *args, **kwargs):
    """Save, then wait for the hook's thread, as a user would wait before looking at the next version."""
    threads = []
    ws.after_save = lambda w, record, tables: threads.append(record_in_background(w, record, tables))
    record = ws.save(*args, **kwargs)
    for thread in threads:
        thread.join(timeout=120)
    return record


def test_two_versions_store_forecasts_and_the_second_checks_the_first(home):
    ws = Workspace()
    first = save_in_background(ws, "Phones", {"market": market(48)}, "phones.csv")
    second = save_in_background(ws, "Phones", {"market": market(54)}, "phones.csv", dataset_id=first.dataset_id)
    assert (first.version, second.version) == (1, 2) and (home / appdb.DATABASE_FILE).is_file()

    with ws.engine.connect() as conn:
        slices = {s for (s,) in conn.execute(select(appdb.forecasts.c.slice).distinct())}
        per_version = dict(conn.execute(select(appdb.forecasts.c.version, func.count())
                                        .group_by(appdb.forecasts.c.version)).all())
    # total + 2 segments + 2 regions of units (no revenue column), 18 periods each, for each version
    assert slices == {"units|total", "units|segment|Enterprise", "units|segment|SMB", "units|region|Asia",
                      "units|region|Europe"}
    assert per_version == {1: 5 * DEFAULT_HORIZON, 2: 5 * DEFAULT_HORIZON}

    [earlier] = stored_forecasts(ws.engine, first.dataset_id, slice_key("units"), before=2)
    assert earlier.version == 1 and earlier.level == DEFAULT_LEVEL
    # The stored numbers are the Market page's: the engine's fit at the page's horizon, at its defaults.
    page = fit_forecast(saved_series(ws, first.dataset_id, 1), FIT_HORIZON, season_length=12,
                        method="auto").forecast(DEFAULT_HORIZON, DEFAULT_LEVEL)
    assert earlier.model == page.model
    assert list(earlier.frame["period"]) == list(pd.date_range("2024-01-01", periods=18, freq="MS"))
    np.testing.assert_array_equal(earlier.frame["point"], page.mean.to_numpy())  # exactly: same query, same fit
    np.testing.assert_allclose(earlier.frame[["lower", "upper"]], np.c_[page.lower, page.upper])

    actuals = saved_series(ws, first.dataset_id, 2)  # the second version: 6 more months
    record = check_forecast(earlier.frame, actuals, version="version 1", level=earlier.level)
    assert record.checked == 6
    point, seen = earlier.frame["point"].to_numpy()[:6], actuals.to_numpy()[48:54]
    np.testing.assert_allclose(record.rows["error_pct"], (point - seen) / seen * 100)
    lower, upper = earlier.frame["lower"].to_numpy()[:6], earlier.frame["upper"].to_numpy()[:6]
    assert record.inside == int(((seen >= lower) & (seen <= upper)).sum())
    assert record.mape < 15  # a smooth seasonal series: the forecast is close
    assert summary_line([record], "monthly").endswith(f"{record.inside} of 6 months inside the 90% band")

    # A segment slice is filed under its own key and checks against that segment's actuals.
    [smb] = stored_forecasts(ws.engine, first.dataset_id, slice_key("units", "segment", "SMB"), before=2)
    smb_record = check_forecast(smb.frame, saved_series(ws, first.dataset_id, 2, "segment", "SMB"),
                                version="version 1", level=smb.level)
    assert smb_record.checked == 6 and smb.frame["point"].sum() < earlier.frame["point"].sum()

    ws.delete(first.dataset_id)  # a deleted dataset leaves no forecast behind
    with ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(appdb.forecasts)).scalar() == 0


def test_a_failing_hook_never_breaks_the_save(home, caplog):
    def broken(*_):
        raise RuntimeError("disk full")

    ws = Workspace(after_save=broken)
    with caplog.at_level(logging.ERROR):
        saved = ws.save("Phones", {"market": market(48)}, "phones.csv")
    assert ws.get(saved.dataset_id).latest_version == 1
    assert "after saving" in caplog.text


def test_a_share_tracker_has_no_size_forecast_to_store_and_saves(home):
    shares = market(24).rename(columns={"units": "share"})
    ws = Workspace()
    saved = save_in_background(ws, "Shares", {"market": shares}, "shares.csv")
    assert ws.get(saved.dataset_id).latest_version == 1
    with ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(appdb.forecasts)).scalar() == 0


def test_the_stored_defaults_are_the_market_pages():
    from dashboard.forecasting import MAX_HORIZON

    page = (ROOT / "pages" / "market.py").read_text()
    assert FIT_HORIZON == MAX_HORIZON
    assert re.search(rf'st\.slider\("Horizon \(periods ahead\)", 1, MAX_HORIZON, {DEFAULT_HORIZON},', page)
    assert re.search(rf'"Interval level \(%\)", LEVELS, value="{DEFAULT_LEVEL * 100:.0f}"', page)
    assert re.search(r'worded_choice\("Model", MODELS, "auto"', page)


def test_backfill_stores_versions_saved_before_forecasts_were_kept(home, capsys):
    from data.forecast_record import main

    ws = Workspace()  # no hook: as a release before this one saved them
    first = ws.save("Phones", {"market": market(48)}, "phones.csv")
    ws.save("Phones", {"market": market(54)}, "phones.csv", dataset_id=first.dataset_id)
    assert stored_forecasts(ws.engine, first.dataset_id, slice_key("units")) == []

    assert main(["--backfill"]) == 0
    assert f"{first.dataset_id}: forecasts stored for version 1, 2" in capsys.readouterr().out
    assert [f.version for f in stored_forecasts(ws.engine, first.dataset_id, slice_key("units"))] == [1, 2]
    assert main(["--backfill", first.dataset_id]) == 0
    assert "Every kept version already has its forecasts stored." in capsys.readouterr().out
