"""AppTest: comparisons are said in a plain sentence first, their statistics behind "Details"."""

from __future__ import annotations

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app


def test_the_driver_comparison_is_a_sentence_with_its_statistics_behind_details():
    at = open_app({"driver": "price_index", "horizon": "12"}, "../pages/market.py")
    assert not at.exception, at.exception
    said = [t for t in (unescaped_markdown(m.value) for m in at.markdown) if t.startswith("Adding price_index")]
    assert len(said) == 1 and "forecast" in said[0] and "p =" not in said[0] and "elasticity" not in said[0]
    details = next(e for e in at.expander if e.label == "Details: the driver's statistics")
    table = details.dataframe[0].value
    assert list(table["Statistic"])[:2] == ["Elasticity of the market to price_index (log-log)",
                                            "p-value of that elasticity"]
    assert all(len(v.split(".")[-1].rstrip("%")) == 2 for v in table["Value"] if "." in v)  # two decimals


def test_scenarios_say_which_lever_matters_most_before_the_tornado():
    at = open_app({}, "../pages/scenarios.py")
    assert not at.exception, at.exception
    said = [unescaped_markdown(m.value) for m in at.markdown if "moves revenue most" in m.value]
    assert len(said) == 1 and said[0].startswith("Of the levers moved by a realistic amount, ")
    details = next(e for e in at.expander if e.label.startswith("Details: the slice's own estimates"))
    assert "R² = " in " ".join(c.value for c in details.caption)  # R² and p-values live behind details
