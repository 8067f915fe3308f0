"""In Chromium: competitor controls go into the link, and the link reopens the same view."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e


def open_competitors(page, url: str) -> None:
    page.goto(url)
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")


def test_changed_controls_reopen_from_the_link(browser, page, app_url):
    open_competitors(page, f"{app_url}/competitors")
    picker = page.locator("[data-testid='stSelectbox']", has_text="Competitor to compare with")
    picker.scroll_into_view_if_needed()
    wait_rendered(page)
    picker.click()
    page.get_by_role("option", name="Corvid", exact=True).click()
    page.wait_for_url(re.compile(r"rival=Corvid"))
    wait_rendered(page)
    page.locator("[data-testid='stMain'] button", has_text="area").click()
    page.wait_for_url(re.compile(r"share_view=area"))
    wait_rendered(page)
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes('Corvid'))")
    titles = settled_titles(page)
    assert any("Northwind vs Corvid" in t for t in titles)
    assert page.locator("[data-testid='stException']").count() == 0

    fresh = fresh_page(browser)
    try:
        open_competitors(fresh, page.url)
        fresh.wait_for_function("() => document.querySelectorAll('.gtitle').length >= %d" % len(titles))
        assert chart_titles(fresh) == titles
        picker = fresh.locator("[data-testid='stSelectbox']", has_text="Competitor to compare with")
        assert picker.locator("input").input_value() == "Corvid"
        assert fresh.locator("[data-testid='stMain'] button[aria-checked='true']", has_text="area").count() == 1
    finally:
        fresh.context.close()


def settled_titles(page, timeout: float = 20.0) -> list[str]:
    """The chart titles once two reads half a second apart agree: a fragment's redraw can
    leave the previous view's chart on screen for a moment after the script has finished."""
    deadline, titles = time.monotonic() + timeout, chart_titles(page)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        again = chart_titles(page)
        if again == titles:
            break
        titles = again
    return titles
