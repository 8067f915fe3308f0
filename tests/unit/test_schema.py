"""Schemas: the five tables, their types, and errors that say what to fix."""

from __future__ import annotations

import pandas as pd
import pytest

from data.schema import SCHEMAS, SchemaError, conform


def test_the_five_tables_of_the_design():
    assert set(SCHEMAS) == {"market", "drivers", "capabilities", "feature_requests", "opportunities"}
    assert list(SCHEMAS["market"].required) == ["date", "segment", "region", "company"]


def test_a_market_table_needs_one_measure():
    base = {"date": ["2024-01-01"], "segment": ["S"], "region": ["R"], "company": ["A"]}
    with pytest.raises(SchemaError, match="units, revenue or share"):
        conform(pd.DataFrame(base), "market")
    out = conform(pd.DataFrame({**base, "share": [100.0]}), "market")
    assert out["share"].iloc[0] == 100.0 and "units" not in out


def test_conform_casts_orders_and_drops_unknown_columns():
    raw = pd.DataFrame(
        {"revenue": ["10.5"], "extra": [1], "company": ["A"], "units": [2], "region": ["EU"],
         "segment": ["SMB"], "date": ["2024-03-01"]}
    )
    out = conform(raw, "market")
    assert list(out.columns) == ["date", "segment", "region", "company", "units", "revenue"]
    assert out["date"].iloc[0] == pd.Timestamp("2024-03-01")
    assert out["revenue"].iloc[0] == 10.5


def test_missing_column_is_named():
    with pytest.raises(SchemaError, match="missing required column.*company"):
        conform(pd.DataFrame({"date": [], "segment": [], "region": [], "units": []}), "market")


def test_bad_value_names_column_value_and_row():
    raw = pd.DataFrame({"company": ["A", "B", "C"], "feature": ["x", "y", "z"], "score": ["4", "high", "3"]})
    with pytest.raises(SchemaError) as error:
        conform(raw, "capabilities")
    message = str(error.value)
    assert "capabilities.score" in message and "'high'" in message and "row(s) 3" in message
