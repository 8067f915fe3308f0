"""The words and tables that come with a forecast: model text, backtest table, summary."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.forecast.backtest import _Backtest, _errors
from analysis.forecast.models import _SHORT_NAMES
from analysis.forecast.prepare import _plural
from analysis.forecast.select import _Choice, _member_backtest
from analysis.forecast.window import _adjustment_words, _Window

def _empty_table() -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "model": pd.Series(dtype=str),
            "mape": pd.Series(dtype=float),
            "smape": pd.Series(dtype=float),
            "mase": pd.Series(dtype=float),
            "chosen": pd.Series(dtype=bool),
        }
    )
    table.index.name = "candidate"
    return table


def _backtest_table(ranking: list[tuple[str, dict[str, float]]], choice: _Choice, backtest: _Backtest) -> pd.DataFrame:
    """Backtest errors per candidate (best first), the combination on top when it was chosen."""
    if not ranking:
        return _empty_table()
    rows = {}
    if choice.method == "combination" and all(name in backtest.fits for name in choice.fits):
        means, _ = _member_backtest(backtest, choice)
        rows["combination"] = {"model": _combination_label(choice), **_errors(backtest, means), "chosen": True}
    for name, errors in ranking:
        label = _short_label(backtest.fits[name][0].label)
        rows[name] = {"model": label, **errors, "chosen": name in choice.members}
    table = pd.DataFrame.from_dict(rows, orient="index")[["model", "mape", "smape", "mase", "chosen"]]
    table.index.name = "candidate"
    return table


def _short_label(label: str) -> str:
    return label.split(" on ")[0] if " on " in label and "seasonally adjusted" in label else label


def _combination_label(choice: _Choice) -> str:
    labels = [_member_name(choice.fits[name].label) for name in choice.members]
    listed = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    how = "weighted mean" if choice.weights else "mean"
    return f"Combination ({how}) of {len(labels)} models: {listed}"


def _member_name(label: str) -> str:
    """"ETS(A,Ad,N) — damped trend" -> "ETS(A,Ad,N)"; "Naive (last value ...)" -> "Naive"."""
    return _short_label(label).split(" — ")[0].split(" (")[0]


def _describe(choice: _Choice, window: _Window, notes: Sequence[str]) -> str:
    """The `model` text: what was fitted, how seasonality was handled, and every repair."""
    if choice.method == "combination":
        text = _combination_label(choice)
    else:
        text = _short_label(choice.fits[choice.method].label)
    labels = [choice.fits[name].label for name in choice.members]
    adjusted = [label != _short_label(label) for label in labels]
    if any(adjusted):
        where = _adjustment_words(window)
        text += f", on {where}" if all(adjusted) else f"; the non-seasonal ones on {where}"
    if choice.fallback:
        text += f" (fallback: {choice.fallback})"
    if notes:
        text += "; " + "; ".join(notes)
    return text


_PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "year": 1}


def _span_words(periods: int, unit: str) -> str:
    per_year = _PER_YEAR.get(unit)
    if per_year and per_year > 1 and periods >= per_year and periods % per_year == 0:
        years = periods // per_year
        return "the last year" if years == 1 else f"the last {years} years"
    return f"the last {unit}" if periods == 1 else f"the last {periods} {_plural(unit, periods)}"


def _summary_head(
    choice: _Choice,
    table: pd.DataFrame,
    backtest: _Backtest,
    unit: str,
    compared: int,
    auto: bool,
) -> tuple[str, bool]:
    """The level-free part of the summary, and whether the forecast was checked against the past.

    Kept apart from the band's sentence (`_summary`) so that one fit words every level.
    """
    if choice.method not in table.index:
        reason = f" ({choice.fallback})" if choice.fallback else ""
        return f"This {_SHORT_NAMES[choice.method]} forecast could not be checked against the past{reason}", False
    row = table.loc[choice.method]
    if np.isfinite(row["mape"]):
        miss = f"missed by {row['mape']:.0f}% on average"
    elif np.isfinite(row["smape"]):
        miss = f"missed by {row['smape'] / 2:.0f}% on average (relative to the size of actuals and forecasts)"
    else:
        miss = f"made errors {row['mase']:.1f} times the typical change from one {unit} to the next"
    replays = len(backtest.origins)
    forecasts = "forecast" if replays == 1 else "forecasts"
    how = f"replaying {replays} {forecasts} of {backtest.horizon} {_plural(unit, backtest.horizon)}"
    who = "This forecast" if choice.method == "combination" else "This model"
    text = f"{who} {miss} over {_span_words(backtest.span, unit)} ({how})."
    if auto and compared > 1:
        if choice.method == "combination":
            text += (
                f" It averages the {len(choice.members)} of {compared} models that came closest in that test,"
                " the better ones weighing more."
            )
        else:
            text += f" It did best of {compared} models in that test."
    return text, True


def _summary(head: str, checked: bool, coverage: float, level: float) -> str:
    """Two or three sentences an executive can follow: how wrong it has been, how often the band held."""
    band = f"{level:.0%} band"
    if not checked:
        return f"{head}; treat its {band} as a rough guide."
    if np.isfinite(coverage):
        return f"{head} {coverage:.0%} of past outcomes fell inside the {band}."
    return f"{head} The {band} comes from the model alone; it has not been checked against the past."
