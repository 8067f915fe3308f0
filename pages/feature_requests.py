"""Feature requests: a broad market need, or one loud account's wish?"""

import hashlib

import streamlit as st

from analysis import feature_requests as fr
from analysis.market import cagr_table
from dashboard import charts
from dashboard.context import page_context
from dashboard.data_access import market_totals
from dashboard.formatting import compact
from dashboard.link_notice import warn_about_link
from dashboard.safe_text import md, plot
from dashboard.url_state import ParamSpec, flag_spec
from dashboard.widgets import chart, feature_grouping_editor, rice_editor, table_with_download, unavailable

context = page_context()
store, key, filters = context.store, context.dataset.content_hash, context.filters
money = lambda value: compact(value, "revenue")  # noqa: E731

st.title("Feature requests")
st.caption("Does a request reflect the wider market, or one loud account? Who asks, how much ARR is behind it, "
           "how concentrated that ARR is, and whether the askers sit where the market grows.")
if "feature_requests" not in store.tables or store.row_count("feature_requests") == 0:
    unavailable("No `feature_requests` table in this dataset. Load a CRM or support-tool export on the Data page.")
    st.stop()
raw = store.table("feature_requests")
# Bound widgets get defaults from the dataset only (automatic grouping, ranked by breadth), so a link reopens the
# same view whatever else changes. A group is named after its most-written variant, valid with grouping off too.
auto_groups = fr.suggest_groups(raw["feature"])
default_ranking = fr.feature_summary(fr.apply_groups(raw, auto_groups))
if default_ranking.empty:
    unavailable("No request in `feature_requests` has a feature, customer and date; check it on the Data page.")
    st.stop()
default_feature = default_ranking["feature"].iloc[0]
warn_about_link([flag_spec("fr_group", "Group similar names"),
                 ParamSpec("fr_sort", "Rank by", list(fr.SORTS))])

# Near-duplicate names
grouped = st.toggle("Group similar feature names", value=True, key="fr_group", bind="query-params",
                    help="“SSO”, “Single sign-on” and “single sign on (SAML)” count as one feature.")
groups = None
if grouped:
    with st.expander(f"Grouping: {len(auto_groups)} names as written, {auto_groups['group'].nunique()} features; "
                     "check or edit", icon=":material/merge_type:"):
        groups = feature_grouping_editor(auto_groups, key=f"fr_groups_{key[:12]}")
        st.caption("Names are compared in lower case, without punctuation or bracketed asides, with acronyms "
                   "spelt out (SSO → single sign on, 2FA/MFA → multi factor authentication); names sharing at "
                   f"least {fr.GROUP_THRESHOLD:.0%} of their words (Jaccard) are grouped. Edits last for this "
                   "session and are not part of the link.")
requests = fr.apply_groups(raw, groups)

# Scores
growth: dict[str, float] = {}
measure = next((m for m in ("revenue", "units") if "market" in store.tables and m in store.measures()), None)
if measure:
    totals = market_totals(store, key, filters.market_filter(with_dates=False), ("date", "segment"))
    growth = fr.segment_growth(cagr_table(totals, "segment", measure))
summary = fr.feature_summary(requests, growth)
facts = fr.overview(requests, summary)
cards = st.columns(4)
cards[0].metric("Features requested", facts.features, help=f"{facts.names} names as written, before grouping.")
cards[1].metric("Requesting customers", facts.customers)
cards[2].metric("ARR of requesting customers", money(facts.arr), help="Each customer's latest ARR, counted once.")
cards[3].metric("Driven by one account", f"{facts.single_account} of {facts.features}",
                help=f"One customer, or the top account holds {fr.SINGLE_ACCOUNT_SHARE:.0f}% or more of the ARR.")

split = fr.quadrants(summary)
hover = lambda r: (f"<b>{plot(r['feature'])}</b><br>Breadth {r['breadth']:.0f} of 100 · {money(r['arr'])} ARR"  # noqa: E731
                   + (f"<br>Asked only by {plot(r['top_customer'])}" if r["customers"] == 1 else
                      f"<br>{r['customers']} customers · top account {plot(r['top_customer'])} {r['top_share']:.0f}%"))
quadrant = charts.demand_quadrant(
    summary, x="breadth", y="arr", label="feature", flag="single_account", hover=hover,
    title=f"Broad need or one loud account? {split.single_account} of {split.total} requested features "
          "are driven by a single account",
    x_title="Breadth of demand (score 0–100: customers, segments, regions)",
    y_title="Revenue at stake: ARR of requesting customers (USD, log scale)",
    x_split=split.breadth, y_split=split.arr,
    flag_name=f"Driven by one account (one customer, or ≥ {fr.SINGLE_ACCOUNT_SHARE:.0f}% of ARR)",
    other_name="Demand from several accounts",
    same_spot=lambda rows: (f"{len(rows)} features, all from {rows['top_customer'].iloc[0]}"
                            if rows["top_customer"].nunique() == 1 else f"{len(rows)} features"))
chart(quadrant, summary, key="feature_demand")
st.caption(f"Dotted lines: median breadth ({split.breadth:.0f}) and median ARR ({money(split.arr)}). "
           "Features at the same spot (one customer's requests) are one larger marker; hover for each.")
with st.expander("How the scores work", icon=":material/function:"):
    st.markdown(fr.BREADTH_METHOD)
    if not growth:
        st.caption("No market growth by segment in this dataset: every segment counts as flat (alignment 50).")
    else:
        st.caption("Segment growth used: " + ", ".join(f"{md(s)} {g:+.1f}% a year" for s, g in sorted(growth.items()))
                   + f" ({measure} CAGR, all periods, sidebar segments and regions).")

# Ranking
st.subheader("Ranking")
with st.expander("Your RICE estimates: impact, confidence and effort per feature", icon=":material/edit:"):
    inputs = fr.default_rice_inputs(summary["feature"]).merge(summary[["feature", "reach"]], on="feature")
    digest = hashlib.sha1("|".join(inputs["feature"]).encode()).hexdigest()[:10]
    edited = rice_editor(inputs[["feature", "reach", *fr.RICE_INPUTS]], key=f"fr_rice_{digest}")
    inputs, notes = fr.clean_rice_inputs(edited)
    for note in notes:
        st.warning(md(note), icon=":material/rule:")
    st.caption(f"Reach is the number of distinct customers who asked in the {fr.REACH_MONTHS} months up to the "
               f"latest request ({facts.latest:%d %b %Y}). Estimates last for this session and are not in the link.")
sort = st.selectbox("Rank features by", list(fr.SORTS), index=0, key="fr_sort", bind="query-params",
                    help="breadth, RICE and alignment are scores; ARR, customers and requests are counts.")
ranked = fr.rank(fr.with_rice(summary, inputs), fr.SORTS[sort])
number, progress = st.column_config.NumberColumn, st.column_config.ProgressColumn
table_with_download(ranked, key="feature_ranking", money={"arr": "ARR"},
                    caption=f"Ranked by {sort}, highest first. The CSV download also has alignment, requests, the "
                            "top account's share, HHI, segments, regions and when each was first asked.",
                    column_config={
    "rank": number("#", format="%d"), "feature": "Feature",
    "breadth": progress("Breadth", min_value=0, max_value=100, format="%.0f"),
    "rice": number("RICE", format="%.1f"), "customers": number("Customers", format="%d"),
    "arr": number("ARR"), "top_customer": "Top account",
    "single_account": st.column_config.CheckboxColumn("One account?"),
    "latest_request": st.column_config.DateColumn("Last asked", format="YYYY-MM-DD"),
})

# Drill-down
st.subheader("Who is asking")
features = sorted(summary["feature"])
variants = [v for v in raw["feature"].astype(str).unique() if v not in features]
warn_about_link([ParamSpec("fr_feature", "Feature", features + variants)])
asked = st.query_params.get("fr_feature")
if asked in variants:
    st.info(f"“{md(asked)}” is grouped with others here, so a feature is shown instead. Switch grouping off to see it "
            "on its own.", icon=":material/merge_type:")
default = default_feature if default_feature in features else summary["feature"].iloc[0]
feature = st.selectbox("Feature", features, index=features.index(default), key="fr_feature", bind="query-params")
who = fr.requesters(requests, feature)
row = summary.set_index("feature").loc[feature]
lead = (f"only {row['top_customer']} ({money(row['arr'])} ARR)" if row["customers"] == 1 else
        f"{row['customers']} customers with {money(row['arr'])} ARR; "
        f"{row['top_customer']} holds {row['top_share']:.0f}%")
bars = charts.ranked_bars(
    fr.top_requesters(who), x="arr", y="customer", color="segment", color_title="Segment", muted=fr.OTHERS,
    x_title="ARR (USD per year)", title=f"Who asks for {feature}: {lead}",
    hover=lambda r: f"<b>{plot(r['customer'])}</b><br>{plot(r['segment'])} · {money(r['arr'])} ARR · {r['requests']} requests")
chart(bars, who, key="feature_requesters")
table_with_download(who, key="feature_requesters_table", download=False, column_config={
    "customer": "Customer", "segment": "Segment", "region": "Region", "arr": number("ARR (USD)", format="localized"),
    "share": number("Share of ARR", format="%.0f%%"), "requests": number("Requests", format="%d"),
    "first_request": st.column_config.DateColumn("First asked", format="YYYY-MM-DD"),
    "latest_request": st.column_config.DateColumn("Last asked", format="YYYY-MM-DD"), "asked_as": "Asked as",
})
st.caption(f"Basis: {len(raw)} requests from {facts.first:%b %Y} to {facts.latest:%b %Y}, all segments and regions "
           f"(the sidebar filters apply to market growth only) · Data: {md(context.dataset.name)} "
           f"({md(context.dataset.source)})")
