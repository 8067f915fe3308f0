"""One computation per key at a time: callers asking for a key already being computed wait
for that result instead of computing it again.

`st.cache_data` shares results between sessions only once they are stored: twenty
sessions asking at the same moment for a slice nobody asked for before would each
compute it. `shared` puts a per-key registry of in-flight calls in front of a cached
function, so the first caller computes and the others wait for it, then read the cache.
The registry lock is held only to look up or register a call, never during the work,
so different keys still run side by side.
"""

from __future__ import annotations

import functools
import inspect
import pickle
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """A registry of calls in flight, keyed by what they compute."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[Hashable, Future] = {}

    def do(self, key: Hashable, compute: Callable[[], T]) -> tuple[T, bool]:
        """`compute()` unless a call for `key` is in flight; then that call's result (or error).

        Returns the value and whether this caller computed it. The key is forgotten once
        the call ends, so a failed call is retried by the next caller, and a finished one
        is left to the cache behind it. A caller stopped rather than failed (Streamlit stops
        a script with a `BaseException` when its user moves on) hands the key on: one of
        the waiters computes it instead of receiving someone else's stop.
        """
        while True:
            with self._lock:
                future = self._calls.get(key)
                leads = future is None
                if leads:
                    future = self._calls[key] = Future()
            if leads:
                return self._lead(key, future, compute), True
            try:
                return future.result(), False
            except _Abandoned:
                continue

    def _lead(self, key: Hashable, future: Future, compute: Callable[[], T]) -> T:
        """Compute, forget the key, then wake the waiters (so none finds the key still taken)."""
        try:
            value = compute()
        except Exception as error:
            self._forget(key)
            future.set_exception(error)
            raise
        except BaseException:
            self._forget(key)
            future.set_exception(_Abandoned())
            raise
        self._forget(key)
        future.set_result(value)
        return value

    def _forget(self, key: Hashable) -> None:
        with self._lock:
            del self._calls[key]

    def in_flight(self) -> int:
        with self._lock:
            return len(self._calls)


class _Abandoned(Exception):
    """The computing caller was stopped before it had a result."""


def shared(cached: Callable[..., T]) -> Callable[..., T]:
    """`cached` (an `st.cache_data` function) with concurrent equal calls computed once.

    The key is made of the arguments the cache hashes too: parameters starting with an
    underscore are left out. Callers who waited read the cache afterwards, so each gets
    its own copy, as `st.cache_data` gives.
    """
    flight: SingleFlight[T] = SingleFlight()
    signature = inspect.signature(cached)

    @functools.wraps(cached)
    def call(*args: Any, **kwargs: Any) -> T:
        value, computed = flight.do(call_key(signature, args, kwargs), lambda: cached(*args, **kwargs))
        return value if computed else cached(*args, **kwargs)

    call.flight = flight  # type: ignore[attr-defined]
    if hasattr(cached, "clear"):
        call.clear = cached.clear  # type: ignore[attr-defined]
    return call


def call_key(signature: inspect.Signature, args: tuple, kwargs: dict) -> Hashable:
    """The bound arguments except `_private` ones; unhashable values by their pickle."""
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple((name, _hashable(value)) for name, value in bound.arguments.items() if not name.startswith("_"))


def _hashable(value: object) -> Hashable:
    """The value itself, else its pickle, else its identity (equal but unpicklable values then
    compute separately, which costs time, never correctness)."""
    try:
        hash(value)
        return value  # type: ignore[return-value]
    except TypeError:
        pass
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 (a lambda, a lock, ...)
        return ("unpicklable", id(value))
