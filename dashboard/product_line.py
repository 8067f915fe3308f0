"""One line on our product, under the headline figures of every page that speaks of "us".

Pages measure our company; when the sidebar names our product, they also say
which product that is, how it does and where the Products page follows it.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from analysis.lifecycle import portfolio
from dashboard.context import PageContext
from dashboard.data_access import CACHE_TTL, given_launches, market_totals
from dashboard.formatting import PERIOD_WORDS, compact
from dashboard.safe_text import md
from dashboard.single_flight import shared
from data.mapping import ALL
from data.periods import SEASON_LENGTH
from data.store import MarketFilter, Store


def product_line(table: pd.DataFrame, product: str, measure: str, link: str) -> None:
    """Our product's size, growth, share of its segments, stage and what to do, with a link to Products."""
    rows = table[table["product"] == product]
    if rows.empty:
        return
    row = rows.iloc[0]
    growth = "" if pd.isna(row["growth"]) else f", {round(row['growth']):+d}% on the year before"
    where = "the market" if row["segments"] == ALL else row["segments"]  # a file without segments: "All"
    share = "" if pd.isna(row["share"]) else f", {row['share']:.1f}% of {where}"
    size = compact(row["last_year"], measure) if measure != "share" else f"{row['last_year']:.1f} share points"
    st.markdown(md(f"Our product {product}: {size} over the last year{growth}{share}; {row['stage']} stage, "
                   f"so {row['action']}.") + f" [Products →]({link})")


def our_product(context: PageContext, measure: str | None = None) -> None:
    """The line on the sidebar's "Our product", in this slice; nothing when the data has no products."""
    filters, store, key = context.filters, context.store, context.dataset.content_hash
    if filters.product is None:
        return
    measure = measure or filters.measure
    window = SEASON_LENGTH.get(filters.periodicity, 12)
    table = product_table(store, key, filters.market_filter(), filters.company, measure, window,
                          PERIOD_WORDS.get(filters.periodicity, "period"), filters.product)
    kept = {k: st.query_params[k] for k in ("present", "data") if k in st.query_params}
    product_line(table, filters.product, measure,
                 "/products?" + urlencode({"company": filters.company, "product": filters.product, **kept}))


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=256, show_spinner=False)
def product_table(_store: Store, key: str, where: MarketFilter, company: str, measure: str, window: int,
                  word: str, product: str) -> pd.DataFrame:
    """`product`'s row of the slice's `portfolio`, once for every session: pages with the line ask on every run."""
    by_product = market_totals(_store, key, where, ("date", "segment", "company", "product"))
    return portfolio(by_product.dropna(subset=["product"]), company, measure, window, word,
                     given_launches(_store, key, where), only=product)
