"""The Briefing as a PowerPoint deck, because executives meet over slides.

Pure of Streamlit: the page gathers what it shows (headline, cards, findings,
charts) into a `Briefing`, and `briefing_deck` returns the .pptx bytes, so a
test or a batch job can build the same deck. Text is native (searchable,
editable, read aloud by screen readers); charts are high-resolution PNGs drawn
by kaleido in Chromium. Every slide carries the data's source and basis, and
every finding's evidence link is in the speaker notes, where it survives
presenting.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard.safe_text import plain
from dashboard.theme import OUR_COLOR, TEXT_COLOR

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.6)
BODY_TOP, FOOTER_TOP = Inches(1.55), Inches(6.95)
BODY_PT, DETAIL_PT, TITLE_PT, FOOTER_PT = 20, 18, 28, 12  # body text never below 18 pt
GOOD, BAD, NEUTRAL, MUTED = "#1a7f37", "#c62828", "#52606d", "#6b7280"
LINES_PER_SLIDE = 14  # of body text at 20 pt in the body area, with room for paragraph spacing
CHART_SIZE = (1100, 560, 2.5)  # CSS pixels and scale: 2750 × 1400 px, chart text about 13 pt on the slide
MAX_TEXT = 600  # characters of one finding; untrusted names cannot make a slide of one line


@dataclass(frozen=True)
class Point:
    """One finding as a slide says it."""

    text: str
    amount: str = ""  # its size as it ranks, e.g. "$12M/yr"
    sentiment: str = "neutral"  # "risk", "opportunity" or "neutral", for our company
    detail: str = ""  # why it matters and what to watch (Risks, Opportunities)
    link: str | None = None  # absolute address of the evidence, for the speaker notes


@dataclass(frozen=True)
class Group:
    heading: str
    points: Sequence[Point]
    empty: str = ""  # what the slide says when nothing passed its threshold


@dataclass(frozen=True)
class Table:
    """A small table of text cells, already formatted for reading (e.g. the outlook by segment)."""

    heading: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Briefing:
    """What the Briefing page shows, in plain text: the deck's content."""

    title: str
    dataset: str
    basis: str
    headline: str
    cards: Sequence[Mapping[str, str | None]]  # st.metric keywords: label, value, delta, delta_description, help
    groups: Sequence[Group]
    figures: Sequence[go.Figure] = ()
    generated: date = field(default_factory=date.today)
    table: Table | None = None  # the outlook by segment, when the page shows it

    @property
    def footer(self) -> str:
        return f"Source: {self.dataset} · Basis: {self.basis} · Generated {day(self.generated)}"


Renderer = Callable[[Sequence[go.Figure], int, int, float], list[bytes]]


def day(when: date, month: str = "%b") -> str:
    return f"{when.day} {when.strftime(month + ' %Y')}"


def text(value: object, limit: int = MAX_TEXT) -> str:
    """Untrusted text as a slide can hold it: no control, bidi or surrogate characters, and short."""
    cleaned = "".join(c for c in plain(value) if not ("\ud800" <= c <= "\udfff" or c in "\ufffe\uffff"))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def trend(delta: str | None) -> tuple[str, str]:
    """An arrow and a colour for a signed delta: the sign and arrow carry it without colour."""
    match = re.search(r"[-+−]?\d+(?:\.\d+)?", delta or "")
    value = float(match.group().replace("−", "-")) if match else 0.0
    if value > 0:
        return "▲", GOOD
    if value < 0:
        return "▼", BAD
    return "►", NEUTRAL


def chart_title(fig: go.Figure) -> str:
    """The chart's message as plain text, e.g. the title of its slide (chart titles are escaped for Plotly,
    and a long one is broken over two lines with <br>)."""
    return text(html.unescape(str(fig.layout.title.text or "Chart").replace("<br>", " ")), 200)


def for_slide(fig: go.Figure) -> go.Figure:
    """A copy of the chart without its title (the slide's title says it) and with text large enough to read."""
    copy = go.Figure(fig)
    copy.update_layout(title=None, margin=dict(t=56, l=72, r=32, b=56), font=dict(size=16), height=None, width=None)
    return copy


def briefing_deck(briefing: Briefing, render: Renderer | None = None) -> bytes:
    """The .pptx: title, headline and cards, one slide per finding group (more when long), one per chart."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, briefing)
    _cards_slide(deck, briefing)
    for group in briefing.groups:
        pages = _paginate(group.points) or [[]]
        for number, points in enumerate(pages, start=1):
            heading = group.heading if len(pages) == 1 else f"{group.heading} ({number} of {len(pages)})"
            _points_slide(deck, briefing, heading, points, group.empty)
    if briefing.table is not None and briefing.table.rows:
        _table_slide(deck, briefing.table)
    if briefing.figures and render is not None:
        width, height, scale = CHART_SIZE
        images = render([for_slide(f) for f in briefing.figures], width, height, scale)
        for fig, image in zip(briefing.figures, images):
            _chart_slide(deck, briefing, chart_title(fig), image, width / height)
    slides = list(deck.slides)
    for number, slide in enumerate(slides, start=1):
        _footer(slide, f"{text(briefing.footer, 400)} · {number}/{len(slides)}")
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#"))


def _run(paragraph, words: str, size: int, color: str = TEXT_COLOR, bold: bool = False) -> None:
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = words
    run.font.size, run.font.bold = Pt(size), bold
    run.font.color.rgb = _rgb(color)


def _frame(shape, anchor=MSO_ANCHOR.TOP):
    frame = shape.text_frame
    frame.word_wrap, frame.auto_size, frame.vertical_anchor = True, MSO_AUTO_SIZE.NONE, anchor
    frame.clear()
    return frame


def _slide(deck, title: str, size: int = TITLE_PT):
    """A "Title Only" slide whose title is a real title placeholder (outline view, screen readers)."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    holder = slide.shapes.title
    holder.left, holder.top, holder.width, holder.height = MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(1.1)
    frame = _frame(holder, MSO_ANCHOR.MIDDLE)
    _run(frame.paragraphs[0], text(title, 300), size, TEXT_COLOR, bold=True)
    return slide


def _body(slide, name: str, top: int = BODY_TOP, height: int | None = None):
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height or FOOTER_TOP - top - Inches(0.1))
    box.name = name  # "Body …": the text a reader must be able to read (tests hold it to 18 pt)
    return _frame(box)


def _footer(slide, words: str) -> None:
    box = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, WIDTH - 2 * MARGIN, Inches(0.4))
    box.name = "Footer"
    _run(_frame(box, MSO_ANCHOR.MIDDLE).paragraphs[0], words, FOOTER_PT, MUTED)


def _notes(slide, lines: Sequence[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(text(line, 2000) for line in lines if line)


def _title_slide(deck, briefing: Briefing) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.6)
    _run(_frame(title, MSO_ANCHOR.BOTTOM).paragraphs[0], text(briefing.title, 200), 40, OUR_COLOR, bold=True)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.8), WIDTH - 2 * MARGIN, Inches(2.2)
    subtitle.name = "Body subtitle"
    frame = _frame(subtitle)
    for index, line in enumerate((f"Data: {briefing.dataset}", f"Slice: {briefing.basis}",
                                  day(briefing.generated, "%B"))):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _run(paragraph, text(line, 300), 22, NEUTRAL)
    _notes(slide, [f"Built from the dataset {briefing.dataset}, slice {briefing.basis}, on "
                   f"{day(briefing.generated, '%B')}."])


def _cards_slide(deck, briefing: Briefing) -> None:
    if not briefing.headline and not briefing.cards:
        return  # a page deck of charts only
    slide = _slide(deck, "Headline")
    _run(_body(slide, "Body headline", height=Inches(2.0)).paragraphs[0], text(briefing.headline or "–", 420), 22)
    cards = list(briefing.cards)[:5]
    if not cards:
        return
    gap = Inches(0.25)
    width = int((WIDTH - 2 * MARGIN - gap * (len(cards) - 1)) / len(cards))
    for index, card in enumerate(cards):
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN + index * (width + gap), Inches(3.75),
                                       width, Inches(3.0))
        shape.name = f"Body card {index + 1}"
        shape.adjustments[0] = 0.08
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb("#ffffff")
        shape.line.color.rgb = _rgb("#c9cfd6")
        shape.shadow.inherit = False
        frame = _frame(shape)
        for side in ("margin_left", "margin_right", "margin_top"):
            setattr(frame, side, Inches(0.18))
        _run(frame.paragraphs[0], text(card.get("label") or "", 80), DETAIL_PT, NEUTRAL)
        _run(frame.add_paragraph(), text(card.get("value") or "n/a", 30), 36, OUR_COLOR, bold=True)
        delta = text(card.get("delta") or "", 40)
        if delta:
            arrow, color = trend(delta)
            _run(frame.add_paragraph(), f"{arrow} {delta}", BODY_PT, color, bold=True)
        if card.get("delta_description"):
            _run(frame.add_paragraph(), text(card["delta_description"], 80), DETAIL_PT, NEUTRAL)
    _notes(slide, [briefing.headline, *(f"{card.get('label')}: {card.get('help')}" for card in cards if card.get("help"))])


def _lines(point: Point) -> int:
    """Lines a point takes at body size (about 0.5 em a character), to split long groups over slides."""
    per_line = (WIDTH - 2 * MARGIN) / Pt(BODY_PT * 0.52)
    words = len(point.text) + len(point.amount) + 16
    return math.ceil(words / per_line) + (math.ceil(len(point.detail) / per_line) if point.detail else 0)


def _paginate(points: Sequence[Point]) -> list[list[Point]]:
    pages: list[list[Point]] = []
    used = LINES_PER_SLIDE
    for point in points:
        need = min(_lines(point), LINES_PER_SLIDE)
        if used + need > LINES_PER_SLIDE:
            pages.append([])
            used = 0
        pages[-1].append(point)
        used += need + 0.5  # paragraph spacing
    return pages


TAGS = {"risk": ("▼ bad for us", BAD), "opportunity": ("▲ good for us", GOOD), "neutral": ("● neutral", NEUTRAL)}


def _points_slide(deck, briefing: Briefing, heading: str, points: Sequence[Point], empty: str) -> None:
    slide = _slide(deck, heading)
    frame = _body(slide, "Body findings")
    if not points:
        _run(frame.paragraphs[0], text(empty or "Nothing passes its threshold in this slice.", 300), BODY_PT, NEUTRAL)
        return
    first = True
    for point in points:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        paragraph.space_before = Pt(10)
        tag, color = TAGS.get(point.sentiment, TAGS["neutral"])
        _run(paragraph, tag + " · ", BODY_PT, color, bold=True)
        if point.amount:
            _run(paragraph, text(point.amount, 40) + " · ", BODY_PT, TEXT_COLOR, bold=True)
        _run(paragraph, text(point.text), BODY_PT)
        if point.detail:
            detail = frame.add_paragraph()
            _run(detail, text(point.detail), DETAIL_PT, NEUTRAL)
    _notes(slide, [f"{index}. {text(p.text)}\nEvidence: {p.link}" if p.link else f"{index}. {text(p.text)}"
                   for index, p in enumerate(points, start=1)])


def _chart_slide(deck, briefing: Briefing, title: str, image: bytes, aspect: float) -> None:
    slide = _slide(deck, title, 24 if len(title) > 70 else TITLE_PT)
    room_w, room_h = WIDTH - 2 * MARGIN, FOOTER_TOP - BODY_TOP - Inches(0.1)
    width = min(room_w, int(room_h * aspect))
    height = int(width / aspect)
    picture = slide.shapes.add_picture(io.BytesIO(image), Emu(int((WIDTH - width) / 2)), BODY_TOP, width, height)
    picture.name = "Chart"
    picture._element.nvPicPr.cNvPr.set("descr", title)  # alt text: what the chart says
    _notes(slide, [f"Chart: {title}.", f"{briefing.footer}."])


def _table_slide(deck, table: Table) -> None:
    """A native table at 18 pt; a column of long text (a model's description) goes to the speaker notes."""
    rows = [list(row) for row in table.rows][:12]  # a dozen 18 pt rows fit above the footer
    keep = [i for i in range(len(table.columns)) if max(len(str(row[i])) for row in rows) <= 40]
    slide = _slide(deck, table.heading)
    shape = slide.shapes.add_table(len(rows) + 1, len(keep), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN,
                                   Inches(0.42) * (len(rows) + 1))
    shape.name = "Body table"
    for row_index, row in enumerate([list(table.columns), *rows]):
        for column, source in enumerate(keep):
            frame = shape.table.cell(row_index, column).text_frame
            frame.clear()
            _run(frame.paragraphs[0], text(row[source], 60), DETAIL_PT, "#ffffff" if row_index == 0 else TEXT_COLOR,
                 bold=row_index == 0)
    moved = [i for i in range(len(table.columns)) if i not in keep]
    _notes(slide, [f"{row[0]}, {table.columns[i]}: {row[i]}" for row in rows for i in moved])
