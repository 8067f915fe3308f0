"""In Chromium: a file saved to the workspace travels with the link, so a colleague's fresh browser sees it."""

from __future__ import annotations

import pytest

import threading
from http.server import ThreadingHTTPServer

from data.validate import load
from data.workspace import Workspace
from tests.e2e.harness import fresh_page, free_port, start_app, wait_healthy, wait_rendered
from tests.e2e.test_sharing import save_named
from tests.unit.test_refresh import Handler, long_csv, serve
from tests.e2e.test_data_upload import save_upload, sidebar_caption

pytestmark = pytest.mark.e2e

NAME = "Laptop tracker EU <b>Q1</b>"
LONG = (
    "date,segment,region,company,units,revenue\n"
    + "".join(
        f"2024-{m:02d}-01,Laptops,EU,{company},{units + m},{(units + m) * 900}\n"
        for m in range(1, 7)
        for company, units in (("Windows Devices Co", 500), ("Glacier Labs", 300), ("Others", 200))
    )
)


def briefing(page) -> dict[str, list[str]]:
    """What a reader compares: headline figures, chart titles and the companies in the legend."""
    page.wait_for_selector("[data-testid='stPlotlyChart'] .legendtext")
    return {
        "figures": page.locator("[data-testid='stMetricValue']").all_inner_texts(),
        "titles": page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents(),
        "companies": sorted(page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()),
    }


def test_a_saved_dataset_link_opens_it_in_a_fresh_browser(page, browser, app_url, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_text(LONG)
    save_upload(page, app_url, path, NAME)
    assert "data=" in page.url
    assert NAME in sidebar_caption(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    seen = briefing(page)
    assert seen["figures"] and seen["titles"]
    assert "Windows Devices Co" in seen["companies"] and "Glacier Labs" in seen["companies"]
    assert NAME in sidebar_caption(page)  # the choice survives moving between pages
    page.get_by_text("Share this view").click()  # what the user copies and sends
    shared = page.locator("[data-testid='stPopoverBody'] code").first.inner_text().strip()
    assert shared.startswith(app_url) and "data=" in shared
    page.keyboard.press("Escape")

    colleague = fresh_page(browser)  # the VP: no cookies, no session, only the link
    try:
        colleague.goto(shared)
        wait_rendered(colleague)
        assert NAME in sidebar_caption(colleague)
        assert colleague.locator("[data-testid='stException']").count() == 0
        assert briefing(colleague) == seen
    finally:
        colleague.context.close()


def test_a_link_to_an_unknown_dataset_opens_the_demo_with_a_notice(page, app_url):
    page.goto(f"{app_url}/overview?data=zzzzzzzz")
    wait_rendered(page)
    alerts = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert "“zzzzzzzz” in this link cannot be opened" in alerts and "Showing Demo market instead" in alerts
    assert "Demo market" in sidebar_caption(page)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.fixture(scope="module")
def refreshing_app(tmp_path_factory):
    """An app whose workspace may fetch from a web server on 127.0.0.1 (as an administrator would allow),
    the web server, and the app's workspace folder."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    web = f"http://127.0.0.1:{httpd.server_address[1]}"
    home, port = tmp_path_factory.mktemp("refresh-home"), free_port()
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(home), "MARKET_TRENDS_ALLOWED_HOSTS": "127.0.0.1"})
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}", web, home
    finally:
        server.terminate()
        server.wait(timeout=10)
        httpd.shutdown()
        httpd.server_close()


def test_a_saved_view_reopened_after_a_refresh_shows_its_version_and_says_a_newer_one_exists(
        page, browser, refreshing_app):
    app, web, home = refreshing_app
    serve("/phones.csv", long_csv(12))
    loaded = load("phones.csv", long_csv(12), "market")
    dataset_id = Workspace(home).save("Phones EU", {"market": loaded.frame}, f"{web}/phones.csv").dataset_id

    page.goto(f"{app}/overview?data={dataset_id}")
    wait_rendered(page)
    before = briefing(page)
    page.get_by_text("Share this view").click()
    short = save_named(page, "Phones board deck")
    page.keyboard.press("Escape")

    serve("/phones.csv", long_csv(18))  # the publisher added six months
    page.locator("[data-testid='stSidebarNavLink']", has_text="Data").click()
    wait_rendered(page)
    page.get_by_role("button", name="Refresh").click()
    page.wait_for_selector("text=version 2 saved")
    wait_rendered(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    assert briefing(page)["figures"] != before["figures"]  # the link without a version follows the latest

    colleague = fresh_page(browser)
    try:
        colleague.goto(short)
        wait_rendered(colleague)
        colleague.wait_for_selector("text=Numbers as of version 1 of Phones EU")
        wait_rendered(colleague)
        notice = colleague.locator("[data-testid='stAlert']", has_text="as of version 1").inner_text()
        assert "version 2 is the latest" in notice and "open latest" in notice
        assert briefing(colleague) == before  # the pinned version's numbers
        assert colleague.locator("[data-testid='stException']").count() == 0
    finally:
        colleague.context.close()
