"""Every key a widget binds to the link survives an empty or garbage value.

The table below lists the bound keys of each page. The garbage walk also reads
the keys off the widgets the run created, so a new bound widget that is not in
the table fails here until it is covered (and given a spec).
"""

from __future__ import annotations

import functools
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_pages import APP, PAGES, open_app

NOTICE = "Some values in this link could not be used"
SIDEBAR = ("company", "segment", "region", "period", "measure", "product")  # on every page (product: data with products)
BOUND = {
    "../pages/overview.py": ("outlook",),
    "../pages/market.py": ("split", "horizon", "level", "model", "driver"),
    "../pages/competitors.py": ("share_view", "bridge", "rival", "cap_with", "cap_view"),
    "../pages/scenarios.py": ("e_own", "cost_pct", "d_price", "d_mkt", "d_growth", "d_comp", "d_share"),
    "../pages/products.py": (),
    "../pages/opportunities.py": ("billing", "rate", "years", "opp", "analog"),
    "../pages/feature_requests.py": ("fr_group", "fr_sort", "fr_feature"),
    "../pages/data.py": (),
}
# Where `?key=` is a real state equal to the default: an empty multiselect (all
# segments, nobody else) and a cleared override ("empty: use the estimate").
EMPTY_IS_A_STATE = {"segment", "region", "cap_with", "e_own"}
GARBAGE = ["zzz", "nan", "1e308"]
EMPTY_CASES = [(page, key) for page, keys in BOUND.items() for key in keys]
EMPTY_CASES += [(PAGES[0], key) for key in SIDEBAR]  # the sidebar is the same code on every page


def open_directly(params: dict, page: str) -> AppTest:
    """The page as a shared link opens it: the sidebar and the page read the link in the same first run.

    (`open_app` runs the Briefing first, whose sidebar drops bad values before the page is reached.)
    AppTest finds a page before its first run by file name only, so /feature-requests cannot be
    opened this way: it falls back to `open_app`, and its sidebar keys are checked on the other pages.
    """
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    return at


def bound_widgets(at: AppTest) -> dict[str, object]:
    """The widgets this run created with bind="query-params", by URL key."""
    def walk(node):
        yield node
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else children or []):
            yield from walk(child)

    nodes = [*walk(at.main), *walk(at.sidebar)]
    bound = {key: node for node in nodes if (key := getattr(getattr(node, "proto", None), "query_param_key", ""))}
    # Bound by hand (dashboard.bound.worded_choice): the widget's key is "_<url key>_worded".
    worded = {m.group(1): node for node in nodes
              if (m := re.fullmatch(r"_(\w+)_worded", str(getattr(node, "key", None) or "")))}
    return {**worded, **bound}


def bound_keys(at: AppTest) -> set[str]:
    return set(bound_widgets(at))


def notice_lines(at: AppTest) -> list[str]:
    return [line for w in at.warning if w.value.startswith(NOTICE) for line in w.value.splitlines()[1:]]


def what_the_user_sees(at: AppTest) -> list[str]:
    """Controls, chart titles, card figures and text: what a link that silently changed the view would change."""
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    controls = [f"{key}={widget.value!r}" for key, widget in sorted(bound_widgets(at).items())]
    return controls + titles + [f"{m.label}={m.value} {m.delta}" for m in at.metric] + [m.value for m in at.markdown]


@functools.cache
def default_view(page: str) -> tuple[str, ...]:
    at = open_app({}, page)
    assert not at.exception and not notice_lines(at)
    return tuple(what_the_user_sees(at))


def test_every_page_is_in_the_table():
    assert set(BOUND) == set(PAGES)


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("page", PAGES)
def test_garbage_in_every_bound_key_is_named_and_changes_nothing(page, value):
    keys = (*SIDEBAR, *BOUND[page])
    direct = page != "../pages/feature_requests.py"
    at = (open_directly if direct else open_app)(dict.fromkeys(keys, value), page)
    assert not at.exception, at.exception
    assert bound_keys(at) == set(keys), "a bound widget is missing from BOUND: give it a spec and list it"
    named = keys if direct else BOUND[page]
    assert len(notice_lines(at)) == len(named), notice_lines(at)  # one line per key
    assert what_the_user_sees(at) == list(default_view(page))


@pytest.mark.parametrize(("page", "key"), EMPTY_CASES, ids=[f"{p.split('/')[-1][:-3]}-{k}" for p, k in EMPTY_CASES])
def test_an_empty_key_shows_the_default_view(page, key):
    at = open_app({key: ""}, page)
    assert not at.exception, at.exception
    assert key in bound_keys(at)
    lines = notice_lines(at)
    if key in EMPTY_IS_A_STATE:
        assert lines == []
    else:
        assert len(lines) == 1 and lines[0].endswith(": empty in the link."), lines
    assert what_the_user_sees(at) == list(default_view(page))


def test_an_empty_split_groups_the_market_by_segment():
    at = open_app({"split": ""}, "../pages/market.py")
    assert not at.exception
    assert any(m.value == "**Size and growth by segment**" for m in at.markdown)
    assert at.segmented_control(key="split").value == "segment"
    assert notice_lines(at) == ["- Split: empty in the link."]


def test_an_empty_billing_keeps_yearly_revenue():
    empty = open_app({"billing": ""}, "../pages/opportunities.py")
    assert not empty.exception
    assert notice_lines(empty) == ["- Revenue per adopter: empty in the link."]
    assert empty.segmented_control(key="billing").value == "yearly"
    ranking = empty.markdown[0].value  # "**Mid-Market Pro relaunch** has the highest expected NPV over … $4.39M …"
    assert ranking == open_app({}, "../pages/opportunities.py").markdown[0].value
    assert "highest expected NPV over the uncertainty, \\$4\\." in ranking  # escaped: "$" pairs would be LaTeX


@pytest.mark.parametrize("value", ["1e308", "nan", "37", "inf"])
def test_an_impossible_elasticity_override_is_named(value):
    at = open_app({"e_own": value, "region": ["Europe"]}, "../pages/scenarios.py")
    assert not at.exception
    assert notice_lines(at) == [f"- Price elasticity “{value}”: not a number from -10 to 5."]
    assert not any("Using your price elasticity" in i.value for i in at.info)


def test_a_garbage_outlook_switch_is_named():
    at = open_app({"outlook": "zzz"}, PAGES[0])
    assert not at.exception
    assert notice_lines(at) == ["- Outlook of every segment “zzz”: not true or false."]
