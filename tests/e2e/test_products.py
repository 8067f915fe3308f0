"""In Chromium: the Products page, and "Our product" carried by a link into a fresh browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import fresh_page, wait_rendered
from tests.e2e.test_share_only import shoot

pytestmark = pytest.mark.e2e


def test_our_product_travels_in_a_link_and_the_page_shows_its_launch(browser, page, app_url):
    page.goto(app_url)
    wait_rendered(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Products").first.click()
    wait_rendered(page)
    box = page.locator("[data-testid='stSelectbox']", has_text="Our product")
    box.scroll_into_view_if_needed()
    wait_rendered(page)
    box.click()
    page.get_by_role("option", name="Northwind Flow", exact=True).click()
    page.wait_for_url(re.compile(r"product=Northwind(\+|%20)Flow"))
    wait_rendered(page)
    link = page.url

    other = fresh_page(browser)
    try:
        other.goto(link)
        wait_rendered(other)
        other.get_by_text("Northwind Flow against its rivals in SMB").wait_for()  # the link's product, not the default
        other.get_by_text(re.compile(r"Northwind Flow, launched Jan 2023, is 15% behind plan")).wait_for()
        assert other.locator("[data-testid='stPlotlyChart']").count() == 4
        assert other.locator("[data-testid='stException']").count() == 0
        titles = other.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents()
        assert "Northwind Flow: 15% behind plan after 36 months" in titles
        shoot(other, "products")
    finally:
        other.context.close()
