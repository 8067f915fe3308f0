"""Opportunities page: the ranking names a winner with reasons, and a link reopens the same view."""

from __future__ import annotations

from dashboard.safe_text import unescaped_markdown
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
    assert any(t.startswith("Cash: NPV at the inputs ") and "at 15%" in t for t in titles)
    assert chart_titles(open_app(view, PAGE)) == titles


def test_garbage_link_values_are_named():
    at = open_app({"rate": "99", "opp": "<b>Moonshot</b>", "billing": "weekly"}, PAGE)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "Discount rate" in notice and "Moonshot" in notice and "Revenue per adopter" in notice


def test_one_name_per_npv_and_the_headline_matches_the_table_and_chart():
    import re

    from analysis.launch import EXPECTED_NPV, NPV_AT_INPUTS

    at = open_app({}, PAGE)
    sentence = at.markdown[0].value
    shown = unescaped_markdown(sentence)
    at_inputs = re.search(rf"{NPV_AT_INPUTS} (-?\$[\d.]+[kMB]?)", shown).group(1)
    expected = re.search(rf"{EXPECTED_NPV}, (-?\$[\d.]+[kMB]?)", shown).group(1)
    assert "\\$" in sentence  # escaped: two bare dollar signs would turn the text between them into LaTeX
    table = next(d.value for d in at.dataframe if "expected_npv" in d.value.columns)
    best = table.iloc[0]  # shown in millions, to one decimal
    assert expected == f"${best['expected_npv']:.3g}M" and at_inputs == f"${best['npv']:.3g}M"
    assert any(NPV_AT_INPUTS in c.value and "Expected NPV over the uncertainty:" in c.value for c in at.caption)
    cash = next(t for t in chart_titles(at) if t.startswith("Cash:"))
    assert cash.startswith(f"Cash: {NPV_AT_INPUTS} {at_inputs} at")  # the same figure, the same name


def test_when_no_option_pays_back_the_page_says_so():
    at = open_app({"rate": "30", "years": "1"}, PAGE)
    assert not at.exception
    sentence = at.markdown[0].value
    assert sentence.startswith("**No option pays back at these inputs**") and "highest" not in sentence


def test_an_uploaded_options_table_without_p_and_q_ranks_its_options():
    """p and q are optional in the schema: a planner's sheet of options seldom has Bass parameters."""
    from tests.app.test_real_files import uploaded
    from tests.share_files import quarterly_csv

    options = ('Option,Segment,Region,Market size,Price,Unit cost,Fixed cost,Launch\n'
               '"Apex Pro, EU",All,All,50000,49,20,250000,2025-03\n'
               '"Apex ""Go"" 🚀",All,All,20000,29,12,100000,2025-06\n').encode()
    at = uploaded("quarterly.csv", quarterly_csv())
    at.selectbox(key="load_table").select("opportunities").run()
    at.file_uploader(key="upload_opportunities").upload("options.csv", options).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception  # was KeyError: "['p', 'q'] not in index"
    assert "has the highest expected NPV" in unescaped_markdown(at.markdown[0].value)
    assert at.selectbox(key="opp").options == ["Apex Pro, EU", 'Apex "Go" 🚀']
