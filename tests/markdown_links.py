"""Which links a Markdown string would render, by the rules Streamlit's renderer follows.

A small model of CommonMark + GitHub-flavoured Markdown, enough to catch text
from data that turns into a link: inline links `[t](url)`, autolinks `<url>`,
raw `<a>` tags, and the literal autolinks (`https://…`, `www.…`, `a@b.c`) that
GFM finds in the text *after* backslash escapes are resolved.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(\s*<?([^)\s>]*)")
_ANGLE = re.compile(r"(?<!\\)<((?:[a-z][a-z0-9+.-]*:|www\.)[^>\s]*)>", re.I)
_TAG = re.compile(r"(?<!\\)<a\b[^>]*href\s*=\s*['\"]?([^'\" >]*)", re.I)
_LITERAL = re.compile(r"(?i)(?:https?://|www\.)[^\s<]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def link_targets(markdown: str) -> list[str]:
    """Every link target `markdown` renders as, including literal autolinks."""
    targets = _INLINE.findall(markdown) + _ANGLE.findall(markdown) + _TAG.findall(markdown)
    text = _INLINE.sub(" ", markdown)
    unescaped = re.sub(r"\\(.)", r"\1", text)  # what the autolinker sees
    return targets + _LITERAL.findall(unescaped)


def external(target: str) -> bool:
    """A link off this site: a scheme (`http:`, `javascript:` …), `//host` or `www.`; not `/page?…`."""
    return bool(re.match(r"(?i)[a-z][a-z0-9+.-]*:|//|www\.|[\w.+-]+@", target))


def hostile_links(markdown: str, marker: str = "evil") -> list[str]:
    """Link targets that leave the site towards `marker`: what a hostile name must never produce."""
    return [t for t in link_targets(markdown) if external(t) and marker in t.lower()]
