"""In Chromium: a share tracker that lives in PostgreSQL becomes a live dataset through the upload's mapping.

The tracker is what a PM's research team keeps in the warehouse: month-end dates, one percent column per
company and an "Other" column. The Data page suggests the wide layout from a sample, groups the dates into
months, asks whether "Other" is a company, and every page then reads the warehouse's aggregates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine

from tests.e2e.harness import free_port, start_app, stop_app, wait_healthy, wait_rendered
from tests.e2e.test_data_upload import sidebar_caption

pytestmark = pytest.mark.e2e


def tracker() -> pd.DataFrame:
    months = pd.date_range("2023-01-31", periods=18, freq="ME")
    trend = np.linspace(0, 1, len(months))[:, None]
    shares = np.round(np.array([40, 30, 20, 10]) + trend * np.array([12, -6, -4, -2]), 1)
    frame = pd.DataFrame(shares, columns=["Apex %", "Borealis %", "Corvid %", "Other %"])
    frame.insert(0, "Period", months.date)
    return frame


@pytest.fixture
def live_server(pg_url, tmp_path):
    engine = create_engine(pg_url)
    tracker().to_sql("share_tracker", engine, index=False)
    engine.dispose()
    port = free_port()
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(tmp_path / "home"),
                                  "MARKET_TRENDS_CONNECTION_WAREHOUSE": pg_url})
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(server)


def test_a_wide_share_tracker_in_the_warehouse_is_mapped_saved_and_read_by_every_page(page, live_server):
    page.goto(f"{live_server}/data")
    wait_rendered(page)
    page.get_by_text("Connect a live SQL source").click()
    wait_rendered(page)
    section = page.locator("[data-testid='stExpander']").filter(has_text="Connect a live SQL source")
    expect(section.get_by_role("combobox", name="Table or view")).to_have_value("share_tracker")  # its only table
    expect(section.get_by_role("radio", name="Wide: one column per company")).to_be_checked()
    expect(section.get_by_role("radio", name="Month")).to_be_checked()
    expect(section.get_by_role("radio", name="The rest of the market")).to_be_checked()
    expect(section.get_by_role("combobox", name="The values are")).to_have_value("Percent share")
    section.get_by_label("Dataset name").fill("Tracker (warehouse)")
    section.get_by_label("Dataset name").press("Enter")
    wait_rendered(page)
    section.get_by_role("button", name="Save live dataset").click()
    caption = page.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']").last
    expect(caption).to_contain_text("Tracker (warehouse)", timeout=60_000)  # saved, then the page reruns on it
    wait_rendered(page)
    assert "live SQL" in sidebar_caption(page)
    assert "postgresql" not in page.content()  # the connection's URL never reaches the browser

    page.get_by_role("link", name="Competitors").click()
    wait_rendered(page)
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    share_chart = page.locator("[data-testid='stPlotlyChart']").first
    expect(share_chart).to_contain_text("Jan 2023")  # month-end dates grouped into months by the warehouse
    page.get_by_role("link", name="Briefing").click()
    wait_rendered(page)
    assert page.locator("[data-testid='stException']").count() == 0
    expect(page.get_by_text("Apex").first).to_be_visible()
