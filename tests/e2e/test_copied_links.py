"""In Chromium: the link in each page's Share control reopens the same view in a fresh browser."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e

VIEWS = [
    "/overview?segment=SMB&measure=units",
    "/market?region=Europe&horizon=6&split=region",
    "/competitors?rival=Dynamo&share_view=area",
    "/scenarios?region=Europe&d_price=-5",
    "/opportunities?rate=12&opp=SMB+Essentials+plan",
    "/feature-requests?fr_sort=rice",
    "/data?region=Asia+Pacific",
]


def settled(page) -> list[str]:
    wait_rendered(page)
    page.wait_for_timeout(500)
    wait_rendered(page)
    return chart_titles(page)


@pytest.mark.parametrize("view", VIEWS)
def test_the_share_link_of_each_page_reopens_it(browser, page, app_url, view):
    page.goto(app_url + view)
    titles = settled(page)
    page.get_by_text("Share this view").click()
    link = page.locator("[data-testid='stPopoverBody'] code").first.inner_text().strip()
    assert link.startswith(app_url) and all(part in link for part in view.split("?")[1].split("&"))
    fresh = fresh_page(browser)
    try:
        fresh.goto(link)
        fresh.wait_for_function("n => document.querySelectorAll('.gtitle').length >= n", arg=len(titles))
        assert settled(fresh) == titles
        assert fresh.locator("[data-testid='stException']").count() == 0
    finally:
        fresh.context.close()
