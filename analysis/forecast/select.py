"""Choosing, combining and calibrating: from backtest errors to one mean and band."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.forecast.backtest import _Backtest, _errors
from analysis.forecast.models import _FALLBACK, _FitFailed, _safe_fit
from analysis.forecast.result import CANDIDATES
from analysis.forecast.window import _Fit, _Window

_CLOSE_TO_BEST = 1.4  # average every candidate whose backtest error is at most 1.4 times the best
_PLAUSIBLE = 3.0  # candidates within 3 times the best error count as plausible: their disagreement widens the band
_CALIBRATION_PRIOR = 1.0  # pseudo-replays of trust in the models' own spread when calibrating the band
_PARAMETERS = 3  # degrees of freedom a typical candidate spends (level, trend, smoothing)
_LOWEST = 0.75  # the backtest may narrow a band to three quarters of the normal one, no further


@dataclass(frozen=True)
class _Choice:
    """What the forecast is made of: members averaged for the point forecast, plus the
    other plausible candidates whose disagreement with them widens the band."""

    method: str  # the candidate name reported to the user ("combination" for several)
    fits: dict[str, _Fit]  # final fits on the whole series, members first
    members: tuple[str, ...]
    fallback: str = ""  # why a simpler model stands in, in words
    weights: tuple[float, ...] = ()  # one per member, summing to 1 (empty: equal weights)

    @property
    def mean(self) -> np.ndarray:
        return _combine(self.fits, self.members, self.weights)[0]

    @property
    def sd(self) -> np.ndarray:
        return _combine(self.fits, self.members, self.weights)[1]


def _combine(
    fits: dict[str, _Fit], members: Sequence[str], weights: Sequence[float] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of the members; spread = members' own spread plus how much the plausible models disagree.

    Each model's spread assumes it is the right model; when equally plausible models
    point different ways, that disagreement is uncertainty too (it grows with the
    horizon, which is where model-based bands are most often too narrow).
    """
    w = np.asarray(weights, dtype=float) if len(weights) == len(members) else None
    mean = np.average([fits[name].mean for name in members], axis=0, weights=w)
    own = np.average([fits[name].sd ** 2 for name in members], axis=0, weights=w)
    disagreement = np.var([fit.mean for fit in fits.values()], axis=0)
    return mean, np.sqrt(own + disagreement)


def _score(errors: dict[str, float], positive: bool) -> float:
    """Selection error: sMAPE for positive series (the M3 yardstick), MASE when zeros make it unstable."""
    value = errors["smape"] if positive else errors["mase"]
    return value if np.isfinite(value) else np.inf


def _rank(backtest: _Backtest, positive: bool) -> list[tuple[str, dict[str, float]]]:
    rows = [(name, _errors(backtest, [f.mean for f in fits])) for name, fits in backtest.fits.items()]
    return sorted(rows, key=lambda row: (_score(row[1], positive), CANDIDATES.index(row[0])))


def _within(ranking: list[tuple[str, dict[str, float]]], positive: bool, factor: float) -> list[str]:
    best = _score(ranking[0][1], positive)
    return [name for name, errors in ranking if _score(errors, positive) <= factor * best + 1e-12]


def _choose(
    method: str,
    ranking: list[tuple[str, dict[str, float]]],
    window: _Window,
    h: int,
    ready: dict[str, _Fit],
    stepped_down: str = "",
) -> _Choice:
    """Pick the members, fit them (and the other plausible candidates) on the whole series.

    "auto" averages every candidate whose backtest error is within `_CLOSE_TO_BEST` of
    the best: selection on a few replays is noisy, and the mean of the near-best models
    is rarely far from the best of them (this is what beat Theta on M3). A forced
    "combination" takes at least the best two; a named model is used alone, stepping
    down to simpler ones if it cannot be fitted.
    """
    if method not in ("auto", "combination"):
        name, fit, why = _fit_with_fallback(window, method, h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join(filter(None, [stepped_down, why])))
    if not ranking:
        start = "seasonal_naive" if window.m > 1 and window.n >= 2 * window.m else "naive"
        name, fit, why = _fit_with_fallback(window, start, h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join(filter(None, ["series too short to compare models", why])))
    members = _within(ranking, window.positive, _CLOSE_TO_BEST)
    if method == "combination" and len(members) < 2:
        members = [name for name, _ in ranking[:2]]
    plausible = [name for name in _within(ranking, window.positive, _PLAUSIBLE) if name not in members]
    fits, dropped = {}, []
    for name in [*members, *plausible]:
        try:
            fits[name] = ready[name] if name in ready else _safe_fit(name, window, h)
        except _FitFailed as failure:
            if name in members:
                dropped.append(str(failure))
    kept = tuple(name for name in members if name in fits)
    if not kept:
        name, fit, why = _fit_with_fallback(window, "naive", h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join([*dropped, why]))
    return _Choice("combination" if len(kept) > 1 else kept[0], fits, kept, "; ".join(dropped),
                   _skill_weights(ranking, kept, window.positive))


def _skill_weights(ranking: list[tuple[str, dict[str, float]]], members: Sequence[str], positive: bool
                   ) -> tuple[float, ...]:
    """Weights in proportion to out-of-sample skill: the inverse squared backtest error.

    Bates & Granger (1969) weight forecasts by their inverse mean squared error; this uses
    the squared selection error in its place. The members all came close to the best, so
    the weights stay within a factor of about two of each other: the mean keeps the
    robustness of an equal-weight combination while leaning towards the models that did
    better on this series.
    """
    scores = dict((name, _score(errors, positive)) for name, errors in ranking)
    floor = max(min(scores[name] for name in members), 1e-9)
    inverse = np.array([1.0 / max(scores[name], floor) ** 2 for name in members])
    if not (np.all(np.isfinite(inverse)) and inverse.sum() > 0):
        return ()  # errors undefined here (a flat stretch): equal weights
    return tuple(float(x) for x in inverse / inverse.sum())


def _member_backtest(backtest: _Backtest, choice: _Choice) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The choice's mean and spread at each replay, combined exactly as on the whole series."""
    means, sds = [], []
    for i in range(len(backtest.origins)):
        fits = {name: backtest.fits[name][i] for name in choice.fits}
        mean, sd = _combine(fits, choice.members, choice.weights)
        means.append(mean)
        sds.append(sd)
    return means, sds


@dataclass(frozen=True)
class _Calibration:
    """What the backtest says about the band, kept apart from any level so that one fit serves them all.

    Model-based bands are often miscalibrated out of sample: too narrow on short yearly
    series (M3, M4), too wide when several plausible models disagree on long monthly ones.
    The starting point is Student's t quantile with the series' degrees of freedom (the
    spread itself is estimated, which matters on 20 yearly values). The backtest's
    standardised errors then move it, by their split-conformal quantile (the
    ceil((N+1) level)-th of N, which widens the band when there are few errors to go by):
    fully when they say wider, shrunk towards the t quantile when they say narrower, as
    narrowing a band needs more evidence than widening it, and never below `_LOWEST` of it.
    The errors are those of the choice and of every plausible model at each replay (all
    scaled by the choice's spread): the members were picked for their small backtest
    errors, so the choice's errors alone understate the future's (on five of the eight
    bench sets the hold-out fell outside the band up to six points more often than the
    backtest said).
    Those errors are not independent: at one replay and step, the plausible models miss
    in much the same direction. The split-conformal correction therefore counts them as
    the design effect says (Kish: n / (1 + (m - 1) rho), rho their intraclass correlation
    within a replay and step, measured on this series): treating every copy as new
    evidence made the correction vanish and left the band too narrow where the hold-out
    broke away from a smooth past (M1 quarterly 83.4%, 85.4% with it).
    """

    errors: tuple[np.ndarray, ...]  # per replay: the choice's standardised errors, then each plausible model's
    dof: int  # Student's t degrees of freedom (0: no backtest, normal quantile)
    horizon: int  # steps per replay
    design_effect: float = 1.0  # how many errors count as one independent one

    def multipliers(self, level: float, steps: int) -> np.ndarray:
        """How many standard deviations the band at `level` needs, at each of `steps` steps ahead."""
        return np.full(steps, self._multiplier(list(self.errors), level))

    def coverage(self, level: float) -> float:
        """Honest backtest coverage, leave-one-origin-out: each replay's forecast is judged by a
        band calibrated on the other replays only (NaN without a backtest)."""
        if not self.errors:
            return float("nan")
        parts = list(self.errors)
        inside = [part[: self.horizon] <= self._multiplier(parts[:i] + parts[i + 1 :], level)
                  for i, part in enumerate(parts)]
        return float(np.mean(np.concatenate(inside)))

    def _normal(self, level: float) -> float:
        # scipy.special's quantiles, not scipy.stats': the same numbers, without ~0.8 s of import on a first page
        from scipy.special import ndtri, stdtrit

        return float(stdtrit(self.dof, 0.5 + level / 2)) if self.dof else float(ndtri(0.5 + level / 2))

    def _multiplier(self, parts: list[np.ndarray], level: float) -> float:
        normal = self._normal(level)
        if not parts:
            return normal
        errors = np.concatenate(parts)
        effective = max(len(errors) / self.design_effect, 1.0)
        empirical = float(np.quantile(errors, min(1.0, level * (1 + 1 / effective)), method="higher"))
        if empirical >= normal:
            return float(min(empirical, 4 * normal))
        weight = len(parts) / (len(parts) + _CALIBRATION_PRIOR)
        return float(max(weight * empirical + (1 - weight) * normal, _LOWEST * normal))


def _calibration(backtest: _Backtest, choice: _Choice) -> _Calibration:
    """The backtest's standardised errors of the choice and its plausible models, for `_Calibration`."""
    n = backtest.origins[0] + backtest.horizon if backtest.origins else 0
    dof = max(n - _PARAMETERS, 2) if n else 0
    if not backtest.origins or any(name not in backtest.fits for name in choice.fits):
        return _Calibration((), dof, 0)
    means, sds = _member_backtest(backtest, choice)
    scaled = []
    for i, (actual, mean, sd) in enumerate(zip(backtest.actuals, means, sds)):
        floor = np.maximum(sd, 1e-9 * (np.max(np.abs(actual)) + 1.0))
        others = [np.abs(actual - backtest.fits[name][i].mean) / floor for name in choice.fits]
        scaled.append(np.concatenate([np.abs(actual - mean) / floor, *others]))
    return _Calibration(tuple(scaled), dof, backtest.horizon, _design_effect(scaled, backtest.horizon))


def _design_effect(scaled: list[np.ndarray], horizon: int) -> float:
    """1 + (m - 1) rho: m errors per replay and step (the choice's and each plausible model's),
    rho their intraclass correlation (one-way ANOVA estimate, within [0, 1])."""
    table = np.concatenate([part.reshape(-1, horizon).T for part in scaled])  # (replay, step) x model
    groups, m = table.shape
    if m < 2 or groups < 2:
        return 1.0
    means = table.mean(axis=1)
    between = m * np.var(means, ddof=1)
    within = float(np.sum((table - means[:, None]) ** 2)) / (groups * (m - 1))
    total = between + (m - 1) * within
    rho = float(np.clip((between - within) / total, 0.0, 1.0)) if total > 0 else 1.0
    return 1.0 + (m - 1) * rho


def _fit_with_fallback(window: _Window, name: str, h: int, ready: dict[str, _Fit]) -> tuple[str, _Fit, str]:
    """Fit `name`, stepping down to simpler models until one works; say why in words."""
    reasons = []
    while True:
        try:
            fit = ready[name] if name in ready else _safe_fit(name, window, h)
            return name, fit, "; ".join(reasons)
        except _FitFailed as failure:
            if name == "naive":
                raise
            reasons.append(str(failure))
            name = _FALLBACK.get(name, "naive")

