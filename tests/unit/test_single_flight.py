"""Sessions asking for the same numbers at once share one computation; different numbers do not wait."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
import streamlit as st

from dashboard.single_flight import SingleFlight, shared
from data.store import MarketFilter


def test_twenty_callers_of_one_key_compute_once_and_all_get_the_result():
    flight, calls, release = SingleFlight(), [], threading.Event()

    def compute():
        calls.append(1)
        release.wait(timeout=10)  # every caller arrives while the first is still computing
        return {"market": 42}

    arrived = threading.Barrier(21, timeout=10)

    def session():
        arrived.wait()
        return flight.do("europe", compute)

    with ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(session) for _ in range(20)]
        arrived.wait()
        threading.Timer(0.5, release.set).start()  # time for every caller to find the call in flight
        results = [f.result(timeout=20) for f in futures]
    assert len(calls) == 1
    assert all(value == {"market": 42} for value, _ in results)
    assert sum(computed for _, computed in results) == 1


def test_different_keys_run_side_by_side():
    flight, both_running = SingleFlight(), threading.Barrier(2, timeout=10)

    def compute(key):
        both_running.wait()  # breaks (and raises) unless the other key is computing at the same time
        return key

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(flight.do, key, lambda key=key: compute(key)) for key in ("europe", "asia")]
        assert sorted(f.result(timeout=20)[0] for f in futures) == ["asia", "europe"]


def test_an_error_reaches_every_waiter_and_the_next_call_retries():
    flight, release, attempts = SingleFlight(), threading.Event(), []

    def failing():
        attempts.append(1)
        release.wait(timeout=10)
        raise ValueError("no data for this slice")

    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(flight.do, "slice", failing) for _ in range(5)]
        while flight.in_flight() == 0:
            pass
        threading.Timer(0.3, release.set).start()
        for future in futures:
            with pytest.raises(ValueError, match="no data for this slice"):
                future.result(timeout=20)
    assert len(attempts) == 1
    assert flight.do("slice", lambda: "fixed") == ("fixed", True)


def test_a_stopped_caller_hands_the_work_to_a_waiter():
    """Streamlit stops a script with a BaseException; a colleague waiting must not be stopped too."""
    flight, release = SingleFlight(), threading.Event()

    class Stopped(BaseException):
        pass

    def stopped():
        release.wait(timeout=10)
        raise Stopped

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(flight.do, "slice", stopped)
        while flight.in_flight() == 0:
            pass
        second = pool.submit(flight.do, "slice", lambda: "computed by the waiter")
        threading.Timer(0.3, release.set).start()
        with pytest.raises(Stopped):
            first.result(timeout=20)
        assert second.result(timeout=20) == ("computed by the waiter", True)


def test_a_shared_cached_function_computes_a_slice_once_for_concurrent_sessions():
    """The cached function as the app uses it: the store argument is not part of the key, and each
    caller gets its own copy, so one session changing its frame cannot change a colleague's."""
    calls, release = [], threading.Event()

    @shared
    @st.cache_data(show_spinner=False)
    def totals(_store: object, content_hash: str, where: MarketFilter, by: tuple[str, ...]) -> pd.DataFrame:
        calls.append(by)
        release.wait(timeout=10)
        return pd.DataFrame({"units": [10.0, 20.0]})

    europe = MarketFilter(regions=("Europe",), start=pd.Timestamp("2020-01-01"))
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(totals, object(), "abc", europe, ("date",)) for _ in range(8)]
        while totals.flight.in_flight() == 0:
            pass
        threading.Timer(0.3, release.set).start()
        frames = [f.result(timeout=20) for f in futures]
    assert calls == [("date",)]
    frames[0].loc[0, "units"] = -1.0
    assert all(frame["units"].tolist() == [10.0, 20.0] for frame in frames[1:])
    release.set()
    totals(object(), "abc", europe, ("segment",))
    assert calls == [("date",), ("segment",)]


def test_a_chart_is_built_once_for_every_session_with_the_same_data():
    from dashboard.shared_work import computed, figure

    builds = _BUILDS

    def bar(frame: pd.DataFrame, *, title: str):
        builds.append(title)
        return {"title": title, "total": float(frame["units"].sum())}

    europe = pd.DataFrame({"units": [1.0, 2.0]})
    first = figure(_counted_chart, europe, title="Europe")
    again = figure(_counted_chart, europe.copy(), title="Europe")  # another session's equal frame
    other = figure(_counted_chart, pd.DataFrame({"units": [5.0]}), title="Europe")
    assert builds == ["Europe", "Europe"] and first is again and other is not first
    assert other["total"] == 5.0

    table = computed(_doubled, europe)
    table.loc[0, "units"] = -1.0  # one session changing its copy
    assert computed(_doubled, europe)["units"].tolist() == [2.0, 4.0]
    assert figure(bar, europe, title="local") == {"title": "local", "total": 3.0}  # not picklable: built, not shared


_BUILDS: list[str] = []


def _counted_chart(frame: pd.DataFrame, *, title: str) -> dict:
    _BUILDS.append(title)
    return {"title": title, "total": float(frame["units"].sum())}


def _doubled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame * 2
