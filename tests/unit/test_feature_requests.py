"""Feature-request triage: breadth tells a market need from one loud account, names group, RICE adds up."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import feature_requests as fr
from data.dataset import load_demo

SEGMENTS = ["Enterprise", "Mid-Market", "SMB", "Consumer"]
REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America"]


def requests(rows: list[tuple[str, str, str, float, str]], start: str = "2025-01-01") -> pd.DataFrame:
    """(feature, customer, segment, arr, region) rows, one request each, a week apart."""
    frame = pd.DataFrame(rows, columns=["feature", "customer", "segment", "arr", "region"])
    frame.insert(0, "request_id", [f"R{i}" for i in range(len(frame))])
    frame.insert(1, "date", pd.date_range(start, periods=len(frame), freq="7D"))
    return frame


@pytest.fixture(scope="module")
def loud_and_broad() -> pd.DataFrame:
    """The same 1.2M ARR: once from one account asking three times, once from twelve customers everywhere."""
    loud = [("Mainframe connector", "Titan", "Enterprise", 1_200_000.0, "North America")] * 3
    broad = [("Bulk edit", f"Customer {i}", SEGMENTS[i % 4], 100_000.0, REGIONS[(i // 4 + i) % 4]) for i in range(12)]
    return requests(loud + broad)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo().tables["feature_requests"]


def test_one_large_account_scores_low_and_is_flagged(loud_and_broad):
    summary = fr.feature_summary(loud_and_broad).set_index("feature")
    loud, broad = summary.loc["Mainframe connector"], summary.loc["Bulk edit"]
    assert loud["arr"] == broad["arr"] == 1_200_000.0  # ARR counted once per customer, not per request
    assert loud["customers"] == 1 and loud["requests"] == 3
    assert loud["single_account"] and loud["top_share"] == 100.0 and loud["hhi"] == 10_000.0
    assert loud["breadth"] < 5
    assert not broad["single_account"] and broad["segments"] == 4 and broad["regions"] == 4
    assert broad["breadth"] > 60
    assert list(summary.index) == ["Bulk edit", "Mainframe connector"]  # ranked by breadth


def test_breadth_by_hand():
    # one customer: m = 1, reach part 1/6; covering one of four segments and regions: 0.25
    assert fr.breadth_score(1, 10_000.0, 0.25) == pytest.approx(100 * 0.25 / 6)
    # five equal customers everywhere: m = 5, half of the reach
    assert fr.breadth_score(5, 2_000.0, 1.0) == pytest.approx(50.0)
    # the same five, but one holds almost all the ARR: far less breadth
    assert fr.breadth_score(5, 9_000.0, 1.0) < 0.7 * fr.breadth_score(5, 2_000.0, 1.0)
    assert fr.breadth_score(0, 0.0, 1.0) == 0.0


def test_hhi_and_top_share_by_hand():
    top, hhi = fr.concentration(pd.Series([60.0, 30.0, 10.0]))
    assert top == pytest.approx(60.0)
    assert hhi == pytest.approx(60**2 + 30**2 + 10**2)  # 4,600
    top, hhi = fr.concentration(pd.Series([0.0, 0.0, 0.0, 0.0]))  # free users only: equal shares
    assert top == pytest.approx(25.0) and hhi == pytest.approx(2_500.0)


def test_a_customer_counts_once_with_its_latest_arr():
    frame = requests([("Audit log", "Acme", "SMB", 10_000.0, "Europe"),
                      ("Audit log", "Acme", "Mid-Market", 40_000.0, "Europe"),
                      ("Audit log", "Beta", "Mid-Market", 60_000.0, "Europe")])
    row = fr.feature_summary(frame).iloc[0]
    assert row["customers"] == 2 and row["requests"] == 3
    assert row["arr"] == 100_000.0 and row["top_customer"] == "Beta" and row["top_share"] == pytest.approx(60.0)
    assert row["hhi"] == pytest.approx(40**2 + 60**2)
    assert row["single_account"]  # the top account holds 60%: driven by one account
    assert row["segments"] == 1 and row["segment_list"] == "Mid-Market"  # Acme is Mid-Market now


@pytest.mark.parametrize("variants", [
    ["SSO", "Single sign-on", "single sign on (SAML)"],
    ["Excel export", "Export to Excel"],
    ["Dark mode", "dark theme"],
    ["2FA", "MFA", "Two-factor authentication", "Multi factor authentication"],
    ["Custom reports", "Custom report"],
])
def test_name_variants_are_grouped(variants):
    groups = fr.suggest_groups(variants)
    assert groups["group"].nunique() == 1, groups


@pytest.mark.parametrize("a, b", [
    ("Excel export", "Excel import"),
    ("Dark mode", "Mobile app"),
    ("Audit log", "API access"),
    ("Offline mode", "Dark mode"),
    ("Multi-currency", "MFA"),
    ("Custom reports", "Custom fiscal calendar (4-4-5)"),
    ("Lotus Notes import", "Excel import"),
])
def test_distinct_features_stay_apart(a, b):
    assert fr.name_similarity(a, b) < fr.GROUP_THRESHOLD
    assert fr.suggest_groups([a, b])["group"].nunique() == 2


def test_group_takes_the_most_written_name_and_edits_apply():
    names = ["SSO"] * 2 + ["Single sign-on"] * 3 + ["Audit log"]
    groups = fr.suggest_groups(names).set_index("variant")["group"]
    assert groups["SSO"] == groups["Single sign-on"] == "Single sign-on"
    frame = requests([(n, f"C{i}", "SMB", 1.0, "Europe") for i, n in enumerate(names)])
    edited = fr.suggest_groups(names).assign(group=lambda g: g["group"].replace({"Single sign-on": "SAML SSO"}))
    grouped = fr.apply_groups(frame, edited)
    assert set(grouped["feature"]) == {"SAML SSO", "Audit log"}
    assert list(grouped["variant"]) == names  # the name as written is kept
    assert list(fr.apply_groups(frame, None)["feature"]) == names  # grouping off


@settings(max_examples=60)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=12))
def test_grouping_covers_every_name_once(names):
    groups = fr.suggest_groups(names)
    assert sorted(groups["variant"]) == sorted(set(names))
    assert set(groups["group"]) <= set(groups["variant"])  # a group is named after one of its names


def test_rice_by_hand():
    assert fr.rice(10, 2.0, 80.0, 4.0) == pytest.approx(10 * 2 * 0.8 / 4)  # 4.0
    summary = pd.DataFrame({"feature": ["A", "B"], "reach": [10, 3]})
    inputs = pd.DataFrame({"feature": ["A", "B"], "impact": [2.0, 0.5], "confidence": [50.0, 100.0],
                           "effort": [2.0, 0.5]})
    scored = fr.with_rice(summary, inputs).set_index("feature")["rice"]
    assert scored["A"] == pytest.approx(10 * 2 * 0.5 / 2)  # 5.0
    assert scored["B"] == pytest.approx(3 * 0.5 * 1.0 / 0.5)  # 3.0
    defaults = fr.with_rice(summary, fr.default_rice_inputs(["A", "B"])).set_index("feature")["rice"]
    assert defaults.to_dict() == pytest.approx({"A": 8.0, "B": 2.4})  # impact 1, 80%, 1 person-month


def test_out_of_range_rice_inputs_fall_back_with_a_note():
    inputs = pd.DataFrame({"feature": ["A", "B"], "impact": [7.0, 1.0], "confidence": [80.0, None],
                           "effort": [0.0, 2.0]})
    cleaned, notes = fr.clean_rice_inputs(inputs)
    assert cleaned["impact"].tolist() == [1.0, 1.0]
    assert cleaned["confidence"].tolist() == [80.0, 80.0]
    assert cleaned["effort"].tolist() == [1.0, 2.0]
    assert len(notes) == 3 and "Impact for “A”" in notes[0]


def test_reach_counts_customers_in_the_last_twelve_months():
    frame = requests([("X", "Old", "SMB", 1.0, "Europe"), ("X", "New", "SMB", 1.0, "Europe")])
    frame["date"] = pd.to_datetime(["2023-01-01", "2025-06-01"])
    assert fr.feature_summary(frame).iloc[0]["reach"] == 1


def test_alignment_weighs_growing_segments_more():
    frame = requests([("Grow", "A", "SMB", 1.0, "Europe"), ("Shrink", "B", "Consumer", 1.0, "Europe"),
                      ("Unknown", "C", "Public sector", 1.0, "Europe")])
    summary = fr.feature_summary(frame, {"SMB": 10.0, "Consumer": -40.0}).set_index("feature")["alignment"]
    assert summary["Grow"] == pytest.approx(75.0)  # weight 1.5
    assert summary["Shrink"] == pytest.approx(0.0)  # capped at -20%: weight 0
    assert summary["Unknown"] == pytest.approx(50.0)  # neutral


def test_sorting_by_any_score():
    summary = fr.with_rice(fr.feature_summary(requests(
        [("A", "x", "SMB", 1.0, "Europe"), ("B", "y", "SMB", 5.0, "Europe"), ("B", "z", "Consumer", 5.0, "Asia")])),
        fr.default_rice_inputs(["A", "B"]))
    for column in fr.SORTS.values():
        ranked = fr.rank(summary, column)
        assert list(ranked["rank"]) == [1, 2]
        assert ranked[column].is_monotonic_decreasing


def test_demo_titans_niche_requests_are_single_account(demo):
    summary = fr.feature_summary(fr.apply_groups(demo, fr.suggest_groups(demo["feature"]))).set_index("feature")
    titan = demo.loc[demo["customer"] == "Titan Global Holdings", "feature"].unique()
    assert len(titan) >= 4
    for feature in titan:
        row = summary.loc[feature]
        assert row["single_account"] and row["top_customer"] == "Titan Global Holdings", feature
        assert row["breadth"] < 10
    assert summary["breadth"].idxmax() not in titan
    assert summary.loc[~summary.index.isin(titan), "single_account"].sum() == 0  # broad ones are not flagged


def test_demo_name_variants_group_with_the_combined_customers(demo):
    groups = fr.suggest_groups(demo["feature"]).set_index("variant")["group"]
    assert groups["SSO"] == groups["Single sign-on"] == groups["single sign on (SAML)"]
    assert groups["Excel export"] == groups["Export to Excel"] and groups["Dark mode"] == groups["dark theme"]
    assert groups["Excel export"] != groups["Lotus Notes import"] != groups["Mobile app"]
    summary = fr.feature_summary(fr.apply_groups(demo, groups.reset_index())).set_index("feature")
    variants = ["SSO", "Single sign-on", "single sign on (SAML)"]
    sso = demo[demo["feature"].isin(variants)]
    assert summary.loc[groups["SSO"], "customers"] == sso["customer"].nunique()
    assert summary.loc[groups["SSO"], "requests"] == len(sso) == 52
    assert summary.loc[groups["SSO"], "customers"] > max(
        demo.loc[demo["feature"] == v, "customer"].nunique() for v in variants)
    assert len(summary) == 17


def test_requesters_of_a_feature(demo):
    grouped = fr.apply_groups(demo, fr.suggest_groups(demo["feature"]))
    who = fr.requesters(grouped, "Single sign-on")
    assert who["share"].sum() == pytest.approx(100.0)
    assert who["arr"].is_monotonic_decreasing
    assert {"SSO", "Single sign-on"} <= set(", ".join(who["asked_as"]).split(", "))
    top = fr.top_requesters(who, limit=10)
    assert len(top) == 10 and top["arr"].sum() == pytest.approx(who["arr"].sum())
    assert fr.requesters(grouped, "Nothing like this").empty
