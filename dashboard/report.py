"""The briefing as one self-contained HTML file: opens offline, charts stay interactive.

plotly.js is embedded once (about 4.5 MB), so the file needs no server and no
internet: it can be mailed, archived or opened on a meeting-room laptop. It
keeps what made the page useful: deltas with their sign, arrow and colour,
each finding's evidence link (absolute, to the server the user was on), the
date, the data's source and basis, and a short "how to read this".
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.offline

from dashboard.deck import BAD, GOOD, TAGS, Briefing, Table, chart_title, day, trend
from dashboard.safe_text import plot
from dashboard.theme import FONT, OUR_COLOR, TEXT_COLOR


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str = ""
    delta: str = ""  # signed, e.g. "+8.5%" or "-1.0 pts": shown with an arrow and a colour


@dataclass(frozen=True)
class Section:
    heading: str
    items: Sequence[tuple[str, str | None]]  # text, and a link to the evidence (or None)


def briefing_html(briefing: Briefing, how_to_read: str = "") -> str:
    """The Briefing page as one offline file, from the same content as its deck."""
    cards = [Card(str(c.get("label") or ""), str(c.get("value") or "n/a"), str(c.get("delta_description") or ""),
                  str(c.get("delta") or "")) for c in briefing.cards]
    sections = [Section("Headline", [(briefing.headline, None)])] + [
        Section(g.heading, [(" · ".join(x for x in (TAGS.get(p.sentiment, TAGS["neutral"])[0], p.amount,
                                                   f"{p.text} {p.detail}".strip()) if x), p.link) for p in g.points])
        for g in briefing.groups]
    return html_report(briefing.title, f"Data: {briefing.dataset} · Basis: {briefing.basis} · Generated "
                       f"{day(briefing.generated, '%B')}", cards, sections, briefing.figures, how_to_read, briefing.table)


def _table(table: Table | None) -> str:
    if table is None or not table.rows:
        return ""
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<h2>{e(table.heading)}</h2><table class='outlook'><tr>{head}</tr>{body}</table>"


def _delta(value: str) -> str:
    if not value:
        return ""
    arrow, _ = trend(value)
    kind = {"▲": "up", "▼": "down"}.get(arrow, "flat")
    return f"<div class='delta {kind}'>{arrow} {html.escape(value)}</div>"


def html_report(title: str, basis: str, cards: Sequence[Card], sections: Sequence[Section],
                figures: Sequence[go.Figure], how_to_read: str = "", table: Table | None = None) -> str:
    e = html.escape
    card_html = "".join(
        f"<div class='card'><div class='label'>{e(c.label)}</div><div class='value'>{e(c.value)}</div>"
        f"{_delta(c.delta)}<div class='note'>{e(c.note)}</div></div>" for c in cards
    )
    section_html = "".join(
        f"<h2>{e(s.heading)}</h2><ul>" + "".join(
            f"<li>{e(text)}" + (f" <a class='evidence' href='{e(link)}'>evidence</a>" if _web(link) else "") + "</li>"
            for text, link in s.items
        ) + "</ul>" for s in sections if s.items
    )
    footer = f"<footer><b>How to read this.</b> {e(how_to_read)}</footer>" if how_to_read else ""
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
.delta {{font-weight: 600;}} .up {{color: {GOOD};}} .down {{color: {BAD};}} .flat {{color: #52606d;}}
table.outlook {{border-collapse: collapse;}} .outlook th, .outlook td {{padding: 0.3rem 0.8rem; text-align: right;
border-bottom: 1px solid #e4e7eb;}} .outlook th:first-child, .outlook td:first-child {{text-align: left;}}
footer {{border-top: 1px solid #e4e7eb; margin-top: 2rem; padding-top: 0.8rem; color: #52606d; font-size: 0.9rem;}}
</style></head><body>
<h1>{e(title)}</h1><div class="basis">{e(basis)}</div>
<div class="cards">{card_html}</div>{section_html}{_table(table)}{charts}{footer}
</body></html>"""


def _web(link: str | None) -> bool:
    """Only web addresses become links: a javascript: or data: address from anywhere stays out."""
    return bool(link) and (link.startswith(("http://", "https://", "/")) and not link.startswith("//"))


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


def with_source(fig: go.Figure, source: str) -> go.Figure:
    """A copy for an image: room around the title, and the source line (dataset, basis, date) under the plot,
    so a chart pasted into a slide still says where its numbers come from."""
    copy = go.Figure(fig)
    copy.update_layout(title=dict(x=0.02, xref="container", y=0.96, yref="container", pad=dict(t=8, l=8)),
                       margin=dict(l=80, r=40, t=110, b=120))
    if source:
        copy.add_annotation(text=plot(source), xref="paper", yref="paper", x=0.0, y=0.0, xanchor="left",
                            yanchor="top", yshift=-72, showarrow=False, align="left",
                            font=dict(size=12, color="#6b7280"))
    return copy


def png_zip(figures: Sequence[go.Figure], *, width: int = 1600, height: int = 900, source: str = "") -> bytes:
    """Every figure as a 16:9 PNG with its source line, for slide decks, in one zip (drawn by kaleido in Chromium)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    images = chart_pngs([with_source(fig, source) for fig in figures], width, height)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (fig, image) in enumerate(zip(figures, images), start=1):
            name = re.sub(r"[^a-z0-9]+", "-", chart_title(fig).lower()).strip("-")[:60]
            archive.writestr(f"{index:02d}-{name}.png", image)
    return buffer.getvalue()
