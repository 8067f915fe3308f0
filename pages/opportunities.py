"""Opportunities: which launch makes the most money, and how risky is it?"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis import launch
from analysis.bass import DEFAULT_SOURCE, adoption, fit
from analysis.finance import cash_flows, simulate_npv
from analysis.launch_tracking import launched_plans
from dashboard import charts
from dashboard.bound import required_choice
from dashboard.context import page_context
from dashboard.formatting import compact, money_columns
from dashboard.launch_ui import plan_saver
from dashboard.link_notice import warn_about_link
from dashboard.safe_text import md
from dashboard.url_state import NumberSpec, ParamSpec
from dashboard.widgets import chart
from data.store import MarketFilter

context = page_context()
store = context.store
NONE = "(use p and q from the table)"

st.title("Opportunities")
st.caption("Which launch option earns the most for its risk? Bass adoption, cash flows, NPV and a Monte Carlo of "
           "the uncertain inputs.")
COLUMNS = ["option", "segment", "region", "market_size", "price", "unit_cost", "fixed_cost", "launch", "p", "q"]
if "opportunities" in store.tables:
    table = store.table("opportunities")
    table = table.reindex(columns=[*table.columns, *(c for c in COLUMNS if c not in table)])  # p, q optional
    has_products = "product" in store.columns("market")
    launched = launched_plans(table, store.market_totals(MarketFilter(), ("date", "product"))) if has_products else []
    if len(launched):  # launched already: tracked against its actuals, not a choice to make
        table = table.drop(index=launched.index).reset_index(drop=True)
        st.caption(md(f"Launched, and tracked against its plan on Products: {', '.join(launched['option'])}."))
else:  # a tracker export has no options: evaluate the ones typed in below
    table = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "launch" else
                                       "string" if c in ("option", "segment", "region") else "float")
                          for c in COLUMNS})
    st.info("This dataset has no launch options yet. Add one in the table below (a name, potential adopters, "
            "price, cost and launch cost), or load an `opportunities` table on the Data page.",
            icon=":material/add_circle:")
analogs = launch.entrant_histories(store.table("market")) if {"units"} <= set(store.measures()) else {}
warn_about_link([
    NumberSpec("rate", "Discount rate", 0, 30, expected="a whole percent from 0 to 30"),
    NumberSpec("years", "Years", 1, 15, expected="a whole number of years from 1 to 15"),
    ParamSpec("opp", "Option", list(table["option"].astype(str))),
    ParamSpec("analog", "Analog", [NONE, *analogs]),
    ParamSpec("billing", "Revenue per adopter", ["yearly", "once"], expected="yearly or once"),
])

st.subheader("Options")
st.caption("Edit any cell, add a row or delete one; edits apply to this session. Empty p or q use "
           f"{DEFAULT_SOURCE}.")
edited = st.data_editor(table[COLUMNS], num_rows="dynamic", hide_index=True, key="opp_editor", column_config={
    "market_size": st.column_config.NumberColumn("Potential adopters", min_value=0, format="%d"),
    "price": st.column_config.NumberColumn("Price (USD per adopter)", min_value=0, format="dollar"),
    "unit_cost": st.column_config.NumberColumn("Cost (USD per adopter)", min_value=0, format="dollar"),
    "fixed_cost": st.column_config.NumberColumn("Launch cost (USD)", min_value=0, format="dollar"),
    "launch": st.column_config.DateColumn("Launch", format="MMM YYYY"),
    "p": st.column_config.NumberColumn("p (innovation)", min_value=0.0, max_value=1.0, format="%.3f"),
    "q": st.column_config.NumberColumn("q (imitation)", min_value=0.0, max_value=3.0, format="%.3f"),
})

left, middle, right = st.columns(3)
with middle:
    billing = required_choice("Revenue per adopter", ["yearly", "once"], "yearly", key="billing",
                              help="Yearly: every adopter pays the price each year (subscriptions, contracts). "
                                   "Once: each adopter pays once.")
with left:
    rate = st.slider("Discount rate (% a year)", 0, 30, 10, key="rate", bind="query-params") / 100
with right:
    years = st.slider("Horizon (years)", 1, 15, 10, key="years", bind="query-params")
with st.expander("How uncertain is each input? (applies to every option)"):
    names_by_label = {launch.INPUT_LABELS[name]: name for name in launch.DEFAULT_RANGES}
    ranges_frame = pd.DataFrame([{"input": launch.INPUT_LABELS[name], "low %": 100 * lo, "high %": 100 * hi}
                                 for name, (lo, hi) in launch.DEFAULT_RANGES.items()])
    edited_ranges = st.data_editor(ranges_frame, hide_index=True, disabled=["input"], key="opp_ranges",
                                   column_config={
                                       "input": st.column_config.TextColumn("Input"),
                                       "low %": st.column_config.NumberColumn("Low end (% of the value)", format="%+.0f%%"),
                                       "high %": st.column_config.NumberColumn("High end (% of the value)", format="%+.0f%%")})
    ranges = {names_by_label[row["input"]]: (min(row["low %"], row["high %"]) / 100,
                                             max(row["low %"], row["high %"]) / 100)
              for _, row in edited_ranges.fillna(0).iterrows()}

options, problems = launch.options_from_table(edited, years=years, recurring=billing == "yearly")
for problem in problems:
    st.error(problem, icon=":material/error:")
if not options:
    st.info("No valid option to evaluate. Fix the rows above." if len(edited) else
            "Add a launch option above to see its adoption, cash flows, NPV and risk.")
    st.stop()

names = list(options)
default_option = str(table["option"].iloc[0]) if len(table) and str(table["option"].iloc[0]) in names else names[0]
chosen = st.selectbox("Option to look at in detail", names, index=names.index(default_option), key="opp",
                      bind="query-params")
analog = st.selectbox("Borrow p and q from an analog in this market", [NONE, *analogs], key="analog",
                      bind="query-params", help="A company that entered a segment during the data: its sales "
                      "history is fitted with the Bass model and its p and q replace the table's for this option.")
if analog != NONE:
    fitted = fit(analogs[analog].to_numpy(), per_year=12)
    options[chosen] = replace(options[chosen], p=fitted.p, q=fitted.q)
    st.caption(md(f"{analog}: {fitted.describe()}. Used for {chosen}."))

evaluations = [launch.evaluate(name, option, rate, ranges) for name, option in options.items()]
ranked = launch.ranking(evaluations)
best = ranked.iloc[0]
drivers = launch.tornado(options[best["option"]], rate, ranges)
st.subheader("Ranking")
money = lambda value: md(compact(value, "revenue"))  # noqa: E731  "$" escaped: two would start LaTeX
if launch.any_pays_back(ranked):
    sentence = (f"**{md(best['option'])}** has the highest {launch.EXPECTED_NPV}, "
                f"{money(best['expected_npv'])} ({launch.NPV_AT_INPUTS} {money(best['npv'])}; "
                f"{best['probability_positive']:.0f}% chance of a positive NPV); what moves it most: "
                f"{', '.join(drivers['input'].head(2))}.")
    if len(ranked) > 1:
        changes = launch.what_changes_the_choice(options[best["option"]], ranked["npv"].iloc[1], rate, ranges)
        sentence += (f" It stays ahead of {md(ranked['option'].iloc[1])} unless " + md(" or ".join(changes)) + "."
                     if changes else f" It stays ahead of {md(ranked['option'].iloc[1])} across every input's range.")
else:
    sentence = (f"**No option pays back at these inputs**: the best, {md(best['option'])}, has an "
                f"{launch.EXPECTED_NPV} of {money(best['expected_npv'])} ({launch.NPV_AT_INPUTS} "
                f"{money(best['npv'])}, {best['probability_positive']:.0f}% chance of a positive NPV). "
                f"What would change that most: {', '.join(drivers['input'].head(2))}.")
st.markdown(sentence)
st.caption(launch.NPV_DEFINITIONS)
left, right = st.columns([3, 2])
with left:
    chart(charts.risk_return(ranked, title=f"{launch.EXPECTED_NPV_TITLE} against the chance of losing money"),
          ranked, key="risk_return")
with right:
    shown, money_cfg = money_columns(ranked, {"npv": launch.NPV_AT_INPUTS, "expected_npv": launch.EXPECTED_NPV_TITLE,
                                              "p10": "Bad case (P10)", "p90": "Good case (P90)"})
    st.dataframe(shown, hide_index=True, column_order=["option", "expected_npv", "npv", "p10", "p90",
                                                       "probability_positive", "irr", "payback_years"], column_config={
        "option": "Option", **{c: st.column_config.NumberColumn(**kw) for c, kw in money_cfg.items()},
        "probability_positive": st.column_config.NumberColumn("Chance NPV > 0", format="%.0f%%"),
        "irr": st.column_config.NumberColumn("IRR", format="%.1f%%"),
        "payback_years": st.column_config.NumberColumn("Payback (years)", format="%.1f"),
    })
    st.caption("Exact figures are in the chart's CSV and Excel downloads.")

st.subheader(md(chosen))
option = options[chosen]
launch_date = pd.Timestamp(table.set_index("option")["launch"].get(chosen, pd.Timestamp.today().normalize()))
dates = pd.date_range(launch_date, periods=option.periods + 1, freq="MS")
curve = adoption(option.p, option.q, option.market_size, option.periods, per_year=12).assign(date=dates[1:])
flows = cash_flows(option).assign(date=dates)
evaluation = next(e for e in evaluations if e.option == chosen)
payback_date = None if evaluation.payback_years is None else launch_date + pd.DateOffset(
    months=int(round(12 * evaluation.payback_years)))
left, right = st.columns(2)
with left:
    chart(charts.adoption_chart(curve, title=f"Adoption: innovation p = {option.p:.3f}, imitation q = {option.q:.3f}, "
                                             f"potential {compact(option.market_size)}"), curve, key="adoption")
with right:
    chart(charts.cash_chart(flows, payback_date=payback_date,
                            title=f"Cash: {launch.NPV_AT_INPUTS} {compact(evaluation.npv, 'revenue')} at {rate:.0%} "
                                  f"(expected {compact(evaluation.risk.expected, 'revenue')})"), flows, key="cash")
outcomes = simulate_npv(option, launch.absolute_ranges(option, ranges), rate)
left, right = st.columns(2)
with left:
    chart(charts.npv_histogram(outcomes, p10=evaluation.risk.p10, p90=evaluation.risk.p90,
                               title=f"NPV over 10,000 draws: {evaluation.risk.probability_positive:.0%} above zero"),
          pd.DataFrame({"npv": outcomes}), key="npv_distribution")
with right:
    swings = launch.tornado(option, rate, ranges)
    chart(charts.tornado_chart(swings, title=f"What moves {chosen}'s NPV most", x_title="NPV (USD)"), swings,
          key="tornado")

plan_saver(chosen, option, store, context.dataset.content_hash, context.filters.company, context.dataset_key,
           context.filters.product)
