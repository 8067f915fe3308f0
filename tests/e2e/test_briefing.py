"""In Chromium: the briefing's findings link to their evidence, its HTML report works offline, and its
PowerPoint downloads."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.harness import wait_rendered
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e


def test_briefing_findings_link_to_their_evidence(page, app_url):
    page.goto(app_url)
    wait_rendered(page)
    page.wait_for_selector("text=What changed")
    evidence = page.locator("[data-testid='stPageLink'] a", has_text="Evidence").first
    href = evidence.get_attribute("href")
    assert "company=Northwind" in href and "focus=" in href
    page.goto(f"{app_url}/{href}")  # the link as a bookmark, in a fresh session
    wait_rendered(page)
    assert page.get_by_text("From the Briefing").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']", has_text="could not be used").count() == 0


def test_html_report_opens_from_disk_with_no_network(browser, page, app_url, tmp_path):
    page.goto(app_url)
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    titles = chart_titles(page)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="Download this briefing")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    report = tmp_path / "briefing.html"
    download.value.save_as(report)

    offline = browser.new_context()
    offline.route("http*://**/*", lambda route: route.abort())  # nothing may come from a server
    try:
        viewer = offline.new_page()
        viewer.goto(report.as_uri())
        viewer.wait_for_selector(".plotly .main-svg")
        assert sorted(viewer.locator(".gtitle").all_text_contents()) == sorted(titles)
        assert viewer.locator(".card").count() >= 3 and "What changed" in viewer.content()
        up, down = viewer.locator(".delta.up").first, viewer.locator(".delta.down").first
        assert up.inner_text().startswith("▲ +") and down.inner_text().startswith("▼ -")
        assert up.evaluate("e => getComputedStyle(e).color") == "rgb(26, 127, 55)"
        assert down.evaluate("e => getComputedStyle(e).color") == "rgb(198, 40, 40)"
        links = viewer.locator("a.evidence").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert links and all(link.startswith(f"{app_url}/") and "company=Northwind" in link for link in links)
        today = date.today()
        assert f"Generated {today.day} {today:%B %Y}" in viewer.locator(".basis").inner_text()
        assert "How to read this." in viewer.locator("footer").inner_text()
    finally:
        offline.close()


def test_powerpoint_download_is_a_deck_with_absolute_evidence_links(page, app_url, tmp_path):
    from pptx import Presentation

    page.goto(app_url)
    wait_rendered(page)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="Download as PowerPoint")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as download:  # a cold Chromium draws the charts
        button.click()
    assert download.value.suggested_filename == "market-briefing.pptx"
    path = tmp_path / "briefing.pptx"
    download.value.save_as(path)

    slides = list(Presentation(str(path)).slides)
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[:2] == ["Market briefing: Northwind", "Headline"] and titles[2].startswith("What changed")
    assert any(shape.shape_type == 13 for slide in slides for shape in slide.shapes), "no chart image"
    notes = "\n".join(slide.notes_slide.notes_text_frame.text for slide in slides)
    assert f"Evidence: {app_url}/competitors?" in notes or f"Evidence: {app_url}/market?" in notes


def test_png_charts_download_as_16_9_images(page, app_url, tmp_path):
    import io
    import zipfile

    from PIL import Image

    page.goto(app_url)
    wait_rendered(page)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="Charts as PNG")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as download:
        button.click()
    path = tmp_path / "charts.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        sizes = [Image.open(io.BytesIO(archive.read(name))).size for name in names]
    assert len(names) >= 2 and all(size == (1600, 900) for size in sizes)
