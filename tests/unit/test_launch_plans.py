"""Launch plans in the app database (real SQLite in a temporary folder): saved, replaced, read back, removed."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import update

from data import appdb
from data.launch_plans import FIELDS, PlanStoreError, delete_plan, plans_for, save_plan

INPUTS = {"market_size": 40_000, "price": 1_200, "unit_cost": 300, "fixed_cost": 2e6, "p": 0.01, "q": 0.4,
          "periods": 60, "per_year": 12, "recurring": False}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)


def test_a_saved_plan_is_read_back_from_the_month_of_its_launch():
    save_plan("ds1", "Atlas", "SMB plan", pd.Timestamp("2023-01-17"), INPUTS)
    [plan] = plans_for("ds1")
    assert (plan.product, plan.option, plan.launch) == ("Atlas", "SMB plan", pd.Timestamp("2023-01-01"))
    assert plan.inputs == {**{k: float(v) for k, v in INPUTS.items()}, "recurring": False}
    assert plans_for("another dataset") == []


def test_saving_again_replaces_the_products_plan_and_leaves_the_others():
    save_plan("ds1", "Atlas", "SMB plan", pd.Timestamp("2023-01-01"), INPUTS)
    save_plan("ds1", "Go", "Mobile", pd.Timestamp("2024-06-01"), INPUTS)
    save_plan("ds1", "Atlas", "Add-on", pd.Timestamp("2023-03-01"), {**INPUTS, "price": 900})
    plans = {p.product: p for p in plans_for("ds1")}
    assert sorted(plans) == ["Atlas", "Go"]
    assert plans["Atlas"].option == "Add-on" and plans["Atlas"].inputs["price"] == 900
    assert delete_plan("ds1", "Atlas") and not delete_plan("ds1", "Atlas")
    assert [p.product for p in plans_for("ds1")] == ["Go"]


def test_a_plan_without_all_inputs_or_a_product_is_refused_with_what_is_missing():
    with pytest.raises(PlanStoreError, match="missing: p, q"):
        save_plan("ds1", "Atlas", "SMB plan", pd.Timestamp("2023-01-01"),
                  {k: v for k, v in INPUTS.items() if k not in ("p", "q")})
    with pytest.raises(PlanStoreError, match="needs a product"):
        save_plan("ds1", "  \n ", "SMB plan", pd.Timestamp("2023-01-01"), INPUTS)
    assert plans_for("ds1") == []


def test_control_characters_in_names_are_stored_as_plain_text():
    save_plan("ds1", "Atlas\u202e\n<b>", "=cmd|' /C calc'!A0", pd.Timestamp("2023-01-01"), INPUTS)
    [plan] = plans_for("ds1")
    assert plan.product == "Atlas <b>" and plan.option == "=cmd|' /C calc'!A0"  # escaped where shown


def test_a_damaged_row_is_skipped_and_the_rest_still_show():
    save_plan("ds1", "Atlas", "SMB plan", pd.Timestamp("2023-01-01"), INPUTS)
    save_plan("ds1", "Go", "Mobile", pd.Timestamp("2024-06-01"), INPUTS)
    with appdb.writer(appdb.ready_engine()).begin() as conn:
        conn.execute(update(appdb.launch_plans).where(appdb.launch_plans.c.product == "Go")
                     .values(inputs={"price": 1}))
    assert [p.product for p in plans_for("ds1")] == ["Atlas"]


def test_fields_match_the_launch_inputs_the_opportunities_page_evaluates():
    from dataclasses import fields

    from analysis.finance import LaunchInputs
    assert set(FIELDS) == {f.name for f in fields(LaunchInputs)} | {"recurring"}


def test_deleting_a_workspace_dataset_forgets_its_plans():
    from data.dataset import load_demo
    from data.workspace import Workspace

    ws = Workspace()
    dataset_id = ws.save("Demo copy", load_demo().tables, "test").dataset_id
    save_plan(dataset_id, "Atlas", "SMB plan", pd.Timestamp("2023-01-01"), INPUTS)
    save_plan("other", "Atlas", "SMB plan", pd.Timestamp("2023-01-01"), INPUTS)
    ws.delete(dataset_id)
    assert plans_for(dataset_id) == [] and [p.product for p in plans_for("other")] == ["Atlas"]
