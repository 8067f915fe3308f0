"""The Products page on the demo (portfolio, our product against its rivals, a launch against its plan),
the "Our product" filter in links, and data without products."""

from __future__ import annotations

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app, rendered_text
from tests.app.test_share_only import loaded

PRODUCTS = "../pages/products.py"


def test_the_portfolio_shows_each_products_stage_and_what_to_do():
    at = open_app({}, PRODUCTS)
    assert not at.exception
    portfolio = at.dataframe[0].value.set_index("product")
    assert list(portfolio.index) == ["Northwind Atlas", "Northwind Go", "Northwind Flow"]
    assert portfolio["stage"].to_dict() == {"Northwind Atlas": "maturity", "Northwind Go": "decline",
                                            "Northwind Flow": "growth"}
    assert portfolio["action"].to_dict() == {"Northwind Atlas": "defend", "Northwind Go": "harvest",
                                             "Northwind Flow": "invest"}
    text = unescaped_markdown(rendered_text(at))
    assert "**Northwind Flow: invest**, sales are growing" in text and "first sold Jan 2023" in text
    assert "Invest in introduction and growth; defend in maturity" in text  # the rule is shown


def test_our_product_against_its_rivals_and_the_launch_against_its_plan():
    at = open_app({"product": "Northwind Flow"}, PRODUCTS)
    assert not at.exception and at.selectbox(key="product").value == "Northwind Flow"
    charts = [c.proto.id for c in at.get("plotly_chart")]
    assert [k for k in ("portfolio_sales", "product_shares", "product_bridge", "launch_tracking")
            if not any(k in c for c in charts)] == []
    text = unescaped_markdown(rendered_text(at))
    assert "Northwind Flow against its rivals in SMB" in [unescaped_markdown(h.value) for h in at.subheader]
    assert "Northwind Flow, launched Jan 2023, is 15% behind plan after 36 months" in text
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["Units to date vs plan"][1] == "-15%"
    assert metrics["NPV re-fitted on the actuals"][0].startswith("$")


def test_the_briefing_names_the_launch_behind_plan_and_opportunities_no_longer_rank_it():
    at = open_app({})
    text = unescaped_markdown(rendered_text(at))
    assert "Northwind Flow, launched Jan 2023, is 15% behind plan" in text
    at.switch_page("../pages/opportunities.py").run()
    assert "Launched, and tracked against its plan on Products: Northwind Flow." in unescaped_markdown(
        rendered_text(at))
    assert "Northwind Flow" not in set(at.dataframe[0].value["option"]) if at.dataframe else True
    assert "Northwind Flow" not in at.selectbox(key="opp").options


def test_a_product_of_another_company_in_a_link_falls_back_and_says_so():
    at = open_app({"product": "Apex Core"}, PRODUCTS)
    assert at.selectbox(key="product").value == "Northwind Atlas"
    at.selectbox(key="company").set_value("Apex").run()
    assert at.selectbox(key="product").value == "Apex Core" and not at.exception
    assert "Apex Core against its rivals in" in " ".join(unescaped_markdown(h.value) for h in at.subheader)


def test_data_without_products_says_so_in_one_line():
    at = loaded()
    at.switch_page(PRODUCTS).run()
    assert not at.exception
    assert "This data has no products for Windows" in unescaped_markdown(rendered_text(at) + "\n".join(
        i.value for i in at.info))
    assert not [s for s in at.selectbox if s.label == "Our product"]


def test_the_briefing_speaks_of_our_product_and_says_which():
    at = open_app({"product": "Northwind Go"})
    line = next(unescaped_markdown(m.value) for m in at.markdown if "Our product" in m.value)
    assert line.startswith("Our product Northwind Go: $24M over the last year, -15% on the year before")
    assert "decline stage, so harvest" in line and "(/products?company=Northwind&product=Northwind+Go)" in line


def test_competitors_and_scenarios_say_which_product_is_ours():
    for page in ("../pages/competitors.py", "../pages/scenarios.py"):
        at = open_app({"product": "Northwind Flow"}, page)
        assert not at.exception
        line = next(unescaped_markdown(m.value) for m in at.markdown if "Our product" in m.value)
        assert line.startswith("Our product Northwind Flow:") and "growth stage, so invest" in line
        assert "(/products?company=Northwind&product=Northwind+Flow)" in line
