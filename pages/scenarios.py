"""Scenarios: what if we change price, the market slows, competitors react, or marketing moves?"""

import pandas as pd
import streamlit as st

from analysis.elasticity import estimate
from analysis.forecast import forecast
from analysis.scenario import Z95, Elasticities, Levers, project, sensitivity, totals
from dashboard import charts
from dashboard.context import page_context
from dashboard.data_access import demand_history, market_totals
from dashboard.formatting import compact
from dashboard.link_notice import warn_about_link
from dashboard.safe_text import md
from dashboard.sharing import current_params, inert_name, link, save_view
from dashboard.url_state import NumberSpec
from dashboard.widgets import chart, unavailable

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
ours, HORIZON = filters.company, 12

st.title("Scenarios")
st.caption("Move a lever and see units, revenue, margin and share over the next 12 periods against the baseline. "
           "Levers act through elasticities estimated from this slice's history.")
if not {"units", "revenue"} <= set(store.measures()):
    unavailable("Scenarios need units and revenue; this data has " + ", ".join(store.measures()) + " only.")
    st.stop()
history = demand_history(store, key, filters.market_filter(), ours)
try:
    model = estimate(history)
except ValueError as reason:
    unavailable(md(f"No elasticity can be estimated for {ours} in this slice: {reason}. Widen the filters."))
    st.stop()

st.subheader("Elasticities estimated from the history")
rows = [e for e in (model.own, model.cross, model.marketing) if e is not None]
st.dataframe(pd.DataFrame([{"elasticity": e.name, "estimate": e.value, "low (95%)": e.low, "high (95%)": e.high,
                            "p-value": e.p_value} for e in rows]), hide_index=True)
st.caption(f"log(units) on log(price){', competitors’ price' if model.cross else ''}"
           f"{', marketing' if model.marketing else ''} with {model.controls}; R² = {model.r2:.2f}, n = {model.n}.")
for warning in model.warnings:
    st.warning(md(f"Careful: {warning}."), icon=":material/warning:")
warn_about_link([
    *(NumberSpec(k, label, lo, hi)
      for k, label, lo, hi in (("d_price", "Price change", -30, 30), ("d_mkt", "Marketing change", -100, 200),
                               ("d_growth", "Market growth change", -20, 20), ("d_comp", "Competitor price", -30, 30),
                               ("d_share", "Share shift", -10, 10), ("cost_pct", "Unit cost", 0, 100))),
    NumberSpec("e_own", "Price elasticity", -10, 5, whole=False, allow_empty=True),  # empty: use the estimate
])
override = st.number_input("Override the price elasticity (empty: use the estimate)", min_value=-10.0, max_value=5.0,
                           value=None, step=0.1, key="e_own", bind="query-params")
if override is not None:
    st.info(f"Using your price elasticity {override:+.2f} instead of the estimate {model.own.value:+.2f}.",
            icon=":material/edit:")
own = override if override is not None else model.own.value
own_sd = 0.0 if override is not None else (model.own.high - model.own.low) / (2 * Z95)
sd = lambda e: 0.0 if e is None else (e.high - e.low) / (2 * Z95)  # noqa: E731
elasticities = Elasticities(own, own_sd, model.cross.value if model.cross else 0.0, sd(model.cross),
                            model.marketing.value if model.marketing else 0.0, sd(model.marketing))

units = history.set_index("date")["units"]
price = float(history["price"].iloc[-12:].mean())
market = market_totals(store, key, filters.market_filter(), ("date",)).set_index("date")["units"]
ours_fc, market_fc = forecast(units, HORIZON), forecast(market, HORIZON)
baseline = ours_fc.frame
unit_cost = price * st.slider("Unit cost (% of today's price), for gross margin", 0, 100, 60, key="cost_pct",
                              bind="query-params") / 100

st.subheader("Which lever matters most")
swings = sensitivity(baseline, market_fc.mean, price, elasticities, Levers(unit_cost=unit_cost))
left, right = st.columns(2)
with left:
    chart(charts.lever_tornado(swings, value="revenue", title="Revenue when each lever moves a realistic amount"),
          swings, key="tornado_revenue")
with right:
    chart(charts.lever_tornado(swings, value="margin", title="Margin when each lever moves a realistic amount"),
          swings, key="tornado_margin")


@st.fragment
def levers_and_outcome() -> None:
    """Its own fragment: moving a lever redraws only the outcome, not the estimates above."""
    st.subheader("Levers")
    a, b, c = st.columns(3)
    levers = Levers(
        price=a.slider("Our price change (%)", -30, 30, 0, key="d_price", bind="query-params"),
        marketing=b.slider("Marketing spend change (%)", -100, 200, 0, key="d_mkt", bind="query-params"),
        market_growth=c.slider("Market growth change (pts a year)", -20, 20, 0, key="d_growth", bind="query-params"),
        competitor_price=a.slider("Competitors' price response (%)", -30, 30, 0, key="d_comp", bind="query-params"),
        share_shift=b.slider("Direct share shift (pts)", -10, 10, 0, key="d_share", bind="query-params"),
        unit_cost=unit_cost,
    )
    outcome = project(baseline, market_fc.mean, price, elasticities, levers)
    sums = totals(outcome)
    cols = st.columns(4)
    for col, (name, what) in zip(cols, (("units", "units"), ("revenue", "revenue"), ("margin", "revenue"))):
        base, new = sums[f"baseline_{name}"], sums[f"scenario_{name}"]
        col.metric(f"{name.capitalize()}, next {HORIZON}", compact(new, what), f"{100 * (new / base - 1):+.1f}% vs baseline"
                   if base else None, border=True)
    cols[3].metric("Share at the end", f"{sums['scenario_share']:.1f}%",
                   f"{sums['scenario_share'] - sums['baseline_share']:+.1f} pts vs baseline", border=True)
    chart(charts.scenario_chart(units.iloc[-36:], outcome, y_title="Units per period",
                                title=f"{ours} units: scenario {compact(sums['scenario_units'])} vs baseline "
                                      f"{compact(sums['baseline_units'])} over the next {HORIZON} periods"),
          outcome.reset_index(names="date"), key="scenario")
    compare(levers, sums)


def compare(levers: Levers, sums: dict) -> None:
    """Save the current levers under a name; compare up to four saved scenarios."""
    saved = st.session_state.setdefault("_scenarios", {})
    name = st.text_input("Save this scenario as", key="scenario_name", placeholder="e.g. Price cut 5%")
    if st.button("Save scenario", disabled=not name.strip(), icon=":material/bookmark_add:"):
        view = save_view(name, "scenarios", current_params(), key)  # the durable part: a short link
        if view is not None:  # else save_view said why, and the name stays in the box
            saved[name.strip()[:60]] = {**levers.__dict__, **sums, "link": link({"view": [view.id]}, "scenarios")}
            while len(saved) > 4:
                saved.pop(next(iter(saved)))
            st.success(f"Saved “{inert_name(view.name)}”. This link reopens it: `{link({'view': [view.id]}, 'scenarios')}`")
    if saved:
        table = pd.DataFrame([{"scenario": n, **v} for n, v in saved.items()])
        st.dataframe(table[["scenario", "price", "marketing", "market_growth", "competitor_price", "share_shift",
                            "scenario_units", "scenario_revenue", "scenario_margin", "scenario_share", "link"]],
                     hide_index=True, column_config={
                         **{c: st.column_config.NumberColumn(format="compact") for c in
                            ("scenario_units", "scenario_revenue", "scenario_margin")},
                         "link": st.column_config.LinkColumn("Link", display_text="open")})
        chart(charts.bubbles(table.assign(size=1.0), x="scenario_revenue", y="scenario_share", size="size",
                             label="scenario", title="Saved scenarios: revenue against share",
                             x_title="Revenue over the horizon (USD)", y_title="Share at the end",
                             hover={"scenario_revenue": "Revenue", "scenario_margin": "Margin"}),
              table, key="scenario_compare")
        st.caption("This comparison lasts for the session; each saved scenario's link lasts until it is deleted "
                   "(Share this view → Your saved views).")


levers_and_outcome()
