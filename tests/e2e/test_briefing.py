"""In Chromium: the briefing's findings link to their evidence, and its HTML report works offline."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_rendered
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e


def test_briefing_findings_link_to_their_evidence(page, app_url):
    page.goto(app_url)
    wait_rendered(page)
    page.wait_for_selector("text=What changed")
    evidence = page.locator("[data-testid='stPageLink'] a", has_text="Evidence").first
    href = evidence.get_attribute("href")
    assert "company=Northwind" in href and "focus=" in href
    page.goto(f"{app_url}/{href}")  # the link as a bookmark, in a fresh session
    wait_rendered(page)
    assert page.get_by_text("From the Briefing").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']", has_text="could not be used").count() == 0


def test_html_report_opens_from_disk_with_no_network(browser, page, app_url, tmp_path):
    page.goto(app_url)
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    titles = chart_titles(page)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="Download this briefing")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    report = tmp_path / "briefing.html"
    download.value.save_as(report)

    offline = browser.new_context()
    offline.route("http*://**/*", lambda route: route.abort())  # nothing may come from a server
    try:
        viewer = offline.new_page()
        viewer.goto(report.as_uri())
        viewer.wait_for_selector(".plotly .main-svg")
        assert sorted(viewer.locator(".gtitle").all_text_contents()) == sorted(titles)
        assert viewer.locator(".card").count() >= 3 and "What changed" in viewer.content()
    finally:
        offline.close()
