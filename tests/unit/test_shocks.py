"""Market shocks: a planted dent is found with its dates and size; noise, seasons and the rebound are not shocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.changes import changes
from analysis.shocks import shock_findings, shocks

MONTHS = pd.date_range("2019-01-01", periods=72, freq="MS")


def market_total(dent: dict[int, float] | None = None, seed: int = 3) -> pd.Series:
    """A seasonal market growing 6% a year with 2% noise; `dent` multiplies chosen months."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS))
    season = 1 + 0.25 * np.sin(2 * np.pi * t / 12)
    values = 1000 * 1.06 ** (t / 12) * season * rng.lognormal(0, 0.02, len(t))
    for month, factor in (dent or {}).items():
        values[month] *= factor
    return pd.Series(values, index=MONTHS)


def test_a_six_month_dent_is_one_shock_and_its_rebound_a_year_later_is_not():
    dented = market_total({m: 0.8 for m in range(60, 66)})  # Jan–Jun 2024, 20% below
    (shock,) = shocks(dented, 12)
    assert (shock.start, shock.end, shock.periods) == (MONTHS[60], MONTHS[65], 6)
    assert shock.deviation == pytest.approx(-20, abs=2)
    assert shock.volume < 0


def test_seasons_growth_and_noise_are_not_shocks():
    assert shocks(market_total(), 12) == []
    assert shocks(market_total(seed=11), 12) == []
    one_noisy_month = market_total({40: 1.09})  # 9% in one month: large, but a lone month is not extreme enough
    assert shocks(one_noisy_month, 12) == []


def test_a_recent_shock_is_a_dated_finding_in_money_and_an_old_one_is_not():
    dented = market_total({m: 0.8 for m in range(60, 66)})
    (finding,) = shock_findings(dented, 12, "revenue", "month", recent=24)
    assert finding.kind == "shock" and finding.sentiment == "risk" and finding.unit == "USD"
    assert finding.when == MONTHS[60] and finding.label.startswith("Market shock (-")
    assert finding.text.startswith("A market shock: revenue fell ") and "from Jan 2024 to Jun 2024" in finding.text
    assert finding.impact == pytest.approx(-shocks(dented, 12)[0].volume)
    old = market_total({m: 0.8 for m in range(24, 30)})
    assert shock_findings(old, 12, "revenue", "month", recent=24) == []
    assert shock_findings(dented, 12, "share", "month", recent=24) == []  # shares have no market size


def test_the_briefing_changes_include_a_recent_shock():
    dented = market_total({m: 0.8 for m in range(60, 66)})
    rows = [{"date": d, "segment": "All", "region": "All", "company": c, "revenue": v * w, "units": v * w / 10}
            for d, v in dented.items() for c, w in (("Us", 0.4), ("Rival", 0.6))]
    found = changes(pd.DataFrame(rows), "Us", 12)
    assert any(f.kind == "shock" and f.when == MONTHS[60] for f in found)


def test_a_series_with_gaps_is_not_judged():
    dented = market_total({m: 0.8 for m in range(60, 66)})
    assert shocks(dented.drop(MONTHS[30:33]), 12) == []  # the same month a year before is not 12 rows back
