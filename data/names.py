"""Ids and names that users give or links carry: one definition for views and workspace datasets.

Kept free of database imports, so pages can check and show names without
loading a driver.
"""

from __future__ import annotations

import re
import string

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 8
ID_PATTERN = re.compile(rf"^[a-z0-9]{{{ID_LENGTH}}}$")
MAX_NAME = 80

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")  # controls, bidi overrides


def clean_text(text: object, limit: int, fallback: str) -> str:
    """Trimmed, single-spaced, without control or bidi characters; stored and shown, never interpreted."""
    return " ".join(_UNPRINTABLE.sub(" ", str(text)).split())[:limit] or fallback
