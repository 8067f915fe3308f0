"""In Chromium: evidence links open their section in the same tab; presentation mode is paged."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered

pytestmark = pytest.mark.e2e


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight / 2; }", selector)


def test_an_evidence_link_opens_its_section_in_the_same_tab_highlighted(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/?present=1&slide=2")
    wait_rendered(page)
    link = page.locator("[data-testid='stPageLink'] a[href*='focus=share']").first
    assert link.is_visible() and link.get_attribute("target") in ("", None, "_self")
    opened = []
    page.context.on("page", lambda new: opened.append(new))
    link.click()
    page.wait_for_url(re.compile(r"/competitors\?.*focus=share"))
    wait_rendered(page)
    assert not opened and len(page.context.pages) == 1  # the same tab, no new one
    assert "present=1" in page.url
    section = ".st-key-focus_share"
    page.wait_for_selector(f"{section} [data-testid='stPlotlyChart']")
    page.wait_for_function(f"() => document.querySelector(\"{section}\").dataset.focused === '1'")
    assert page.evaluate(f"() => getComputedStyle(document.querySelector(\"{section}\")).outlineStyle") == "solid"
    claim = page.locator(section).get_by_text("From the Briefing")
    assert claim.is_visible()
    assert re.search(r"Revenue share in \w+ \d{4}: \w+ \d+\.\d%", page.locator(section).inner_text())
    page.wait_for_timeout(3500)  # the charts above have drawn: the section is still the one in view
    assert in_view(page, section)
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # still presenting


def test_presentation_mode_moves_one_section_at_a_time_with_the_arrow_keys(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/?present=1")
    wait_rendered(page)
    nav = page.locator(".st-key-slide_nav")
    assert "1 / 5" in nav.inner_text() and page.locator("[data-testid='stMetric']").first.is_visible()
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    help_icons = page.locator("[data-testid='stTooltipIcon']")
    assert all(not help_icons.nth(i).is_visible() for i in range(help_icons.count()))  # no "?" on a big screen

    page.get_by_role("button", name="Next").wait_for()  # its shortcut listens once the button is drawn
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"[?&]slide=2"))
    wait_rendered(page)
    assert "2 / 5" in nav.inner_text() and page.get_by_role("heading", name="What changed").is_visible()
    assert page.locator("[data-testid='stMetric']").count() == 0

    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"[?&]slide=3"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"[?&]slide=2"))
    wait_rendered(page)
    assert "present=1" in page.url

    page.goto(f"{app_url}/?present=1&slide=5")  # a copied link reopens its slide
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    assert "5 / 5" in nav.inner_text() and page.locator("[data-testid='stPlotlyChart']").count() == 1
    assert page.get_by_role("button", name="Next").is_disabled()


def test_an_evidence_link_in_the_same_session_shows_the_findings_slice(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url)
    wait_rendered(page)
    link = page.locator("[data-testid='stPageLink'] a[href*='focus=growth']").first
    segment = re.search(r"segment=([^&]+)", link.get_attribute("href")).group(1).replace("+", " ")
    link.click()
    page.wait_for_url(re.compile(r"/market\?.*focus=growth"))
    wait_rendered(page)
    page.wait_for_selector(".st-key-focus_growth [data-testid='stPlotlyChart']")
    assert f"segment={segment.replace(' ', '+')}" in page.url  # the widgets did not put the Briefing's slice back
    chosen = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.inner_text()
    assert segment in chosen
    assert "This market: $" in page.locator(".st-key-focus_growth").inner_text()
