"""Scenarios: what if we change price, the market slows, competitors react, or marketing moves?"""

import pandas as pd
import streamlit as st

from analysis.elasticity import estimate
from analysis.elasticity_choice import choose_cross, choose_marketing, choose_price
from analysis.forecast import forecast
from analysis.scenario import Elasticities, Levers, outcome_range, project, sensitivity, totals
from dashboard import charts
from dashboard.context import page_context
from dashboard.data_access import demand_history, market_totals, pooled_elasticity
from dashboard.formatting import PERIOD_WORDS, compact, money_columns
from dashboard.link_notice import warn_about_link
from dashboard.product_line import our_product
from dashboard.safe_text import md
from dashboard.share_scenario_ui import share_scenario
from dashboard.sharing import current_params, inert_name, link, save_view
from dashboard.url_state import NumberSpec
from dashboard.widgets import chart, deck_button, unavailable, unchanged
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
ours = filters.company
PER_YEAR = SEASON_LENGTH.get(filters.periodicity, 12)  # a lever counted a year, on quarters or weeks
HORIZON = PER_YEAR  # the next year: 12 months, 4 quarters or 52 weeks
NEXT = f"next {PER_YEAR} {PERIOD_WORDS.get(filters.periodicity, 'period')}s" if PER_YEAR > 1 else "next year"

st.title("Scenarios")
our_product(context)  # the levers move our whole company; this says which product is ours and how it does
if store.measures() == ["share"]:  # a tracker export: move share points instead of prices
    share_scenario(market_totals(store, key, filters.market_filter(), ("date", "company")), ours,
                   season=SEASON_LENGTH.get(filters.periodicity, 12), rest=context.dataset.rest)
    st.stop()
st.caption(f"Move a lever and see units, revenue, margin and share over the {NEXT} against the baseline. "
           "Levers act through elasticities estimated from this slice’s history, or from the wider market when "
           "the slice’s own cannot be trusted.")
if not {"units", "revenue"} <= set(store.measures()):
    unavailable("Scenarios need units and revenue; this data has " + ", ".join(store.measures()) + " only.")
    st.stop()
history = demand_history(store, key, filters.market_filter(), ours)
if history["units"].gt(0).sum() < 8:
    unavailable(md(f"{ours} has fewer than 8 periods with units in this slice: too little to project. "
                   "Widen the filters."))
    st.stop()
try:
    model = estimate(history)
except ValueError:
    model = None  # too little price history in the slice: the wider market or the prior decides

warn_about_link([
    *(NumberSpec(k, label, lo, hi)
      for k, label, lo, hi in (("d_price", "Price change", -30, 30), ("d_mkt", "Marketing change", -100, 200),
                               ("d_growth", "Market growth change", -20, 20), ("d_comp", "Competitor price", -30, 30),
                               ("d_share", "Unit share shift", -10, 10), ("cost_pct", "Unit cost", 0, 100))),
    NumberSpec("e_own", "Price elasticity", -10, 5, whole=False, allow_empty=True),  # empty: use the default
])
st.subheader("How demand reacts to price")
override = st.number_input("Override the price elasticity (empty: use the default below)", min_value=-10.0,
                           max_value=5.0, value=None, step=0.1, key="e_own", bind="query-params")
price_e = choose_price(model, pooled_elasticity(store, key), override)
marketing_e, cross_e = choose_marketing(model), choose_cross(model)
(st.info if not price_e.weak else st.warning)(md(price_e.sentence), icon=":material/price_change:")
for other in (marketing_e, cross_e):
    if other is not None and other.weak:
        st.caption(md(other.sentence))
with st.expander("Details: the slice's own estimates and their statistics"):
    if model is None:
        st.caption("This slice has too little price history for its own estimate.")
    else:
        rows = [e for e in (model.own, model.cross, model.marketing) if e is not None]
        st.dataframe(pd.DataFrame([{"Elasticity": e.name, "Estimate": e.value, "Low (95%)": e.low,
                                    "High (95%)": e.high, "p-value": e.p_value} for e in rows]),
                     hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.2f")
                                                     for c in ("Estimate", "Low (95%)", "High (95%)", "p-value")})
        st.caption(f"log(units) on log(price){', competitors’ price' if model.cross else ''}"
                   f"{', marketing' if model.marketing else ''} with {model.controls}; R² = {model.r2:.2f}, "
                   f"n = {model.n}.")
        for warning in model.warnings:
            st.caption(md(f"Caution: {warning}."))
elasticities = Elasticities(price_e.value, price_e.sd, cross_e.value if cross_e else 0.0, cross_e.sd if cross_e else 0.0,
                            marketing_e.value if marketing_e else 0.0, marketing_e.sd if marketing_e else 0.0)

units = history.set_index("date")["units"]
price = float(history["price"].iloc[-PER_YEAR:].mean())  # today's price: the last year's average
market = market_totals(store, key, filters.market_filter(), ("date",)).set_index("date")["units"]
ours_fc, market_fc = forecast(units, HORIZON), forecast(market, HORIZON)
baseline = ours_fc.frame
unit_cost = price * st.slider("Unit cost (% of today's price), for gross margin", 0, 100, 60, key="cost_pct",
                              bind="query-params") / 100

st.subheader("Which lever matters most")
swings = sensitivity(baseline, market_fc.mean, price, elasticities, Levers(unit_cost=unit_cost), per_year=PER_YEAR)
top = swings.iloc[0]  # in words first: which lever moves revenue most, and how far
st.markdown(md(f"Of the levers moved by a realistic amount, {top['lever']} moves revenue most: "
               f"{compact(min(top['revenue_down'], top['revenue_up']), 'revenue')} to "
               f"{compact(max(top['revenue_down'], top['revenue_up']), 'revenue')} over the {NEXT}"
               + (f", then {swings.iloc[1]['lever']} ({compact(swings.iloc[1]['swing'], 'revenue')} apart)."
                  if len(swings) > 1 else ".")))
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
        share_shift=b.slider("Direct unit share shift (pts)", -10, 10, 0, key="d_share", bind="query-params"),
        unit_cost=unit_cost,
    )
    outcome = project(baseline, market_fc.mean, price, elasticities, levers, per_year=PER_YEAR)
    sums = totals(outcome)
    spread = outcome_range(baseline, market_fc.mean, price, elasticities, levers, price_e.low, price_e.high,
                           per_year=PER_YEAR)
    cols = st.columns(4)
    for col, (name, what) in zip(cols, (("units", "units"), ("revenue", "revenue"), ("margin", "revenue"))):
        base, new = sums[f"baseline_{name}"], sums[f"scenario_{name}"]
        delta = f"{100 * (new / base - 1):+.1f}% vs baseline" if base else None
        col.metric(f"{name.capitalize()}, {NEXT}", compact(new, what), delta, border=True,
                   **(unchanged(delta) if delta else {}))
    delta = f"{sums['scenario_share'] - sums['baseline_share']:+.1f} pts vs baseline"
    cols[3].metric("Unit share at the end", f"{sums['scenario_share']:.1f}%", delta, border=True, **unchanged(delta),
                   help="Our units as a share of the market's units in the last period of the horizon.")
    ranges = " · ".join(f"{name} {compact(lo, what)} to {compact(hi, what)}" for name, what, (lo, hi) in (
        ("units", "units", spread["units"]), ("revenue", "revenue", spread["revenue"]),
        ("margin", "revenue", spread["margin"])))
    basis = "Rests on a fallback or weak estimate: " if price_e.weak else "Rests on "
    st.caption(md(f"{basis}{price_e.label()}. Across that range: {ranges}; unit share "
                  f"{spread['share'][0]:.1f}% to {spread['share'][1]:.1f}%."))
    chart(charts.scenario_chart(units.iloc[-3 * PER_YEAR:], outcome, y_title="Units per period",
                                title=f"{ours} units: scenario {compact(sums['scenario_units'])} vs baseline "
                                      f"{compact(sums['baseline_units'])} over the {NEXT}"),
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
            st.success(f"Saved “{inert_name(view.name)}”. [Open it]({link({'view': [view.id]}, 'scenarios')}) "
                       "from this link, or copy it to share.")
    if saved:
        table = comparison_table(saved)
        shown, money = money_columns(table, {"scenario_revenue": f"Revenue, {NEXT}",
                                             "scenario_margin": f"Margin, {NEXT}"})
        shown, units_cfg = money_columns(shown, {"scenario_units": f"Units, {NEXT}"}, money=False)
        number = st.column_config.NumberColumn
        moved = [c for c in COMPARED[1:6] if table[c].abs().gt(0).any()]  # levers no scenario moved take no room
        order = [c for c in COMPARED if c not in COMPARED[1:6] or c in moved]
        st.dataframe(shown, hide_index=True, column_order=order, column_config={
            "scenario": "Scenario",
            **{c: number(label, format="%+.0f%%") for c, label in (
                ("price", "Our price"), ("marketing", "Marketing"), ("competitor_price", "Competitors' price"))},
            "market_growth": number("Market growth", format="%+.0f pts/yr"),
            "share_shift": number("Unit share shift", format="%+.0f pts"),
            **{c: number(**cfg) for c, cfg in {**money, **units_cfg}.items()},
            "scenario_share": number("Unit share at the end", format="%.1f%%"),
            "link": st.column_config.LinkColumn("Link", display_text="open"),
        })
        chart(charts.bubbles(table.assign(size=1.0), x="scenario_revenue", y="scenario_share", size="size",
                             label="scenario", title="Saved scenarios against the baseline: revenue and unit share",
                             x_title="Revenue over the horizon (USD)", y_title="Unit share at the end (%)",
                             hover={"scenario_revenue": "Revenue", "scenario_margin": "Margin"}),
              table, key="scenario_compare")
        st.caption("This comparison lasts for the session; each saved scenario's link lasts until it is deleted "
                   "(Share this view → Your saved views).")


COMPARED = ("scenario", "price", "marketing", "market_growth", "competitor_price", "share_shift", "scenario_units",
            "scenario_revenue", "scenario_margin", "scenario_share", "link")


def comparison_table(saved: dict[str, dict]) -> pd.DataFrame:
    """The baseline (no lever moved) first, then each saved scenario, newest last."""
    latest = next(reversed(saved.values()))
    baseline = {"scenario": "Baseline (no lever moved)", **{lever: 0.0 for lever in COMPARED[1:6]},
                **{f"scenario_{m}": latest[f"baseline_{m}"] for m in ("units", "revenue", "margin", "share")},
                "link": None}
    return pd.DataFrame([baseline, *({"scenario": n, **v} for n, v in saved.items())])[list(COMPARED)]


levers_and_outcome()
deck_button(f"Scenarios: {context.filters.company}", key="scenarios")  # the charts above, as slides (built only when clicked)
