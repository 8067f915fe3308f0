"""Checking link parameters before widgets read them.

Widgets bound with `bind="query-params"` already ignore values they cannot
show, but silently: someone who opens a colleague's link would see a different
view without knowing why. This module finds those values first so the page can
say which ones were dropped. Nothing here reaches SQL or unpickles anything.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dashboard.safe_text import md, plain

MAX_SHOWN = 40  # characters of a rejected value echoed back to the user


class LinkSpec(Protocol):
    """What one URL key may hold, and what to say about values it may not."""

    key: str

    def problems(self, values: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True)
class ParamSpec:
    """What one URL key may hold: values from `allowed`, at most `max_values` of them."""

    key: str
    label: str
    allowed: Collection[str]
    max_values: int = 1
    ordered: bool = False  # a range: values must not decrease
    expected: str = "in this dataset"  # completes "not …" in the notice
    allow_empty: bool = False  # `?key=` is a real state (an empty multiselect), not a broken link

    def problems(self, values: Sequence[str]) -> list[str]:
        """Plain-words notices for `values`, all the values the link gives this key."""
        if is_empty(values):
            return [] if self.allow_empty else [empty_notice(self.label)]
        present = [v for v in values if v != ""]
        unknown = [v for v in present if v not in self.allowed]
        notices = [f"{self.label} “{shown(v)}”: not {self.expected}." for v in unknown[:3]]
        if len(unknown) > 3:
            notices.append(f"{self.label}: {len(unknown) - 3} more values not {self.expected}.")
        known = [v for v in present if v in self.allowed]
        count = len(values) if self.max_values == 1 else len(known)  # one value: the widget reads only the last
        if count > self.max_values:
            notices.append(f"{self.label}: the link had {count} values, at most {self.max_values} fit.")
        elif self.ordered and len(present) < 2 and not unknown:
            notices.append(f"{self.label}: a range needs a start and an end, the link had one value.")
        elif self.ordered and len(known) == 2 and known[0] > known[1]:
            notices.append(f"{self.label}: the range ends before it starts.")
        return notices


@dataclass(frozen=True)
class NumberSpec:
    """A URL key read by a slider or number input: one finite number in [low, high].

    Checked as a number, not against a list of spellings: `05` and `5.0` are the
    same setting, while `nan`, `inf` and `1e308` are not settings at all.
    """

    key: str
    label: str
    low: float
    high: float
    whole: bool = True  # an integer slider: 5.7 would silently become 5
    expected: str = ""  # completes "not …"; by default "a whole number from low to high"
    allow_empty: bool = False  # `?key=` is a real state (a cleared number input), not a broken link

    def problems(self, values: Sequence[str]) -> list[str]:
        """Plain-words notices for `values`, all the values the link gives this key."""
        if is_empty(values):
            return [] if self.allow_empty else [empty_notice(self.label)]
        if len(values) > 1:
            return [f"{self.label}: the link had {len(values)} values, at most 1 fit."]
        value = values[0]
        number = _number(value)
        if number is None or not self.low <= number <= self.high:
            return [f"{self.label} “{shown(value)}”: not {self.describe()}."]
        if self.whole and number != int(number):
            return [f"{self.label} “{shown(value)}”: not a whole number, so {int(number)} is shown."]
        return []

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        return self.expected or f"{kind} from {self.low:g} to {self.high:g}"


class AnyCase(Collection[str]):
    """Allowed values compared without case: Streamlit reads `TRUE` as a toggle's `true`."""

    def __init__(self, values: Collection[str]) -> None:
        self._values = frozenset(v.lower() for v in values)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._values))

    def __len__(self) -> int:
        return len(self._values)


def flag_spec(key: str, label: str) -> ParamSpec:
    """The spec of a bound toggle or checkbox."""
    return ParamSpec(key, label, AnyCase(("true", "false")), expected="true or false")


def rejected_params(params: Mapping[str, Sequence[str]], specs: Sequence[LinkSpec]) -> list[str]:
    """One plain-words notice per link parameter that will be ignored.

    `params` maps each URL key to all its values (repeated keys are how bound
    multiselects and ranges are written). Keys without a spec are ignored
    quietly: they may come from a newer or older version of the app.
    """
    return [notice for spec in specs if spec.key in params for notice in spec.problems(list(params[spec.key]))]


def is_empty(values: Sequence[str]) -> bool:
    """`?key=`: the key is in the link with nothing in it (Streamlit's "cleared" state)."""
    return bool(values) and all(v == "" for v in values)


def empty_notice(label: str) -> str:
    return f"{label}: empty in the link."


def _number(value: str) -> float | None:
    """The finite number `value` spells, or None (`nan`, `inf`, `1e999`, words)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def shown(value: str) -> str:
    """A user-supplied value made safe to echo inside Markdown: short, inert, no links or bidi tricks."""
    flat = plain(value)
    if len(flat) > MAX_SHOWN:
        flat = flat[: MAX_SHOWN - 1] + "…"
    return md(flat)
