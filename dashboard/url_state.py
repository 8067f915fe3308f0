"""Checking link parameters before widgets read them.

Widgets bound with `bind="query-params"` already ignore values they cannot
show, but silently: someone who opens a colleague's link would see a different
view without knowing why. This module finds those values first so the page can
say which ones were dropped. Nothing here reaches SQL or unpickles anything.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from dashboard.safe_text import md, plain

MAX_SHOWN = 40  # characters of a rejected value echoed back to the user


@dataclass(frozen=True)
class ParamSpec:
    """What one URL key may hold: values from `allowed`, at most `max_values` of them."""

    key: str
    label: str
    allowed: Collection[str]
    max_values: int = 1
    ordered: bool = False  # a range: values must not decrease
    expected: str = "in this dataset"  # completes "not …" in the notice


def rejected_params(
    params: Mapping[str, Sequence[str]], specs: Sequence[ParamSpec]
) -> list[str]:
    """One plain-words notice per link parameter that will be ignored.

    `params` maps each URL key to all its values (repeated keys are how bound
    multiselects and ranges are written). Keys without a spec are ignored
    quietly: they may come from a newer or older version of the app.
    """
    notices: list[str] = []
    for spec in specs:
        values = [v for v in params.get(spec.key, ()) if v != ""]
        unknown = [v for v in values if v not in spec.allowed]
        for value in unknown[:3]:
            notices.append(f"{spec.label} “{shown(value)}”: not {spec.expected}.")
        if len(unknown) > 3:
            notices.append(f"{spec.label}: {len(unknown) - 3} more values not {spec.expected}.")
        known = [v for v in values if v in spec.allowed]
        if len(known) > spec.max_values:
            notices.append(
                f"{spec.label}: the link had {len(known)} values, at most {spec.max_values} fit."
            )
        elif spec.ordered and len(known) == 2 and known[0] > known[1]:
            notices.append(f"{spec.label}: the range ends before it starts.")
    return notices


def shown(value: str) -> str:
    """A user-supplied value made safe to echo inside Markdown: short, inert, no links or bidi tricks."""
    flat = plain(value)
    if len(flat) > MAX_SHOWN:
        flat = flat[: MAX_SHOWN - 1] + "…"
    return md(flat)
