"""Products: our portfolio's stages and what to do with each, our product against its rivals, launches vs plan."""

import streamlit as st

from analysis.lifecycle import ACTION_RULE, STAGE_RULE, portfolio
from analysis.products import main_segment, price_position, product_bridge, segment_products
from analysis.share import share_over_time
from dashboard import charts
from dashboard.context import page_context
from dashboard.data_access import given_launches, market_totals
from dashboard.focus import section
from dashboard.formatting import PERIOD_WORDS
from dashboard.launch_ui import tracking_section, trackings
from dashboard.product_charts import rolling_sales
from dashboard.safe_text import md
from dashboard.shared_work import computed, figure
from dashboard.theme import company_colors
from dashboard.widgets import basis_caption, chart, table_with_download, unavailable
from data.periods import SEASON_LENGTH

context = page_context()
filters, store, key = context.filters, context.store, context.dataset.content_hash
ours, product = filters.company, filters.product
season = SEASON_LENGTH.get(filters.periodicity, 12)
period = PERIOD_WORDS.get(filters.periodicity, "period")
measure = next((m for m in ("revenue", "units", "share") if m in store.measures()), "share")

st.title("Products")
st.caption("Our products' lifecycle and what to do with each; our product against the rival products in its "
           "segment; launches against the plan they were approved with.")
if product is None:  # the sidebar offers "Our product" only when our company has products
    unavailable(md(f"This data has no products for {ours}: add a `product` column to the market table (Data page) "
                   "to see a portfolio, lifecycle stages and launch tracking."))
    st.stop()
detail = market_totals(store, key, filters.market_filter(), ("date", "segment", "company", "product"))
detail = detail.dropna(subset=["product"])

launches = given_launches(store, key, filters.market_filter())

st.subheader(md(f"{ours}'s portfolio"))
table = computed(portfolio, detail, ours, measure, season, period, launches)
if table.empty:
    unavailable(md(f"{ours} has no product sales in this slice. Widen the filters in the sidebar."))
    st.stop()
start = detail["date"].min()
table["launched"] = [f"{d:%b %Y}" if d > start or p in launches else f"before {start:%b %Y}"
                     for p, d in zip(table["product"], table["first_sale"])]
label = {"revenue": f"Revenue, {season} {period}s", "units": f"Units, {season} {period}s",
         "share": "Share, last year"}[measure]
number = st.column_config.NumberColumn
table_with_download(table, key="portfolio", money={"last_year": label} if measure == "revenue" else None,
                    column_config={
    "product": "Product", "stage": "Lifecycle stage", "action": "What to do",
    "last_year": number(label, format="%,.0f"), "growth": number("Growth", format="%+.0f%%", help="Last 12 periods against the 12 before."),
    "share": number("Segment share", format="%.1f%%", help="Share of the segments it sells in."),
    "price_index": number("Price index", format="%.0f", help="Its price against its segments' average (100)."),
    "margin": (number("Margin", format="%.0f%%", help="(Revenue − cost) ÷ revenue over the last 12 periods, from "
                      "the market table's cost column.") if table["margin"].notna().any() else None),
    "segments": "Sells in",
    "launched": st.column_config.TextColumn("Launched", help="The launch date the data gives, else the first "
                                            "period with sales; 'before' when it sold from the data's first period."),
})
st.markdown("\n".join(f"- **{md(row.product)}: {row.action}**, {md(row.why)}.  \n  {md(row.evidence)}"
                       for row in table.itertuples()))
costs = ("Margin is (revenue − cost) ÷ revenue from the market table's cost column." if table["margin"].notna().any()
         else "Margin needs our costs: add a `cost` column (cost of sales, money) to the market table.")
st.caption(f"{STAGE_RULE} {ACTION_RULE} {costs}")
sales = detail[detail["company"] == ours].groupby(["date", "product"], as_index=False)[measure].sum()
chart(figure(rolling_sales, sales, table, measure=measure, season=season, period=period),
      sales, key="portfolio_sales")

segment = main_segment(detail, product, measure)
st.subheader(md(f"{product} against its rivals in {segment}"))
totals = computed(segment_products, detail, segment, measure, product)
colors = company_colors(totals["company"].unique(), product)
shares = computed(share_over_time, totals, measure)
left, right = st.columns(2)
with left:
    mine = shares[shares["company"] == product]["share"]
    title = (f"{product}: {mine.iloc[0]:.1f}% → {mine.iloc[-1]:.1f}% of {segment} ({measure})" if len(mine)
             else f"Shares of {segment} by product")
    chart(figure(charts.lines, shares, x="date", y="share", color="company", title=title,
                 y_title=f"Share of {segment} {measure} (%)", y_format=".1f", y_suffix="%", colors=colors,
                 emphasis=product), shares, key="product_shares")
with right:
    bridge, before, after = computed(product_bridge, totals, measure, product, season)
    chart(figure(charts.waterfall, bridge, start_share=before, end_share=after,
                 title=f"Who took share from {product}, first {season} {period}s to last",
                 start_label=f"{product}, first {season}", end_label=f"{product}, last {season}"),
          bridge, key="product_bridge")
if {"units", "revenue"} <= set(store.measures()):
    prices = computed(price_position, totals, season)
    ours_price = prices.set_index("product")["price_index"].get(product)
    if ours_price is not None:
        st.caption(md(f"{product} sells at {ours_price:.0f} against a {segment} average of 100 over the last "
                      f"{season} {period}s."))
    table_with_download(prices, key="product_prices", column_config={
        "product": "Product", "price_index": number("Price (segment average = 100)", format="%.0f"),
        "unit_share": number("Unit share", format="%.1f%%"), "revenue": None})
else:
    st.caption("Price position needs units and revenue; this data has " + ", ".join(store.measures()) + ".")

with section("launch"):  # where the Briefing's launch finding lands
    tracking_section(trackings(store, key, ours, context.dataset_key), product)
basis_caption(context)
