"""The briefing as one self-contained HTML file: opens offline, charts stay interactive.

plotly.js is embedded once (about 4.5 MB), so the file needs no server and no
internet: it can be mailed, archived or opened on a meeting-room laptop.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.offline

from dashboard.theme import FONT, OUR_COLOR, TEXT_COLOR


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    items: Sequence[tuple[str, str | None]]  # text, and a link to the evidence (or None)


def html_report(title: str, basis: str, cards: Sequence[Card], sections: Sequence[Section],
                figures: Sequence[go.Figure]) -> str:
    e = html.escape
    card_html = "".join(
        f"<div class='card'><div class='label'>{e(c.label)}</div><div class='value'>{e(c.value)}</div>"
        f"<div class='note'>{e(c.note)}</div></div>" for c in cards
    )
    section_html = "".join(
        f"<h2>{e(s.heading)}</h2><ul>" + "".join(
            f"<li>{e(text)}" + (f" <a href='{e(link)}'>evidence</a>" if link else "") + "</li>" for text, link in s.items
        ) + "</ul>" for s in sections if s.items
    )
    charts = "".join(f"<div class='chart'>{fig.to_html(full_html=False, include_plotlyjs=False)}</div>" for fig in figures)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
<style>
body {{font-family: {FONT}; color: {TEXT_COLOR}; max-width: 1200px; margin: 2rem auto; padding: 0 1.5rem;}}
h1 {{margin-bottom: 0.2rem;}} .basis {{color: #6b7280; font-size: 0.9rem;}}
.cards {{display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 1rem; margin: 1.5rem 0;}}
.card {{border: 1px solid #e4e7eb; border-radius: 0.6rem; padding: 0.9rem 1rem;}}
.label {{font-size: 0.85rem; color: #52606d;}} .value {{font-size: 1.9rem; margin: 0.2rem 0; color: {OUR_COLOR};}}
.note {{font-size: 0.85rem; color: #52606d;}} li {{margin: 0.35rem 0;}} .chart {{margin: 1.5rem 0;}}
</style></head><body>
<h1>{e(title)}</h1><div class="basis">{e(basis)}</div>
<div class="cards">{card_html}</div>{section_html}{charts}
</body></html>"""


def chrome_for_images() -> str | None:
    """The Chromium that kaleido drives to draw PNGs; None when the machine has none."""
    import os
    import shutil

    for candidate in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("google-chrome")):
        if candidate and os.path.exists(candidate):
            os.environ.setdefault("BROWSER_PATH", candidate)
            return candidate
    return None


def chart_pngs(figures: Sequence[go.Figure], width: int = 1600, height: int = 900, scale: float = 1.0) -> list[bytes]:
    """Every figure as a PNG, drawn in the server's one warm Chromium (see dashboard/chart_images.py)."""
    from dashboard.chart_images import painter

    return painter.paint(figures, width, height, scale)


def png_zip(figures: Sequence[go.Figure], *, width: int = 1600, height: int = 900) -> bytes:
    """Every figure as a 16:9 PNG, for slide decks, in one zip (drawn by kaleido in Chromium)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (fig, image) in enumerate(zip(figures, chart_pngs(figures, width, height)), start=1):
            name = re.sub(r"[^a-z0-9]+", "-", str(fig.layout.title.text or "chart").lower()).strip("-")[:60]
            archive.writestr(f"{index:02d}-{name}.png", image)
    return buffer.getvalue()
