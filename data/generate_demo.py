"""Seeded generator for the demo dataset and for a large benchmark market table.

Why it exists: every page needs data that tells a story worth discussing
(seasonality, a competitor's launch, a price war, a new entrant, a supply
shock), and tests need that story to be the same on every machine. So all
randomness comes from `numpy.random.default_rng` with a fixed seed, nothing
depends on time or set ordering, and floats are rounded before writing, which
makes two runs byte-identical.

    python -m data.generate_demo                    # writes data/demo/*.csv
    python -m data.generate_demo --large 10000000 --out /tmp/m10.parquet

The large table is product-level and only for benchmarks; never commit it.

Modelling choices, in short:
- Market size per segment x region has its own growth rate, a yearly
  seasonality (Q4 peak, summer dip) and multiplicative noise.
- Shares come from a multinomial logit over the incumbents (base level,
  regional strengths, slow drifts, a mean-reverting random walk, Northwind's
  marketing pushes, relative price during the price war). Story events that
  must have a known size (Apex's launch, Fluxion's entry) are then applied as
  explicit share transfers, so their magnitude does not depend on the walk.
- Fluxion is absent before its entry month (no rows at all), as an entrant
  appears mid-period in real tracker exports.
- Revenue = units x price; price = revenue / units rounded to cents.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data.demo_products import with_products
from data.schema import SCHEMAS, conform

OUR_COMPANY = "Northwind"
COMPANIES = ["Northwind", "Apex", "Brightline", "Corvid", "Dynamo", "Fluxion", "Others"]
SEGMENTS = ["Enterprise", "Mid-Market", "SMB", "Consumer"]
REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America"]
START = "2016-01-01"
END = "2025-12-01"
DEFAULT_SEED = 2016
DEMO_DIR = Path(__file__).resolve().parent / "demo"
TABLES = ("market", "drivers", "capabilities", "feature_requests", "opportunities")

# The events the demo data is built around. The generator reads its dates and
# sizes from here, so docs and tests that quote STORY quote what was generated.
# segment/region None means "all". Sizes are the intended effect; noise, the
# other events and rounding move the measured effect a little.
STORY: dict[str, dict] = {
    "apex_launch": {
        "title": "Apex launches a new Mid-Market product",
        "who": "Apex",
        "segment": "Mid-Market",
        "region": None,
        "start": "2021-03-01",
        "end": "2022-02-01",
        "share_gain_points": 10.0,
        "taken_mostly_from": "Northwind",
        "summary": (
            "Apex's new product takes about 10 share points of Mid-Market units over "
            "12 months (most in North America), about 70% of them from Northwind. "
            "Northwind answers with more marketing spend from mid-2021."
        ),
    },
    "price_war": {
        "title": "Price war in Europe",
        "who": "Corvid",
        "segment": None,
        "region": "Europe",
        "start": "2023-01-01",
        "end": "2024-06-01",
        "price_cut_pct": 17.0,
        "summary": (
            "Corvid cuts European prices by about 25% in January 2023; the others "
            "follow within 1-4 months (12-20%, Apex least). European units rise about "
            "10% above trend and Corvid gains share. From July 2024 prices win back about 60% of "
            "the cut over six months."
        ),
    },
    "new_entrant": {
        "title": "Fluxion enters the market",
        "who": "Fluxion",
        "segment": None,
        "region": None,
        "strongest_segment": "SMB",
        "start": "2019-01-01",
        "end": "2025-12-01",
        "share_2025_pct": 10.0,
        "summary": (
            "Fluxion, a budget player with a strong mobile app and AI assistant, "
            "enters all segments and regions in January 2019 with under 1% share "
            "and grows along an S-curve to about 10% of units by 2025; strongest in "
            "SMB (~14%), weakest in Enterprise (~4%). It has no rows before entry."
        ),
    },
    "supply_shock": {
        "title": "Supply shock",
        "who": None,
        "segment": None,
        "region": None,
        "start": "2021-09-01",
        "end": "2022-02-01",
        "unit_drop_pct": 19.0,
        "summary": (
            "A component shortage cuts everyone's units by 14-23% from September "
            "2021 to February 2022 (prices +3%); shipments recover in spring 2022 "
            "with a small catch-up of delayed orders."
        ),
    },
}

# --- Market calibration ---------------------------------------------------

# Monthly units of the whole market at the start (all regions together).
_BASE_UNITS = {"Enterprise": 3_000, "Mid-Market": 9_000, "SMB": 25_000, "Consumer": 80_000}
_REGION_WEIGHT = {"North America": 0.38, "Europe": 0.30, "Asia Pacific": 0.22, "Latin America": 0.10}
# Yearly growth: Mid-Market grows fastest, Consumer is flat-ish.
_SEGMENT_GROWTH = {"Enterprise": 0.04, "Mid-Market": 0.10, "SMB": 0.06, "Consumer": 0.01}
_REGION_GROWTH = {"North America": 0.0, "Europe": -0.01, "Asia Pacific": 0.03, "Latin America": 0.02}
# Jan..Dec: summer dip, Q4 peak. Scaled per segment (Consumer has the biggest holiday peak).
_SEASON = np.array([0.94, 0.92, 1.00, 0.98, 0.99, 0.96, 0.89, 0.87, 1.00, 1.03, 1.12, 1.30])
_SEASON_AMPLITUDE = {"Enterprise": 1.0, "Mid-Market": 0.8, "SMB": 0.7, "Consumer": 1.3}

# Average price per unit (USD) by segment before company and region factors.
_SEGMENT_PRICE = {"Enterprise": 1_150.0, "Mid-Market": 480.0, "SMB": 190.0, "Consumer": 65.0}
_REGION_PRICE = {"North America": 1.00, "Europe": 0.96, "Asia Pacific": 0.86, "Latin America": 0.78}
_COMPANY_PRICE = {
    "Northwind": 1.12, "Apex": 1.22, "Brightline": 1.00, "Corvid": 0.84,
    "Dynamo": 0.95, "Fluxion": 0.72, "Others": 0.90,
}
_PRICE_INFLATION = 0.02  # per year
_FLUXION_PRICE_CREEP = 0.02  # per year after entry: the budget entrant moves up-market

# Incumbents' unit shares (%) by segment at the start, before regional strengths.
_BASE_SHARE = {
    "Enterprise": {"Northwind": 30, "Apex": 24, "Brightline": 16, "Corvid": 6, "Dynamo": 12, "Others": 12},
    "Mid-Market": {"Northwind": 31, "Apex": 13, "Brightline": 18, "Corvid": 10, "Dynamo": 12, "Others": 16},
    "SMB": {"Northwind": 20, "Apex": 9, "Brightline": 16, "Corvid": 21, "Dynamo": 14, "Others": 20},
    "Consumer": {"Northwind": 13, "Apex": 7, "Brightline": 19, "Corvid": 25, "Dynamo": 16, "Others": 20},
}
# Logit shifts by region (home markets): NA, Europe, APAC, LatAm.
_REGION_STRENGTH = {
    "Northwind": [0.20, 0.00, -0.15, -0.10],
    "Apex": [0.10, 0.00, 0.00, -0.10],
    "Brightline": [-0.05, 0.15, -0.05, 0.00],
    "Corvid": [-0.15, 0.10, 0.00, 0.20],
    "Dynamo": [-0.10, -0.05, 0.25, 0.00],
    "Others": [0.00, 0.00, 0.00, 0.00],
}
# Slow logit drift per year: Northwind erodes, the long tail consolidates.
_SHARE_DRIFT = {
    "Northwind": -0.015, "Apex": 0.01, "Brightline": 0.0, "Corvid": 0.01, "Dynamo": 0.02, "Others": -0.03,
}
_WALK_PHI, _WALK_SIGMA = 0.96, 0.02  # mean-reverting monthly logit walk

# Story calibration (dates and headline sizes live in STORY).
_APEX_GAIN_BY_REGION = [0.12, 0.09, 0.10, 0.08]  # share points / 100, NA..LatAm
_APEX_FROM_NORTHWIND = 0.7
_WAR_CUT = {  # depth of the European price cut and months after the war starts
    "Corvid": (0.25, 0), "Fluxion": (0.20, 1), "Dynamo": (0.18, 2), "Brightline": (0.16, 2),
    "Others": (0.15, 3), "Northwind": (0.14, 3), "Apex": (0.12, 4),
}
_WAR_RECOVERY = 0.6  # share of the cut won back after the war
_WAR_ELASTICITY = 0.7  # market units respond to the average price cut
_WAR_SHARE_SENSITIVITY = 1.5  # logit response to a company's price relative to rivals
_FLUXION_TARGET = {"Enterprise": 0.04, "Mid-Market": 0.09, "SMB": 0.15, "Consumer": 0.09}
_FLUXION_REGION = [0.95, 0.90, 1.20, 1.10]
_FLUXION_MIDPOINT, _FLUXION_SPEED = 40, 10.0  # months after entry, months per logit unit
_SHOCK_UNITS = [0.84, 0.79, 0.77, 0.78, 0.81, 0.86]  # Sep 2021 .. Feb 2022
_SHOCK_AFTER = [0.95, 1.03, 1.02]  # Mar .. May 2022: recovery and catch-up
_SHOCK_PRICE = 1.03

# Northwind's marketing spend (USD per month at the start) and its effect on share.
_SPEND_BASE = {"North America": 420_000, "Europe": 310_000, "Asia Pacific": 170_000, "Latin America": 70_000}
_SPEND_GROWTH = 0.07
_SPEND_SEASON = np.array([0.85, 0.92, 1.00, 1.00, 1.00, 0.95, 0.88, 0.90, 1.05, 1.15, 1.25, 1.05])
_SPEND_RESPONSE_TO_APEX = 1.12  # from three months after Apex's launch
_SPEND_SHARE_EFFECT = 0.5  # logit per log-unit of unplanned spend


def months() -> pd.DatetimeIndex:
    """The 120 monthly period starts of the demo, START to END."""
    return pd.date_range(START, END, freq="MS")


def _month_number(date: str) -> int:
    """Index of a period start in `months()`, so events are placed by date, not by count."""
    return int(months().get_loc(pd.Timestamp(date)))


def _ramp(t: np.ndarray, start: int, length: int) -> np.ndarray:
    """Smooth 0->1 transition over `length` months from `start` (smoothstep)."""
    x = np.clip((t - start) / length, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _mean_reverting_walk(rng: np.random.Generator, steps: int, shape: tuple[int, ...],
                         phi: float, sigma: float) -> np.ndarray:
    """AR(1) paths along axis 0: smooth month-to-month but bounded over ten years."""
    shocks = rng.normal(0.0, sigma, size=(steps, *shape))
    out = np.empty_like(shocks)
    out[0] = shocks[0]
    for i in range(1, steps):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


# --- The market simulation --------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    """Company-level arrays indexed [month, segment, region, company]; zero units = absent."""

    dates: pd.DatetimeIndex
    units: np.ndarray
    price: np.ndarray
    marketing_spend: np.ndarray  # [month, region], Northwind's spend in USD


def _total_units(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Market units per [month, segment, region] before events: trend x season x noise."""
    years = t / 12
    month_of_year = t % 12
    out = np.empty((len(t), len(SEGMENTS), len(REGIONS)))
    for s, segment in enumerate(SEGMENTS):
        season = 1 + _SEASON_AMPLITUDE[segment] * (_SEASON[month_of_year] - 1)
        for r, region in enumerate(REGIONS):
            growth = (1 + _SEGMENT_GROWTH[segment] + _REGION_GROWTH[region]) ** years
            base = _BASE_UNITS[segment] * _REGION_WEIGHT[region]
            out[:, s, r] = base * growth * season
    return out * rng.lognormal(0.0, 0.03, size=out.shape)


def _supply_shock(t: np.ndarray) -> np.ndarray:
    """Unit multiplier per month: the dent from STORY['supply_shock'], then the catch-up."""
    factor = np.ones(len(t))
    first = _month_number(STORY["supply_shock"]["start"])
    profile = _SHOCK_UNITS + _SHOCK_AFTER
    factor[first:first + len(profile)] = profile
    return factor


def _shock_price(t: np.ndarray) -> np.ndarray:
    """Scarcity lifts prices a little during the supply shock."""
    first = _month_number(STORY["supply_shock"]["start"])
    last = _month_number(STORY["supply_shock"]["end"])
    return np.where((t >= first) & (t <= last), _SHOCK_PRICE, 1.0)


def _price_war(t: np.ndarray) -> np.ndarray:
    """Price multiplier per [month, region, company]: Corvid cuts first, others follow."""
    war = STORY["price_war"]
    start, end = _month_number(war["start"]), _month_number(war["end"])
    out = np.ones((len(t), len(REGIONS), len(COMPANIES)))
    r = REGIONS.index(war["region"])
    for c, company in enumerate(COMPANIES):
        depth, lag = _WAR_CUT[company]
        cut = _ramp(t, start + lag - 1, 2) - _WAR_RECOVERY * _ramp(t, end, 6)
        out[:, r, c] = 1 - depth * cut
    return out


def _prices(rng: np.random.Generator, t: np.ndarray, war: np.ndarray) -> np.ndarray:
    """Price per unit [month, segment, region, company]: list level x events x small noise."""
    years = t / 12
    entry = _month_number(STORY["new_entrant"]["start"])
    level = np.array([_COMPANY_PRICE[c] for c in COMPANIES])
    creep = np.ones((len(t), len(COMPANIES)))
    creep[:, COMPANIES.index("Fluxion")] = 1 + _FLUXION_PRICE_CREEP * np.clip(t - entry, 0, None) / 12
    segment = np.array([_SEGMENT_PRICE[s] for s in SEGMENTS])
    region = np.array([_REGION_PRICE[r] for r in REGIONS])
    drift = np.exp(_mean_reverting_walk(rng, len(t), (len(COMPANIES),), 0.95, 0.004))
    price = (
        segment[None, :, None, None]
        * region[None, None, :, None]
        * (level * creep * drift)[:, None, None, :]
        * ((1 + _PRICE_INFLATION) ** years * _shock_price(t))[:, None, None, None]
        * war[:, None, :, :]
    )
    return price * rng.lognormal(0.0, 0.012, size=price.shape)


def _marketing_spend(rng: np.random.Generator, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Northwind's spend per [month, region] and its unplanned part (log), which moves share.

    The plan is trend x season; quarterly campaigns, noise and the response to
    Apex's launch are the deviations a driver analysis can pick up.
    """
    quarters = t // 3
    campaign = rng.lognormal(0.0, 0.12, size=(quarters.max() + 1, len(REGIONS)))[quarters]
    noise = rng.lognormal(0.0, 0.05, size=(len(t), len(REGIONS)))
    response_start = _month_number(STORY["apex_launch"]["start"]) + 3
    response = 1 + (_SPEND_RESPONSE_TO_APEX - 1) * _ramp(t, response_start, 3)
    unplanned = campaign * noise * response[:, None]
    base = np.array([_SPEND_BASE[r] for r in REGIONS])
    plan = base[None, :] * ((1 + _SPEND_GROWTH) ** (t / 12) * _SPEND_SEASON[t % 12])[:, None]
    return plan * unplanned, np.log(unplanned)


def _incumbent_shares(rng: np.random.Generator, t: np.ndarray, war: np.ndarray,
                      spend_effect: np.ndarray) -> np.ndarray:
    """Shares of the six incumbents [month, segment, region, incumbent] from a logit model."""
    incumbents = [c for c in COMPANIES if c != "Fluxion"]
    base = np.log([[_BASE_SHARE[s][c] for c in incumbents] for s in SEGMENTS])  # [S, I]
    region = np.array([_REGION_STRENGTH[c] for c in incumbents]).T  # [R, I]
    drift = np.array([_SHARE_DRIFT[c] for c in incumbents])
    logit = (
        base[None, :, None, :]
        + region[None, None, :, :]
        + (t[:, None] / 12 * drift[None, :])[:, None, None, :]
    )
    logit = logit + _mean_reverting_walk(rng, len(t), logit.shape[1:], _WALK_PHI, _WALK_SIGMA)
    logit[..., incumbents.index(OUR_COMPANY)] += _SPEND_SHARE_EFFECT * spend_effect[:, None, :]
    war_log = np.log(war[:, :, [COMPANIES.index(c) for c in incumbents]])  # [T, R, I]
    relative = war_log - war_log.mean(axis=2, keepdims=True)
    logit = logit - _WAR_SHARE_SENSITIVITY * relative[:, None, :, :]
    weights = np.exp(logit - logit.max(axis=3, keepdims=True))
    return weights / weights.sum(axis=3, keepdims=True)


def _apply_apex_launch(shares: np.ndarray, t: np.ndarray) -> None:
    """Move share to Apex in the launch segment, mostly from Northwind (in place)."""
    launch = STORY["apex_launch"]
    incumbents = [c for c in COMPANIES if c != "Fluxion"]
    s = SEGMENTS.index(launch["segment"])
    apex, ours = incumbents.index("Apex"), incumbents.index(OUR_COMPANY)
    rest = [i for i in range(len(incumbents)) if i not in (apex, ours)]
    gain = _ramp(t, _month_number(launch["start"]), 12)[:, None] * np.array(_APEX_GAIN_BY_REGION)
    cell = shares[:, s]  # view [T, R, I]
    rest_share = cell[..., rest]
    cell[..., apex] += gain
    cell[..., ours] -= _APEX_FROM_NORTHWIND * gain
    cell[..., rest] = rest_share - (1 - _APEX_FROM_NORTHWIND) * gain[..., None] * (
        rest_share / rest_share.sum(axis=2, keepdims=True)
    )


def _fluxion_share(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Fluxion's share [month, segment, region]: zero before entry, then an S-curve."""
    entry = _month_number(STORY["new_entrant"]["start"])
    since = t - entry
    curve = 1 / (1 + np.exp(-(since - _FLUXION_MIDPOINT) / _FLUXION_SPEED))
    curve = np.where(since >= 0, curve, 0.0)
    target = np.array([_FLUXION_TARGET[s] for s in SEGMENTS])
    wobble = np.exp(_mean_reverting_walk(rng, len(t), (len(SEGMENTS), len(REGIONS)), 0.9, 0.04))
    return curve[:, None, None] * target[None, :, None] * np.array(_FLUXION_REGION)[None, None, :] * wobble


def simulate(seed: int = DEFAULT_SEED) -> Simulation:
    """Run the company-level market model once; tables and the large generator build on it."""
    rng = np.random.default_rng([seed, 1])
    dates = months()
    t = np.arange(len(dates))
    war = _price_war(t)
    spend, spend_effect = _marketing_spend(rng, t)
    total = _total_units(rng, t)
    total = total * _supply_shock(t)[:, None, None]
    avg_cut = war.mean(axis=2)  # [T, R]
    total = total * (avg_cut ** -_WAR_ELASTICITY)[:, None, :]

    incumbent = _incumbent_shares(rng, t, war, spend_effect)
    _apply_apex_launch(incumbent, t)
    fluxion = _fluxion_share(rng, t)
    shares = np.empty((len(t), len(SEGMENTS), len(REGIONS), len(COMPANIES)))
    flux = COMPANIES.index("Fluxion")
    others = [i for i in range(len(COMPANIES)) if i != flux]
    shares[..., others] = incumbent * (1 - fluxion)[..., None]
    shares[..., flux] = fluxion
    price = _prices(rng, t, war)
    return Simulation(dates, total[..., None] * shares, price, spend)


# --- Tables -----------------------------------------------------------------


def _market_table(sim: Simulation) -> pd.DataFrame:
    """Long market table; whole units, revenue in cents, Fluxion absent before entry."""
    t, s, r, c = (i.ravel() for i in np.indices(sim.units.shape))
    entry = _month_number(STORY["new_entrant"]["start"])
    present = ~((c == COMPANIES.index("Fluxion")) & (t < entry))
    t, s, r, c = t[present], s[present], r[present], c[present]
    units = np.maximum(np.round(sim.units[t, s, r, c]), 1.0)
    revenue = np.round(units * sim.price[t, s, r, c], 2)
    return pd.DataFrame({
        "date": sim.dates[t],
        "segment": np.array(SEGMENTS)[s],
        "region": np.array(REGIONS)[r],
        "company": np.array(COMPANIES)[c],
        "units": units,
        "revenue": revenue,
        "price": np.round(revenue / units, 2),
    })


def _drivers_table(sim: Simulation, market: pd.DataFrame) -> pd.DataFrame:
    """Northwind's marketing spend and price position per month and region, long format.

    The price indices are computed from the market table itself, so they agree
    with what the Market page shows.
    """
    frames = [
        pd.DataFrame({
            "date": np.repeat(sim.dates, len(REGIONS)),
            "region": np.tile(REGIONS, len(sim.dates)),
            "variable": "marketing_spend",
            "value": np.round(sim.marketing_spend.ravel(), 0),
        }),
        _price_index(market),
        _competitor_price_index(market),
    ]
    out = pd.concat(frames, ignore_index=True)
    order = {"marketing_spend": 0, "price_index": 1, "competitor_price_index": 2}
    out["_r"] = out["region"].map({r: i for i, r in enumerate(REGIONS)})
    out["_v"] = out["variable"].map(order)
    out = out.sort_values(["date", "_r", "_v"], kind="mergesort").drop(columns=["_r", "_v"])
    return out.reset_index(drop=True)


def _price_index(market: pd.DataFrame) -> pd.DataFrame:
    """Northwind's price vs the market average in each segment, weighted by its units (100 = par)."""
    keys = ["date", "region", "segment"]
    cell = market.groupby(keys, sort=False)[["units", "revenue"]].sum()
    ours = market[market["company"] == OUR_COMPANY].set_index(keys)
    ratio = ours["price"] / (cell["revenue"] / cell["units"]).reindex(ours.index)
    weighted = (ratio * ours["units"]).groupby(level=[0, 1], sort=False).sum()
    index = weighted / ours["units"].groupby(level=[0, 1], sort=False).sum() * 100
    return index.round(2).rename("value").reset_index().assign(variable="price_index")


def _competitor_price_index(market: pd.DataFrame) -> pd.DataFrame:
    """Competitors' average price, each segment indexed to 2016-01 = 100, then revenue-weighted."""
    keys = ["date", "region", "segment"]
    rivals = market[market["company"] != OUR_COMPANY]
    cell = rivals.groupby(keys, sort=False, as_index=False)[["units", "revenue"]].sum()
    cell["avg"] = cell["revenue"] / cell["units"]
    base = cell.loc[cell["date"] == cell["date"].min(), ["region", "segment", "avg", "revenue"]]
    base = base.rename(columns={"avg": "base_price", "revenue": "weight"})
    cell = cell.merge(base, on=["region", "segment"], how="left")
    cell["weighted"] = cell["avg"] / cell["base_price"] * 100 * cell["weight"]
    grouped = cell.groupby(["date", "region"], sort=False)[["weighted", "weight"]].sum()
    value = (grouped["weighted"] / grouped["weight"]).round(2)
    return value.rename("value").reset_index().assign(variable="competitor_price_index")


# Feature -> (category, scores for Northwind, Apex, Brightline, Corvid, Dynamo, Fluxion).
# Northwind leads on security and reporting and trails on AI, mobile and offline,
# which is what its customers keep asking for.
_CAPABILITIES = {
    "Single sign-on": ("Security", [4.6, 4.8, 4.0, 2.5, 3.5, 2.0]),
    "Audit log": ("Security", [4.5, 4.2, 3.5, 2.0, 3.0, 1.5]),
    "Role-based access": ("Security", [4.3, 4.5, 3.8, 2.5, 3.5, 2.5]),
    "API access": ("Platform", [4.0, 4.7, 3.5, 3.0, 4.2, 3.8]),
    "Integrations marketplace": ("Platform", [3.2, 4.5, 3.0, 2.0, 3.8, 3.0]),
    "Workflow automation": ("Platform", [3.5, 4.4, 3.2, 2.2, 3.6, 3.9]),
    "Multi-currency": ("Platform", [3.0, 4.0, 4.2, 3.5, 2.8, 2.5]),
    "Custom reports": ("Analytics", [4.4, 4.0, 3.6, 2.8, 3.4, 3.0]),
    "Data export": ("Analytics", [4.2, 3.8, 4.0, 3.6, 3.5, 3.2]),
    "AI assistant": ("Analytics", [1.5, 4.2, 2.0, 1.0, 2.5, 4.6]),
    "Mobile app": ("Usability", [2.8, 3.6, 4.0, 3.2, 3.0, 4.7]),
    "Offline mode": ("Usability", [2.0, 2.5, 3.0, 2.8, 1.5, 4.0]),
}
_PRICE_TIER = {
    "Northwind": "Premium", "Apex": "Premium", "Brightline": "Mid",
    "Corvid": "Budget", "Dynamo": "Mid", "Fluxion": "Budget",
}


def _capabilities_table(rng: np.random.Generator) -> pd.DataFrame:
    """Feature scores 0-5 (one decimal) per company, from analyst-style profiles plus jitter."""
    rows = []
    for c, company in enumerate(_PRICE_TIER):
        for feature, (category, scores) in _CAPABILITIES.items():
            score = float(np.clip(np.round(scores[c] + rng.uniform(-0.2, 0.2), 1), 0.0, 5.0))
            rows.append((company, feature, score, category, _PRICE_TIER[company]))
    return pd.DataFrame(rows, columns=["company", "feature", "score", "category", "price_tier"])


# --- Feature requests -------------------------------------------------------

_NAME_STEMS = [
    "Acme", "Blue Harbor", "Cedar", "Silverline", "Pinecrest", "Redwood", "Summit",
    "Ironbridge", "Lakeside", "Brightwater", "Granite", "Maple", "Orchid", "Riverton",
    "Stonefield", "Sunrise", "Keystone", "Crescent", "Evergreen", "Falcon", "Harborview",
    "Juniper", "Meridian", "Oakridge", "Pioneer", "Quarry", "Sterling", "Tidewater",
    "Willow", "Copperleaf",
]
_NAME_TRADES = [
    "Retail", "Logistics", "Health", "Foods", "Engineering", "Energy", "Finance", "Media",
    "Travel", "Education", "Manufacturing", "Labs", "Construction", "Insurance", "Pharma",
    "Analytics",
]
_NAME_SUFFIX = {
    "North America": ["Inc", "LLC", "Corp"],
    "Europe": ["GmbH", "Ltd", "SA", "BV"],
    "Asia Pacific": ["Pty Ltd", "Pte Ltd", "KK"],
    "Latin America": ["SA de CV", "Ltda", "SA"],
}
_CUSTOMER_SEGMENT_MIX = {"Enterprise": 0.20, "Mid-Market": 0.35, "SMB": 0.35, "Consumer": 0.10}
_ARR_MEDIAN = {"Enterprise": 220_000, "Mid-Market": 55_000, "SMB": 9_000, "Consumer": 1_200}
_ARR_SIGMA = {"Enterprise": 0.6, "Mid-Market": 0.5, "SMB": 0.6, "Consumer": 0.5}
_N_CUSTOMERS, _N_REQUESTS = 120, 300


@dataclass(frozen=True)
class _FeatureTheme:
    """One underlying need, with the different names customers give it."""

    variants: dict[str, float]  # name -> probability
    weight: float
    segments: dict[str, float]  # affinity, default 1
    regions: dict[str, float]  # affinity, default 1
    trend: float  # log change in popularity per year (AI rising, dark mode fading)
    rival: str | None = None  # competitor that customers say already has it


_THEMES = [
    _FeatureTheme({"SSO": 0.45, "Single sign-on": 0.35, "single sign on (SAML)": 0.20}, 10,
                  {"Enterprise": 1.5, "Mid-Market": 1.5, "SMB": 0.8, "Consumer": 0.1}, {}, 0.0, "Apex"),
    _FeatureTheme({"Export to Excel": 0.6, "Excel export": 0.4}, 9, {}, {}, 0.0),
    _FeatureTheme({"Dark mode": 0.6, "dark theme": 0.4}, 6,
                  {"Enterprise": 0.3, "Mid-Market": 0.6, "SMB": 1.2, "Consumer": 2.0}, {}, -0.3),
    _FeatureTheme({"AI assistant": 1.0}, 7, {}, {}, 0.8, "Fluxion"),
    _FeatureTheme({"Mobile app": 1.0}, 6,
                  {"Enterprise": 0.4, "Mid-Market": 0.8, "SMB": 1.4, "Consumer": 2.0}, {}, 0.0, "Fluxion"),
    _FeatureTheme({"Offline mode": 1.0}, 3, {"Enterprise": 0.3},
                  {"Latin America": 3.0, "Asia Pacific": 2.0, "North America": 0.5}, 0.0, "Fluxion"),
    _FeatureTheme({"Custom reports": 1.0}, 6,
                  {"Enterprise": 1.5, "Mid-Market": 1.3, "SMB": 0.7, "Consumer": 0.2}, {}, 0.0),
    _FeatureTheme({"Workflow automation": 1.0}, 5,
                  {"Enterprise": 1.0, "Mid-Market": 1.8, "SMB": 0.8, "Consumer": 0.1}, {}, 0.2, "Apex"),
    _FeatureTheme({"API access": 1.0}, 4,
                  {"Enterprise": 1.6, "Mid-Market": 1.2, "SMB": 0.5, "Consumer": 0.05}, {}, 0.0),
    _FeatureTheme({"Audit log": 1.0}, 3,
                  {"Enterprise": 3.0, "Mid-Market": 0.6, "SMB": 0.1, "Consumer": 0.0}, {}, 0.0),
    _FeatureTheme({"Multi-currency": 1.0}, 3, {"Consumer": 0.1},
                  {"North America": 0.05, "Europe": 1.5, "Latin America": 3.0, "Asia Pacific": 1.5}, 0.0,
                  "Brightline"),
    _FeatureTheme({"Gantt view": 1.0}, 3,
                  {"Enterprise": 0.0, "Mid-Market": 0.0, "SMB": 2.5, "Consumer": 0.0}, {}, 0.0),
]

# One very large account with niche asks nobody else has: a test of "loudest vs most valuable".
LOUD_CUSTOMER = {
    "customer": "Titan Global Holdings", "segment": "Enterprise", "region": "North America",
    "arr": 3_200_000.0,
    "features": ["Mainframe connector", "Custom fiscal calendar (4-4-5)", "On-premise air-gapped install",
                 "Lotus Notes import", "Bring your own encryption key", "Mainframe connector",
                 "On-premise air-gapped install"],
    "notes": ["Escalated by their CIO", "Raised at exec sponsor meeting", "Renewal leverage",
              "Asked again in QBR"],
}
_SOURCE_MIX = {  # Sales, Support, CSM, Community
    "Enterprise": [0.35, 0.20, 0.40, 0.05],
    "Mid-Market": [0.30, 0.30, 0.30, 0.10],
    "SMB": [0.15, 0.45, 0.10, 0.30],
    "Consumer": [0.0, 0.40, 0.0, 0.60],
}
_SOURCES = ["Sales", "Support", "CSM", "Community"]
_NOTES = {
    "Sales": ["Prospect requirement in RFP", "Blocker for expansion deal", "Lost a deal over this",
              "Came up in the demo"],
    "Support": ["Workaround is manual", "Ticket escalated twice", "Users keep asking",
                "Asked in onboarding"],
    "CSM": ["Raised in QBR", "Renewal risk if missing", "Champion asked again", "Part of success plan"],
    "Community": ["Top-voted idea in forum", "+1 on community thread", "Mentioned in user group",
                  "Posted in ideas portal"],
}
_REQUEST_START, _REQUEST_END = "2023-01-01", "2025-12-31"


def _customers(rng: np.random.Generator) -> pd.DataFrame:
    """~120 fictional customers with segment, region and a log-normal ARR that stays fixed."""
    n = _N_CUSTOMERS - 1  # the loud account is added by hand
    combos = [(stem, trade) for stem in _NAME_STEMS for trade in _NAME_TRADES]
    picks = rng.choice(len(combos), size=n, replace=False)
    segments = rng.choice(SEGMENTS, size=n, p=list(_CUSTOMER_SEGMENT_MIX.values()))
    regions = rng.choice(REGIONS, size=n, p=list(_REGION_WEIGHT.values()))
    rows = []
    for pick, segment, region in zip(picks, segments, regions):
        stem, trade = combos[pick]
        suffix = _NAME_SUFFIX[region][rng.integers(len(_NAME_SUFFIX[region]))]
        arr = _ARR_MEDIAN[segment] * rng.lognormal(0.0, _ARR_SIGMA[segment])
        rows.append((f"{stem} {trade} {suffix}", str(segment), str(region), round(arr, -2)))
    loud = LOUD_CUSTOMER
    rows.append((loud["customer"], loud["segment"], loud["region"], loud["arr"]))
    return pd.DataFrame(rows, columns=["customer", "segment", "region", "arr"])


def _random_days(rng: np.random.Generator, n: int) -> pd.DatetimeIndex:
    """Uniform request dates (day resolution) within the feature-request window."""
    days = pd.date_range(_REQUEST_START, _REQUEST_END, freq="D")
    return days[np.sort(rng.integers(len(days), size=n))]


def _pick_theme(rng: np.random.Generator, segment: str, region: str, date: pd.Timestamp) -> _FeatureTheme:
    """A customer's ask, weighted by popularity, fit to its segment/region and the trend."""
    years = (date - pd.Timestamp("2024-01-01")).days / 365.25
    weights = np.array([
        th.weight * th.segments.get(segment, 1.0) * th.regions.get(region, 1.0) * np.exp(th.trend * years)
        for th in _THEMES
    ])
    return _THEMES[rng.choice(len(_THEMES), p=weights / weights.sum())]


def _feature_requests_table(rng: np.random.Generator) -> pd.DataFrame:
    """~300 requests; bigger customers ask a bit more often; one loud account asks for niche things."""
    customers = _customers(rng)
    regular = customers[customers["customer"] != LOUD_CUSTOMER["customer"]].reset_index(drop=True)
    n_regular = _N_REQUESTS - len(LOUD_CUSTOMER["features"])
    propensity = regular["arr"].to_numpy() ** 0.3
    extra = rng.multinomial(n_regular - len(regular), propensity / propensity.sum())
    who = np.repeat(np.arange(len(regular)), 1 + extra)
    who = who[rng.permutation(len(who))]
    dates = _random_days(rng, len(who))
    rows = []
    for i, date in zip(who, dates):
        cust = regular.iloc[i]
        theme = _pick_theme(rng, cust["segment"], cust["region"], date)
        names = list(theme.variants)
        feature = names[rng.choice(len(names), p=list(theme.variants.values()))]
        source = _SOURCES[rng.choice(4, p=_SOURCE_MIX[cust["segment"]])]
        if theme.rival and rng.random() < 0.25:
            note = f"{theme.rival} already has this"
        else:
            note = _NOTES[source][rng.integers(4)]
        rows.append((date, feature, *cust[["customer", "segment", "arr", "region"]], source, note))
    loud = LOUD_CUSTOMER
    for date, feature in zip(_random_days(rng, len(loud["features"])), loud["features"]):
        note = loud["notes"][rng.integers(len(loud["notes"]))]
        rows.append((date, feature, *(loud[k] for k in ("customer", "segment", "arr", "region")), "Sales", note))
    columns = ["date", "feature", "customer", "segment", "arr", "region", "source", "note"]
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["date", "customer", "feature"], kind="mergesort").reset_index(drop=True)
    out.insert(0, "request_id", [f"FR-{i:04d}" for i in range(1, len(out) + 1)])
    return out


# --- Opportunities -------------------------------------------------------------

# option, segment, region, share of 2025 units that could adopt, price vs 2025 market
# average, unit cost as share of price, fixed launch cost, launch month, p, q, analog
# ("" = no analog; written as an empty cell, read back as missing)
_OPTIONS = [
    ("Mid-Market Pro relaunch", "Mid-Market", "North America", 0.12, 1.05, 0.30, 4_500_000,
     "2026-04-01", 0.020, 0.45, "Apex Mid-Market launch (2021)"),
    ("SMB Essentials plan", "SMB", "Europe", 0.10, 0.85, 0.35, 2_200_000,
     "2026-02-01", 0.030, 0.38, "Fluxion SMB entry (2019)"),
    ("AI assistant add-on", "Enterprise", "North America", 0.25, 0.30, 0.20, 6_000_000,
     "2026-06-01", 0.012, 0.55, ""),
    ("Latin America Mid-Market expansion", "Mid-Market", "Latin America", 0.20, 0.95, 0.38, 3_100_000,
     "2026-09-01", 0.015, 0.30, ""),
    ("Consumer mobile app", "Consumer", "Asia Pacific", 0.08, 0.90, 0.25, 5_000_000,
     "2026-03-01", 0.038, 0.24, ""),
]


# The plan Northwind Flow was launched with (see data.demo_products): Bass p and q, price premium on the
# first year's average price, unit cost share, launch cost, and how far the actuals run behind it.
_FLOW_PLAN = {"p": 0.05, "q": 0.9, "cost": 0.3, "fixed": 2_500_000, "actual_to_plan": 0.85}


def _launched_plan(products: pd.DataFrame) -> tuple:
    """Northwind Flow's launch plan, sized so that three years of actuals run 15% behind it."""
    from analysis.bass import cumulative_share

    name, launch = "Northwind Flow", pd.Timestamp("2023-01-01")
    sold = products[products["product"] == name]
    per_month = sold.groupby("date")[["units", "revenue"]].sum()
    first_year = per_month.iloc[:12]
    price = round(first_year["revenue"].sum() / first_year["units"].sum())
    months_in = len(per_month)
    planned_share = cumulative_share(np.array([months_in / 12]), _FLOW_PLAN["p"], _FLOW_PLAN["q"])[0]
    size = per_month["units"].sum() / _FLOW_PLAN["actual_to_plan"] / planned_share
    return (name, "SMB", "All regions", round(size, -2), float(price), round(price * _FLOW_PLAN["cost"], 2),
            float(_FLOW_PLAN["fixed"]), launch, _FLOW_PLAN["p"], _FLOW_PLAN["q"], None)


def _opportunities_table(market: pd.DataFrame, products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Five launch options sized from the 2025 market, so they are consistent with the demo, and the plan
    of the product Northwind launched in 2023 (tracked against its actuals on the Products page)."""
    recent = market[market["date"].dt.year == market["date"].dt.year.max()]
    cells = recent.groupby(["segment", "region"])[["units", "revenue"]].sum()
    rows = []
    for option, seg, reg, reach, premium, cost, fixed, launch, p, q, analog in _OPTIONS:
        units, revenue = cells.loc[(seg, reg)]
        price = round(revenue / units * premium)
        rows.append((option, seg, reg, round(units * reach, -2), float(price), round(price * cost, 2),
                     float(fixed), pd.Timestamp(launch), p, q, analog or None))
    if products is not None:
        rows.append(_launched_plan(products))
    return pd.DataFrame(rows, columns=["option", "segment", "region", "market_size", "price", "unit_cost",
                                       "fixed_cost", "launch", "p", "q", "analog"])


# --- Public API -----------------------------------------------------------------


def generate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """All five demo tables, conformed to their schemas; same seed, same numbers.

    Each table draws from its own random stream, so changing one table's
    recipe does not reshuffle the others.
    """
    sim = simulate(seed)
    market = _market_table(sim)  # company level: drivers and options are sized from it, products split it
    products = with_products(market)
    tables = {
        "market": products,
        "drivers": _drivers_table(sim, market),
        "capabilities": _capabilities_table(np.random.default_rng([seed, 2])),
        "feature_requests": _feature_requests_table(np.random.default_rng([seed, 3])),
        "opportunities": _opportunities_table(market, products),
    }
    return {name: conform(df, name) for name, df in tables.items()}


def write_demo(out_dir: Path = DEMO_DIR, seed: int = DEFAULT_SEED) -> None:
    """Write the demo CSVs in a byte-stable format (ISO dates, shortest float text, LF)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in generate(seed).items():
        frame = df.copy()
        for column, kind in SCHEMAS[name].columns.items():
            if kind == "date" and column in frame:
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame.to_csv(out_dir / f"{name}.csv", index=False, float_format="%.15g", lineterminator="\n")


# --- Large synthetic market for benchmarks -------------------------------------------

_LARGE_VOLUME_SCALE = 0.1  # an average product sells a tenth of its company's demo volume


def _rows_per_product() -> np.ndarray:
    """Rows one product of each company contributes (Fluxion's start at its entry)."""
    cells = len(SEGMENTS) * len(REGIONS)
    entry = _month_number(STORY["new_entrant"]["start"])
    n = np.full(len(COMPANIES), len(months()) * cells)
    n[COMPANIES.index("Fluxion")] = (len(months()) - entry) * cells
    return n


def _product_plan(rows: int) -> tuple[np.ndarray, list[str]]:
    """Company of each product (round-robin) and product names, enough to reach `rows`."""
    per_company = _rows_per_product()
    cycle = per_company.sum()
    n = (rows // cycle + 1) * len(COMPANIES)
    company = np.arange(n) % len(COMPANIES)
    cumulative = np.cumsum(per_company[company])
    n = int(np.searchsorted(cumulative, rows) + 1)
    company = company[:n]
    names = [f"{COMPANIES[c]} P{i:05d}" for i, c in enumerate(company)]
    return company, names


def generate_large_market(rows: int, seed: int = DEFAULT_SEED,
                          chunk_rows: int = 1_000_000) -> Iterator[pd.DataFrame]:
    """Yield a product-level market table of exactly `rows` rows, in chunks of about `chunk_rows`.

    Why: benchmarks need 1M-10M rows with the demo's shape and story without
    holding it all in memory. Each product follows its company's demo series
    with its own size, segment/region mix, price point and noise. Text columns
    are categoricals with the same categories in every chunk, so chunks
    concatenate and write to one Parquet schema. The last product may be cut
    short (its series ends early), which keeps the row count exact.
    """
    sim = simulate(seed)
    rng = np.random.default_rng([seed, 4])
    company, names = _product_plan(rows)
    product_cats = pd.Index(names, dtype="str")
    size = rng.lognormal(0.0, 0.8, size=len(company))
    for c in range(len(COMPANIES)):
        mine = company == c
        if mine.any():
            size[mine] /= size[mine].mean()
    price_point = rng.lognormal(0.0, 0.15, size=len(company))
    entry = _month_number(STORY["new_entrant"]["start"])
    shape = sim.units.shape[:3]
    t_all, s_all, r_all = (i.ravel() for i in np.indices(shape))
    per_chunk = max(1, chunk_rows // t_all.size)
    emitted = 0
    for first in range(0, len(company), per_chunk):
        products = np.arange(first, min(first + per_chunk, len(company)))
        p = np.repeat(products, t_all.size)
        t, s, r = (np.tile(a, len(products)) for a in (t_all, s_all, r_all))
        c = company[p]
        keep = ~((c == COMPANIES.index("Fluxion")) & (t < entry))
        p, t, s, r, c = p[keep], t[keep], s[keep], r[keep], c[keep]
        p, t, s, r, c = (a[: rows - emitted] for a in (p, t, s, r, c))
        seg_mix = rng.lognormal(0.0, 0.5, size=(len(products), len(SEGMENTS)))
        reg_mix = rng.lognormal(0.0, 0.5, size=(len(products), len(REGIONS)))
        local = p - first
        volume = (sim.units[t, s, r, c] * _LARGE_VOLUME_SCALE * size[p]
                  * seg_mix[local, s] * reg_mix[local, r] * rng.lognormal(0.0, 0.15, size=len(p)))
        units = np.maximum(np.round(volume), 1.0)
        unit_price = sim.price[t, s, r, c] * price_point[p] * rng.lognormal(0.0, 0.02, size=len(p))
        revenue = np.round(units * unit_price, 2)
        yield pd.DataFrame({
            "date": sim.dates[t],
            "segment": pd.Categorical.from_codes(s, categories=SEGMENTS),
            "region": pd.Categorical.from_codes(r, categories=REGIONS),
            "company": pd.Categorical.from_codes(c, categories=COMPANIES),
            "product": pd.Categorical.from_codes(p, categories=product_cats),
            "units": units,
            "revenue": revenue,
            "price": np.round(revenue / units, 2),
        })
        emitted += len(p)
        if emitted >= rows:
            return


def write_large_market(rows: int, path: Path | str, seed: int = DEFAULT_SEED) -> int:
    """Stream the large market to one Parquet file (zstd) chunk by chunk; returns rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    writer: pq.ParquetWriter | None = None
    try:
        for chunk in generate_large_market(rows, seed):
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: demo CSVs by default, or a large Parquet file with --large/--out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out-dir", type=Path, default=DEMO_DIR, help="where the demo CSVs go")
    parser.add_argument("--large", type=int, metavar="ROWS", help="write a product-level market of ROWS rows")
    parser.add_argument("--out", type=Path, metavar="PATH.parquet", help="Parquet file for --large")
    args = parser.parse_args(argv)
    if args.large is None:
        write_demo(args.out_dir, args.seed)
        print(f"wrote {', '.join(f'{t}.csv' for t in TABLES)} to {args.out_dir}")
        return 0
    if args.out is None or args.large <= 0:
        parser.error("--large needs a positive ROWS and --out PATH.parquet (outside the repo)")
    began = time.perf_counter()
    n = write_large_market(args.large, args.out, args.seed)
    print(f"wrote {n:,} rows to {args.out} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
