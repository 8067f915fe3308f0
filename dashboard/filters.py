"""The global filters in the sidebar, bound to the URL so a link reopens the view.

Every page reads the same `Filters`, so switching pages keeps the slice, and the
URL keys below are part of the product: people bookmark them. Never rename a key
without keeping the old one as an alias.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.bound import required_choice
from dashboard.link_notice import warn_about_link
from dashboard.url_state import ParamSpec
from data.store import MarketFilter

KEY_COMPANY, KEY_SEGMENT, KEY_REGION, KEY_PERIOD, KEY_MEASURE, KEY_PRODUCT = (
    "company",
    "segment",
    "region",
    "period",
    "measure",
    "product",
)
_KEYS = (KEY_COMPANY, KEY_SEGMENT, KEY_REGION, KEY_PERIOD, KEY_MEASURE)  # "product" follows the company
MEASURE_ORDER = ("revenue", "units", "share")  # the first one the data has is the default
_NOT_OURS = {"others", "other", "rest of market"}


@dataclass(frozen=True)
class Filters:
    """What the user chose in the sidebar; empty segments/regions mean all of them."""

    company: str
    segments: tuple[str, ...]
    regions: tuple[str, ...]
    start: pd.Timestamp
    end: pd.Timestamp
    measure: str
    periodicity: str = "monthly"  # of the data: weekly, monthly, quarterly or yearly
    product: str | None = None  # our product, when the data has products

    def market_filter(self, *, with_dates: bool = True) -> MarketFilter:
        return MarketFilter(
            segments=self.segments,
            regions=self.regions,
            start=self.start if with_dates else None,
            end=self.end if with_dates else None,
        )

    def basis(self) -> str:
        """The slice in words, printed under numbers shown to executives."""
        segments = ", ".join(self.segments) if self.segments else "all segments"
        regions = ", ".join(self.regions) if self.regions else "all regions"
        period = f"{self.start:%b %Y} to {self.end:%b %Y}"
        return f"{segments} · {regions} · {period} · {self.measure}"


def period_labels(periods: list[pd.Timestamp]) -> list[str]:
    """Labels for the period slider: 2024-03 for monthly data, full dates otherwise."""
    monthly = [p.strftime("%Y-%m") for p in periods]
    if len(set(monthly)) == len(periods) and all(p.day == 1 for p in periods):
        return monthly
    return [p.strftime("%Y-%m-%d") for p in periods]


_SHOWN_DATA = "_filters_data"  # (dataset identity, content) the filters were last drawn for


def stale_filters(identity: str, content: str) -> set[str]:
    """Start the filters afresh when the data under them changed during a session.

    Another dataset (a pick in the sidebar) starts from its own defaults: the
    old company or period would be meaningless there. A new version of the
    same dataset (a refresh) keeps what the link sets, and everything else
    returns to its default, so a period that ended at the last month moves
    with the data instead of staying on the old last month.

    Returns the filter keys `sidebar_filters` must set back to their defaults.
    """
    previous = st.session_state.get(_SHOWN_DATA)
    st.session_state[_SHOWN_DATA] = (identity, content)
    if previous is None or previous == (identity, content):
        return set()
    same_dataset = previous[0] == identity
    return {key for key in _KEYS if not same_dataset or key not in st.query_params}


def sidebar_filters(options: dict[str, list[str]], default_company: str | None,
                    rest: tuple[str, ...] | None = None, reset: set[str] = frozenset()) -> Filters:
    """Render the global filters, report rejected link values, return the choice.

    `rest`: the companies that are the rest of the market, as the user said on
    loading (never "ours"); None: names such as "Others" are taken to be.
    """
    companies = [c for c in options["company"] if (c not in rest if rest is not None
                                                   else c.strip().lower() not in _NOT_OURS)]
    companies = companies or options["company"]
    periods = options["period"]
    measures = [m for m in MEASURE_ORDER if m in options["measure"]] or ["revenue"]
    specs = [
        ParamSpec(KEY_COMPANY, "Company", companies),
        ParamSpec(KEY_SEGMENT, "Segment", options["segment"], max_values=len(options["segment"]), allow_empty=True),
        ParamSpec(KEY_REGION, "Region", options["region"], max_values=len(options["region"]), allow_empty=True),
        ParamSpec(KEY_PERIOD, "Period", periods, max_values=2, ordered=True),
        ParamSpec(KEY_MEASURE, "Measure", measures),
    ]
    warn_about_link([spec for spec in specs if spec.key not in reset])  # reset ones are the old data's, not the link's
    defaults = {KEY_COMPANY: companies[companies.index(default_company) if default_company in companies else 0],
                KEY_SEGMENT: [], KEY_REGION: [], KEY_PERIOD: (periods[0], periods[-1]), KEY_MEASURE: measures[0]}
    for key in reset:  # set, not deleted: the old value would come back from the browser (and the link) otherwise
        st.session_state[key] = defaults[key]
    with st.sidebar:
        st.header("Filters", divider="gray")
        company = st.selectbox(
            "Our company",
            companies,
            index=companies.index(default_company) if default_company in companies else 0,
            key=KEY_COMPANY,
            bind="query-params",
            help="The company whose performance the pages measure; highlighted on every chart.",
        )
        product_slot = st.empty()  # "Our product" goes under our company, once the company is known
        segments = st.multiselect(
            "Segments", options["segment"], key=KEY_SEGMENT, bind="query-params",
            placeholder="All segments",
        )
        regions = st.multiselect(
            "Regions", options["region"], key=KEY_REGION, bind="query-params",
            placeholder="All regions",
        )
        start, end = st.select_slider(
            "Period",
            options=periods,
            value=(periods[0], periods[-1]),
            key=KEY_PERIOD,
            bind="query-params",
        )
        measure = required_choice("Measure", measures, measures[0], key=KEY_MEASURE)
    product = our_product(options.get("products", {}).get(company, []), product_slot)
    return Filters(
        company=company,
        segments=tuple(segments),
        regions=tuple(regions),
        start=pd.Timestamp(start),
        end=pd.Timestamp(end),
        measure=measure,
        periodicity=options["periodicity"][0],
        product=product,
    )


def our_product(products: list[str], slot) -> str | None:
    """The "Our product" choice among our company's products (biggest first); None when it has none.

    A product of another company (the company changed, or the link is old)
    falls back to our biggest product, and the link says so.
    """
    if not products:
        return None
    if KEY_PRODUCT not in st.session_state:  # the link's value; later, a change of company moves it
        warn_about_link([ParamSpec(KEY_PRODUCT, "Our product", products)])
    current = st.session_state.get(KEY_PRODUCT, st.query_params.get(KEY_PRODUCT))
    if current is not None and current not in products:
        st.session_state[KEY_PRODUCT] = products[0]  # set, not deleted: see `sidebar_filters`
    with slot:
        return st.selectbox("Our product", products, index=0, key=KEY_PRODUCT, bind="query-params",
                            help="The product the Products page follows, among our company's products, "
                                 "biggest first.")

