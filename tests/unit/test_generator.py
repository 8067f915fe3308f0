"""The demo data generator: stable output, valid tables, and a story you can see.

The story checks compute what a product manager would look at (shares, average
prices, year-on-year units) and require each event in `STORY` to show up at
least at half its declared size, so recalibrating the generator does not
break them but losing an event does.
"""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from data import generate_demo as gen
from data.schema import SCHEMAS, conform

STORY = gen.STORY


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return gen.generate()


@pytest.fixture(scope="module")
def market(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return tables["market"]


# --- helpers: the numbers a dashboard would show ---------------------------


def between(df: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    return df[(df["date"] >= pd.Timestamp(start)) & (df["date"] <= pd.Timestamp(end))]


def months_after(date: str, n: int) -> pd.Timestamp:
    return pd.Timestamp(date) + pd.DateOffset(months=n)


def unit_shares(df: pd.DataFrame) -> pd.Series:
    """Share of units by company over the whole slice, in percent."""
    units = df.groupby("company")["units"].sum()
    return units / units.sum() * 100


def average_price(df: pd.DataFrame) -> float:
    return float(df["revenue"].sum() / df["units"].sum())


def same_months_year_before(df: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return between(df, months_after(start, -12), months_after(end, -12))


# --- determinism ---------------------------------------------------------------


def test_two_runs_write_byte_identical_files(tmp_path):
    gen.write_demo(tmp_path / "a")
    gen.write_demo(tmp_path / "b")
    for name in gen.TABLES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_committed_demo_files_equal_a_fresh_generation(tmp_path):
    gen.write_demo(tmp_path)
    for name in gen.TABLES:
        committed = gen.DEMO_DIR / f"{name}.csv"
        assert committed.exists(), f"{committed} missing: run `python -m data.generate_demo`"
        assert committed.read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), (
            f"{committed} is stale: run `python -m data.generate_demo`"
        )


def test_seed_changes_the_numbers_but_not_the_shape(market):
    other = gen.generate(seed=7)["market"]
    keys = ["date", "segment", "region", "company"]
    assert other[keys].equals(market[keys])
    assert not other["units"].equals(market["units"])


# --- schema and basic validity -------------------------------------------------------


@pytest.mark.parametrize("name", gen.TABLES)
def test_table_conforms_and_has_unique_keys(tables, name):
    df = tables[name]
    schema = SCHEMAS[name]
    pd.testing.assert_frame_equal(conform(df, name), df)
    assert set(schema.required) <= set(df.columns)
    key = [c for c in schema.key if c in df.columns]
    assert not df.duplicated(key).any()
    assert not df[list(schema.required)].isna().any().any()


@pytest.mark.parametrize("name", gen.TABLES)
def test_csv_reads_back_as_the_generated_table(tables, name):
    """What the app does on start: read the CSV and conform it."""
    read = conform(pd.read_csv(gen.DEMO_DIR / f"{name}.csv"), name)
    pd.testing.assert_frame_equal(read, tables[name])


def test_units_revenue_and_prices_are_positive_and_consistent(market):
    assert (market["units"] > 0).all()
    assert (market["revenue"] > 0).all()
    assert ((market["price"] - market["revenue"] / market["units"]).abs() <= 0.005 + 1e-9).all()


def test_market_has_every_segment_region_and_company(market):
    assert gen.COMPANIES[0] == gen.OUR_COMPANY
    assert set(market["segment"]) == set(gen.SEGMENTS)
    assert set(market["region"]) == set(gen.REGIONS)
    assert set(market["company"]) == set(gen.COMPANIES)


def test_every_market_series_is_monthly_without_gaps(market):
    entry = pd.Timestamp(STORY["new_entrant"]["start"])
    for (segment, region, company), series in market.groupby(["segment", "region", "company"]):
        first = entry if company == STORY["new_entrant"]["who"] else pd.Timestamp(gen.START)
        expected = pd.date_range(first, gen.END, freq="MS")
        assert sorted(series["date"].unique()) == list(expected), (segment, region, company)
        for product, rows in series.groupby("product"):  # a product sells every month from its launch
            assert list(rows["date"]) == list(pd.date_range(rows["date"].min(), gen.END, freq="MS")), product


def test_products_tell_their_story(market):
    from data.demo_products import PRODUCTS

    per_company = market.groupby("company")["product"].nunique().drop("Others")
    assert per_company.between(2, 4).all() and per_company["Northwind"] == 3
    first_sale = market.groupby("product")["date"].min()
    assert first_sale["Northwind Flow"] == pd.Timestamp("2023-01-01")  # ours, three years before the end
    assert first_sale["Apex Orbit"] == pd.Timestamp("2021-03-01")  # the Apex launch of the story
    assert (first_sale.drop(["Northwind Flow", "Apex Orbit", "Fluxion Teams", "Fluxion App"])
            == pd.Timestamp(gen.START)).all()
    yearly = market.assign(year=market["date"].dt.year).pivot_table(index="year", columns="product", values="units",
                                                                     aggfunc="sum")
    assert yearly.loc[2025, "Northwind Go"] < 0.9 * yearly.loc[2023, "Northwind Go"]  # declines as Flow takes over
    assert yearly.loc[2025, "Northwind Flow"] > 2 * yearly.loc[2024, "Northwind Flow"]
    mid = market[market["segment"] == "Mid-Market"]
    share = mid.pivot_table(index=mid["date"].dt.year, columns="product", values="units", aggfunc="sum")
    share = share.div(share.sum(axis=1), axis=0)
    assert share.loc[2025, "Apex Orbit"] > 0.05 and share.loc[2025, "Northwind Atlas"] < share.loc[2020, "Northwind Atlas"]
    assert set(market["product"]) == {p for products in PRODUCTS.values() for p in products.values()} | {
        "Northwind Flow", "Apex Orbit"}


def test_every_driver_series_is_monthly_without_gaps(tables):
    drivers = tables["drivers"]
    assert set(drivers["variable"]) == {"marketing_spend", "price_index", "competitor_price_index"}
    assert set(drivers["region"]) == set(gen.REGIONS)
    expected = list(pd.date_range(gen.START, gen.END, freq="MS"))
    for key, series in drivers.groupby(["region", "variable"]):
        assert list(series["date"]) == expected, key


# --- background: trend and seasonality -------------------------------------------------


def test_mid_market_grows_fastest_and_consumer_slowest(market):
    yearly = market.groupby([market["date"].dt.year, "segment"])["units"].sum().unstack()
    growth = yearly.iloc[-1] / yearly.iloc[0]
    assert growth.idxmax() == "Mid-Market"
    assert growth.idxmin() == "Consumer"


def test_q4_outsells_the_summer_every_year(market):
    monthly = market.groupby("date")["units"].sum()
    for year, units in monthly.groupby(monthly.index.year):
        q4 = units[units.index.month >= 10].mean()
        summer = units[units.index.month.isin([7, 8])].mean()
        assert q4 > summer, year


# --- the story ----------------------------------------------------------------------------


def test_apex_takes_launch_segment_share_mostly_from_northwind(market):
    launch = STORY["apex_launch"]
    before = between(market, months_after(launch["start"], -12), months_after(launch["start"], -1))
    after = between(market, months_after(launch["end"], 1), months_after(launch["end"], 12))
    in_segment = lambda df, name: df[df["segment"] == name]  # noqa: E731
    launched = launch["segment"]
    change = unit_shares(in_segment(after, launched)) - unit_shares(in_segment(before, launched))

    assert change[launch["who"]] > launch["share_gain_points"] / 2
    incumbents = change.drop([launch["who"], STORY["new_entrant"]["who"]])
    assert incumbents.idxmin() == launch["taken_mostly_from"]
    # Only the launch segment moves: elsewhere Apex's share stays within a couple of points.
    for other in set(gen.SEGMENTS) - {launch["segment"]}:
        moved = (unit_shares(in_segment(after, other))[launch["who"]]
                 - unit_shares(in_segment(before, other))[launch["who"]])
        assert abs(moved) < 3, other


def _price_change(market: pd.DataFrame, region: str, start: str, end: str) -> float:
    here = market[market["region"] == region]
    war = between(here, start, end)
    before = between(here, months_after(start, -12), months_after(start, -1))
    return average_price(war) / average_price(before) - 1


def test_price_war_lowers_european_prices_against_other_regions(market):
    war = STORY["price_war"]
    europe = _price_change(market, war["region"], war["start"], war["end"])
    others = [_price_change(market, r, war["start"], war["end"]) for r in gen.REGIONS if r != war["region"]]
    assert europe < 0
    assert europe - max(others) < -war["price_cut_pct"] / 2 / 100


def _mix_free_price_index(market: pd.DataFrame, region: str, base_start: str) -> pd.DataFrame:
    """Each company's price per segment relative to its own prior-year average, averaged over segments."""
    here = market[market["region"] == region]
    base = between(here, months_after(base_start, -12), months_after(base_start, -1))
    reference = base.groupby(["company", "segment"])["price"].mean()
    keys = pd.MultiIndex.from_frame(here[["company", "segment"]])
    frame = here.assign(ratio=here["price"].to_numpy() / reference.reindex(keys).to_numpy())
    return frame.groupby(["date", "company"])["ratio"].mean().unstack()


def test_corvid_cuts_first_and_deepest_in_the_price_war(market):
    war = STORY["price_war"]
    index = _mix_free_price_index(market, war["region"], war["start"])
    during = between(index.reset_index(), war["start"], war["end"]).set_index("date")
    first_cut = (during < 0.95).idxmax()  # first month more than 5% below the prior year
    leader = war["who"]
    assert (first_cut.drop(leader) > first_cut[leader]).all()
    assert during.min().idxmin() == leader


def test_prices_recover_only_partly_after_the_war(market):
    war = STORY["price_war"]
    year_after = months_after(war["end"], 7)  # recovery runs for six months after the end

    def growth(region: str) -> float:
        here = market[market["region"] == region]
        prior = between(here, months_after(war["start"], -12), months_after(war["start"], -1))
        later = between(here, year_after, months_after(year_after, 11))
        return average_price(later) / average_price(prior) - 1

    europe = market[market["region"] == war["region"]]
    assert average_price(between(europe, year_after, gen.END)) > average_price(
        between(europe, war["start"], war["end"])
    )
    assert growth(war["region"]) < min(growth(r) for r in gen.REGIONS if r != war["region"])


def test_price_war_lifts_european_units_more_than_elsewhere(market):
    war = STORY["price_war"]

    def unit_growth(region: str) -> float:
        here = market[market["region"] == region]
        now = between(here, war["start"], war["end"])["units"].sum()
        return now / same_months_year_before(here, war["start"], war["end"])["units"].sum() - 1

    europe = unit_growth(war["region"])
    assert europe > max(unit_growth(r) for r in gen.REGIONS if r != war["region"])


def test_fluxion_enters_tiny_and_grows_past_five_percent(market):
    entrant = STORY["new_entrant"]
    name, entry = entrant["who"], pd.Timestamp(entrant["start"])
    rows = market[market["company"] == name]
    assert rows["date"].min() == entry
    first_year = between(market, entry, months_after(entrant["start"], 11))
    last_year = market[market["date"].dt.year == pd.Timestamp(gen.END).year]
    assert unit_shares(first_year)[name] < 1
    assert unit_shares(last_year)[name] > max(5, entrant["share_2025_pct"] / 2)
    by_segment = last_year.groupby("segment").apply(lambda d: unit_shares(d)[name])
    assert by_segment.idxmax() == entrant["strongest_segment"]


def test_supply_shock_dents_units_then_they_recover(market):
    shock = STORY["supply_shock"]
    monthly = market.groupby("date")["units"].sum()
    yoy = monthly / monthly.shift(12) - 1
    dent = yoy[pd.Timestamp(shock["start"]):pd.Timestamp(shock["end"])]
    assert (dent < 0).all()
    assert dent.mean() < -shock["unit_drop_pct"] / 2 / 100
    assert yoy[months_after(shock["start"], -1)] > 0  # a dent, not a downtrend
    assert yoy[months_after(shock["end"], 6)] > 0  # and it recovers


# --- drivers, capabilities, requests, opportunities --------------------------------------


def test_drivers_tell_the_same_story(tables):
    drivers = tables["drivers"].pivot_table(index="date", columns=["variable", "region"], values="value")
    spend = drivers["marketing_spend"]
    assert (spend.loc["2025"].sum() > spend.loc["2016"].sum()).all()  # rising
    assert (spend[spend.index.month >= 10].mean() > spend[spend.index.month.isin([7, 8])].mean()).all()
    assert (drivers["price_index"].mean() > 100).all()  # Northwind is a premium brand
    war = STORY["price_war"]
    rivals = drivers["competitor_price_index"][war["region"]]
    assert rivals.loc[war["start"]:war["end"]].mean() < rivals.loc[months_after(war["start"], -12):
                                                                   months_after(war["start"], -1)].mean()


def test_capabilities_cover_every_named_company_and_feature(tables):
    caps = tables["capabilities"]
    named = [c for c in gen.COMPANIES if c != "Others"]
    assert sorted(caps["company"].unique()) == sorted(named)
    assert caps.groupby("company")["feature"].nunique().eq(caps["feature"].nunique()).all()
    assert caps["feature"].nunique() >= 10
    assert caps["score"].between(0, 5).all()
    assert caps.groupby("company")["price_tier"].nunique().eq(1).all()
    assert set(caps["price_tier"]) == {"Premium", "Mid", "Budget"}


def test_feature_requests_look_like_a_real_backlog(tables):
    fr = tables["feature_requests"]
    assert fr["request_id"].str.fullmatch(r"FR-\d{4}").all()
    assert fr["date"].between(pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")).all()
    assert (fr["arr"] > 0).all()
    assert fr.groupby("customer")["arr"].nunique().eq(1).all()  # ARR is a customer property
    assert fr.groupby("customer")["segment"].nunique().eq(1).all()
    assert 250 <= len(fr) <= 350 and 100 <= fr["customer"].nunique() <= 140
    assert set(fr["source"]) == {"Sales", "Support", "CSM", "Community"}
    for variants in (["SSO", "Single sign-on", "single sign on (SAML)"],
                     ["Export to Excel", "Excel export"], ["Dark mode", "dark theme"]):
        assert set(variants) <= set(fr["feature"])


def test_loudest_account_asks_for_things_nobody_else_wants(tables):
    fr = tables["feature_requests"]
    loud = fr.loc[fr["arr"].idxmax(), "customer"]
    assert fr["arr"].max() > 10 * fr.drop_duplicates("customer")["arr"].median()
    theirs = set(fr.loc[fr["customer"] == loud, "feature"])
    others = set(fr.loc[fr["customer"] != loud, "feature"])
    assert len(theirs) >= 3 and not theirs & others


def test_some_requests_are_broad_and_some_narrow(tables):
    fr = tables["feature_requests"]
    spread = fr.groupby("feature")["segment"].nunique()
    assert (spread == len(gen.SEGMENTS)).any()
    requested_often = fr["feature"].value_counts()
    narrow = spread[(spread == 1) & (requested_often.reindex(spread.index) >= 5)]
    assert len(narrow) >= 1
    ai = fr[fr["feature"] == "AI assistant"]["date"].dt.year.value_counts()
    assert ai.get(2025, 0) > ai.get(2023, 0)  # demand for AI rises


def test_opportunities_are_launchable_options(tables):
    launched = tables["opportunities"].set_index("option").loc["Northwind Flow"]  # the plan of a 2023 launch
    assert launched["launch"] == pd.Timestamp("2023-01-01") and launched["market_size"] > 0
    opp = tables["opportunities"][lambda o: o["option"] != "Northwind Flow"]
    assert len(opp) == 5
    assert (opp["launch"].dt.year == 2026).all()
    assert set(opp["segment"]) <= set(gen.SEGMENTS) and set(opp["region"]) <= set(gen.REGIONS)
    assert (opp["price"] > opp["unit_cost"]).all()
    assert (opp[["market_size", "fixed_cost", "unit_cost"]] > 0).all().all()
    assert opp["p"].between(0.005, 0.05).all() and opp["q"].between(0.1, 0.7).all()


# --- large benchmark table ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1_000, 50_000])
def test_large_market_has_the_requested_rows_and_the_market_schema(rows):
    chunks = list(gen.generate_large_market(rows, chunk_rows=20_000))
    df = pd.concat(chunks, ignore_index=True)
    assert len(df) == rows
    conformed = conform(df, "market")
    expected = [*SCHEMAS["market"].required, "units", "revenue", "product", "price"]
    assert list(conformed.columns) == expected
    assert not conformed.duplicated(list(SCHEMAS["market"].key)).any()
    assert (conformed["units"] > 0).all() and (conformed["revenue"] > 0).all()
    if rows > 20_000:
        assert len(chunks) > 1


def test_large_market_writes_parquet(tmp_path):
    path = tmp_path / "m.parquet"
    assert gen.write_large_market(50_000, path) == 50_000
    assert pq.ParquetFile(path).metadata.num_rows == 50_000
    assert "product" in pq.read_schema(path).names
