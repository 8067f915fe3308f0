"""Opportunities page: the ranking names a winner with reasons, and a link reopens the same view."""

from __future__ import annotations

from tests.app.test_pages import chart_titles, open_app

PAGE = "../pages/opportunities.py"


def test_default_view_ranks_the_options_and_names_the_winner():
    at = open_app({}, PAGE)
    assert not at.exception
    sentence = at.markdown[0].value
    assert "has the highest expected NPV" in sentence and "what moves it most" in sentence
    assert len(chart_titles(at)) == 5


def test_a_link_sets_rate_horizon_option_analog_and_billing():
    view = {"rate": "15", "years": "8", "opp": "SMB Essentials plan", "analog": "Fluxion in SMB (from Jan 2019)",
            "billing": "once"}
    at = open_app(view, PAGE)
    assert not at.exception
    assert at.slider(key="rate").value == 15 and at.slider(key="years").value == 8
    assert at.selectbox(key="opp").value == "SMB Essentials plan"
    assert at.segmented_control(key="billing").value == "once"
    assert any("Fluxion in SMB" in c.value and "Used for SMB Essentials plan" in c.value for c in at.caption)
    titles = chart_titles(at)
    assert any(t.startswith("Cash: NPV") and "at 15%" in t for t in titles)
    assert chart_titles(open_app(view, PAGE)) == titles


def test_garbage_link_values_are_named():
    at = open_app({"rate": "99", "opp": "<b>Moonshot</b>", "billing": "weekly"}, PAGE)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "Discount rate" in notice and "Moonshot" in notice and "Revenue per adopter" in notice
