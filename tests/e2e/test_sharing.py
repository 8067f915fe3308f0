"""In Chromium: a saved view reopens identically elsewhere; bad ids and presentation mode behave."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles, sidebar_state

pytestmark = pytest.mark.e2e


def open_and_wait(page, url: str) -> None:
    page.goto(url)
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    wait_rendered(page)


def test_a_saved_view_reopens_in_a_fresh_browser(browser, page, app_url):
    open_and_wait(page, f"{app_url}/competitors?rival=Corvid&region=Europe&share_view=area")
    titles, state = chart_titles(page), sidebar_state(page)
    page.get_by_text("Share this view").click()
    page.get_by_placeholder("e.g. Board deck: Europe pricing").fill("Europe vs Corvid")
    page.keyboard.press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Save view").click()
    page.wait_for_selector("text=Short link")
    short = re.search(r"http\S+\?view=[a-z0-9]{8}", page.locator("[data-testid='stPopoverBody']").inner_text()).group(0)

    fresh = fresh_page(browser)
    try:
        open_and_wait(fresh, short)
        fresh.wait_for_url(re.compile(r"/competitors\?"))
        assert "Opened the saved view “Europe vs Corvid”" in fresh.locator("[data-testid='stAlert']").first.inner_text()
        fresh.wait_for_function("n => document.querySelectorAll('.gtitle').length >= n", arg=len(titles))
        assert chart_titles(fresh) == titles and sidebar_state(fresh) == state
    finally:
        fresh.context.close()


def test_unknown_view_id_shows_a_notice_and_the_default_view(page, app_url):
    open_and_wait(page, f"{app_url}/?view=zzzz9999")
    assert "No saved view “zzzz9999” exists" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert page.locator("h1").first.inner_text() == "Briefing"
    assert page.locator("[data-testid='stException']").count() == 0


def test_presentation_mode_hides_sidebar_and_controls(page, app_url):
    open_and_wait(page, f"{app_url}/competitors?present=1")
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stSelectbox']").first.is_visible()
    assert page.locator("[data-testid='stPlotlyChart']").first.is_visible()
