"""Market page: forecast controls live in the link, and a link reproduces the same forecast."""

from __future__ import annotations

import base64
import json

import numpy as np
import streamlit as st

from analysis.forecast import clear_cache, engine
from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import chart_titles, open_app

PAGE = "../pages/market.py"


def test_default_market_page_shows_size_growth_seasonality_and_forecast():
    at = open_app({}, PAGE)
    assert not at.exception
    titles = chart_titles(at)
    assert len(titles) == 6 and any(t.startswith("Market revenue: next 12 months $") for t in titles)  # 6th: track record
    assert any("seasonality explains" in t for t in titles)
    assert any("missed by" in m.value and "fell inside the 90% band" in m.value for m in at.markdown)


def test_a_link_sets_horizon_level_and_model_and_reproduces_the_chart():
    view = {"horizon": "6", "level": "80", "model": "theta", "split": "region", "measure": "units"}
    at = open_app(view, PAGE)
    assert not at.exception
    assert at.slider(key="horizon").value == 6 and at.select_slider(key="level").value == "80"
    assert at.selectbox(key="_model_worded").value == "theta" and at.segmented_control(key="split").value == "region"
    titles = chart_titles(at)
    assert any(t.startswith("Market units: next 12 months") and "shown 6 periods ahead at 80%" in t for t in titles)
    assert any("80%" in e.label or "Theta" in e.label for e in at.expander)
    assert chart_titles(open_app(view, PAGE)) == titles


def test_garbage_forecast_settings_are_named():
    at = open_app({"horizon": "9999", "level": "42", "model": "crystal_ball"}, PAGE)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "Horizon “9999”: not a whole number of periods from 1 to 36" in notice
    assert "Interval level “42”: not 80, 90 or 95" in notice and "crystal" in notice


def test_a_driver_comparison_from_the_link():
    at = open_app({"driver": "price_index", "horizon": "12"}, PAGE)
    assert not at.exception
    assert any(unescaped_markdown(m.value).startswith("Adding price_index") for m in at.markdown)
    assert any("with price_index as a driver (SARIMAX)" in t for t in chart_titles(at))


def test_the_forecast_headline_is_the_next_year_total_and_equals_the_briefings_card():
    view = {"segment": ["SMB"], "region": ["Europe"]}
    market = open_app(view, "../pages/market.py")
    assert not market.exception, market.exception
    card = next(m for m in market.metric if m.label == "Forecast, next 12 months")
    briefing = open_app(view)
    same = next(m for m in briefing.metric if m.label == "Forecast, next 12 months")
    assert (card.value, card.delta) == (same.value, same.delta)
    title = next(t for t in chart_titles(market) if t.startswith("Market revenue: next 12 months"))
    assert card.value.replace("$", "") in title.replace("$", "")
    picker = market.selectbox(key="_model_worded")
    assert picker.value == "auto" and picker.format_func("auto").startswith("Automatic")
    picker.select("holt_winters").run()
    assert market.query_params["model"] == "holt_winters"  # the link keeps the stable name, not the words


def forecast_trace(at, name: str) -> np.ndarray:
    """The y values of one trace of the forecast chart ("Forecast" or the interval band)."""
    chart = next(c for c in at.get("plotly_chart") if "shown" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    trace = next(t for t in json.loads(chart.proto.spec)["data"] if t["name"].endswith(name))
    return np.asarray(plotly_values(trace["y"]), dtype=float)


def plotly_values(y) -> list[float]:
    if isinstance(y, dict):  # plotly's typed-array encoding
        return list(np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])))
    return y


def test_moving_the_horizon_and_the_level_derives_from_one_fit(monkeypatch):
    """The forecast is fitted once per slice: a horizon or level move slices it, never refits."""
    st.cache_data.clear()
    clear_cache()
    fits: list[int] = []
    real = engine._fit
    monkeypatch.setattr(engine, "_fit", lambda *args, **kwargs: fits.append(1) or real(*args, **kwargs))
    at = open_app({"horizon": "24"}, PAGE)
    assert not at.exception, at.exception
    made, card = len(fits), next(m for m in at.metric if m.label == "Forecast, next 12 months").value
    mean, band = forecast_trace(at, "Forecast"), forecast_trace(at, "prediction interval")
    assert made >= 1 and len(mean) == 24 and len(band) == 48

    at.slider(key="horizon").set_value(6).run()
    assert not at.exception and len(fits) == made
    assert any("shown 6 periods ahead at 90%" in t for t in chart_titles(at))
    np.testing.assert_allclose(forecast_trace(at, "Forecast"), mean[:6])
    upper90, lower90 = band[:6], band[24:][::-1][:6]
    np.testing.assert_allclose(forecast_trace(at, "prediction interval"), [*upper90, *lower90[::-1]])

    at.select_slider(key="level").set_value("80").run()
    assert not at.exception and len(fits) == made
    assert any("shown 6 periods ahead at 80%" in t for t in chart_titles(at))
    np.testing.assert_allclose(forecast_trace(at, "Forecast"), mean[:6])
    band80 = forecast_trace(at, "prediction interval")
    assert (band80[:6] <= upper90 + 1e-9).all() and (band80[6:][::-1] >= lower90 - 1e-9).all()
    assert (band80[:6] - band80[6:][::-1]).sum() < (upper90 - lower90).sum()
    assert next(m for m in at.metric if m.label == "Forecast, next 12 months").value == card
