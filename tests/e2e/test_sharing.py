"""In Chromium: a saved view reopens identically elsewhere; bad ids and presentation mode behave."""

from __future__ import annotations

import re
import time

import pytest

from dashboard.safe_text import WORD_JOINER
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
    open_and_wait(page, f"{app_url}/?view=https://evil.example/")  # a bare URL would be autolinked
    assert "No saved view “https://evil.example/” exists" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert page.locator("a[href*='evil.example']").count() == 0


def test_presentation_mode_hides_sidebar_and_controls(page, app_url):
    open_and_wait(page, f"{app_url}/competitors?present=1")
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stSelectbox']").first.is_visible()
    assert page.locator("[data-testid='stPlotlyChart']").first.is_visible()


HOSTILE_NAME = "[Click me](https://evil.example/)"


def open_share(page, url: str):
    page.goto(url)
    wait_rendered(page)
    page.get_by_text("Share this view").click()
    return page.locator("[data-testid='stPopoverBody']")


def save_named(page, name: str) -> str:
    """Save the view on screen under `name`; its short link."""
    page.get_by_placeholder("e.g. Board deck: Europe pricing").fill(name)
    page.keyboard.press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Save view").click()
    page.wait_for_selector("text=Short link")
    return re.search(r"http\S+\?view=[a-z0-9]{8}", page.locator("[data-testid='stPopoverBody']").inner_text()).group(0)


def test_view_names_stay_text_and_only_their_browser_lists_and_deletes_them(browser, page, app_url):
    popover = open_share(page, f"{app_url}/data?region=Europe")
    short = save_named(page, HOSTILE_NAME)
    view_id = short.rsplit("=", 1)[1]
    assert page.locator("a[href*='evil.example']").count() == 0
    ours = popover.locator(f"a[href='?view={view_id}']")
    assert ours.inner_text().replace(WORD_JOINER, "") == HOSTILE_NAME  # our link, the name as plain text

    # The same browser in a new session (a reload): the cookie brings its views back.
    page.wait_for_function("() => document.cookie.includes('mtd_browser=')")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "mtd_browser"]
    assert cookie["sameSite"] == "Lax" and cookie["expires"] > time.time() + 300 * 86400
    popover = open_share(page, f"{app_url}/data")
    assert popover.locator(f"a[href='?view={view_id}']").inner_text().replace(WORD_JOINER, "") == HOSTILE_NAME

    fresh = fresh_page(browser)  # a colleague: new cookies
    try:
        theirs = open_share(fresh, f"{app_url}/data")
        theirs.get_by_text("Save this view as").wait_for()
        assert HOSTILE_NAME not in theirs.inner_text().replace(WORD_JOINER, "") and theirs.locator("a[href*='?view=']").count() == 0
        fresh.goto(short)  # but the link opens it for them
        wait_rendered(fresh)
        fresh.wait_for_url(re.compile(r"/data\?"))
        assert f"Opened the saved view “{HOSTILE_NAME}”" in fresh.locator("[data-testid='stAlert']").first.inner_text()
        assert fresh.locator("a[href*='evil.example']").count() == 0
    finally:
        fresh.context.close()

    page.locator(f".st-key-delete_view_{view_id} button:visible").click()  # a hidden twin sizes the icon button
    page.get_by_text("Its link stops working for everyone").wait_for()
    assert popover.locator(f"a[href='?view={view_id}']").count() == 1  # nothing deleted yet
    page.get_by_role("button", name="Confirm delete").click()
    popover.locator(f"a[href='?view={view_id}']").wait_for(state="detached")  # the rerun did the delete
    popover = open_share(page, f"{app_url}/data")
    popover.get_by_text("Save this view as").wait_for()
    assert popover.locator(f"a[href='?view={view_id}']").count() == 0
    page.goto(short)
    wait_rendered(page)
    assert f"No saved view “{view_id}” exists" in page.locator("[data-testid='stAlert']").first.inner_text()
