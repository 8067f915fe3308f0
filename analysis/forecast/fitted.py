"""One fit, every view of it: shorter horizons and other interval levels without refitting.

Fitting and backtesting the candidates is the expensive part of a forecast (a quarter
second on a monthly series); slicing the point forecast and moving the band to another
level are array arithmetic. A page whose horizon and level controls move freely fits once,
at the longest horizon it offers, and asks the fit for each view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.forecast.report import _summary
from analysis.forecast.result import Forecast
from analysis.forecast.select import _Calibration


@dataclass(frozen=True, eq=False)
class ForecastFit:
    """A series fitted up to `horizon` periods ahead: point forecasts, their spread per step,
    and the backtest's standardised errors, from which a band at any level is derived.

    `forecast(h, level)` for h up to `horizon` is the first h steps of this one fit: the same
    models, weights and calibration, only the band's quantile changes with the level.
    Picklable, so a dashboard can cache it per data slice. Treat it as read-only.
    """

    mean: np.ndarray  # every step fitted, including `skip` steps over trailing holes
    sd: np.ndarray  # the combination's own spread per step, before calibration
    skip: int  # leading steps that fill trailing holes of the input, not shown
    index: pd.Index  # labels of the `horizon` future periods
    name: object
    nonnegative: bool  # the series never went below zero, so neither do forecast or band
    model: str
    method: str
    season_length: int
    backtest: pd.DataFrame
    backtest_origins: int
    backtest_horizon: int
    calibration: _Calibration
    summary_head: str  # the level-free part of the summary
    checked: bool  # whether the forecast was checked against the past
    notes: tuple[str, ...] = ()
    fixed_summary: str = ""  # a summary that holds at every level (a constant series)

    @property
    def horizon(self) -> int:
        """The longest horizon this fit can show."""
        return len(self.index)

    def forecast(self, horizon: int | None = None, level: float = 0.9) -> Forecast:
        """The first `horizon` periods (all by default) with a `level` band, without refitting."""
        horizon = self.horizon if horizon is None else horizon
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= self.horizon:
            raise ValueError(f"horizon must be a whole number from 1 to {self.horizon} (the fitted one), not {horizon!r}")
        if not isinstance(level, (float, int, np.floating)) or not 0.5 <= float(level) < 1:
            raise ValueError(f"level must be between 0.5 and 1 (e.g. 0.9 for a 90% band), not {level!r}")
        level, steps = float(level), slice(self.skip, self.skip + int(horizon))
        k = self.calibration.multipliers(level, len(self.mean))
        mean, lower, upper = self.mean, self.mean - k * self.sd, self.mean + k * self.sd
        if self.nonnegative:  # units and revenue cannot go below zero, nor can their bands
            mean, lower, upper = (np.maximum(a, 0.0) for a in (mean, lower, upper))
        index = self.index[: int(horizon)]
        coverage = self.calibration.coverage(level)
        summary = self.fixed_summary or _summary(self.summary_head, self.checked, coverage, level)
        return Forecast(
            mean=pd.Series(mean[steps], index=index, name=self.name),
            lower=pd.Series(lower[steps], index=index, name=self.name),
            upper=pd.Series(upper[steps], index=index, name=self.name),
            model=self.model,
            method=self.method,
            level=level,
            season_length=self.season_length,
            backtest=self.backtest,
            coverage=coverage,
            backtest_origins=self.backtest_origins,
            backtest_horizon=self.backtest_horizon,
            summary=summary,
            notes=self.notes,
        )
