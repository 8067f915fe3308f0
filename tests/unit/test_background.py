"""The worker process computes what the script would, and the script steps in whenever it cannot."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from concurrent.futures.process import BrokenProcessPool

import pandas as pd
import pytest

from analysis.briefing import market_outlook
from dashboard.background import Pending, _worker, in_background

DEMO = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "demo" / "market.csv", parse_dates=["date"])


@pytest.fixture(scope="module")
def worker():
    started = _worker()
    assert started is not None, "this machine can start processes, so the worker must start"
    started._ready.result(timeout=120)  # spawned and warmed up
    return started


def test_the_worker_forecasts_in_another_process_and_gets_the_same_numbers(worker):
    series = DEMO[DEMO["region"] == "Europe"].groupby("date")["revenue"].sum().asfreq("MS")
    pending = in_background(market_outlook, series, season=12)
    assert pending.in_background
    assert pending.result() == market_outlook(series, season=12)
    assert in_background(os.getpid).result() != os.getpid()


def test_while_the_worker_is_busy_other_jobs_queue_for_it(worker):
    busy = in_background(time.sleep, 1.0)
    assert busy.in_background
    meanwhile = in_background(os.getppid)
    assert meanwhile.in_background  # waits for the worker rather than taking the script's core
    assert meanwhile.result() == os.getpid()  # the worker's parent is this process: it ran there
    assert busy._future.done()  # jobs run in the order they were queued


def test_sessions_asking_for_the_same_forecast_share_one_job(worker):
    """Twenty sessions on one slice: one forecast in the worker, the same numbers for all."""
    slice_ = DEMO[DEMO["segment"] == "SMB"]
    series = [slice_.groupby("date")["units"].sum().asfreq("MS") for _ in range(20)]  # each session builds its own
    with ThreadPoolExecutor(20) as sessions:
        pendings = list(sessions.map(lambda s: in_background(market_outlook, s, season=12), series))
    assert all(p.in_background for p in pendings)
    assert len({id(p._future) for p in pendings}) == 1
    assert {p.result() for p in pendings} == {market_outlook(series[0], season=12)}
    other_measure = slice_.groupby("date")["revenue"].sum().asfreq("MS")
    assert in_background(market_outlook, other_measure, season=12)._future is not pendings[0]._future


def test_a_job_that_failed_is_queued_again_for_the_next_session(worker, tmp_path):
    upload = tmp_path / "market.csv"
    failed = in_background(os.path.getsize, str(upload))
    with pytest.raises(FileNotFoundError):
        failed._future.result(timeout=30)
    upload.write_text("12345")
    assert in_background(os.path.getsize, str(upload)).result() == 5


def test_a_broken_worker_costs_time_never_the_number():
    future: Future = Future()
    future.set_exception(BrokenProcessPool("the worker died"))
    assert Pending(sum, ([1, 2, 3],), {}, future).result() == 6


def test_arguments_the_worker_cannot_receive_are_computed_in_the_script(worker):
    import threading

    pending = in_background(len, [threading.Lock(), "a lock does not pickle"])
    assert not pending.in_background and pending.result() == 2
