"""Our product against the rival products in its segment: grouping, the product-level share bridge."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.products import OTHER_PRODUCTS, main_segment, product_bridge, segment_products

DATES = pd.date_range("2024-01-01", periods=24, freq="MS")


def market(rows: list[tuple[str, str, str, list[float]]]) -> pd.DataFrame:
    """(segment, company, product, revenue per month) rows over DATES."""
    return pd.DataFrame([{"date": d, "segment": s, "company": c, "product": p, "revenue": v, "units": v / 10}
                         for s, c, p, values in rows for d, v in zip(DATES, values)])


def test_small_products_are_grouped_and_ours_is_always_named():
    rows = [("SMB", "Us", "Ours", [5.0] * 24)] + [("SMB", "R", f"P{i}", [10.0 + i] * 24) for i in range(9)]
    totals = segment_products(market(rows), "SMB", "revenue", keep="Ours", top=3)
    assert set(totals["company"]) == {"Ours", "P8", "P7", "P6", OTHER_PRODUCTS}
    assert totals.groupby("date")["revenue"].sum().iloc[0] == pytest.approx(5 + sum(10 + i for i in range(9)))
    assert main_segment(market(rows + [("Consumer", "Us", "Ours", [1.0] * 24)]), "Ours", "revenue") == "SMB"


def test_a_rival_launch_is_named_in_the_bridge_not_grouped_as_new_entrants():
    ours = [50.0] * 12 + [30.0] * 12
    launch = [0.0] * 12 + [20.0] * 12
    rows = [("SMB", "Us", "Ours", ours), ("SMB", "Apex", "Orbit", launch), ("SMB", "B", "Old", [50.0] * 24)]
    frame = market(rows)
    frame = frame[frame["revenue"] > 0]  # no rows before the launch, as in a real export
    bridge, before, after = product_bridge(segment_products(frame, "SMB", "revenue", "Ours"), "revenue", "Ours")
    assert (before, after) == (pytest.approx(50.0), pytest.approx(30.0))
    assert bridge.set_index("company")["points"]["Orbit"] == pytest.approx(-20.0)
