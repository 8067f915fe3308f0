"""Saving a launch option as the plan of one of our products (Opportunities) and tracking it (Products, Briefing).

Each test has its own app database: a saved plan is server-side state that every later session sees.
"""

from __future__ import annotations

import pytest

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app, rendered_text
from tests.app.test_share_only import loaded

OPPORTUNITIES, PRODUCTS = "../pages/opportunities.py", "../pages/products.py"


@pytest.fixture(autouse=True)
def own_database(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))


def test_an_option_saved_as_a_products_plan_is_tracked_on_products_in_a_new_session():
    before = open_app({"product": "Northwind Atlas"}, PRODUCTS)
    assert "Northwind Atlas has no launch plan to track; showing Northwind Flow" in unescaped_markdown(
        rendered_text(before))

    at = open_app({}, OPPORTUNITIES)
    at.selectbox(key="opp").set_value("SMB Essentials plan").run()
    assert not at.exception
    at.selectbox(key="plan_product").set_value("Northwind Atlas").run()
    at.button(key="plan_save").click().run()
    text = unescaped_markdown(rendered_text(at) + "\n".join(s.value for s in at.success))
    assert "Saved: Northwind Atlas is now tracked against SMB Essentials plan" in text
    assert "from its launch in Jan 2016" in text

    after = open_app({"product": "Northwind Atlas"}, PRODUCTS)  # a new session: the plan is in the database
    assert not after.exception
    text = unescaped_markdown(rendered_text(after))
    assert "has no launch plan to track" not in text
    assert "Northwind Atlas, launched Jan 2016, is" in text
    assert any("Northwind Atlas:" in c.proto.spec for c in after.get("plotly_chart")
               if "launch_tracking" in c.proto.id)


def test_a_saved_plan_replaces_the_tables_plan_for_that_product():
    at = open_app({}, OPPORTUNITIES)
    at.selectbox(key="opp").set_value("AI assistant add-on").run()
    at.selectbox(key="plan_product").set_value("Northwind Flow").run()
    at.button(key="plan_save").click().run()
    assert "Saved: Northwind Flow is now tracked against AI assistant add-on" in unescaped_markdown(
        "\n".join(s.value for s in at.success))
    at.run()  # a later rerun says which plan the product follows
    assert "Northwind Flow is tracked against AI assistant add-on, saved" in unescaped_markdown(rendered_text(at))
    products = open_app({"product": "Northwind Flow"}, PRODUCTS)
    metrics = {m.label: m.delta for m in products.metric}
    assert metrics["Units to date vs plan"] != "-15%"  # no longer the table's plan


def test_no_plan_saver_without_products():
    at = loaded()
    at.switch_page(OPPORTUNITIES).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Save as its launch plan"]
