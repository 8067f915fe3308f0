"""The worker process computes what the script would, and the script steps in whenever it cannot."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
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


def test_while_the_worker_is_busy_the_script_computes_itself(worker):
    busy = in_background(time.sleep, 1.0)
    assert busy.in_background
    meanwhile = in_background(os.getpid)
    assert not meanwhile.in_background and meanwhile.result() == os.getpid()
    busy.result()
    deadline = time.monotonic() + 10
    while worker._busy and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_background(os.getpid).in_background  # free again once the job is done


def test_a_broken_worker_costs_time_never_the_number():
    future: Future = Future()
    future.set_exception(BrokenProcessPool("the worker died"))
    assert Pending(sum, ([1, 2, 3],), {}, future).result() == 6
