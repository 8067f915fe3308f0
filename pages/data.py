"""Data: what the dashboard is working on, and how to bring your own."""

import hashlib

import streamlit as st

from dashboard.access_ui import record, user
from dashboard.active_data import loaded_tables, use_demo, use_table, user_tables
from dashboard.context import page_context
from dashboard.data_access import market_cells
from dashboard.live_ui import live_section, live_status
from dashboard.dataset_picker import DATA_KEY, forget_choice, open_in_session, workspace
from dashboard.loader_ui import (checked, choose_calendar, choose_sheet, edit_mapping, ours_and_rest, pick_source, read_upload,
                                 show_coverage, show_report)
from dashboard.safe_text import md
from dashboard.workspace_ui import workspace_section
from data.schema import DATE, SCHEMAS
from data.workspace import WorkspaceError

context = page_context()
dataset, store = context.dataset, context.store

st.title("Data")
st.caption("Which data every page uses, how complete it is, and how to bring your own.")
if notice := st.session_state.pop("_data_notice", None):
    st.success(notice, icon=":material/check_circle:")  # Markdown, names escaped where it was written

with st.container(border=True):
    st.subheader("Active dataset")
    st.markdown(f"**{md(dataset.name)}** · {md(dataset.source)}")
    in_workspace = DATA_KEY in st.query_params
    if (loaded_tables() or in_workspace) and st.button("Back to the demo dataset", icon=":material/restart_alt:"):
        use_demo()
        forget_choice()
        st.session_state["_data_notice"] = "Every page now uses the demo dataset again."
        st.rerun()
    live_status(dataset, st.query_params.get(DATA_KEY, "").split("@")[0] or None)
    show_coverage(market_cells(store, dataset.content_hash), key="active")
    with st.expander("Tables, schemas and a preview"):
        for name, schema in SCHEMAS.items():
            st.markdown(f"**`{name}`**: {schema.description}")
            if name not in store.tables:
                st.caption(f"This dataset has no `{name}` table; pages that need it say so.")
                continue
            required = ", ".join(f"`{c}`" for c in schema.required)
            st.caption(f"{store.row_count(name):,} rows · required columns {required}")
            dates = {c: st.column_config.DateColumn(format="YYYY-MM-DD") for c, k in schema.columns.items() if k == DATE}
            st.dataframe(store.table(name, limit=200), hide_index=True, height=200, column_config=dates)

workspace_section(st.query_params.get(DATA_KEY, "").split("@")[0] or None)
live_section()

st.subheader("Load your own data")
st.caption(
    "CSV (comma, semicolon or tab; UTF-8 or Latin-1; decimal point or comma), Excel (.xlsx) or Parquet, "
    "long (one row per company and period) or wide (one column per company, as share trackers export). "
    "Check a file from the command line first with `python -m data.validate FILE`."
)
table = st.selectbox("Table to load", list(SCHEMAS), key="load_table",
                     format_func=lambda t: f"{t}: {SCHEMAS[t].description}")
source = pick_source(table)
if source is None:
    st.stop()

name, content = source
scope = hashlib.sha1(name.encode() + content[:65536] + str(len(content)).encode()).hexdigest()[:10]
first = read_upload(name, content, table, None)
if first.raw is None:
    show_report(first)
    st.info(f"Nothing changed: every page still uses **{md(dataset.name)}**.", icon=":material/info:")
    st.stop()

sheet = choose_sheet(first.raw, table)
sheet = None if sheet == first.raw.format.sheet else sheet  # the first sheet was read already
chosen = read_upload(name, content, table, sheet)
if chosen.raw is None:
    show_report(chosen)
    st.stop()
raw = chosen.raw
st.caption(f"Read as: {md(raw.format.describe())} · {len(raw.frame):,} rows × {raw.frame.shape[1]} columns")
with st.container(border=True):
    st.markdown("**Mapping**: which column is which. Change it if a guess is wrong.")
    mapping = edit_mapping(raw, table, f"{scope}_{raw.format.sheet or ''}")
    if table in ("market", "drivers"):  # only their dates are placed on a calendar
        mapping = choose_calendar(raw, mapping, scope)
loaded = checked(name, content, table, mapping, sheet)
show_report(loaded)
if not loaded.ok:
    sheets = raw.format.sheets if raw.format.kind == "excel" else ()
    other = f", or pick another **Sheet** above (this workbook has {len(sheets)})" if len(sheets) > 1 else ""
    st.info(f"Nothing changed: every page still uses **{md(dataset.name)}**. Fix the file or the mapping{other}.",
            icon=":material/info:")
    st.stop()

st.dataframe(loaded.frame.head(200), hide_index=True, height=240)
ours, rest = None, None
if table == "market":
    show_coverage(loaded.frame, key="pending")
    ours, rest = ours_and_rest(loaded.frame, scope)
elif "market" not in loaded_tables() and st.session_state.get("_active_dataset") is None:
    st.caption("Load a `market` table too: the other tables join the market data you bring.")
if st.button(f"Use this {table} table on every page", type="primary", icon=":material/done_all:"):
    new = use_table(table, loaded.frame, name, ours=ours, rest=rest)
    if new is not None:
        forget_choice()  # this session's upload, not the saved dataset the link named
    st.session_state["_data_notice"] = (
        f"Loaded {md(name)} as `{table}`. Every page now uses **{md(new.name)}**." if new is not None
        else f"Kept {md(name)} as `{table}`; it joins the `market` table you load next."
    )
    st.rerun()

fetched = st.session_state.get(f"fetched_{table}")
origin = fetched[0] if fetched and fetched[1] == name and fetched[2] is content else name  # the URL, or the file name
with st.container(border=True):
    st.markdown("**Save to workspace**: keep this data on the server under a name, so that every link "
                "and saved view opens it for whoever you send it to.")
    # Tables loaded earlier this session (or of the saved dataset in use) come along with this one.
    earlier = user_tables()
    names = {*earlier, table} if earlier else {*(dataset.table_names if in_workspace else []), table}
    ws_name = st.text_input("Dataset name", max_chars=80, key=f"ws_name_{scope}",
                            placeholder="e.g. Laptop share tracker, EU")
    if "market" not in names:
        st.caption("A saved dataset needs a `market` table: load and use the market file first.")
    if st.button("Save to workspace", icon=":material/cloud_upload:", key=f"ws_save_{scope}",
                 disabled=not ws_name.strip() or "market" not in names):
        base = earlier or ({**dataset.tables, **{t: store.table(t) for t in dataset.files}} if in_workspace else {})
        tables = {**base, table: loaded.frame}
        try:
            ws = workspace()
            said = (ours, rest) if table == "market" else (dataset.ours, dataset.rest)  # what the user told us
            me = user()  # the owner: only they delete it or share it (nobody, in open mode)
            version = ws.save(ws_name, tables, source=origin, ours=said[0], rest=said[1], owner=me.email,
                              owner_name=None if me.email is None else me.name)
            saved = ws.get(version.dataset_id)
        except WorkspaceError as error:
            st.error(f"Could not save to the workspace. {md(error)}", icon=":material/error:")
        else:
            record("saved", dataset=version.dataset_id, detail=f"version {version.version}")
            use_demo()  # the session's tables are in the workspace now; the link names them
            open_in_session(version.dataset_id)
            st.session_state["_data_notice"] = (
                f"Saved **{md(saved.name if saved else ws_name)}** to the workspace (id `{version.dataset_id}`, "
                f"version {version.version}). Every page now uses it, and the link in the address bar opens it "
                "for anyone who may see it (everyone in open mode; with sign-in, whoever you share it with below)."
            )
            st.rerun()
