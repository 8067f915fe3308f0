"""Untrusted text (names from data, file names, link values) made inert for where it is shown.

Streamlit renders most strings as Markdown, and Plotly renders labels as a
small HTML dialect; both turn a company called `[Click me](https://evil.example/)`
or `<a href=…>` into a live link. Escape at the boundary where a string
meets one of them: `md` for Markdown, `plot` for Plotly labels. Both are pure
functions (no Streamlit), so charts, reports and tests use the same rules.
"""

from __future__ import annotations

import re
import unicodedata

WORD_JOINER = "\u2060"  # invisible and zero-width: breaks "https://" or "www." for the autolinker
# Bidi overrides and isolates, marks, and other invisible format characters that can make
# text read differently from what it is ("exe.txt" shown as "txt.exe").
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GitHub-flavoured Markdown turns these into links even when every bracket is escaped:
# its autolinker runs on the text after escapes are resolved.
_AUTOLINK = re.compile(r"(?i)(:)(?=/)|(www)(?=\.)|(@)")


def plain(value: object) -> str:
    """The text with control and bidi-override characters removed; line breaks become spaces."""
    text = str(value)
    out = []
    for char in text:
        if char in "\n\r\t\v\f":
            out.append(" ")
        elif char in _BIDI or unicodedata.category(char) == "Cc":
            continue
        else:
            out.append(char)
    return "".join(out)


def md(value: object) -> str:
    """`value` as Markdown that shows exactly its text: no links, emphasis, headings, maths or HTML."""
    unlinked = _AUTOLINK.sub(_break_autolink, plain(value))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def _break_autolink(match: re.Match[str]) -> str:
    colon, www, at = match.groups()
    if colon:
        return colon + WORD_JOINER
    if www:
        return www + WORD_JOINER
    return WORD_JOINER + at


def plot(value: object) -> str:
    """`value` for a Plotly title, legend, axis label, hover or annotation: tags shown as text.

    Plotly reads `<a href>`, `<b>`, `<br>` … in every label and decodes entities,
    so `&`, `<` and `>` become entities and show as themselves.
    """
    return plain(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescaped_markdown(text: str) -> str:
    """What Markdown's escapes leave of `text` (for tests and length checks): backslashes and joiners dropped."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")
