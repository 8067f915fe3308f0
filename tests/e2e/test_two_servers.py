"""In Chromium: two app servers behind (what would be) a load balancer share one PostgreSQL and one folder.

The servers run exactly as docs/deploy.md says: the same MARKET_TRENDS_DATABASE_URL (a plain `postgresql://`
URL) and the same MARKET_TRENDS_HOME on both. A user whose next request lands on the other server must see
what they saved on the first one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import fresh_page, free_port, start_app, stop_app, wait_healthy, wait_rendered
from tests.e2e.test_data_upload import save_upload, sidebar_caption
from tests.e2e.test_sharing import open_share, save_named
from tests.e2e.test_workspace import LONG, briefing

pytestmark = pytest.mark.e2e
NAME = "Shared laptops EU"


@pytest.fixture
def two_servers(pg_url, tmp_path):
    """Two `streamlit run` servers on two ports: one PostgreSQL app database, one shared home folder."""
    home = tmp_path / "shared-home"
    env = {"MARKET_TRENDS_DATABASE_URL": pg_url.replace("postgresql+psycopg://", "postgresql://", 1),
           "MARKET_TRENDS_HOME": str(home)}
    ports = [free_port(), free_port()]
    servers = [start_app(port, env=env) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, server in zip(urls, servers):
            wait_healthy(url, server)
        yield urls
    finally:
        for server in servers:
            stop_app(server)


def test_a_view_saved_on_one_server_opens_on_the_other(browser, page, two_servers):
    first, second = two_servers
    open_share(page, f"{first}/competitors?rival=Corvid&region=Europe")
    short = save_named(page, "Europe vs Corvid")
    assert short.startswith(first)
    other = fresh_page(browser)
    try:
        other.goto(short.replace(first, second, 1))
        wait_rendered(other)
        other.wait_for_url(re.compile(rf"^{re.escape(second)}/competitors\?"))
        assert "Opened the saved view “Europe vs Corvid”" in other.locator("[data-testid='stAlert']").first.inner_text()
        assert "rival=Corvid" in other.url and "region=Europe" in other.url
        assert other.locator("[data-testid='stException']").count() == 0
    finally:
        other.context.close()


def test_a_dataset_saved_on_one_server_is_listed_and_opens_on_the_other(browser, page, two_servers, tmp_path):
    first, second = two_servers
    path = tmp_path / "tracker.csv"
    path.write_text(LONG)
    save_upload(page, first, path, NAME)
    dataset_id = re.search(r"data=([a-z0-9]{8})", page.url).group(1)

    other = fresh_page(browser)  # the load balancer sends the next visitor to the second server
    try:
        other.goto(f"{second}/data")
        wait_rendered(other)
        manage = other.locator("[data-testid='stSelectbox']", has_text="Manage")
        assert manage.locator("input").input_value() == f"{NAME} ({dataset_id})"  # listed in the second server's workspace
        other.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']", has_text="Dataset").click()
        other.get_by_role("option", name=NAME, exact=True).click()  # chosen from the second server's picker
        other.wait_for_url(re.compile(rf"data={dataset_id}"))
        expect(other.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']").last).to_contain_text(NAME)
        wait_rendered(other)
        assert NAME in sidebar_caption(other)
        other.goto(f"{second}/overview?data={dataset_id}")  # and the first server's link, on the second
        wait_rendered(other)
        seen = briefing(other)
        assert "Windows Devices Co" in seen["companies"] and "Glacier Labs" in seen["companies"]
        assert other.locator("[data-testid='stException']").count() == 0
    finally:
        other.context.close()
