"""The Briefing deck, read back with python-pptx: what a VP opening it finds on each slide."""

from __future__ import annotations

import io
from datetime import date

import plotly.graph_objects as go
from PIL import Image
from pptx import Presentation
from pptx.util import Inches, Pt

from dashboard.deck import BAD, GOOD, Briefing, Group, Point, briefing_deck, trend

LINK = "http://dash.example:8501/competitors?company=Northwind&rival=Apex"
CARDS = [
    dict(label="Market revenue", value="$418M", delta="+8.5%", delta_description="vs prior 12 months",
         help="Sum over the last 12 months."),
    dict(label="Northwind share of revenue", value="20.5%", delta="-1.0 pts", delta_description="vs prior 12 months"),
    dict(label="Rank", value="#1 of 6"),
]


def tiny_png(*_args) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (220, 112), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def fake_render(figures, width, height, scale):
    return [tiny_png() for _ in figures]


def briefing(points: int = 2, name: str = "Northwind") -> Briefing:
    found = [Point(f"{name} lost {i}.0 points of share to Apex in SMB.", f"${i}M/yr", "risk", link=f"{LINK}&i={i}")
             for i in range(1, points + 1)]
    risks = [Point("Apex passes Northwind", "$5.2M/yr", "risk", "Apex led in each of the last 2 months. Watch: the gap.",
                   LINK)]
    figures = [go.Figure(go.Scatter(y=[1, 2, 3]), layout=dict(title=dict(text="Apex &amp; Northwind: 20.1% vs 20.5%")))]
    return Briefing(f"Market briefing: {name}", "Demo market", "all segments · all regions · Jan 2016 to Dec 2025",
                    "Northwind's share fell from 26.9% to 20.5%; it still leads.", CARDS,
                    [Group("What changed", found), Group("Risks", risks), Group("Opportunities", [], "Nothing works for us.")],
                    figures, generated=date(2026, 12, 1))


def read(deck: bytes):
    return Presentation(io.BytesIO(deck))


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_deck_is_16_9_with_title_cards_one_slide_per_group_and_a_chart_slide():
    deck = read(briefing_deck(briefing(), fake_render))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + 3 + 1
    assert slides[0].shapes.title.text == "Market briefing: Northwind"
    assert "Demo market" in slide_text(slides[0]) and "1 December 2026" in slide_text(slides[0])
    assert [s.shapes.title.text for s in slides[1:]] == ["Headline", "What changed", "Risks", "Opportunities",
                                                         "Apex & Northwind: 20.1% vs 20.5%"]
    assert "$418M" in slide_text(slides[1]) and "it still leads" in slide_text(slides[1])
    assert "Nothing works for us." in slide_text(slides[4])
    assert len([s for s in slides[5].shapes if s.shape_type == 13]) == 1  # the chart, as a picture


def test_every_slide_has_the_source_and_basis_footer():
    slides = list(read(briefing_deck(briefing(), fake_render)).slides)
    for number, slide in enumerate(slides, start=1):
        footer = [s for s in slide.shapes if s.name == "Footer"]
        assert len(footer) == 1
        assert footer[0].text_frame.text == ("Source: Demo market · Basis: all segments · all regions · Jan 2016 to "
                                             f"Dec 2025 · Generated 1 Dec 2026 · {number}/{len(slides)}")


def test_deltas_carry_arrow_sign_and_colour():
    cards = read(briefing_deck(briefing(), fake_render)).slides[1]
    runs = {run.text: run for shape in cards.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for run in p.runs}
    assert str(runs["▲ +8.5%"].font.color.rgb) == GOOD.lstrip("#").upper()
    assert str(runs["▼ -1.0 pts"].font.color.rgb) == BAD.lstrip("#").upper()
    assert trend("+0.0 pts")[0] == "►" and trend(None)[0] == "►" and trend("−2%")[0] == "▼"


def test_speaker_notes_hold_each_findings_evidence_link():
    slides = list(read(briefing_deck(briefing(), fake_render)).slides)
    changed = slides[2].notes_slide.notes_text_frame.text
    assert f"Evidence: {LINK}&i=1" in changed and f"Evidence: {LINK}&i=2" in changed
    assert f"Evidence: {LINK}" in slides[3].notes_slide.notes_text_frame.text
    assert "Sum over the last 12 months." in slides[1].notes_slide.notes_text_frame.text


def test_body_text_is_18_pt_or_more():
    slides = list(read(briefing_deck(briefing(12), fake_render)).slides)
    sizes = [run.font.size for slide in slides for shape in slide.shapes
             if shape.has_text_frame and shape.name != "Footer"
             for p in shape.text_frame.paragraphs for run in p.runs]
    assert sizes and all(size is not None and size >= Pt(18) for size in sizes)


def test_long_groups_continue_on_more_slides_and_lose_nothing():
    slides = list(read(briefing_deck(briefing(14), fake_render)).slides)
    titles = [s.shapes.title.text for s in slides]
    changed = [t for t in titles if t.startswith("What changed")]
    assert len(changed) >= 2 and changed[0] == f"What changed (1 of {len(changed)})"
    text = "\n".join(slide_text(s) for s in slides)
    assert all(f"lost {i}.0 points" in text for i in range(1, 15))


def test_names_from_files_stay_plain_short_text():
    hostile = "=HYPERLINK(\"http://evil\")\x00\x1b[31m<b>Bad</b>\u202e\ud800" + "x" * 2000
    deck = read(briefing_deck(briefing(1, hostile), fake_render))  # control characters would make invalid XML
    title = deck.slides[0].shapes.title.text
    assert title.startswith('Market briefing: =HYPERLINK("http://evil")[31m<b>Bad</b>')
    assert len(title) <= 200 and "\x00" not in title and "\u202e" not in title
    finding = [s for s in deck.slides[2].shapes if s.name == "Body findings"][0].text_frame.text
    assert len(finding) < 700


def test_without_a_renderer_the_deck_has_no_chart_slides():
    assert len(read(briefing_deck(briefing(), None)).slides) == 5


def test_outlook_table_is_a_native_table_with_long_descriptions_in_the_notes():
    from dataclasses import replace

    from dashboard.deck import Table

    model = "Combination (weighted mean) of 5 models: Random walk with drift, ETS(A,A,N) and ARIMA(1,1,0)"
    outlook = Table("Outlook by segment: next 12 months", ["Segment", "Last year", "Growth", "Model"],
                    [["SMB", "$111M", "+5.6%", model], ["Enterprise", "$74.5M", "-3.2%", "Naive"]])
    slides = list(read(briefing_deck(replace(briefing(), table=outlook), fake_render)).slides)
    slide = next(s for s in slides if s.shapes.title.text == outlook.heading)
    table = next(s for s in slide.shapes if s.has_table).table
    assert [c.text for c in table.rows[0].cells] == ["Segment", "Last year", "Growth"]
    assert [c.text for c in table.rows[2].cells] == ["Enterprise", "$74.5M", "-3.2%"]
    assert all(r.font.size >= Pt(18) for row in table.rows for c in row.cells for p in c.text_frame.paragraphs
               for r in p.runs)
    assert f"SMB, Model: {model}" in slide.notes_slide.notes_text_frame.text
