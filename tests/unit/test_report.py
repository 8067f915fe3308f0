"""The offline HTML report and the PNG charts keep what made the Briefing useful: signs, links, date, source."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from PIL import Image, ImageChops

from dashboard.deck import BAD, GOOD
from dashboard.report import Card, Section, briefing_html, chrome_for_images, html_report, png_zip, with_source
from tests.unit.test_deck import LINK, briefing


def test_report_keeps_signed_coloured_deltas_links_date_source_and_how_to_read():
    page = briefing_html(briefing(), "Figures are sums over the latest 12 months.")
    assert "<div class='delta up'>▲ +8.5%</div>" in page and "<div class='delta down'>▼ -1.0 pts</div>" in page
    assert f".up {{color: {GOOD};}}" in page and f".down {{color: {BAD};}}" in page
    assert f"<a class='evidence' href='{LINK.replace('&', '&amp;')}&amp;i=1'>evidence</a>" in page
    assert "Data: Demo market · Basis: all segments · all regions · Jan 2016 to Dec 2025 · Generated 1 December 2026" \
        in page
    assert "<footer><b>How to read this.</b> Figures are sums over the latest 12 months.</footer>" in page
    assert "▼ bad for us · $5.2M/yr · Apex passes Northwind Apex led in each of the last 2 months." in page


def test_only_web_addresses_become_links():
    page = html_report("t", "b", [Card("c", "1")], [Section("s", [("a", "javascript:alert(1)"), ("b", "//evil.example"),
                                                                  ("c", "/market?company=A")])], [])
    body = page.split("</style>")[1]  # after the embedded plotly.js
    assert body.count("href=") == 1 and "href='/market?company=A'" in body


def test_image_copy_has_room_around_the_title_and_a_source_line():
    fig = briefing().figures[0]
    copy = with_source(fig, "Source: Demo market · <b>Basis</b>")
    assert copy.layout.title.x == 0.02 and copy.layout.margin.t >= 100 and copy.layout.margin.b >= 100
    assert copy.layout.annotations[-1].text == "Source: Demo market · &lt;b&gt;Basis&lt;/b&gt;"
    assert not fig.layout.annotations, "the shared figure is not changed"


def test_png_zip_draws_the_source_line_under_the_plot():
    if chrome_for_images() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium not found; PNG tests must run in CI", pytrace=False)
        pytest.skip("Chromium not found (install Debian's `chromium`)")
    figures = briefing().figures

    def first(source: str) -> Image.Image:
        archive = zipfile.ZipFile(io.BytesIO(png_zip(figures, source=source)))
        return Image.open(io.BytesIO(archive.read(archive.namelist()[0]))).convert("RGB")

    with_line, without = first("Source: Demo market · Generated 1 Dec 2026"), first("")
    assert with_line.size == without.size == (1600, 900)
    difference = ImageChops.difference(with_line, without).getbbox()
    assert difference is not None and difference[1] > 900 - 120, f"the images differ at {difference}, not under the plot"


def test_report_keeps_the_outlook_table_when_it_is_on():
    from dataclasses import replace

    from dashboard.deck import Table

    outlook = Table("Outlook by segment", ["Segment", "Growth"], [["SMB <b>", "+5.6%"]])
    page = briefing_html(replace(briefing(), table=outlook))
    assert "<h2>Outlook by segment</h2><table class='outlook'><tr><th>Segment</th><th>Growth</th></tr>" in page
    assert "<td>SMB &lt;b&gt;</td><td>+5.6%</td>" in page
    assert "class='outlook'" not in briefing_html(briefing()).split("</style>")[1]
