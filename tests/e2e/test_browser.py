"""In real Chromium: a changed filter goes into the URL, and the URL reopens the view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import wait_rendered, fresh_page

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
    expect(page.locator("[data-testid='stMetric']")).to_have_count(4)  # the forecast card arrives last
    titles = chart_titles(page)
    assert len(titles) == 2 and "grew fastest" in titles[0] and "Northwind revenue share" in titles[1]


def sidebar_state(page) -> dict:
    """What a user sees in the sidebar: chips per multiselect, the active measure, the period."""
    return {
        "chips": [
            box.locator("[data-tag] span[title]").all_inner_texts()
            for box in page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").all()
        ],
        "measure": page.locator("[data-testid='stSidebar'] button[aria-checked='true']").all_inner_texts(),
        "period": page.locator("[data-testid='stSidebar'] [data-testid='stSliderThumbValue']").all_inner_texts(),
        "company": page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox'] input").first.input_value(),
    }


def test_a_changed_filter_reopens_from_its_link(browser, page, app_url):
    open_page(page, app_url)
    before = chart_titles(page)

    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").nth(1).click()
    page.get_by_role("option", name="Europe", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"region=Europe"))
    wait_rendered(page)
    page.locator("[data-testid='stSidebar'] button", has_text="units").click()
    page.wait_for_url(re.compile(r"measure=units"))
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stPlotlyChart'] .gtitle\")]"
        ".some(e => e.textContent.includes('unit share'))"
    )
    wait_rendered(page)
    expect(page.locator("[data-testid='stMetric']")).to_have_count(4)
    after, state = chart_titles(page), sidebar_state(page)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert after != before and "unit share" in after[1]
    assert state["chips"] == [[], ["Europe"]] and state["measure"] == ["units"]

    fresh = fresh_page(browser)
    try:
        open_page(fresh, page.url)
        assert sidebar_state(fresh) == state
        assert chart_titles(fresh) == after
        expect(fresh.locator("[data-testid='stMetricValue']")).to_have_text(metrics)
        assert fresh.locator("[data-testid='stException']").count() == 0
    finally:
        fresh.context.close()


def test_garbage_link_shows_a_notice_not_a_traceback(page, app_url):
    open_page(page, f"{app_url}/?region=Narnia&company=%3Cb%3Ex%3C%2Fb%3E&period=1999-01")
    notices = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("Narnia" in n for n in notices)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("path, title", [("/", "Briefing"), ("/overview", "Briefing"), ("/data", "Data")])
def test_every_page_url_opens_its_page(page, app_url, path, title):
    page.goto(f"{app_url}{path}?region=Europe")
    wait_rendered(page)
    assert page.locator("h1").first.inner_text() == title
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_filters_follow_the_user_to_another_page(page, app_url):
    open_page(page, f"{app_url}/overview?region=Europe&measure=units")
    page.locator("[data-testid='stSidebarNavLink']", has_text="Data").click()
    page.wait_for_url(re.compile(r"/data\?"))
    wait_rendered(page)
    assert "region=Europe" in page.url and "measure=units" in page.url
    assert sidebar_state(page)["chips"] == [[], ["Europe"]]


def test_chart_data_downloads_as_csv_and_excel(page, app_url, tmp_path):
    import pandas as pd

    open_page(page, f"{app_url}/?segment=SMB")
    page.wait_for_selector("[data-testid='stDownloadButton']")
    wait_rendered(page)
    files = {}
    for label in ("CSV", "Excel"):
        button = page.locator("[data-testid='stDownloadButton'] button", has_text=label).first
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=60_000) as download:
            button.click()
        files[label] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[label])
    csv, excel = pd.read_csv(files["CSV"], parse_dates=["date"]), pd.read_excel(files["Excel"])
    assert files["Excel"].name == "market_by_segment.xlsx" and len(csv) == 120
    assert csv["segment"].eq("SMB").all()
    pd.testing.assert_frame_equal(csv, excel, check_dtype=False)
