"""Launch tracking on the Products page and its finding on the Briefing.

The plans are the launch options saved on the Opportunities page as the plan
of one of our products (`data.launch_plans`), and the Opportunities table's
options that are named after a product with a launch month inside the data
(`analysis.launch_tracking`); a saved plan wins for its product.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.bass import cumulative_share
from analysis.finance import LaunchInputs
from analysis.findings import Finding
from analysis.launch import options_from_table
from analysis.launch_tracking import Tracking, describe, launch_finding, launched_plans, track
from dashboard.data_access import CACHE_TTL, given_launches, market_totals
from dashboard.single_flight import shared
from data.launch_plans import LaunchPlan, PlanStoreError, plans_for, save_plan
from data.locations import database_exists, database_url
from dashboard.formatting import compact
from dashboard.safe_text import md, plot
from dashboard.theme import OUR_COLOR, TEMPLATE, TEXT_COLOR
from dashboard.widgets import chart
from data.store import MarketFilter, Store

RATE = 0.10  # the Opportunities page's default discount rate
PLANS_TTL = 15  # seconds a read of the saved plans is reused (another server's save shows within it)


PLAN_COLUMNS = ["option", "launch", "market_size", "price", "unit_cost", "fixed_cost", "p", "q", "periods",
                "approved_as"]


def saved_plans(dataset_key: str) -> list[LaunchPlan]:
    """This dataset's saved plans; a database problem shows once and tracks the table's plans only.

    The Briefing asks on every run: before anything was saved on this server there is no database to read
    (and none is created), and the read is cached for `PLANS_TTL` seconds. A plan saved here clears the
    cache at once; one saved on another server sharing the database shows within the TTL.
    """
    if not database_exists():
        return []
    try:
        return _plans(dataset_key, database_url())
    except PlanStoreError as error:
        st.warning(str(error), icon=":material/database:")
        return []


@st.cache_data(ttl=PLANS_TTL, max_entries=64, show_spinner=False)
def _plans(dataset_key: str, url: str) -> list[LaunchPlan]:
    return plans_for(dataset_key, url=url)


def trackings(store: Store, key: str, company: str, dataset_key: str = "") -> list[Tracking]:
    """Every launch of `company` with a plan, tracked against its actuals (whole history, all regions)."""
    if "product" not in store.columns("market"):
        return []
    plans = saved_plans(dataset_key) if dataset_key else []
    if "opportunities" not in store.tables and not plans:
        return []
    return _tracked(store, key, company, _plan_key(plans), plans)


def _plan_key(plans: list[LaunchPlan]) -> tuple:
    """The saved plans as plain values: hashed on every run, much cheaper than their table."""
    return tuple((p.product, p.option, str(p.launch), p.saved, tuple(sorted(p.inputs.items()))) for p in plans)


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def _tracked(_store: Store, key: str, company: str, plans: tuple, _plans: list[LaunchPlan]) -> list[Tracking]:
    """`trackings` once per (dataset, company, saved plans) for all sessions: the Briefing asks on every run.
    `plans` is `_plan_key(_plans)`, what the cache is keyed on."""
    saved = _plan_rows(_plans)
    by_product = market_totals(_store, key, MarketFilter(companies=(company,)), ("date", "product"))
    by_product = by_product.dropna(subset=["product"])
    if by_product.empty or by_product["units"].isna().all():
        return []
    table = _store.table("opportunities") if "opportunities" in _store.tables else saved.iloc[0:0]
    return _trackings(table, saved, by_product)


def _plan_rows(plans: list[LaunchPlan]) -> pd.DataFrame:
    """Saved plans as rows of an opportunities table named for their product, with their own horizon."""
    rows = [{"option": p.product, "launch": p.launch, **{k: p.inputs[k] for k in PLAN_COLUMNS[2:-1]},
             "approved_as": p.option} for p in plans]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _trackings(options: pd.DataFrame, saved: pd.DataFrame, by_product: pd.DataFrame) -> list[Tracking]:
    options = pd.concat([options[~options["option"].astype(str).isin(saved["option"])], saved], ignore_index=True)
    plans = launched_plans(options, by_product)
    inputs, _ = options_from_table(plans, years=10, recurring=False)
    horizons = plans.set_index("option")["periods"] if "periods" in plans else pd.Series(dtype=float)
    found = []
    for name, plan in inputs.items():
        if pd.notna(horizons.get(name)):  # a saved plan keeps the horizon it was approved with
            plan = replace(plan, periods=int(horizons[name]))
        sales = by_product[by_product["product"] == name].set_index("date")[["units", "revenue"]].fillna(0.0)
        launch = pd.Timestamp(plans.set_index("option").loc[name, "launch"])
        try:
            found.append(track(plan, launch, sales, rate=RATE, product=name))
        except ValueError:
            continue  # no sales since its launch month: nothing to compare yet
    return found


def launch_findings(store: Store, key: str, company: str, dataset_key: str = "") -> list[Finding]:
    """Briefing findings for launches running more than 10% off their plan."""
    found = [launch_finding(t, compact(t.gap_revenue, "revenue")) for t in trackings(store, key, company, dataset_key)]
    return [f for f in found if f is not None]


def tracking_chart(t: Tracking) -> go.Figure:
    """Cumulative units: actual, the plan, and the plan re-fitted on the actuals, to the plan's horizon's end."""
    fig = go.Figure()
    ahead = pd.date_range(t.launch, periods=t.periods + 24, freq="MS")  # two more years of both curves
    years = (pd.RangeIndex(1, len(ahead) + 1) / t.plan.per_year).to_numpy()
    fig.add_trace(go.Scatter(x=ahead, y=t.plan.market_size * cumulative_share(years, t.plan.p, t.plan.q), name="Plan",
                             mode="lines", line=dict(color=TEXT_COLOR, dash="dash", width=2)))
    if t.refit is not None:
        curve = t.refit.m * cumulative_share(years, t.refit.p, t.refit.q)
        fig.add_trace(go.Scatter(x=ahead, y=curve, name="Re-fitted on the actuals", mode="lines",
                                 line=dict(color=OUR_COLOR, dash="dot", width=1.5)))
    fig.add_trace(go.Scatter(x=t.path["date"], y=t.path["actual"], name="Actual", mode="lines",
                             line=dict(color=OUR_COLOR, width=3.5)))
    gap = t.gap_percent
    title = f"{t.product}: {abs(gap):.0f}% {'ahead of' if gap > 0 else 'behind'} plan after {t.periods} months"
    fig.update_layout(template=TEMPLATE, title=dict(text=plot(title)), height=400, hovermode="x unified")
    fig.update_yaxes(title_text="Units sold since launch (cumulative)", tickformat="~s")
    fig.update_xaxes(title_text=None)
    return fig


def tracking_section(items: list[Tracking], product: str | None) -> None:
    """The launch tracked against its plan: chart, gap to date and the re-fitted NPV."""
    st.subheader("Launches against their plan")
    if not items:
        st.caption("No launch to track yet. On the Opportunities page, pick the option a product was launched as "
                   "and save it as that product's plan (or name an option after the product).")
        st.page_link("../pages/opportunities.py", label="Save a launch plan on Opportunities",
                     icon=":material/rocket_launch:")
        return
    shown = next((t for t in items if t.product == product), items[0])
    if shown.product != product:
        st.caption(md(f"{product} has no launch plan to track; showing {shown.product}"
                      + (f" (also tracked: {', '.join(t.product for t in items if t is not shown)})." if len(items) > 1
                         else ".")))
    st.markdown(md(describe(shown, compact(shown.gap_revenue, "revenue"))))
    cols = st.columns(4)
    cols[0].metric("Units to date vs plan", f"{shown.gap_units:+,.0f}", f"{shown.gap_percent:+.0f}%", border=True)
    cols[1].metric("Revenue to date vs plan", compact(shown.gap_revenue, "revenue"),
                   help="Units sold × price, against the plan's units × its price.", border=True)
    cols[2].metric("NPV at the plan's inputs", compact(shown.plan_npv, "revenue"),
                   help=f"Plan's adoption curve, price and costs, each unit billed once, {RATE:.0%} a year.",
                   border=True)
    if shown.refit_npv is not None:
        cols[3].metric("NPV re-fitted on the actuals", compact(shown.refit_npv, "revenue"),
                       f"{compact(shown.refit_npv - shown.plan_npv, 'revenue')} vs plan", border=True,
                       help="The Bass curve fitted to the units sold so far, with the plan's price and costs.")
    else:
        cols[3].metric("NPV re-fitted on the actuals", "—", "too early to re-fit", delta_color="off",
                       delta_arrow="off", border=True)
    chart(tracking_chart(shown), shown.path, key="launch_tracking")
    payback = lambda p: "never in the horizon" if p is None else f"{p / 12:.1f} years"  # noqa: E731
    details = f"Payback: plan {payback(shown.plan_payback)}"
    if shown.refit is not None:
        details += (f", re-fitted {payback(shown.refit_payback)}. Re-fit: {shown.refit.describe()} "
                    f"(innovation p, imitation q, potential adopters m).")
    st.caption(md(details))


def plan_saver(option: str, inputs: LaunchInputs, store: Store, key: str, company: str, dataset_key: str,
               preferred: str | None) -> None:
    """"We launched this as product X": save the option as that product's plan, tracked on Products."""
    if "product" not in store.columns("market") or not dataset_key:
        return
    ours = market_totals(store, key, MarketFilter(companies=(company,)), ("date", "product")).dropna(subset=["product"])
    ours = ours[ours["units"].fillna(0) + ours["revenue"].fillna(0) > 0]
    if ours.empty:
        return
    launches = {**ours.groupby("product")["date"].min().to_dict(), **given_launches(store, key, MarketFilter())}
    products = sorted(launches, key=lambda p: launches[p], reverse=True)  # the newest launch first
    saved = {p.product: p for p in saved_plans(dataset_key)}
    st.subheader("Launched it? Track it against this plan")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    product = left.selectbox(md(f"Which of {company}'s products did {option} become?"), products,
                             index=products.index(preferred) if preferred in products else 0, key="plan_product",
                             format_func=lambda p: f"{p} (launched {launches[p]:%b %Y})")
    if right.button("Save as its launch plan", key="plan_save", icon=":material/flag:"):
        try:
            save_plan(dataset_key, product, option, launches[product], {**asdict(inputs), "recurring": False})
        except PlanStoreError as error:
            st.error(str(error), icon=":material/error:")
        else:
            _plans.clear()  # every session on this server tracks it from the next run
            saved[product] = None
            st.success(md(f"Saved: {product} is now tracked against {option}'s adoption curve and cash flows, "
                          f"from its launch in {launches[product]:%b %Y}."), icon=":material/check_circle:")
    if product in saved and saved[product] is not None:
        st.caption(md(f"{product} is tracked against {saved[product].option}, saved "
                      f"{pd.Timestamp(saved[product].saved, unit='s'):%d %b %Y}; saving replaces it."))
    if saved:
        st.page_link("../pages/products.py", label="Launches against their plan, on Products",
                     icon=":material/arrow_forward:", query_params={"company": company, "product": product})
