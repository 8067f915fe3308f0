"""In Chromium: a file saved to the workspace travels with the link, so a colleague's fresh browser sees it."""

from __future__ import annotations

import pytest

from tests.e2e.harness import fresh_page, wait_rendered
from tests.e2e.test_data_upload import sidebar_caption, upload

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
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, path)
    name = page.get_by_label("Dataset name")
    name.fill(NAME)
    name.press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Save to workspace").click()
    page.wait_for_selector("text=to the workspace (id")
    wait_rendered(page)
    assert "data=" in page.url
    assert NAME in sidebar_caption(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    seen = briefing(page)
    assert seen["figures"] and seen["titles"]
    assert "Windows Devices Co" in seen["companies"] and "Glacier Labs" in seen["companies"]
    assert NAME in sidebar_caption(page)  # the choice survives moving between pages
    shared = page.url
    assert "data=" in shared

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
