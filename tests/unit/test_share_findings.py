"""Share findings and the Briefing headline, on small markets built here whose story is known."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.breaks import share_breaks
from analysis.briefing import risks_and_opportunities
from analysis.changes import Heading, changes, headline, needs
from analysis.share_findings import (entrants, leader_gap, overtakes, position, share_runs, share_table, standing,
                                     standing_of)
from data.dataset import load_demo

MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")


def tracker(columns: dict[str, list[float]], dates=MONTHS) -> pd.DataFrame:
    """A long share table (`date`, `company`, `share`) from one list of shares per company."""
    rows = [{"date": d, "company": c, "share": v} for c, values in columns.items() for d, v in zip(dates, values)]
    return pd.DataFrame(rows)


def flat(value: float, n: int = 24) -> list[float]:
    return [value] * n


def test_an_overtake_names_who_passed_whom_and_when():
    # Rival trails us by 10 points for 20 months, then leads for the last 4 (from Sep 2024).
    us = flat(40.0, 20) + flat(30.0, 4)
    rival = flat(30.0, 20) + flat(40.0, 4)
    table = share_table(tracker({"Us": us, "Rival": rival, "Other": flat(30.0)}), "share")
    found = overtakes(table, "Us", 12)
    assert len(found) == 1
    f = found[0]
    assert f.text == ("Rival overtook Us in Sep 2024 and has been ahead every month since: 40.0% against 30.0% of "
                      "the market in Dec 2024.")
    assert f.sentiment == "risk" and f.parties == ("Rival", "Us") and f.when == pd.Timestamp("2024-09-01")
    assert f.unit == "points" and f.impact == pytest.approx(20.0)  # from 10 behind... to 10 ahead: a 20-point swing
    assert "Sep 2024" in f.clause and "Watch" not in f.watch and "next month" in f.watch


def test_one_noisy_month_is_not_an_overtake_and_the_catch_all_never_overtakes():
    us = flat(40.0, 23) + [30.0]  # one month behind: not a lasting change
    rival = flat(35.0, 23) + [36.0]
    other = flat(25.0, 12) + flat(45.0, 12)  # "Other" passes everyone: it is the rest of the market
    table = share_table(tracker({"Us": us, "Rival": rival, "Other": other}), "share")
    assert overtakes(table, "Us", 12) == []


def test_the_catch_all_is_a_company_when_the_user_says_so():
    other = flat(25.0, 12) + flat(45.0, 12)
    us = flat(40.0, 12) + flat(30.0, 12)
    frame = tracker({"Us": us, "Rival": flat(35.0, 12) + flat(25.0, 12), "Other": other})
    as_rest = share_table(frame, "share")
    as_company = share_table(frame, "share", rest=())
    assert "Other" not in as_rest.ranked and "Other" in as_company.ranked
    assert standing(as_rest, "Us", 12).rank == 1
    assert standing(as_company, "Us", 12).rank == 2 and standing(as_company, "Us", 12).rival == "Other"


def test_an_entrant_rise_says_when_it_came_and_how_far_it_got():
    newcomer = [0.0] * 8 + [2.0] * 4 + [8.0] * 12  # enters Sep 2023: 0.7% in its first year
    us = [50.0] * 8 + [48.0] * 4 + [42.0] * 12
    table = share_table(tracker({"Us": us, "Newco": newcomer, "Big": [50.0 - n for n in newcomer[:8]] + [50.0] * 16}),
                        "share")
    found = entrants(table, "Us", 12)
    assert [f.parties for f in found] == [("Newco",)]
    f = found[0]
    assert f.text == ("Newco entered in Sep 2023 and has risen to 8.0% of the market over the last 12 months "
                             "(+7.3 points on the 12 months before), #3 of 3.")
    assert f.sentiment == "risk"  # we lost share while it rose


def test_our_gap_to_the_leader_widening_and_a_lead_narrowing():
    widening = share_table(tracker({"Us": flat(30.0, 12) + flat(27.0, 12), "Leader": flat(35.0, 12) + flat(38.0, 12),
                                    "C": flat(35.0, 12) + flat(35.0, 12)}), "share")
    f = leader_gap(widening, "Us", 12)
    # Leader C and "Leader" tie in year one; the leader now is "Leader" (38 against 35).
    assert f[0].text == ("Us's gap to the leader Leader widened from 5.0 to 11.0 points of market share (last "
                         "12 months against the 12 months before).")
    assert f[0].sentiment == "risk" and f[0].impact == pytest.approx(6.0)
    narrowing = share_table(tracker({"Us": flat(40.0, 12) + flat(36.0, 12), "Two": flat(30.0, 12) + flat(34.0, 12),
                                     "Three": flat(30.0)}), "share")
    g = leader_gap(narrowing, "Us", 12)[0]
    assert g.text.startswith("Us's lead over Two narrowed from 10.0 to 2.0 points") and g.sentiment == "risk"


def test_a_rivals_share_run_counts_the_periods_in_a_row():
    climber = flat(10.0, 18) + [11.0, 12.0, 13.0, 14.0, 15.0, 16.0]  # six gains in a row to Dec 2024
    us = flat(50.0, 18) + [49.0, 48.0, 47.0, 46.0, 45.0, 44.0]
    table = share_table(tracker({"Us": us, "Climber": climber, "Rest": flat(40.0)}), "share", rest=("Rest",))
    found = share_runs(table, "Us", 12)
    assert len(found) == 1
    assert found[0].text == ("Climber gained share 6 months in a row: 10.0% in Jun 2024 to 16.0% in Dec 2024 "
                             "(+6.0 points); Us -6.0 over the same months.")
    assert found[0].sentiment == "risk"
    assert share_runs(share_table(tracker({"Us": flat(50.0), "Flat": flat(50.0)}), "share"), "Us", 12) == []


def test_our_position_names_who_gained_and_money_sizes_it():
    revenue = tracker({"Us": flat(300.0, 12) + flat(200.0, 12), "Rival": flat(500.0, 12) + flat(600.0, 12),
                       "Others": flat(200.0)}).rename(columns={"share": "revenue"})
    f = position(share_table(revenue, "revenue"), "Us", 12)[0]
    assert f.text == "Us's revenue share fell 10.0 points to 20.0% over the last 12 months; Rival (+10.0) gained most."
    # 10 points of a 12,000 market a year
    assert f.unit == "USD" and f.impact == pytest.approx(1200.0) and f.sentiment == "risk"


def test_changes_rank_share_only_findings_by_points_and_say_what_is_needed():
    us = flat(40.0, 20) + flat(30.0, 4)
    frame = tracker({"Us": us, "Rival": flat(30.0, 20) + flat(40.0, 4), "Other": flat(30.0)})
    frame["segment"], frame["region"] = "All", "All"
    found = changes(frame, "Us", 12)
    assert {f.kind for f in found} >= {"overtake", "position"}
    assert [f.impact for f in found] == sorted((f.impact for f in found), reverse=True)
    assert all(f.unit == "points" for f in found)
    short = frame[frame["date"] < MONTHS[10]]
    assert changes(short, "Us", 12) == []
    assert needs(short, 12) == ("Findings compare the last 12 months with the 12 before: this slice has 10 months; "
                                "widen the period or load at least 24.")
    holed = frame[~frame["date"].isin(MONTHS[3:5])]  # 24 months on the calendar, two without figures
    assert needs(holed, 12) == ("Findings compare the last 12 months with the 12 before: 2 of the 24 months in this "
                                "slice have no figures, and the comparison needs 24 months with figures; load the "
                                "missing months (the Data page shows which).")


def test_risks_say_why_and_what_to_watch():
    us = flat(40.0, 20) + flat(30.0, 4)
    frame = tracker({"Us": us, "Rival": flat(30.0, 20) + flat(40.0, 4), "Other": flat(30.0)})
    frame["segment"], frame["region"] = "All", "All"
    risks, opportunities = risks_and_opportunities(changes(frame, "Us", 12), None, "segment")
    assert risks and not opportunities
    top = risks[0]
    assert top.text == "Rival passes Us" and "trailing by 10.0 points" in top.why and top.watch.startswith("Whether Rival")


def test_headline_of_a_share_only_market_with_its_forecast():
    us = flat(40.0, 20) + flat(30.0, 4)
    frame = tracker({"Us": us, "Rival": flat(30.0, 20) + flat(40.0, 4), "Other": flat(30.0)})
    found = changes(frame.assign(segment="All", region="All"), "Us", 12)
    heading = Heading(share_date=pd.Timestamp("2025-12-01"), share_forecast={"Us": 28.0, "Rival": 42.0})
    text = headline(frame, "Us", 12, found, heading)
    assert text == ("Us's market share fell from 40.0% in the 12 months before to 36.7% in the last 12 months; "
                    "it still leads, 3.3 points ahead of Rival, but Rival overtook Us in Sep 2024 and has been ahead "
                    "every month since. On current trends Us holds 28.0% of the market in Dec 2025, Rival 42.0% "
                    "(share forecast).")


def test_headline_when_we_trail_and_nothing_moved():
    frame = tracker({"Us": flat(20.0), "Leader": flat(50.0), "C": flat(30.0)}).assign(segment="All", region="All")
    text = headline(frame, "Us", 12, changes(frame, "Us", 12), Heading(market_growth=4.0))
    assert text == ("Us has 20.0% of the market over the last 12 months, #3 of 3, 30.0 points behind the leader "
                    "Leader. The market grew 4.0% over the last 12 months.")


def test_the_demo_headline_names_the_apex_overtake():
    market = load_demo().tables["market"]
    detail = market.groupby(["date", "segment", "region", "company"], as_index=False)[["units", "revenue"]].sum()
    found = changes(detail, "Northwind", 12)
    text = headline(detail, "Northwind", 12, found, Heading(market_growth=8.5, forecast_growth=8.4,
                                                           forecast_range=(0.0, 16.0)))
    assert text.startswith("Northwind's revenue share fell from 26.9% in the first 12 months to 20.5% in the last "
                           "12 months; it still leads, 0.5 points ahead of Apex, but Apex overtook Northwind in Nov "
                           "2025 and has been ahead every month since.")
    assert text.endswith("The market grew 8.5% over the last 12 months and is forecast to grow 8.4% over the next "
                         "(range +0% to +16%).")
    where = standing_of(detail.groupby(["date", "company"], as_index=False)["revenue"].sum(), "Northwind", "revenue", 12)
    assert (where.rank, where.rival, round(where.share, 1), round(where.first_share, 1)) == (1, "Apex", 20.5, 26.9)


def test_a_new_leader_among_rivals_is_a_rank_change_too_and_neutral_for_us():
    # A led B for 18 months; B has led since Jul 2024. We are third throughout.
    a = flat(45.0, 18) + flat(35.0, 6)
    b = flat(35.0, 18) + flat(45.0, 6)
    table = share_table(tracker({"A": a, "B": b, "Us": flat(20.0)}), "share")
    found = overtakes(table, "Us", 12)
    assert [(f.parties, f.when, f.sentiment) for f in found] == [(("B", "A"), pd.Timestamp("2024-07-01"), "neutral")]
    assert found[0].label == "B passes A"


def test_two_rivals_trading_places_below_the_leader_is_a_rank_change_and_small_swaps_are_not():
    # We lead; C passes B for #2 in Jul 2024. D and E (1% each) swap places too: too small to tell.
    b = flat(25.0, 18) + flat(20.0, 6)
    c = flat(20.0, 18) + flat(25.0, 6)
    d, e = flat(1.2, 18) + flat(0.8, 6), flat(0.8, 18) + flat(1.2, 6)
    table = share_table(tracker({"Us": flat(53.0), "B": b, "C": c, "D": d, "E": e}), "share")
    found = overtakes(table, "Us", 12)
    assert [(f.kind, f.parties, f.when, f.sentiment) for f in found] == [
        ("rank", ("C", "B"), pd.Timestamp("2024-07-01"), "neutral")]
    assert found[0].text.startswith("C overtook B for #2 in Jul 2024 and has been ahead every month since")
    listed = changes(tracker({"Us": flat(53.0), "B": b, "C": c, "D": d, "E": e}), "Us", 12)
    assert any(f.kind == "rank" for f in listed)


def test_a_headline_share_change_across_a_method_break_says_so():
    months = pd.date_range("2021-01-01", periods=36, freq="MS")
    noise = [0.1 * ((i * 7) % 5 - 2) for i in range(36)]  # a small typical move, so the jump stands out
    us = [30.0 + n for n in noise[:24]] + [35.0 + n for n in noise[24:]]  # the tracker re-weighted in Jan 2023
    frame = tracker({"Us": us, "Rival": [100 - u for u in us]}, dates=months)
    frame["segment"], frame["region"] = "All", "All"
    found_breaks = share_breaks(frame[["date", "company", "share"]], "share")
    said = headline(frame, "Us", 12, [], breaks=found_breaks)
    assert said.startswith("Us's market share rose from 30.0% in the first 12 months to 35.0% in the last 12 months "
                           "(across a likely change in the tracker's method in Jan 2023); it is #2 of 2"), said
    assert "tracker's method" not in headline(frame, "Us", 12, [])  # no breaks given, none named
