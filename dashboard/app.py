"""Entry point: `streamlit run dashboard/app.py`.

Sets up the page, the active dataset, the global filters and the navigation,
then runs the page the URL asks for. Page URLs are part of the product.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path; the packages live one up.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import dashboard.runtime  # noqa: E402,F401  (one BLAS thread: see the module)
from dashboard.auth_ui import sign_in_gate  # noqa: E402
from dashboard.background import start_worker  # noqa: E402
from dashboard.context import PageContext, set_page_context  # noqa: E402
from dashboard.active_data import active_dataset  # noqa: E402
from dashboard.dataset_picker import dataset_picker, linked_dataset  # noqa: E402
from analysis.share_findings import is_catch_all  # noqa: E402
from dashboard.data_access import filter_options, largest_rival, store_for  # noqa: E402
from dashboard.filters import sidebar_filters, stale_filters  # noqa: E402
from dashboard.focus import take_linked_slice  # noqa: E402
from dashboard.safe_text import md  # noqa: E402
from data.live_sql import LiveSourceError  # noqa: E402
from dashboard.sharing import presentation_mode, restore_saved_view, share_panel, show_view_notice  # noqa: E402

st.set_page_config(
    page_title="Market Trends Dashboard",
    page_icon=":material/insights:",
    layout="wide",
)
start_worker()  # the forecast worker warms up on the other core while this first page is drawn

OVERVIEW = "../pages/overview.py"
PAGES = [
    st.Page(
        OVERVIEW,
        title="Briefing",
        icon=":material/dashboard:",
        url_path="overview",
        help="The one-page executive briefing: headline figures, what changed, risks, opportunities and the outlook.",
    ),
    st.Page(
        "../pages/market.py",
        title="Market",
        icon=":material/trending_up:",
        url_path="market",
        help="Market size, growth and seasonality by segment or region, and forecasts with honest intervals.",
    ),
    st.Page(
        "../pages/competitors.py",
        title="Competitors",
        icon=":material/groups:",
        url_path="competitors",
        help="Share over time, who we win from, concentration, price positioning, head to head and capabilities.",
    ),
    st.Page(
        "../pages/scenarios.py",
        title="Scenarios",
        icon=":material/tune:",
        url_path="scenarios",
        help="What if price, marketing, market growth, competitor prices or share move: through estimated elasticities.",
    ),
    st.Page(
        "../pages/products.py",
        title="Products",
        icon=":material/inventory_2:",
        url_path="products",
        help="Our products' lifecycle stage and what to do with each, our product against its rivals, launches "
             "against their plan.",
    ),
    st.Page(
        "../pages/opportunities.py",
        title="Opportunities",
        icon=":material/rocket_launch:",
        url_path="opportunities",
        help="Launch options: Bass adoption, cash flows, NPV, Monte Carlo risk and a ranking with its reasons.",
    ),
    st.Page(
        "../pages/feature_requests.py",
        title="Feature requests",
        icon=":material/how_to_vote:",
        url_path="feature-requests",
        help="Which requested features reflect the wider market rather than one loud account; RICE ranking.",
    ),
    st.Page(
        "../pages/data.py",
        title="Data",
        icon=":material/database:",
        url_path="data",
        help="The active dataset: its tables, their schemas, coverage and a preview.",
    ),
    # The app's root URL shows the Overview too. Streamlit serves a default page
    # only at "/", so this hidden twin keeps the bookmarkable /overview working.
    st.Page(OVERVIEW, title="Briefing", url_path="home", default=True, visibility="hidden"),
]

page = st.navigation(PAGES, position="sidebar")
sign_in_gate()  # with a provider configured, nothing below runs for a visitor who is not signed in
restore_saved_view({p.url_path or "overview": p for p in PAGES})
presentation_mode()
fallback = active_dataset()  # the demo, or what this session loaded without saving
linked = linked_dataset(fallback.name)
dataset = linked.dataset or fallback
store = store_for(dataset)
stale = stale_filters(linked.dataset_id or dataset.content_hash, dataset.content_hash)
with st.sidebar:
    dataset_picker(linked, fallback.name)  # first: the data decides what the filters offer
try:
    options = filter_options(store, dataset.content_hash)
except Exception as error:  # noqa: BLE001  a live SQL dataset's warehouse may be down: the pages run on the fallback
    if not dataset.live:
        raise
    reason = str(error) if isinstance(error, LiveSourceError) else type(error).__name__  # never a URL
    linked.warnings.append(f"The live dataset “{md(dataset.name)}” cannot be read now. {md(reason)} "
                           f"Showing {md(fallback.name)} instead; try again later or press Refresh on the Data page.")
    dataset, linked.dataset, linked.dataset_id = fallback, None, None
    store = store_for(dataset)
    options = filter_options(store, dataset.content_hash)
# Our company: what the data (or the user, on loading) says, else the largest, never the first alphabetically.
candidates = [c for c in options["company"] if c not in (dataset.rest or ()) and not
              (dataset.rest is None and is_catch_all(c))] or options["company"]
default_company = dataset.ours if dataset.ours in candidates else (
    largest_rival(store, dataset.content_hash, None, candidates) if candidates else None)
take_linked_slice(options)  # an evidence link's segment, region, period, … win over this session's last choice
filters = sidebar_filters(options, default_company, dataset.rest, reset=stale)
with st.sidebar:
    st.caption(f"**Data:** {md(dataset.name)} · {md(dataset.source)}")
    pinned = f"{linked.dataset_id}@{linked.version}" if linked.dataset else None
    # Views of a workspace dataset are listed over all its versions; others by the data's content.
    share_panel(page.url_path or "overview", linked.dataset_id or dataset.content_hash, pinned)
show_view_notice()
for notice in linked.warnings:
    st.warning(notice, icon=":material/link_off:")
for notice in linked.infos:
    st.info(notice, icon=":material/history:")
set_page_context(PageContext(dataset=dataset, store=store, filters=filters,
                             dataset_key=linked.dataset_id or dataset.content_hash))
try:
    page.run()
except LiveSourceError as error:  # the warehouse went away in the middle of this page: say so, no traceback
    st.error(f"The warehouse did not answer, so this page stops here. {md(error)} Press *Refresh* on the Data "
             "page or reload once it is back; nothing saved was changed.", icon=":material/cloud_off:")
