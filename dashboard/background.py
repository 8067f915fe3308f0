"""A second core for the slowest number on a page: it is computed in a worker process
while the script queries, ranks and draws everything else.

A Briefing on a new slice spends half its time on one forecast. Python runs one
thread at a time, so a thread would not help; a process does. The page asks for the
result where it shows it (`Pending.result()`). The one worker serves every session:
jobs queue for it, and a job equal to one queued, running or recently done (same
function, same arguments) shares that job's future, so twenty sessions on one slice
cost one forecast. On two cores this beats computing in the script when the worker is
busy: the script's core is the one every session's rerun needs. Only when the worker
cannot take jobs (still starting, or broken) does the work run in the script: the
numbers are the same either way, only the wait differs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import sys
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

import streamlit as st

T = TypeVar("T")
RECENT_JOBS = 256  # results kept for the next session asking the same: a few floats each
WAIT_LIMIT = 30  # seconds a page waits for the worker before computing the number itself


class Pending(Generic[T]):
    """A result on its way from the worker, or a call still to make in the script."""

    def __init__(self, call: Callable[..., T], args: tuple, kwargs: dict, future: Future | None) -> None:
        self._call, self._args, self._kwargs, self._future = call, args, kwargs, future

    @property
    def in_background(self) -> bool:
        return self._future is not None

    def result(self) -> T:
        if self._future is not None:
            try:
                return self._future.result(timeout=WAIT_LIMIT)
            except Exception:  # a dead or stuck worker costs time, never the number
                pass
        return self._call(*self._args, **self._kwargs)


class _Worker:
    """One worker process, warmed up at start, taking every session's jobs in turn."""

    def __init__(self) -> None:
        # "spawn": forking a server that runs threads can copy a held lock into the child.
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker)
        with _without_main_module():  # the process starts here, on the first job
            self._ready = self._pool.submit(_warm_up)
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Future] = OrderedDict()  # queued, running and recent, oldest first

    def submit(self, call: Callable[..., T], args: tuple, kwargs: dict) -> Future | None:
        """The future of `call(*args, **kwargs)`: an equal job's if there is one, else a new one
        in the queue; None when the worker cannot take jobs."""
        if not self._ready.done() or self._ready.exception() is not None:
            return None
        try:
            key = job_key(call, args, kwargs)
        except Exception:  # noqa: BLE001 (arguments that do not pickle cannot reach the worker either)
            return None
        with self._lock:  # held only to look up or queue, never while a job runs
            future = self._jobs.get(key)
            if future is not None and not _failed(future):
                self._jobs.move_to_end(key)
                return future
            try:
                future = self._pool.submit(call, *args, **kwargs)
            except RuntimeError:  # the pool broke or shut down
                return None
            self._jobs[key] = future
            while len(self._jobs) > RECENT_JOBS:
                self._jobs.popitem(last=False)
        return future


def job_key(call: Callable, args: tuple, kwargs: dict) -> str:
    """A digest of the function and its arguments: equal requests from any session meet here."""
    payload = pickle.dumps((call.__module__, call.__qualname__, args, sorted(kwargs.items())),
                           protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def _failed(future: Future) -> bool:
    """Done with an error (or cancelled): the next request queues the job again."""
    return future.done() and (future.cancelled() or future.exception() is not None)


@contextmanager
def _without_main_module() -> Iterator[None]:
    """A spawned process first re-runs the parent's `__main__`; under Streamlit that is the
    app script, which must not run in the worker. An empty stand-in has nothing to re-run."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@st.cache_resource(show_spinner=False)
def _worker() -> _Worker | None:
    try:
        return _Worker()
    except (OSError, RuntimeError):  # no processes allowed here: everything runs in the script
        return None


def start_worker() -> None:
    """Start the worker (once per server) before the first page needs it: it warms up on the other core
    while this process imports and draws, instead of after the first page asked for a forecast."""
    _worker()


def in_background(call: Callable[..., T], *args: object, **kwargs: object) -> Pending[T]:
    """Queue `call(*args, **kwargs)` for the worker, or join an equal job; `.result()` gets the value.

    `call` and its arguments must pickle: a module-level function and plain data. `call` must
    be pure (its result depends on its arguments only): results are shared between sessions.
    """
    worker = _worker()
    future = worker.submit(call, args, kwargs) if worker is not None else None
    return Pending(call, args, kwargs, future)


def _start_worker() -> None:
    from dashboard.runtime import one_blas_thread  # as in the server: see that module

    one_blas_thread()


def _warm_up() -> bool:
    """Import and run the forecast engine once, so the first real job pays no start-up cost."""
    import numpy as np
    import pandas as pd

    from analysis.briefing import market_outlook

    t = np.arange(48)
    market_outlook(pd.Series(100 + t + 10 * np.sin(t * np.pi / 6), index=pd.date_range("2020-01-01", periods=48,
                                                                                    freq="MS")), season=12)
    return True
