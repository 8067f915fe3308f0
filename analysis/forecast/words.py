"""The forecast's models in plain words, for people who do not speak ETS(A,Ad,A).

The technical names stay available behind "details"; pages lead with these.
Link values (`?model=holt_winters`) are the method names and never change.
"""

from __future__ import annotations

import re

METHOD_WORDS: dict[str, str] = {
    "auto": "Automatic (best of several, checked on the recent past)",
    "naive": "Last value, repeated",
    "seasonal_naive": "Same period last year, repeated",
    "drift": "Straight line through the first and last values",
    "ses": "Exponential smoothing (level only)",
    "holt": "Holt's trend",
    "damped": "Trend that flattens out (damped trend)",
    "holt_winters": "Holt-Winters with damped trend (trend and seasons)",
    "theta": "Theta method (winner of the M3 competition)",
    "arima": "ARIMA",
    "sarima": "Seasonal ARIMA",
    "combination": "Weighted average of the best models",
}

_TRENDS = {"N": "", "A": "trend", "Ad": "damped trend", "M": "multiplicative trend", "Md": "damped multiplicative trend"}
_ETS = re.compile(r"ETS\((\w+),(\w+),(\w+)\)")
_COMBINATION = re.compile(r"Combination \((weighted mean|mean)\) of (\d+) models: ")


def _ets_words(match: re.Match) -> str:
    trend, season = _TRENDS.get(match.group(2), match.group(2)), match.group(3)
    if season != "N":
        kind = "multiplicative seasons" if season == "M" else "seasons"
        return f"Holt-Winters ({', '.join(p for p in (trend, kind) if p)})"
    if not trend:
        return "exponential smoothing"
    return "Holt's trend" if trend == "trend" else trend


def in_words(model: str) -> str:
    """'Combination (weighted mean) of 2 models: ETS(A,Ad,A) and Theta' ->
    'Weighted average of 2 models: Holt-Winters (damped trend, seasons) and Theta'."""
    text = re.sub(r"ETS\([^)]*\) — ", "", model)  # a label that already says it in words keeps only the words
    text = _COMBINATION.sub(lambda m: ("Weighted average" if m.group(1) == "weighted mean" else "Average")
                            + f" of {m.group(2)} models: ", text)
    text = _ETS.sub(_ets_words, text)
    text = re.sub(r"Random walk with drift", "straight-line drift", text)
    return text[:1].upper() + text[1:]
