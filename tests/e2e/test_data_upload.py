"""In Chromium: bad uploads are explained and change nothing; a share tracker file drives the Overview."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import wait_rendered

pytestmark = pytest.mark.e2e

WIDE = "Month,Apex %,Northwind %,Others %\n2024-01,40.0,35.0,25.0\n2024-02,41.0,34.0,25.1\n2024-03,39.9,35.0,25.0\n"
BROKEN = "date,segment,region,company,units,revenue\n2024-01-01,SMB,EU,Apex,ten,5\n2024-01-01,SMB,EU,Apex,3,-5\n"


def upload(page, path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.wait_for_selector("[data-testid='stAlert']")
    wait_rendered(page)


def save_upload(page, app_url: str, path, name: str) -> None:
    """On the Data page: upload `path`, name it and save it to the workspace, as a user does."""
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, path)
    box = page.get_by_label("Dataset name")
    box.fill(name)
    box.press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Save to workspace").click()
    page.wait_for_selector("text=to the workspace (id")
    wait_rendered(page)


def sidebar_caption(page) -> str:
    return page.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']").last.inner_text()


def test_broken_csv_shows_the_message_and_keeps_the_data(page, app_url, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text(BROKEN)
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, broken)
    alerts = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert "“ten” is not a number" in alerts and "row 2" in alerts
    assert "Nothing changed" in alerts
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Demo market" in sidebar_caption(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    expect(page.locator("[data-testid='stMetric']")).to_have_count(4)  # the demo data, unchanged


def test_wide_share_file_confirmed_changes_the_overview(page, app_url, tmp_path):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(WIDE)
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, tracker)
    assert page.get_by_text("Wide: one column per company").count() == 1
    assert "can be loaded" in "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    page.get_by_role("button", name="Use this market table on every page").click()
    page.wait_for_selector("text=Every page now uses")
    wait_rendered(page)
    assert "tracker.csv" in sidebar_caption(page)

    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    title = page.locator("[data-testid='stPlotlyChart'] .gtitle").first.text_content()
    assert title.startswith("Apex market share")  # the new data starts from its own default company, not the demo's
    legend = page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
    assert sorted(legend) == ["Apex", "Northwind", "Others"]
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("name, text, expected", [
    ("far.csv", "date,segment,region,company,units\n2024-01-01,SMB,EU,Apex,1\n9999-12-01,SMB,EU,Apex,2\n",
     "“9999-12-01” is outside the dates this dashboard handles (1900-01-01 to 2200-12-31)"),
    ("twice.csv", "date,segment,region,company,units,units \n2024-01-01,SMB,EU,Apex,1,2\n",
     "twice.csv has duplicate columns: “units” and “units ” (columns 5, 6)"),
])
def test_files_that_used_to_raise_show_their_report_line(page, app_url, tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, path)
    alerts = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert expected in alerts and "Nothing changed" in alerts
    assert page.locator("[data-testid='stException']").count() == 0


def put_to_use(page, name: str, data: bytes) -> None:
    """On the Data page: upload `data` as `name` and use it as the market table on every page."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.wait_for_selector(f"text={name}")
    wait_rendered(page)
    page.get_by_role("button", name="Use this market table on every page").click()
    page.wait_for_selector(f"text=Loaded {name}")
    wait_rendered(page)


def test_the_sidebar_names_the_loaded_file_at_once_on_a_server_with_nothing_saved(browser, tmp_path):
    """The Dataset box said "Demo market" after "Use this … on every page" until the next page (only its label had
    changed, and the browser kept the old one). A server of its own: first with nothing saved (a read-only box),
    then with a saved dataset in the list."""
    from tests.e2e.harness import free_port, start_app, stop_app, wait_healthy
    from tests.share_files import quarterly_csv, weekly_gaps_csv

    port, home = free_port(), tmp_path / "home"
    home.mkdir()
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(home)})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/data")
        wait_rendered(page)
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
        expect(picker.locator("input")).to_have_value("Demo market")  # the box shows its value in an input
        put_to_use(page, "quarterly.csv", quarterly_csv())
        expect(picker.locator("input")).to_have_value("Your data (quarterly.csv)", timeout=5_000)
        box = page.get_by_label("Dataset name")
        box.fill("Quarterly sales")
        box.press("Enter")
        wait_rendered(page)
        page.get_by_role("button", name="Save to workspace").click()  # now the box lists saved datasets too
        page.wait_for_selector("text=to the workspace (id")
        wait_rendered(page)
        put_to_use(page, "weekly.csv", weekly_gaps_csv())
        expect(picker.locator("input")).to_have_value("Your data (weekly.csv)", timeout=5_000)
    finally:
        context.close()
        stop_app(server)
