"""The deck opens in an office suite: LibreOffice (headless) turns it into a PDF with every slide's text.

A .pptx that PowerPoint would offer to repair usually fails or loses content
here. Outside CI the test skips with the reason when LibreOffice (Debian's
`libreoffice-impress`) or `pdftotext` (`poppler-utils`) is missing; in CI
(CI=true) it fails instead, so it cannot be skipped silently there.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pytest
from pptx import Presentation

from dashboard.deck import briefing_deck
from dashboard.report import chart_pngs, chrome_for_images
from tests.unit.test_deck import briefing, fake_render


def tool(*names: str, package: str) -> str:
    for name in names:
        if path := shutil.which(name):
            return path
    reason = f"{names[0]} not found (install Debian's `{package}`)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; the deck's render test must run in CI", pytrace=False)
    pytest.skip(reason)


def words(value: str) -> str:
    return " ".join(value.split())


def test_libreoffice_renders_every_slide_with_its_text(tmp_path):
    soffice = tool("soffice", "libreoffice", package="libreoffice-impress")
    pdftotext = tool("pdftotext", package="poppler-utils")
    render = chart_pngs if chrome_for_images() else fake_render  # real chart images where Chromium is
    deck = briefing_deck(briefing(8), render)
    path = tmp_path / "briefing.pptx"
    path.write_bytes(deck)
    profile = (tmp_path / "profile").as_uri()  # its own profile: another LibreOffice running does not interfere
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.exists(), "LibreOffice wrote no PDF"

    slides = list(Presentation(io.BytesIO(deck)).slides)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == len(slides)
    for number, slide in enumerate(slides, start=1):
        page = subprocess.run([pdftotext, "-raw", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                if paragraph.text.strip():
                    assert words(paragraph.text) in words(page), f"slide {number}: {paragraph.text!r} missing"
