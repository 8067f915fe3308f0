"""Briefing findings: a planted change shows up with the right numbers and the link to its evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.briefing import explain
from analysis.findings import findings, growth_lags, growth_spots, price_moves, share_moves
from data.dataset import load_demo

DATES = pd.date_range("2023-01-01", periods=24, freq="MS")


def flat_market(overrides: dict[tuple[str, str], float] | None = None) -> pd.DataFrame:
    """Two cells, three companies, flat for two years; `overrides` plant changes in the second year."""
    rows = []
    for i, date in enumerate(DATES):
        for segment, region in (("Cameras", "Europe"), ("Phones", "Asia")):
            for company, revenue in (("Us", 300.0), ("Rival", 500.0), ("Others", 200.0)):
                rows.append({"date": date, "segment": segment, "region": region, "company": company,
                             "revenue": revenue, "units": revenue / 10})
    frame = pd.DataFrame(rows)
    second_year = frame["date"] >= DATES[12]
    for (segment, company), factor in (overrides or {}).items():
        hit = second_year & (frame["segment"] == segment) & (frame["company"] == company)
        frame.loc[hit, "revenue"] *= factor
    return frame


def test_a_planted_share_loss_is_found_with_its_numbers_and_link():
    market = flat_market({("Cameras", "Us"): 0.8, ("Cameras", "Rival"): 1.12})
    found = share_moves(market, "Us")
    assert len(found) == 1
    finding = found[0]
    # Us 300 → 240, Rival 500 → 560, Others 200: shares 30/50/20 → 24/56/20 of 1000.
    assert finding.text == ("Rival gained 6.0 points of revenue share in Cameras in Europe over the last 12 months; "
                            "Us lost 6.0.")
    assert finding.sentiment == "risk" and finding.page == "competitors"
    assert finding.params == {"segment": ["Cameras"], "region": ["Europe"], "rival": ["Rival"]}
    assert finding.impact == pytest.approx(0.06 * 1000 * 12)


def test_nothing_moved_means_no_share_or_price_findings():
    market = flat_market()
    assert share_moves(market, "Us") == [] and price_moves(market, "Us") == [] and growth_lags(market, "Us") == []


def test_a_planted_price_cut_and_growth_lag():
    market = flat_market()
    cut = (market["date"] >= DATES[12]) & (market["company"] == "Rival") & (market["region"] == "Asia")
    market.loc[cut, "units"] *= 1.25  # same revenue from 25% more units: price down 20%
    (cut_found,) = price_moves(market, "Us")
    assert cut_found.text == ("Rival's average price in Asia was 20% lower over the last 12 months than the 12 before; "
                              "the cut came around Jan 2024.")
    assert cut_found.when == DATES[12] and cut_found.label == "Rival cuts price 20% (Asia)"  # marked where it happened
    lagging = flat_market({("Phones", "Rival"): 1.3})
    assert growth_lags(lagging, "Us")[0].text.startswith("In Phones, Us grew 0% while the market grew 15%")
    shrinking = flat_market({("Phones", "Us"): 0.8})
    assert growth_lags(shrinking, "Us")[0].text.startswith("In Phones, Us shrank 20% while the market shrank")


def test_a_gradual_price_rise_is_dated_at_its_steepest_step():
    market = flat_market()
    rival = (market["company"] == "Rival") & (market["region"] == "Asia")
    ramp = {date: 1.0 + 0.03 * max(0, min(i - 14, 6)) for i, date in enumerate(DATES)}  # +3% a month, Apr–Sep 2024
    market.loc[rival, "units"] /= market.loc[rival, "date"].map(ramp)
    (rise,) = price_moves(market, "Us")
    assert rise.text.startswith("Rival's average price in Asia was ") and " higher " in rise.text
    assert DATES[15] <= rise.when <= DATES[20] and rise.sentiment == "neutral"


def test_each_growth_spot_is_listed_once_when_there_are_few_cells():
    one_cell = flat_market({("Cameras", "Us"): 1.5})
    one_cell = one_cell[one_cell["segment"] == "Cameras"]  # one segment × region: biggest and smallest are the same
    spots = growth_spots(one_cell, "Us")
    assert [f.text for f in spots] == ["Cameras in Europe grows 15% a year and Us holds 39% of it."]
    assert [f.kind for f in findings(one_cell, "Us")].count("growth") == 1
    two_cells = growth_spots(flat_market({("Cameras", "Us"): 1.5}), "Us")
    assert sorted(f.params["segment"][0] for f in two_cells) == ["Cameras", "Phones"]


def test_demo_findings_are_ranked_and_varied():
    found = findings(load_demo().tables["market"], "Northwind")
    assert 4 <= len(found) <= 8
    assert [f.impact for f in found] == sorted((f.impact for f in found), reverse=True)
    assert max(sum(f.kind == k for f in found) for k in {f.kind for f in found}) <= 2
    assert {f.page for f in found} <= {"overview", "market", "competitors"}


def test_a_rivals_big_share_gain_beside_our_tiny_one_is_not_good_news():
    # Cameras: Rival 500 → 600, Others 200 → 120, Us 300 → 309: Rival +8.3 points, Others -8.3, Us +0.03.
    market = flat_market({("Cameras", "Rival"): 1.2, ("Cameras", "Others"): 0.6, ("Cameras", "Us"): 1.03})
    (found,) = share_moves(market, "Us")
    assert found.text.endswith("Us gained 0.0.") and found.sentiment == "neutral"
    # Us winning 2 points as much as a rival's loss makes it an opportunity, explained as ours, not the rival's
    won = flat_market({("Cameras", "Rival"): 0.86, ("Cameras", "Us"): 1.2})
    (found,) = share_moves(won, "Us")
    assert found.sentiment == "opportunity"
    assert "instead of us" not in explain(found).why and "rivals no longer book" in explain(found).why


def test_a_file_without_segments_or_regions_gets_no_all_in_all_findings():
    # A two-company file with neither column: every row is segment "All", region "All".
    market = flat_market({("Cameras", "Us"): 1.3, ("Cameras", "Rival"): 0.9})
    market = market[market["segment"] == "Cameras"].assign(segment="All", region="All")
    found = findings(market, "Rival")
    texts = [f.text for f in found] + [f.label for f in found]
    assert any(t.startswith("Us's average price was 30% higher") for t in texts), texts
    assert not any("All" in t for t in texts), texts
