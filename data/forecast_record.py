"""The forecasts the app showed for each saved version, stored so later versions can check them.

When a workspace dataset gets a version, the Market page's forecasts of it (the total market,
each segment and each region, for units and revenue, at the page's default horizon and level,
with the band and the model the automatic choice picked) are stored in the app database beside
the catalog. A later version with more periods then has actuals for them: the Market page's
Track record compares the two (`analysis.track_record`).

The numbers are the page's: the same aggregation (a sum per period over the slice), the same
engine call (`fit_forecast` at the page's longest horizon, then the default horizon and level),
so a stored forecast is what a user saw. Fitting a few dozen slices takes seconds, so
`record_in_background` runs it on a thread after the save returned; a failure is logged and
never reaches the save.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from data import appdb
from data.appdb import forecasts as forecasts_t
from data.periods import SEASON_LENGTH, infer_periodicity
from data.store import MarketFilter, Store

if TYPE_CHECKING:
    from data.workspace import DatasetVersion, Workspace

log = logging.getLogger(__name__)

# The Market page's forecast: fitted at its horizon slider's end, shown at its defaults.
# tests/unit/test_forecast_record.py checks these against dashboard.forecasting and pages/market.py.
FIT_HORIZON = 36
DEFAULT_HORIZON = 18
DEFAULT_LEVEL = 0.9
DEFAULT_METHOD = "auto"
MEASURES = ("units", "revenue")  # share has no size forecast on the Market page
SPLITS = ("segment", "region")
KEEP_FORECASTS = 30  # versions whose forecasts are kept: more than the 10 kept versions, as old forecasts stay checkable


@dataclass(frozen=True)
class StoredForecast:
    """One version's forecast of one slice."""

    version: int
    made: float
    level: float
    model: str
    frame: pd.DataFrame  # period (Timestamp), point, lower, upper


def slice_key(measure: str, split: str | None = None, value: str | None = None) -> str:
    """"units|total", "revenue|segment|SMB": what a stored forecast is filed under."""
    return f"{measure}|total" if split is None else f"{measure}|{split}|{value}"


def market_series(store: Store, measure: str, split: str | None = None, value: str | None = None) -> pd.Series:
    """The slice's total per period, by the very query the Market page runs (same sums, same order: same fit)."""
    where = MarketFilter(segments=(value,) if split == "segment" else (), regions=(value,) if split == "region" else ())
    return store.market_totals(where, ("date",)).set_index("date")[measure]


def market_forecast_frame(series: pd.Series, season: int) -> tuple[pd.DataFrame, str, float]:
    """The Market page's default forecast of `series`: (period, point, lower, upper), the model and the level."""
    from analysis.forecast import fit_forecast  # statsmodels loads on first use, not on import

    fc = fit_forecast(series, FIT_HORIZON, season_length=season, method=DEFAULT_METHOD).forecast(
        DEFAULT_HORIZON, DEFAULT_LEVEL)
    frame = pd.DataFrame({"period": pd.DatetimeIndex(fc.mean.index), "point": fc.mean.to_numpy(),
                          "lower": fc.lower.to_numpy(), "upper": fc.upper.to_numpy()})
    return frame, fc.model, float(fc.level)


def market_slices(store: Store) -> list[tuple[str, str | None, str | None]]:
    """(measure, split, value) of every slice the app forecasts: total, each segment, each region."""
    measures = [m for m in store.measures() if m in MEASURES]
    slices = []
    for measure in measures:
        slices.append((measure, None, None))
        for split in SPLITS:
            slices += [(measure, split, v) for v in store.distinct("market", split)]
    return slices


def forecast_rows(store: Store, made: float | None = None) -> list[dict]:
    """Rows for the forecasts table (without dataset and version) for every slice that can be forecast."""
    periodicity = infer_periodicity(pd.Series(store.periods("market"))).period or "monthly"  # as the sidebar infers it
    season = SEASON_LENGTH.get(periodicity, 12)
    made = time.time() if made is None else made
    rows: list[dict] = []
    for measure, split, value in market_slices(store):
        series = market_series(store, measure, split, value)
        try:
            frame, model, level = market_forecast_frame(series, season)
        except (ValueError, np.linalg.LinAlgError) as reason:  # the page says why it has no forecast too
            log.info("no forecast stored for %s: %s", slice_key(measure, split, value), reason)
            continue
        key = slice_key(measure, split, value)
        for period, point, lower, upper in frame.itertuples(index=False):
            if not np.isfinite(point):
                continue
            rows.append({"slice": key, "period": f"{pd.Timestamp(period):%Y-%m-%d}", "point": float(point),
                         "lower": _finite(lower), "upper": _finite(upper), "level": level, "model": model[:2000],
                         "made": made})
    return rows


def store_forecasts(engine: Engine, dataset_id: str, version: int, store: Store) -> int:
    """Forecast every slice of the store's market and store the rows for (dataset, version); returns the row count."""
    rows = [{"dataset": dataset_id, "version": version, **row} for row in forecast_rows(store)]
    with appdb.writer(engine).begin() as conn:
        conn.execute(delete(forecasts_t).where(forecasts_t.c.dataset == dataset_id, (forecasts_t.c.version == version)
                                               | (forecasts_t.c.version <= version - KEEP_FORECASTS)))
        if rows:
            conn.execute(insert(forecasts_t), rows)
    return len(rows)


def record_version(ws: Workspace, record: DatasetVersion, tables: dict[str, pd.DataFrame]) -> int:
    """The after-save hook's work, on the caller's thread: store the version's market forecasts.

    `tables` are the saved frames; the series are read back from the saved files, as the page reads them."""
    return _record(ws, record.dataset_id, record.version) if "market" in tables else 0


def _record(ws: Workspace, dataset_id: str, version: int) -> int:
    store = Store()  # the saved Parquet, read as the page reads it (`Store.attach_parquet`)
    store.attach_parquet("market", ws.files(dataset_id, version)["market"])
    # BLAS threads: each fit is limited to one by the engine (`analysis.forecast.engine._one_blas_thread`), the
    # server limits them process-wide (`dashboard.runtime`); a process-wide limit set here, from a second thread,
    # would race the page threads' own. The rest is pandas and SQL, which use no BLAS.
    return store_forecasts(ws.engine, dataset_id, version, store)


def record_in_background(ws: Workspace, record: DatasetVersion, tables: dict[str, pd.DataFrame]) -> threading.Thread:
    """`Workspace(after_save=record_in_background)`: the save returns at once; failures are logged only."""
    def run() -> None:
        started = time.perf_counter()
        try:
            count = record_version(ws, record, tables)
            log.info("stored %d forecast rows of %s@%d in %.1f s", count, record.dataset_id, record.version,
                     time.perf_counter() - started)
        except Exception:  # noqa: BLE001 (a missing track record must never cost a save)
            log.exception("the forecasts of %s@%d could not be stored", record.dataset_id, record.version)

    thread = threading.Thread(target=run, name=f"forecast-record-{record.dataset_id}-{record.version}", daemon=True)
    thread.start()
    return thread


def stored_forecasts(engine: Engine, dataset_id: str, key: str, *, before: int | None = None) -> list[StoredForecast]:
    """Every stored forecast of one slice of `dataset_id` (of versions before `before`), oldest first."""
    f = forecasts_t.c
    query = select(f.version, f.made, f.level, f.model, f.period, f.point, f.lower, f.upper).where(
        f.dataset == dataset_id, f.slice == key)
    if before is not None:
        query = query.where(f.version < before)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(f.version, f.period)).mappings().all()
    found: list[StoredForecast] = []
    for version in sorted({r["version"] for r in rows}):
        mine = [r for r in rows if r["version"] == version]
        frame = pd.DataFrame({"period": pd.to_datetime([r["period"] for r in mine]),
                              "point": [r["point"] for r in mine],
                              "lower": [np.nan if r["lower"] is None else r["lower"] for r in mine],
                              "upper": [np.nan if r["upper"] is None else r["upper"] for r in mine]})
        found.append(StoredForecast(version, mine[0]["made"], mine[0]["level"], mine[0]["model"], frame))
    return found


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def backfill(ws: Workspace, dataset_ids: list[str] | None = None) -> dict[str, list[int]]:
    """Store the forecasts of kept versions saved before forecasts were stored; dataset id -> versions filled.

    Made now from each version's own files, so they are the forecasts its Market page shows
    (with today's engine: a version saved under an older release may have shown slightly others).
    """
    filled: dict[str, list[int]] = {}
    f = forecasts_t.c
    for info in ws.list():
        if dataset_ids and info.id not in dataset_ids:
            continue
        with ws.engine.connect() as conn:
            have = {v for (v,) in conn.execute(select(f.version).where(f.dataset == info.id).distinct())}
        for kept in ws.versions(info.id):
            if kept.version not in have and "market" in kept.tables:
                _record(ws, info.id, kept.version)
                filled.setdefault(info.id, []).append(kept.version)
    return filled


def main(argv: list[str] | None = None) -> int:
    """`python -m data.forecast_record --backfill [ID ...]`: forecasts for versions saved before they were kept."""
    import argparse

    from data.workspace import Workspace, WorkspaceError

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--backfill", action="store_true", required=True)
    parser.add_argument("ids", nargs="*", metavar="ID", help="dataset ids (default: every dataset)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        filled = backfill(Workspace(), args.ids or None)
    except WorkspaceError as error:
        print(error)
        return 1
    for dataset_id, versions in filled.items():
        print(f"{dataset_id}: forecasts stored for version {', '.join(map(str, sorted(versions)))}")
    if not filled:
        print("Every kept version already has its forecasts stored.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
