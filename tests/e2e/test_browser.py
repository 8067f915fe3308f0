"""In real Chromium: a changed filter goes into the URL, and the URL reopens the view."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered

pytestmark = pytest.mark.e2e


def chart_titles(page) -> list[str]:
    return page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents()


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle, [data-testid='stDataFrame']")


def test_overview_renders_without_exception(page, app_url):
    open_page(page, app_url)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stMetric']").count() == 4
    assert any("by segment" in t for t in chart_titles(page))


def test_a_changed_filter_reopens_from_its_link(browser, page, app_url):
    open_page(page, app_url)
    before = chart_titles(page)

    page.get_by_role("radio", name="units").or_(page.get_by_text("units", exact=True)).first.click()
    page.wait_for_url(re.compile(r"measure=units"))
    wait_rendered(page)
    page.wait_for_function("() => document.querySelector(\"[data-testid='stPlotlyChart'] .gtitle\").textContent.includes('units')")
    after = chart_titles(page)
    assert after != before and "units" in after[0]
    link = page.url

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_page(fresh, link)
        assert chart_titles(fresh) == after
        labels = fresh.locator("[data-testid='stMetric'] [data-testid='stMetricLabel']").all_inner_texts()
        assert any("units" in label for label in labels)
        assert fresh.locator("[data-testid='stException']").count() == 0
    finally:
        fresh.context.close()


def test_garbage_link_shows_a_notice_not_a_traceback(page, app_url):
    open_page(page, f"{app_url}/?region=Narnia&company=%3Cb%3Ex%3C%2Fb%3E&period=1999-01")
    notices = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("Narnia" in n for n in notices)
    assert page.locator("[data-testid='stException']").count() == 0
