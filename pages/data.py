"""Data: what the dashboard is working on, table by table."""

import streamlit as st

from dashboard.context import page_context
from data.schema import DATE, SCHEMAS

context = page_context()
dataset, store = context.dataset, context.store

st.title("Data")
st.caption(f"Active dataset: **{dataset.name}**, {dataset.source}. Every page uses it.")

for name, schema in SCHEMAS.items():
    with st.container(border=True):
        st.subheader(f"`{name}`")
        st.caption(schema.description)
        if name not in store.tables:
            st.info(f"This dataset has no `{name}` table; pages that need it say so.")
            continue
        rows, columns = store.row_count(name), store.columns(name)
        required = ", ".join(f"`{c}`" for c in schema.required)
        optional = ", ".join(f"`{c}`" for c in schema.optional if c in columns) or "none"
        st.markdown(f"{rows:,} rows · required columns {required} · optional present: {optional}")
        if name == "market":
            first, last = store.date_range("market")
            counts = {c: len(store.distinct("market", c)) for c in ("company", "segment", "region")}
            st.markdown(
                f"Coverage: {len(store.periods('market'))} periods from {first:%b %Y} to {last:%b %Y} · "
                f"{counts['company']} companies · {counts['segment']} segments · {counts['region']} regions"
            )
        dates = {c: st.column_config.DateColumn(format="YYYY-MM-DD") for c, k in schema.columns.items() if k == DATE}
        st.dataframe(store.table(name, limit=200), hide_index=True, height=240, column_config=dates)
