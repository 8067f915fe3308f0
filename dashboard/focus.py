"""Evidence links: from a Briefing finding to the section that holds its number, in the same tab.

The Briefing links each finding with `st.page_link` (client-side navigation in
the same tab, the session and its data kept) and `focus=<section>` in the query.
The target page wraps that section in `section(name, claim)`: when the link
focuses it, the section is outlined, scrolled into view, and the figure the
finding rests on is shown above it on a highlighted line, computed by the page
from its own data (never text taken from the link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from analysis.findings import Finding
from analysis.kpis import headline
from dashboard.formatting import SHARE_LABELS, compact, percent, points
from dashboard.safe_text import md

FOCUS_KEY = "focus"
SECTIONS = ("cards", "share", "price", "hhi", "growth", "forecast", "launch")
# Which section holds each kind of finding's number, and the measure it is counted in (None: the Briefing's).
EVIDENCE: dict[str, tuple[str, str | None]] = {
    "share": ("share", "revenue"), "overtake": ("share", None), "entrant": ("share", None), "gap": ("share", None),
    "run": ("share", None), "position": ("share", None), "growth": ("growth", "revenue"),
    "price": ("price", "revenue"), "lag": ("cards", "revenue"), "concentration": ("hhi", "revenue"),
    "forecast": ("forecast", None), "rank": ("share", None), "shock": ("growth", None), "launch": ("launch", None),
}
PAGE_FILES = {"overview": "../pages/overview.py", "market": "../pages/market.py",
              "competitors": "../pages/competitors.py", "products": "../pages/products.py"}
# The meeting screen, the dataset and the Briefing's slice travel with every evidence link (the finding's own
# segment or region replace the slice's), so the section shows the number the finding was computed on.
KEPT = ("present", "data", "segment", "region", "period")


def evidence_target(finding: Finding, ours: str, measure: str,
                    current: Mapping[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
    """The page file and query parameters of a finding's evidence: its slice, its section, our company, the
    measure it is counted in, and `present`/`data` from the current link."""
    section, counted_in = EVIDENCE.get(finding.kind, (None, None))
    params = {k: list(v) for k, v in current.items() if k in KEPT}
    params.update({"company": [ours], "measure": [counted_in or measure], **finding.params})
    if section is not None:
        params[FOCUS_KEY] = [section]
    return PAGE_FILES.get(finding.page, PAGE_FILES["overview"]), params


def evidence_url(finding: Finding, ours: str, measure: str, current: Mapping[str, list[str]]) -> str:
    """`evidence_target` as a path and query, for links outside the page (decks, reports)."""
    _, params = evidence_target(finding, ours, measure, current)
    page = finding.page if finding.page in PAGE_FILES else "overview"
    return f"/{page}?" + urlencode(params, doseq=True)


_ARRIVED, _FRESH = "_evidence_arrived", "_evidence_fresh"


def take_linked_slice(options: Mapping[str, list[str]]) -> None:
    """Arriving by an evidence link in this session: the link's slice replaces the filters the session had.

    A bound widget keeps its session value over the query of a client-side
    navigation, so without this the section would show the Briefing's slice,
    not the finding's. Applied once per arrival (the link's values, checked
    against the data's options; anything else is left to the link notice).
    Call before the sidebar filters are drawn.
    """
    if focused() is None:
        st.session_state.pop(_ARRIVED, None)
        st.session_state[_FRESH] = False
        return
    asked = {k: st.query_params.get_all(k) for k in ("company", "segment", "region", "period", "measure", "rival",
                                                       FOCUS_KEY) if k in st.query_params}
    signature = repr(sorted(asked.items()))
    st.session_state[_FRESH] = st.session_state.get(_ARRIVED) != signature
    if not st.session_state[_FRESH]:
        return
    st.session_state[_ARRIVED] = signature
    for key in ("segment", "region"):
        if key in asked and set(asked[key]) <= set(options[key]):
            st.session_state[key] = asked[key]
    for key in ("company", "measure"):
        if key in asked and len(asked[key]) == 1 and asked[key][0] in options[key]:
            st.session_state[key] = asked[key][0]
    period = asked.get("period", [])
    if len(period) == 2 and all(p in options["period"] for p in period) and period[0] <= period[1]:
        st.session_state["period"] = tuple(period)


def linked_choice(key: str, choices: list[str]) -> str | None:
    """A page's own linked choice (a rival) that an evidence link just set; it replaces the session's, once."""
    value = st.query_params.get(key)
    if value not in choices:
        return None
    if st.session_state.get(_FRESH):
        st.session_state[key] = value
    return value


def focused() -> str | None:
    """The section an evidence link asked for, if it is one (anything else is ignored)."""
    value = st.query_params.get(FOCUS_KEY)
    return value if value in SECTIONS else None


@contextmanager
def section(name: str, claim: Callable[[], str | None] | None = None) -> Iterator[None]:
    """A section an evidence link can land on; the claim (plain text, escaped here) is computed only then."""
    with st.container(key=f"focus_{name}"):
        if focused() == name:
            highlight(name, claim() if claim is not None else None)
        yield


def highlight(name: str, text: str | None) -> None:
    """Outline the section, show its figure on a highlighted line, and scroll it into view once drawn."""
    selector = f".st-key-focus_{name}"  # `name` is one of SECTIONS, never link text
    st.html(f"<style>{selector} {{outline: 3px solid #f59e0b; outline-offset: 6px; border-radius: 6px;"
            " scroll-margin-top: 5rem;}}</style>")
    st.markdown(":orange-badge[:material/my_location: From the Briefing] "
                + (f":orange-background[{md(text)}]" if text else "The figures the finding rests on are here."),
                width="stretch")
    # Charts above the section draw after it is first found, so it is scrolled into view again as they settle.
    st.html(
        "<script>(() => {let tries = 0; const go = () => {const el = document.querySelector('" + selector + "');"
        " if (el) {el.scrollIntoView({block: 'start'}); el.dataset.focused = '1';}"
        " if (++tries < 8) setTimeout(go, 400);}; go();})();</script>",
        unsafe_allow_javascript=True,
    )


def share_claim(totals: pd.DataFrame, measure: str, window: int, span: str, ours: str, rival: str | None) -> str:
    """The named rival's share and ours in the latest period (an overtake's figures) and over the last window,
    with the change on the window before (a share move's, a gap's)."""
    companies = list(dict.fromkeys(c for c in (rival, ours) if c))
    latest = totals[totals["date"] == totals["date"].max()]
    size = latest[measure].sum()
    now = latest.groupby("company")[measure].sum() / (size if size else float("nan")) * 100
    parts = []
    for company in companies:
        h = headline(totals, company, measure, window)
        change = f" ({points(h.share_change)} on the {span} before)" if h.share_change is not None else ""
        parts.append(f"{company} {percent(h.share)}{change}")
    when = pd.Timestamp(latest["date"].iloc[0]) if not latest.empty else None
    last = "; ".join(f"{c} {percent(float(now.get(c, 0.0)))}" for c in companies)
    return (f"{SHARE_LABELS[measure].capitalize()} in {when:%b %Y}: {last}. Over the last {span}: "
            + "; ".join(parts) + ".") if when is not None else ""


def price_claim(totals: pd.DataFrame, company: str, window: int, span: str) -> str | None:
    """A company's average price over the last window against the window before."""
    money, units = headline(totals, company, "revenue", window), headline(totals, company, "units", window)
    if not units.ours:
        return None
    now = money.ours / units.ours
    if not units.previous_ours or money.previous_ours is None:
        return f"{company}'s average price over the last {span}: {compact(now, 'revenue')}."
    before = money.previous_ours / units.previous_ours
    return (f"{company}'s average price: {compact(before, 'revenue')} the {span} before, {compact(now, 'revenue')} "
            f"the last {span} ({percent(100 * (now / before - 1), signed=True)}).")


def hhi_claim(conc: pd.DataFrame, window: int, span: str) -> str:
    """Average HHI over the last window against the window before."""
    now = conc["hhi"].iloc[-window:].mean()
    if len(conc) < 2 * window:
        return f"HHI averaged {now:,.0f} over the last {span}."
    before = conc["hhi"].iloc[-2 * window:-window].mean()
    return f"HHI averaged {before:,.0f} the {span} before and {now:,.0f} the last {span}."


def growth_claim(totals: pd.DataFrame, ours: str, measure: str, window: int, span: str) -> str:
    """This slice's market over the last window, its growth on the window before, and our share of it."""
    h = headline(totals, ours, measure, window)
    grew = f", {percent(h.market_growth, signed=True)} on the {span} before" if h.market_growth is not None else ""
    return f"This market: {compact(h.market, measure)} over the last {span}{grew}; {ours} holds {percent(h.share)}."
