"""In Chromium: the chosen feature and sort order go into the link, and the link reopens the same view."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e
DRILL = "Who asks for"


def open_feature_requests(page, url: str) -> None:
    page.goto(url)
    wait_rendered(page)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes('{DRILL}'))")


def picker(page, label: str):
    """The selectbox whose label starts with `label` ("Feature" is also inside "Rank features by")."""
    return page.locator("[data-testid='stSelectbox']", has_text=re.compile(f"^{label}$"))


def choose(page, label: str, option: str) -> None:
    box = picker(page, label)
    box.scroll_into_view_if_needed()  # charts above still settling can move it away from under the click
    page.wait_for_timeout(300)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def drill_title(page) -> str:
    return next(t for t in chart_titles(page) if t.startswith(DRILL))


def test_feature_and_sort_order_reopen_from_the_link(browser, page, app_url):
    open_feature_requests(page, f"{app_url}/feature-requests")
    assert drill_title(page).startswith("Who asks for Export to Excel")

    choose(page, "Rank features by", "RICE")
    page.wait_for_url(re.compile(r"fr_sort=RICE"))
    wait_rendered(page)
    choose(page, "Feature", "Mainframe connector")
    page.wait_for_url(re.compile(r"fr_feature=Mainframe"))
    wait_rendered(page)
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')]"
                           ".some(e => e.textContent.includes('Mainframe connector'))")
    title = drill_title(page)
    assert title.startswith("Who asks for Mainframe connector: only Titan Global Holdings")
    assert page.get_by_text("Ranked by RICE, highest first.").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0

    fresh = fresh_page(browser)
    try:
        open_feature_requests(fresh, page.url)
        assert drill_title(fresh) == title
        for label, value in (("Feature", "Mainframe connector"), ("Rank features by", "RICE")):
            assert picker(fresh, label).locator("input").input_value() == value
        assert fresh.get_by_text("Ranked by RICE, highest first.").count() == 1
        assert fresh.locator("[data-testid='stAlert']").count() == 0  # a good link raises no notice
    finally:
        fresh.context.close()
