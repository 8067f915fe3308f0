"""Names from data, file names and link values reach Markdown and Plotly as plain text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.safe_text import md, plain, plot, unescaped_markdown
from tests.markdown_links import hostile_links

HOSTILE = [
    "[Click me](https://evil.example/)",
    "[seg](http:evil.example)",
    "<a href='https://evil.example/'>x</a>",
    "<https://evil.example/>",
    "see https://evil.example/ now",
    "www.evil.example",
    "mail me@evil.example",
    "![img](https://evil.example/x.png)",
    "[ref]: https://evil.example/",
]


def test_the_link_model_sees_the_links_the_issue_reported():
    """The checker used below and in the page tests must catch the raw strings, or it proves nothing."""
    for value in HOSTILE:
        assert hostile_links(value), value


def test_hostile_names_become_no_link_in_markdown():
    for value in HOSTILE:
        assert hostile_links(md(value)) == [], value
        assert hostile_links(f"- {md(value)} gained 3 points [Evidence →](/market?x=1)") == [], value


def test_escaped_markdown_reads_as_the_original_text():
    for value in [*HOSTILE, "Apex & Co. (EU)", "#1 *star* _under_ `code` $x$ ~y~ | :red[z]"]:
        assert unescaped_markdown(md(value)) == value


def test_bidi_overrides_and_control_characters_are_removed():
    assert plain("Apex\u202egnp.exe\u200f\u2066x\u2069\x00") == "Apexgnp.exex"
    assert plain("two\nlines\ttab") == "two lines tab"
    assert "\u202e" not in md("a\u202eb") and "\n" not in md("# a\n# b")


def test_plotly_labels_show_tags_as_text():
    assert plot("<a href='https://evil.example/'>x</a>") == "&lt;a href='https://evil.example/'&gt;x&lt;/a&gt;"
    assert plot("A & B <br> C") == "A &amp; B &lt;br&gt; C"
    assert plot("&lt;b&gt;") == "&amp;lt;b&amp;gt;"  # an entity in a name shows as typed, not decoded
    assert plot("Apex\u202e") == "Apex"


@given(st.text())
def test_any_text_gives_no_link_and_round_trips(value):
    escaped = md(value)
    assert hostile_links(escaped, marker="") == []
    assert unescaped_markdown(escaped) == plain(value)
    assert "<" not in plot(value) and ">" not in plot(value)
