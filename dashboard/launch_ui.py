"""Launch tracking on the Products page and its finding on the Briefing.

The plans are the Opportunities table's options that are products of the
market table with a launch month inside the data (`analysis.launch_tracking`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.bass import cumulative_share
from analysis.findings import Finding
from analysis.launch import options_from_table
from analysis.launch_tracking import Tracking, describe, launch_finding, launched_plans, track
from dashboard.data_access import market_totals
from dashboard.formatting import compact
from dashboard.safe_text import md, plot
from dashboard.shared_work import computed
from dashboard.theme import OUR_COLOR, TEMPLATE, TEXT_COLOR
from dashboard.widgets import chart
from data.store import MarketFilter, Store

RATE = 0.10  # the Opportunities page's default discount rate


def trackings(store: Store, key: str, company: str) -> list[Tracking]:
    """Every launch of `company` with a plan, tracked against its actuals (whole history, all regions)."""
    if "opportunities" not in store.tables or "product" not in store.columns("market"):
        return []
    by_product = market_totals(store, key, MarketFilter(companies=(company,)), ("date", "product"))  # cached
    by_product = by_product.dropna(subset=["product"])
    if by_product.empty or by_product["units"].isna().all():
        return []
    return computed(_trackings, store.table("opportunities"), by_product)


def _trackings(options: pd.DataFrame, by_product: pd.DataFrame) -> list[Tracking]:
    plans = launched_plans(options, by_product)
    inputs, _ = options_from_table(plans, years=10, recurring=False)
    found = []
    for name, plan in inputs.items():
        sales = by_product[by_product["product"] == name].set_index("date")[["units", "revenue"]].fillna(0.0)
        launch = pd.Timestamp(plans.set_index("option").loc[name, "launch"])
        try:
            found.append(track(plan, launch, sales, rate=RATE, product=name))
        except ValueError:
            continue  # no sales since its launch month: nothing to compare yet
    return found


def launch_findings(store: Store, key: str, company: str) -> list[Finding]:
    """Briefing findings for launches running more than 10% off their plan."""
    found = [launch_finding(t, compact(t.gap_revenue, "revenue")) for t in trackings(store, key, company)]
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
        st.caption("No launch to track: a launch plan is an option on the Opportunities page whose name is one of "
                   "our products and whose launch month is inside the data.")
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
