"""The DuckDB store answers the same as pandas, and user values never become SQL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.dataset import load_demo
from data.store import MarketFilter, Store


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def store(demo):
    return Store.from_frames(demo.tables)


def pandas_totals(market: pd.DataFrame, where: MarketFilter, by: list[str]) -> pd.DataFrame:
    rows = market
    if where.segments:
        rows = rows[rows["segment"].isin(where.segments)]
    if where.regions:
        rows = rows[rows["region"].isin(where.regions)]
    if where.companies:
        rows = rows[rows["company"].isin(where.companies)]
    if where.start is not None:
        rows = rows[rows["date"] >= where.start]
    if where.end is not None:
        rows = rows[rows["date"] <= where.end]
    return rows.groupby(by, as_index=False)[["units", "revenue"]].sum().sort_values(by).reset_index(drop=True)


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, by: list[str]) -> None:
    assert list(got.columns) == [*by, "units", "revenue", "share", "cost"]
    assert len(got) == len(expected)
    for column in by:
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist()
    np.testing.assert_allclose(got["units"], expected["units"], rtol=1e-9)
    np.testing.assert_allclose(got["revenue"], expected["revenue"], rtol=1e-9)


@pytest.mark.parametrize(
    "where, by",
    [
        (MarketFilter(), ["date", "company"]),
        (MarketFilter(segments=("Enterprise",), regions=("Europe", "Asia Pacific")), ["date", "company"]),
        (MarketFilter(start=pd.Timestamp("2021-01-01"), end=pd.Timestamp("2022-06-01")), ["date", "segment"]),
        (MarketFilter(companies=("Northwind",), segments=("SMB",)), ["region"]),
    ],
)
def test_market_totals_agree_with_pandas(store, demo, where, by):
    assert_same(store.market_totals(where, by), pandas_totals(demo.tables["market"], where, by), by)


@settings(max_examples=25)
@given(data=st.data())
def test_any_slice_agrees_with_pandas(store, demo, data):
    market = demo.tables["market"]
    segments = data.draw(st.lists(st.sampled_from(sorted(market["segment"].unique())), unique=True))
    regions = data.draw(st.lists(st.sampled_from(sorted(market["region"].unique())), unique=True))
    months = sorted(market["date"].unique())
    i, j = sorted(data.draw(st.lists(st.integers(0, len(months) - 1), min_size=2, max_size=2)))
    where = MarketFilter(tuple(segments), tuple(regions), start=months[i], end=months[j])
    assert_same(store.market_totals(where, ["date", "company"]), pandas_totals(market, where, ["date", "company"]), ["date", "company"])


def test_filter_values_are_parameters_not_sql(store):
    hostile = ("x') OR 1=1 --", "'; DROP TABLE market; --")
    assert store.market_totals(MarketFilter(segments=hostile), ["company"]).empty
    assert store.row_count("market") > 0  # the table is still there


def test_only_schema_columns_can_be_grouped_or_listed(store):
    with pytest.raises(ValueError):
        store.market_totals(MarketFilter(), ["segment; DROP TABLE market"])
    with pytest.raises(ValueError):
        store.distinct("market", "units) FROM market; --")
    with pytest.raises(ValueError):
        store.table("market; DROP TABLE market")


def test_options_and_range_match_the_data(store, demo):
    market = demo.tables["market"]
    assert store.distinct("market", "region") == sorted(market["region"].unique())
    assert store.date_range() == (market["date"].min(), market["date"].max())
    assert len(store.periods()) == market["date"].nunique()


def test_parquet_loads_without_pandas_copy(tmp_path, demo):
    path = tmp_path / "market.parquet"
    demo.tables["market"].to_parquet(path)
    store = Store()
    store.add_parquet("market", path)
    where = MarketFilter(regions=("Europe",))
    assert_same(store.market_totals(where, ["date"]), pandas_totals(demo.tables["market"], where, ["date"]), ["date"])



def test_a_share_only_table_answers_for_every_measure():
    shares = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"] * 2), "segment": "All", "region": "All",
                           "company": ["A", "B"], "share": [60.0, 40.0]})
    store = Store.from_frames({"market": shares})
    assert store.measures() == ["share"]
    totals = store.market_totals(MarketFilter(), ["company"])
    assert totals["share"].tolist() == [60.0, 40.0] and totals["units"].isna().all()


def test_a_saved_workspace_file_is_queried_in_place_and_answers_like_the_frames(demo, store, tmp_path):
    """The workspace writes the market sorted in small row groups; the store reads it where it lies."""
    from data.workspace import Workspace

    ws = Workspace(tmp_path / "it's home")  # a quote in the path must not break the view's SQL
    record = ws.save("Demo copy", {"market": demo.tables["market"].drop(columns=["share"], errors="ignore")}, "t")
    on_file = Store()
    on_file.attach_parquet("market", ws.table_path(record.dataset_id, record.version, "market"))
    where = MarketFilter(segments=("SMB",), regions=("Europe", "Asia Pacific"))
    for by in (["date", "company"], ["segment", "region"], []):
        got, expected = on_file.market_totals(where, by), store.market_totals(where, by)
        assert len(got) and (got["revenue"] > 0).all()
        pd.testing.assert_frame_equal(got.drop(columns="share"), expected.drop(columns="share"))
        assert got["share"].isna().all()  # a measure the file lacks answers as missing, as for frames
    assert on_file.distinct("market", "company") == store.distinct("market", "company")
    assert on_file.periods("market") == store.periods("market")


def test_totals_sql_kept_per_shape_is_what_compiling_each_slice_gives():
    """`compiled_totals` reuses a shape's SQL text with the slice's own values, in the order they are bound."""
    import itertools

    from data import queries
    from data.store import _MARKET

    day = pd.Timestamp
    for segments, regions, companies, start, end, by in itertools.product(
            [(), ("All",), ("SMB", "Enterprise")], [(), ("All",), ("Europe",)], [(), ("Apex",)],
            [None, day("2017-03-01")], [None, day("2025-12-01")], [("date", "company"), (), ("product",)]):
        where = MarketFilter(segments, regions, companies, start, end)
        expected = queries.compiled(queries.totals(_MARKET, where, list(by)))
        assert queries.compiled_totals(_MARKET, where, list(by)) == expected  # first: compiled (and a probe)
        assert queries.compiled_totals(_MARKET, where, list(by)) == expected  # then: the kept text
