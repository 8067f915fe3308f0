"""Work every session would otherwise repeat: charts and the numbers behind them, built once
per distinct input and shared by all sessions.

With everything queried and forecast from cache, a rerun of the Briefing or the Market
page still spent most of its time building Plotly figures and small pandas tables, and
twenty sessions on one 2-core server do that one after another (one Python thread runs
at a time). A figure depends only on its inputs, so the first session builds it and the
others reuse it.

Figures are shared as they are (`st.cache_resource`): pages only draw them and put them in
reports, never change them. Tables go through `st.cache_data`, so each session gets its
own copy. `shared` single-flights both, so sessions arriving together build once.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from dashboard.single_flight import shared

T = TypeVar("T")
CACHE_TTL = "1h"


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`builder(*args, **kwargs)`, built once for all sessions asking for the same chart."""
    key = digest(builder, args, kwargs)
    return builder(*args, **kwargs) if key is None else _figure(key, builder, args, kwargs)


def computed(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` for a pure function, computed once and copied to each session."""
    key = digest(function, args, kwargs)
    return function(*args, **kwargs) if key is None else _computed(key, function, args, kwargs)


def digest(function: Callable, args: tuple, kwargs: dict) -> str | None:
    """A digest of the call, made from the full contents of its arguments (Streamlit's own hash
    samples frames past 50,000 rows); None if they cannot be pickled."""
    try:
        payload = pickle.dumps((function, args, sorted(kwargs.items())), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 (a lambda or an open handle: no sharing, same result)
        return None
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


@shared
@st.cache_resource(ttl=CACHE_TTL, max_entries=256, show_spinner=False)
def _figure(key: str, _builder: Callable[..., go.Figure], _args: tuple, _kwargs: dict) -> go.Figure:
    return _builder(*_args, **_kwargs)


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=512, show_spinner=False)
def _computed(key: str, _function: Callable[..., T], _args: tuple, _kwargs: dict) -> T:
    return _function(*_args, **_kwargs)
