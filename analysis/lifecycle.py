"""A product's lifecycle stage from its sales curve, and what to do with it.

The stage is read from growth-rate turning points, the way a product manager
reads a sales chart: the rolling year of sales (which removes the season)
against the rolling year before it, and how far the rolling year is below its
own peak. The thresholds are stated in `STAGE_RULE` and shown on the page, so
a reader can check each call against the evidence sentence next to it.

    introduction  fewer than `season` periods of sales: too young to judge a year
    growth        rolling-year sales up GROWTH_AT (10%) or more on the year before
    decline       down DECLINE_AT (5%) or more, and below its peak rolling year
    maturity      in between: roughly flat year on year

The action per product (invest, defend, harvest, retire) follows from the stage,
the product's share of its segments and, where the data has our costs, its
margin; `ACTION_RULE` states it. A given launch date (the market table's
`launch_date`) counts from the launch, not from the first month with sales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.share_findings import amount_text

GROWTH_AT = 10.0  # percent a year
DECLINE_AT = -5.0
SMALL_SHARE = 5.0  # percent of its segments: below this a declining product is a candidate to retire
THIN_MARGIN = 15.0  # percent of revenue: below this a declining product earns too little to harvest
STAGE_RULE = (f"Stage from the last 12 periods of sales against the 12 before: introduction with less than a year "
              f"of sales; growth at +{GROWTH_AT:.0f}% or more; decline at {DECLINE_AT:.0f}% or less and below its "
              f"best year; maturity in between.")
ACTION_RULE = (f"Invest in introduction and growth; defend in maturity; harvest in decline while it holds "
               f"{SMALL_SHARE:.0f}% or more of its segments and (where costs are known) a margin of "
               f"{THIN_MARGIN:.0f}% or more; retire in decline otherwise.")
STAGES = ("introduction", "growth", "maturity", "decline")


@dataclass(frozen=True)
class Stage:
    stage: str
    growth: float | None  # percent, last rolling year against the one before
    first_sale: pd.Timestamp
    peak: pd.Timestamp | None  # end of the best rolling year
    below_peak: float | None  # percent the last rolling year is below the best one
    evidence: str


def stage(sales: pd.Series, season: int = 12, unit: str = "units", period: str = "month",
          launch: pd.Timestamp | None = None) -> Stage:
    """The stage of one product from its sales per period (index: dates, sorted; zeros before launch allowed).

    `launch`: its launch date when the data gives one; otherwise the first period with sales.
    """
    sales = sales.sort_index()
    selling = sales[sales > 0]
    if selling.empty:
        raise ValueError("the product has no sales in this slice")
    first = pd.Timestamp(selling.index[0])
    began = "First sold"
    if launch is not None and pd.notna(launch):
        first, began = max(pd.Timestamp(launch), pd.Timestamp(sales.index[0])), "Launched"
    since = sales[sales.index >= first]
    if len(since) < season:
        total = float(since.sum())
        return Stage("introduction", None, first, None, None,
                     f"{began} {first:%b %Y}: {len(since)} {period}s of sales so far, {amount_text(total, unit)} in all.")
    rolling = since.rolling(season).sum().dropna()
    last = float(rolling.iloc[-1])
    growth = None
    if len(since) >= 2 * season and float(rolling.iloc[-1 - season]) > 0:
        growth = 100.0 * (last / float(rolling.iloc[-1 - season]) - 1.0)
    peak_at = pd.Timestamp(rolling.idxmax())
    below = 100.0 * (1.0 - last / float(rolling.max())) if rolling.max() > 0 else 0.0
    year = f"{amount_text(last, unit)} over the last {season} {period}s"
    if growth is None:
        return Stage("introduction", None, first, peak_at, below,
                     f"{began} {first:%b %Y}: {year}, not yet two years to compare.")
    change = f"{round(growth):+d}% on the {season} before"  # round first: -0.3 is +0%, not -0%
    if growth >= GROWTH_AT:
        verb = _acceleration(rolling, season)
        return Stage("growth", growth, first, peak_at, below, f"{year}, {change}{verb}; {began.lower()} {first:%b %Y}.")
    if growth <= DECLINE_AT and below > 0:
        return Stage("decline", growth, first, peak_at, below,
                     f"{year}, {change}; {below:.0f}% below its best year (to {peak_at:%b %Y}).")
    return Stage("maturity", growth, first, peak_at, below,
                 f"{year}, {change}, inside the {DECLINE_AT:+.0f}% to +{GROWTH_AT:.0f}% of a mature product"
                 + (f"; {below:.0f}% below its best year (to {peak_at:%b %Y})." if below >= 1 else "; at its best year."))


def _acceleration(rolling: pd.Series, season: int) -> str:
    """', still accelerating' or ', slowing' from the growth of the rolling year a quarter apart."""
    quarter = max(1, season // 4)
    if len(rolling) < season + quarter + 1 or rolling.iloc[-1 - season - quarter] <= 0:
        return ""
    now = rolling.iloc[-1] / rolling.iloc[-1 - season] - 1
    before = rolling.iloc[-1 - quarter] / rolling.iloc[-1 - season - quarter] - 1
    return ", still accelerating" if now > before else ", slowing"


def action(stage_name: str, share: float | None, margin: float | None = None) -> tuple[str, str]:
    """Invest, defend, harvest or retire, with the reason in plain words (see ACTION_RULE)."""
    if stage_name in ("introduction", "growth"):
        return "invest", "sales are growing: fund it to win customers while the market forms"
    if stage_name == "maturity":
        return "defend", "sales are flat: protect its share and margin against rivals"
    holds = share is not None and share >= SMALL_SHARE
    earns = margin is None or margin >= THIN_MARGIN
    if holds and earns:
        kept = f" at a {margin:.0f}% margin" if margin is not None else ""
        return "harvest", f"sales are falling but it holds {share:.0f}% of its segments{kept}: cut spend, keep the cash"
    if holds:
        return "retire", (f"sales are falling and its {margin:.0f}% margin is too thin to harvest: plan the exit and "
                          "move customers to a successor")
    return "retire", "sales are falling and its share is small: plan the exit and move customers to a successor"


def portfolio(market: pd.DataFrame, company: str, measure: str, season: int = 12,
              period: str = "month", launches: dict[str, pd.Timestamp] | None = None,
              only: str | None = None) -> pd.DataFrame:
    """Each of `company`'s products: size and growth of the last `season` periods, share of its segments,
    price against its segments' average (with units), margin (with costs), lifecycle stage, evidence, action.

    `market` holds `date`, `segment`, `company`, `product` and `measure` (and
    `units`, `revenue` for the price index, `cost` for the margin). Share is of
    the segments the product sells in, over the last `season` periods.
    `launches`: launch dates the data gives (product -> date); the others
    launched in their first period with sales.
    `only`: just that product's row (each row is computed on its own, so it is the same row), for the
    one line a page writes about our product.
    """
    launches = launches or {}
    dates = np.sort(market["date"].unique())
    recent = market[market["date"].isin(dates[-season:])]
    ours = market[market["company"] == company]
    rows = []
    for product, rows_of in ours.groupby("product", sort=True):
        if only is not None and product != only:
            continue
        sales = rows_of.groupby("date")[measure].sum().reindex(dates, fill_value=0.0)
        try:
            found = stage(sales, season, measure, period, launches.get(product))
        except ValueError:
            continue
        segments = sorted(rows_of["segment"].unique())
        mine = recent[(recent["company"] == company) & (recent["product"] == product)]
        in_segments = recent[recent["segment"].isin(segments)]
        size = float(in_segments[measure].sum())
        share = 100.0 * float(mine[measure].sum()) / size if size > 0 else None
        price_index = None
        if {"units", "revenue"} <= set(market.columns) and mine["units"].sum() > 0 and in_segments["units"].sum() > 0:
            price_index = 100.0 * (mine["revenue"].sum() / mine["units"].sum()) / (
                in_segments["revenue"].sum() / in_segments["units"].sum())
        margin = _margin(mine)
        verb, why = action(found.stage, share, margin)
        rows.append({"product": product, "segments": ", ".join(segments), "last_year": float(mine[measure].sum()),
                     "growth": found.growth, "share": share, "price_index": price_index, "margin": margin,
                     "stage": found.stage, "evidence": found.evidence, "action": verb, "why": why,
                     "first_sale": found.first_sale})
    columns = ["product", "segments", "last_year", "growth", "share", "price_index", "margin", "stage", "evidence",
               "action", "why", "first_sale"]
    return pd.DataFrame(rows, columns=columns).sort_values("last_year", ascending=False).reset_index(drop=True)


def _margin(rows: pd.DataFrame) -> float | None:
    """Gross margin in percent of revenue, (revenue - cost) / revenue, where the rows carry costs."""
    if not {"cost", "revenue"} <= set(rows.columns) or rows["cost"].isna().all():
        return None
    revenue = float(rows["revenue"].sum())
    return 100.0 * (1.0 - float(rows["cost"].sum()) / revenue) if revenue > 0 else None


def launch_dates(given: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Product -> its earliest given launch date, from rows of `product` and `launch_date` (blanks skipped)."""
    if given is None or given.empty or "launch_date" not in given:
        return {}
    known = given.dropna(subset=["product", "launch_date"])
    return {str(p): pd.Timestamp(d) for p, d in known.groupby("product")["launch_date"].min().items()}
