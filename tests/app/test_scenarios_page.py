"""Scenarios page: levers in the link move the outcome through the elasticity; overrides are announced."""

from __future__ import annotations

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import chart_titles, open_app

PAGE = "../pages/scenarios.py"
EUROPE = {"region": ["Europe"]}  # the price war gives a trustworthy elasticity there


def test_baseline_has_no_change_and_a_price_cut_moves_units():
    base = open_app(EUROPE, PAGE)
    assert not base.exception and not base.warning
    assert all("+0.0%" in m.delta for m in base.metric[:3])
    assert all(m.proto.color == m.proto.MetricColor.GRAY and m.proto.direction == m.proto.MetricDirection.NONE
               for m in base.metric[:4])  # no change: grey, not a green up arrow
    assert [m.label for m in base.metric[:3]] == ["Units, next 12 months", "Revenue, next 12 months",
                                                  "Margin, next 12 months"]  # the demo is monthly: the next year
    cut = open_app({**EUROPE, "d_price": "-10"}, PAGE)
    assert not cut.exception and cut.slider(key="d_price").value == -10
    units_delta = float(cut.metric[0].delta.split("%")[0])
    assert units_delta > 0  # a negative elasticity: a cut sells more
    assert chart_titles(open_app({**EUROPE, "d_price": "-10"}, PAGE)) == chart_titles(cut)


def test_an_override_is_announced_and_used():
    at = open_app({**EUROPE, "d_price": "-10", "e_own": "-3.0"}, PAGE)
    assert not at.exception
    assert any("Using your price elasticity -3.00 instead of this slice's estimate" in unescaped_markdown(w.value)
               for w in at.warning)
    stronger = float(at.metric[0].delta.split("%")[0])
    estimate = float(open_app({**EUROPE, "d_price": "-10"}, PAGE).metric[0].delta.split("%")[0])
    assert stronger > estimate


def test_untrustworthy_estimates_are_flagged_and_garbage_named():
    at = open_app({"d_price": "500", "d_share": "x"}, PAGE)  # all regions: price moves with mix, wrong sign
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "wrong sign" in text and "Price change “500”" in text and "Unit share shift “x”" in text


def test_a_wrong_signed_slice_never_makes_a_price_rise_sell_more():
    """The issue's case: on the default slice the slice's own estimate is +0.10; the page must not use it."""
    at = open_app({"d_price": "10"}, PAGE)
    assert not at.exception
    said = " ".join(unescaped_markdown(w.value) for w in at.warning)
    assert "wrong sign" in said and "wider market" in said
    units, revenue = (float(m.delta.split("%")[0]) for m in at.metric[:2])
    assert units < 0 and revenue < 10  # demand falls as price rises: revenue grows by less than the price
    label = next(unescaped_markdown(c.value) for c in at.caption if "Rests on" in c.value)
    assert label.startswith("Rests on a fallback or weak estimate: price elasticity -")
    assert "from the wider market" in label and "units" in label and " to " in label  # the outcome's range


def test_saved_scenarios_are_compared_with_the_baseline_first_in_labelled_columns():
    at = open_app({**EUROPE, "d_price": "-5"}, PAGE)
    at.text_input(key="scenario_name").input("Price cut 5%").run()
    at.button[[b.label for b in at.button].index("Save scenario")].click().run()
    assert not at.exception, at.exception
    assert any("[Open it](" in s.value for s in at.success)  # a link to click, not only to copy
    table = next(d for d in at.dataframe if "scenario" in d.value.columns)
    rows = table.value
    assert list(rows["scenario"]) == ["Baseline (no lever moved)", "Price cut 5%"]
    assert rows.loc[0, "price"] == 0 and rows.loc[1, "price"] == -5
    assert rows.loc[1, "scenario_units"] > rows.loc[0, "scenario_units"]  # a cut sells more
    assert rows["scenario_revenue"].max() < 1000  # shown scaled for reading ($…M), not to the cent
    config = table.proto.columns  # the labels a reader sees
    assert "Unit share at the end" in config and "Our price" in config
