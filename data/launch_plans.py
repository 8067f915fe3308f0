"""Launch plans: the option a product was approved with, saved so its launch can be tracked.

An option on the Opportunities page is a what-if until someone says "we
launched this as product X". Saving it records the plan's inputs (potential
adopters, price, costs, Bass p and q, horizon, billing) against the dataset
and the product, in the app database beside views and the workspace catalog,
so every session and every server tracks the same plan. The plan's curve is
started at the product's launch, so a late launch is not read as a slow one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from data import appdb
from data.appdb import launch_plans as plans_t
from data.names import MAX_NAME, clean_text

MAX_PRODUCT = 200
# The fields of analysis.finance.LaunchInputs, stored as plain JSON so the database never holds code objects.
FIELDS = ("market_size", "price", "unit_cost", "fixed_cost", "p", "q", "periods", "per_year", "recurring")


class PlanStoreError(Exception):
    """Plans cannot be read or written; the message says why, in one line."""


@dataclass(frozen=True)
class LaunchPlan:
    product: str
    option: str  # the Opportunities option it was approved as
    launch: pd.Timestamp
    inputs: dict[str, float]  # FIELDS
    saved: float


def save_plan(dataset: str, product: str, option: str, launch: pd.Timestamp, inputs: Mapping[str, float], *,
              owner: str | None = None, url: str | None = None) -> LaunchPlan:
    """Save (or replace) the plan of `product` on `dataset`; one plan per product."""
    product, option = clean_text(product, MAX_PRODUCT, ""), clean_text(option, MAX_NAME, "")
    missing = [k for k in FIELDS if k not in inputs]
    if not product or not option or missing:
        raise PlanStoreError("A plan needs a product, the option it was approved as and all its inputs"
                             + (f" (missing: {', '.join(missing)})." if missing else "."))
    kept = {k: (bool(inputs[k]) if k == "recurring" else float(inputs[k])) for k in FIELDS}
    plan = LaunchPlan(product, option, pd.Timestamp(launch).to_period("M").to_timestamp(), kept, time.time())
    row = {"dataset": dataset, "product": product, "option": option, "launch": f"{plan.launch:%Y-%m-%d}",
           "inputs": kept, "saved": plan.saved, "owner": owner}
    try:
        with appdb.writer(appdb.ready_engine(url)).begin() as conn:
            conn.execute(appdb.upsert(conn, plans_t, row))
    except SQLAlchemyError as error:
        raise PlanStoreError(f"The plan could not be saved ({type(error).__name__}); try again, or ask whoever "
                             "runs the server to check the app database.") from error
    return plan


def plans_for(dataset: str, *, url: str | None = None) -> list[LaunchPlan]:
    """Every saved plan of `dataset`, by product name; unreadable rows are skipped."""
    try:
        with appdb.ready_engine(url).connect() as conn:
            rows = conn.execute(select(plans_t).where(plans_t.c.dataset == dataset)
                                .order_by(plans_t.c.product)).mappings().all()
    except SQLAlchemyError as error:
        raise PlanStoreError(f"Saved launch plans could not be read ({type(error).__name__}).") from error
    found = []
    for row in rows:
        try:
            inputs = {k: row["inputs"][k] for k in FIELDS}
            found.append(LaunchPlan(row["product"], row["option"], pd.Timestamp(row["launch"]), inputs, row["saved"]))
        except (TypeError, ValueError, KeyError):
            continue  # written by a newer release, or damaged: the rest still show
    return found


def delete_plan(dataset: str, product: str, *, url: str | None = None) -> bool:
    """Forget the plan of `product`; True when there was one."""
    try:
        with appdb.writer(appdb.ready_engine(url)).begin() as conn:
            gone = conn.execute(delete(plans_t).where(plans_t.c.dataset == dataset, plans_t.c.product == product))
    except SQLAlchemyError as error:
        raise PlanStoreError(f"The plan could not be removed ({type(error).__name__}).") from error
    return bool(gone.rowcount)
