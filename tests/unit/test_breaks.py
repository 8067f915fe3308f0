"""Data breaks: a tracker's change of method is flagged; noise, spikes, entrants and the demo are not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.breaks import breaks_between, describe_breaks, share_breaks
from data.dataset import load_demo
from data.validate import load
from tests.share_files import BREAK, desktop_os_csv

MONTHS = pd.date_range("2022-01-01", periods=24, freq="MS")


def tracker(columns: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"date": d, "company": c, "share": v}
                         for c, values in columns.items() for d, v in zip(MONTHS, values)])


def test_other_dropping_from_9_4_to_3_2_in_a_month_is_a_break():
    rng = np.random.default_rng(1)
    other = np.where(MONTHS < pd.Timestamp("2023-03-01"), 9.4, 3.2) + rng.normal(0, 0.1, 24)
    other[13], other[14] = 9.4, 3.2
    main = 100 - other - 30
    found = share_breaks(tracker({"Main": list(main), "Second": [30.0] * 24, "Other": list(other)}), "share")
    assert {(b.company, b.date) for b in found} == {("Main", pd.Timestamp("2023-03-01")),
                                                   ("Other", pd.Timestamp("2023-03-01"))}
    other_break = next(b for b in found if b.company == "Other")
    assert (round(other_break.before, 1), round(other_break.after, 1)) == (9.4, 3.2)
    text = describe_breaks(found)
    assert "Other 9.4% → 3.2% in Mar 2023" in text and text.startswith("Likely a change in the tracker's method")
    assert breaks_between(found, pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-01")) == found
    assert breaks_between(found, pd.Timestamp("2023-03-01"), pd.Timestamp("2023-12-01")) == []


def test_a_steady_trend_a_one_month_spike_and_an_entrant_are_not_breaks():
    trend = list(np.linspace(60, 40, 24))
    spike = [20.0] * 24
    spike[5] = 28.0  # back the next month: noise
    entrant = [0.0] * 12 + [10.0] * 12  # enters: a new company, not a new method
    rest = [100 - a - b - c for a, b, c in zip(trend, spike, entrant)]
    frame = tracker({"Trend": trend, "Spike": spike, "Entrant": entrant, "Rest": rest})
    # Only Rest, which absorbs the entrant's 10 points in one month, breaks
    assert [(b.company, b.date) for b in share_breaks(frame, "share")] == [("Rest", pd.Timestamp("2023-01-01"))]
    assert share_breaks(tracker({"Trend": trend, "Rest": [100 - t for t in trend]}), "share") == []


def test_the_share_only_test_file_has_its_break_and_the_demo_has_none():
    frame = load("desktop.csv", desktop_os_csv()).frame
    found = share_breaks(frame[["date", "company", "share"]], "share")
    assert {b.company for b in found} == {"Other", "Windows"} and {b.date for b in found} == {BREAK}
    market = load_demo().tables["market"]
    for measure in ("revenue", "units"):
        assert share_breaks(market.groupby(["date", "company"], as_index=False)[measure].sum(), measure) == []


def test_a_two_month_dip_that_goes_back_is_not_a_break_either_way():
    # A company's rows missing in part of the market for two months (Jul and Aug) drop its share, then it is back.
    rng = np.random.default_rng(3)
    dipping = 22.0 + rng.normal(0, 0.3, 24)
    dipping[6:8] = [11.2, 6.9]
    steady = 30.0 + rng.normal(0, 0.3, 24)
    rest = 100 - dipping - steady
    assert share_breaks(tracker({"Dipping": list(dipping), "Steady": list(steady), "Rest": list(rest)}), "share") == []


def test_three_months_of_missing_rows_are_not_two_method_changes_but_a_lasting_shift_is_one():
    # A company's rows missing in one segment for three months (Mar-May): its share drops, holds, and comes back.
    rng = np.random.default_rng(4)
    dipping = 22.0 + rng.normal(0, 0.3, 24)
    dipping[14:17] = 12.0 + rng.normal(0, 0.3, 3)
    steady = 30.0 + rng.normal(0, 0.3, 24)
    assert share_breaks(tracker({"Dipping": list(dipping), "Steady": list(steady),
                                 "Rest": list(100 - dipping - steady)}), "share") == []
    shifted = 22.0 + rng.normal(0, 0.3, 24)
    shifted[14:] += 10  # a new panel from Mar 2023 on: it stays
    found = share_breaks(tracker({"Shifted": list(shifted), "Steady": list(steady),
                                  "Rest": list(100 - shifted - steady)}), "share")
    assert {(b.company, b.date) for b in found} == {("Shifted", MONTHS[14]), ("Rest", MONTHS[14])}
