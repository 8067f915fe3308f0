"""In Chromium: a link that empties a required choice shows the default view and says so, never a traceback."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_rendered

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("path", "control", "default", "default_view"), [
    ("/market?split=", "Split the market by", "segment", "Size and growth by segment"),
    ("/opportunities?billing=", "Revenue per adopter", "yearly", "has the highest expected NPV over the uncertainty, $4."),
])
def test_an_emptied_choice_falls_back_to_its_default(page, app_url, path, control, default, default_view):
    page.goto(f"{app_url}{path}")
    wait_rendered(page)
    page.wait_for_selector(f"text={default_view}")
    assert page.locator("[data-testid='stException']").count() == 0
    notices = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert "could not be used" in notices and "empty in the link" in notices
    choice = page.locator("[data-testid='stButtonGroup']", has=page.get_by_text(control, exact=True))
    assert choice.locator("button[aria-checked='true']").inner_text() == default
