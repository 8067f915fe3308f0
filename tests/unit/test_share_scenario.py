"""Share what-if on share-only data: points come from the chosen rivals, shares add up, caps and ranks are told."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.share_scenario import describe, shift_shares, value_of_points

DATES = pd.date_range("2027-01-01", periods=12, freq="MS")


def forecast_of(shares: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"date": d, "company": c, "share": s} for d in DATES for c, s in shares.items()])


def test_points_ramp_in_and_come_from_the_chosen_rivals_in_proportion():
    shift = shift_shares(forecast_of({"Us": 30.0, "A": 40.0, "B": 20.0, "C": 10.0}), "Us", 3.0, ["B", "C"])
    end = shift.at_end("scenario")
    assert end["Us"] == pytest.approx(33.0) and end["A"] == pytest.approx(40.0)
    assert end["B"] == pytest.approx(18.0) and end["C"] == pytest.approx(9.0)  # 2:1, as their shares
    totals = shift.path.groupby("date")["scenario"].sum()
    assert totals.to_numpy() == pytest.approx([100.0] * 12)  # still adds up in every period
    ours = shift.path[shift.path["company"] == "Us"]["scenario"].to_numpy()
    assert ours[0] == pytest.approx(30.25) and ours[5] == pytest.approx(31.5)  # a straight ramp


def test_the_story_names_the_outcome_the_rank_and_who_we_pass():
    shift = shift_shares(forecast_of({"Us": 30.0, "A": 32.0, "Other": 38.0}), "Us", 4.0, ["A"])
    text = describe(shift, ranked=["Us", "A"])
    assert text == ("Winning 4.0 points by Dec 2027 puts Us at 34.0% instead of the forecast 30.0%, #1 instead of #2"
                    "; A -4.0. Us passes A.")


def test_a_move_larger_than_the_rivals_hold_is_capped_and_says_so():
    shift = shift_shares(forecast_of({"Us": 90.0, "Small": 2.0, "Big": 8.0}), "Us", 5.0, ["Small"])
    assert shift.moved == pytest.approx(2.0) and shift.at_end("scenario")["Small"] == pytest.approx(0.0)
    assert "Only 2.0 of the 5.0 points asked are possible" in describe(shift)


def test_losing_points_gives_them_to_the_rivals_and_has_a_value():
    shift = shift_shares(forecast_of({"Us": 50.0, "A": 30.0, "B": 20.0}), "Us", -5.0)
    end = shift.at_end("scenario")
    assert end["Us"] == pytest.approx(45.0) and end["A"] == pytest.approx(33.0) and end["B"] == pytest.approx(22.0)
    assert describe(shift).startswith("Losing 5.0 points by Dec 2027 puts Us at 45.0%")
    # A market of 1,000 a month: the ramp loses 5% × (1/12 + … + 12/12) × 1,000 = 325.
    assert value_of_points(shift, 1000.0) == pytest.approx(-325.0)


def test_no_change_and_an_unknown_company():
    shift = shift_shares(forecast_of({"Us": 50.0, "A": 50.0}), "Us", 0.0)
    assert describe(shift) == "With no change, Us is forecast at 50.0% in Dec 2027, #1."
    with pytest.raises(ValueError, match="Nobody has no share forecast"):
        shift_shares(forecast_of({"Us": 50.0, "A": 50.0}), "Nobody", 1.0)
