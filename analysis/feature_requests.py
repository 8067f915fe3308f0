"""Feature-request triage: is a request a broad market need, or one loud account's wish?

Input is the `feature_requests` table (one row per request: `date`, `feature`,
`customer`, `segment`, `arr`; optional `region`). Every score is computed per
feature, counting each customer once, so a customer who asks five times is
still one customer, and its ARR is counted once.

Scores (0–100 unless said otherwise):
- breadth rewards many customers spread over segments and regions, and
  discounts a feature whose ARR sits with one account;
- alignment weighs each requesting customer by how fast its segment grows in
  the market table, so demand from growing segments counts more;
- RICE is the usual reach × impact × confidence / effort, with reach taken
  from the data and the other three from the product manager.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import pandas as pd

# --- Near-duplicate names ---------------------------------------------------

ACRONYMS: Mapping[str, str] = {
    "sso": "single sign on",
    "saml": "single sign on",
    "2fa": "multi factor authentication",
    "mfa": "multi factor authentication",
    "tfa": "multi factor authentication",
    "xls": "excel",
    "xlsx": "excel",
}
# Whole phrases that say the same thing; applied after acronyms.
PHRASES: Mapping[str, str] = {
    "two factor": "multi factor",
    "2 factor": "multi factor",
    "sign in": "sign on",
    "signon": "sign on",
    "log in": "sign on",
    "dark theme": "dark mode",
    "night mode": "dark mode",
}
STOPWORDS = frozenset({"a", "an", "the", "to", "for", "of", "in", "into", "with", "and", "via", "from"})
GROUP_THRESHOLD = 0.7  # token-set similarity from which two names count as one feature
TOKEN_MATCH = 0.85  # two words this alike are one word spelt differently ("reports"/"reprots")


def normalise(name: str) -> str:
    """Lower case, without bracketed asides or punctuation, acronyms spelt out.

    "single sign on (SAML)", "Single sign-on" and "SSO" all become
    "single sign on", so the similarity below only has to deal with word order
    and small wording differences.
    """
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(name).lower())
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = [ACRONYMS.get(w, w) for w in text.split()]
    text = " ".join(words)
    for phrase, canonical in PHRASES.items():
        text = re.sub(rf"\b{phrase}\b", canonical, text)
    words = [_singular(w) for w in text.split() if w not in STOPWORDS]
    return " ".join(words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def name_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two names' word sets, in [0, 1], after `normalise`.

    Words match when equal or nearly so (typos); word order does not matter,
    so "Export to Excel" and "Excel export" score 1, while "Excel export" and
    "Excel import" share one word of three and score 1/3.
    """
    return _similarity(normalise(a), normalise(b))


def _similarity(left: str, right: str) -> float:
    if left.replace(" ", "") == right.replace(" ", ""):
        return 1.0
    x, y = set(left.split()), set(right.split())
    if not x or not y:
        return 0.0
    unmatched = set(y)
    matches = 0
    for word in sorted(x):
        hit = word if word in unmatched else next((w for w in sorted(unmatched) if _alike(word, w)), None)
        if hit is not None:
            unmatched.discard(hit)
            matches += 1
    return matches / (len(x) + len(y) - matches)


@lru_cache(maxsize=65_536)
def _alike(a: str, b: str) -> bool:
    """Two words spelt nearly the same ("reports"/"reprots"), not merely sharing letters."""
    matcher = SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= TOKEN_MATCH and matcher.ratio() >= TOKEN_MATCH


def suggest_groups(features: Iterable[str], threshold: float = GROUP_THRESHOLD) -> pd.DataFrame:
    """One row per feature name as written (`variant`), its request count and suggested `group`.

    Names join a group when they are at least `threshold` similar to one of its
    names (single linkage). The group takes the name most often written, so it
    reads like the data rather than like the normalised form.
    """
    counts = pd.Series(list(features), dtype="string").dropna().value_counts()
    names = sorted(counts.index, key=lambda n: (-counts[n], len(n), n))
    order = {n: i for i, n in enumerate(names)}
    norm = {n: normalise(n) for n in names}
    size = {n: max(1, len(set(norm[n].split()))) for n in names}
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if min(size[a], size[b]) / max(size[a], size[b]) < threshold:  # Jaccard cannot reach it
                if norm[a].replace(" ", "") != norm[b].replace(" ", ""):
                    continue
            if root(a) != root(b) and _similarity(norm[a], norm[b]) >= threshold:
                first, second = sorted((root(a), root(b)), key=order.get)
                parent[second] = first  # the earlier (more requested) name leads
    rows = [{"variant": n, "requests": int(counts[n]), "group": root(n)} for n in names]
    return pd.DataFrame(rows).sort_values(["group", "requests"], ascending=[True, False]).reset_index(drop=True)


def apply_groups(requests: pd.DataFrame, groups: pd.DataFrame | None) -> pd.DataFrame:
    """Requests with `feature` replaced by its group; the name as written stays in `variant`.

    `groups` maps `variant` to `group` (an edited copy of `suggest_groups`);
    None, a missing variant or an empty group name keeps the name as written.
    """
    out = requests.copy()
    out["variant"] = out["feature"].astype("string")
    if groups is None or groups.empty:
        return out
    names = groups.dropna(subset=["group"])
    names = names[names["group"].astype(str).str.strip() != ""]
    mapping = dict(zip(names["variant"].astype(str), names["group"].astype(str).str.strip()))
    out["feature"] = out["variant"].map(lambda v: mapping.get(v, v)).astype("string")
    return out


# --- Scores per feature -----------------------------------------------------

SINGLE_ACCOUNT_SHARE = 60.0  # % of a feature's ARR from one customer: "driven by one account"
HALF_REACH = 5.0  # effective customers at which the reach part of breadth is one half
GROWTH_CAP = 20.0  # % a year: segments growing (shrinking) this fast or more weigh 2 (0)
REACH_MONTHS = 12  # RICE reach: customers asking in this many months up to the latest request

BREADTH_METHOD = rf"""
**Breadth (0–100): many customers, across the market, none dominant.**
$\text{{breadth}} = 100 \times \text{{coverage}} \times \dfrac{{m}}{{m + {HALF_REACH:g}}}$, where
- $m = \sqrt{{n \times E}}$ is the number of customers $n$, discounted when their ARR sits with a few of them:
  $E = 10{{,}}000 / \text{{HHI}}$ is the number of equal-sized accounts that would give the same concentration
  (one customer: $E = 1$; ten of equal ARR: $E = 10$);
- coverage is the average of the share of segments and the share of regions the requesters come from;
- so, in data with four segments and four regions, one account scores about 4, five equal customers covering
  every segment and region 50, forty of them 89.

**Concentration.** HHI is the sum of the squared ARR shares (in %) of the requesting customers: 10,000 when one
customer holds all the ARR, 1,000 for ten equal ones. A request is **driven by one account** when a single
customer asked, or the top account holds {SINGLE_ACCOUNT_SHARE:.0f}% or more of its ARR.

**Market alignment (0–100, 50 = flat).** Each requesting customer counts with its segment's weight
$w = 1 + \text{{CAGR}} / {GROWTH_CAP:g}$, with the segment's revenue CAGR capped at ±{GROWTH_CAP:g}% a year
(a segment growing {GROWTH_CAP:g}% a year counts twice, a flat one once, one shrinking {GROWTH_CAP:g}% not at all);
alignment $= 50 \times$ the average weight. Segments the market table does not know count as flat.

**RICE** $= \text{{reach}} \times \text{{impact}} \times \text{{confidence}} / \text{{effort}}$, with reach = the
number of distinct customers who asked in the {REACH_MONTHS} months up to the latest request in the data, impact on
the usual scale (0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive), confidence in % and effort in person-months.

ARR is counted once per customer and feature: the customer's latest known ARR.
"""

SUMMARY_COLUMNS = [
    "feature", "requests", "customers", "arr", "segments", "regions", "segment_list", "region_list",
    "first_request", "latest_request", "top_customer", "top_share", "hhi", "effective_customers",
    "coverage", "breadth", "alignment", "reach", "single_account",
]


def customer_profile(requests: pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest known ARR, segment and region (from its most recent request).

    ARR describes the customer, not the request: taking the latest value counts
    it once whatever the number of requests and follows upgrades and churn.
    """
    cols = ["customer", "arr", "segment"] + (["region"] if "region" in requests else [])
    latest = requests.sort_values(["date", "request_id"] if "request_id" in requests else ["date"])
    latest = latest.drop_duplicates("customer", keep="last")[cols].copy()
    latest["arr"] = pd.to_numeric(latest["arr"], errors="coerce").fillna(0.0).clip(lower=0.0).astype(float)
    return latest.set_index("customer")


def concentration(arr: pd.Series) -> tuple[float, float]:
    """Top account's share of the total in % and the HHI (0–10,000) of the shares.

    With no ARR at all (free users, or ARR missing) every customer gets an equal
    share, so a feature asked by many free users is still seen as broad.
    """
    values = arr.astype(float).clip(lower=0.0).to_numpy()
    if len(values) == 0:
        return float("nan"), float("nan")
    total = values.sum()
    shares = 100.0 * (values / total if total > 0 else np.full(len(values), 1.0 / len(values)))
    return float(shares.max()), float((shares**2).sum())


def breadth_score(customers: int, hhi: float, coverage: float, half: float = HALF_REACH) -> float:
    """See BREADTH_METHOD: 100 × coverage × m / (m + half), m = √(customers × 10,000 / HHI)."""
    if customers <= 0 or not hhi > 0:
        return 0.0
    m = math.sqrt(customers * 10_000.0 / hhi)
    return 100.0 * coverage * m / (m + half)


def growth_weight(cagr: float | None, cap: float = GROWTH_CAP) -> float:
    """1 for a flat or unknown segment, up to 2 for fast growth, down to 0 for a fast decline."""
    if cagr is None or not np.isfinite(cagr):
        return 1.0
    return 1.0 + max(-cap, min(cap, float(cagr))) / cap


def segment_growth(cagr: pd.DataFrame, by: str = "segment") -> dict[str, float]:
    """{segment: CAGR in %} from `analysis.market.cagr_table`, unknown growth left out."""
    if cagr is None or cagr.empty:
        return {}
    known = cagr.dropna(subset=["cagr"])
    return {str(k): float(v) for k, v in zip(known[by], known["cagr"])}


def feature_summary(requests: pd.DataFrame, growth: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per feature with the columns in SUMMARY_COLUMNS, sorted by breadth.

    Coverage is measured against the segments and regions present in the whole
    request table, so a score means the same across features of one dataset.
    """
    requests = requests.dropna(subset=["feature", "customer", "date"])
    if requests.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    profile = customer_profile(requests)
    has_region = "region" in profile
    all_segments = profile["segment"].dropna().nunique()
    all_regions = profile["region"].dropna().nunique() if has_region else 0
    latest_date = pd.Timestamp(requests["date"].max())
    window_start = latest_date - pd.DateOffset(months=REACH_MONTHS)
    growth = dict(growth or {})
    rows = []
    for feature, part in requests.groupby("feature", sort=True):
        who = profile.loc[sorted(part["customer"].unique())]
        top_share, hhi = concentration(who["arr"])
        segs = sorted(who["segment"].dropna().astype(str).unique())
        regs = sorted(who["region"].dropna().astype(str).unique()) if has_region else []
        spreads = [len(segs) / all_segments] if all_segments else []
        spreads += [len(regs) / all_regions] if all_regions else []
        coverage = float(np.mean(spreads)) if spreads else 0.0
        n = len(who)
        rows.append({
            "feature": str(feature),
            "requests": len(part),
            "customers": n,
            "arr": float(who["arr"].sum()),
            "segments": len(segs),
            "regions": len(regs) if has_region else np.nan,
            "segment_list": ", ".join(segs),
            "region_list": ", ".join(regs),
            "first_request": part["date"].min(),
            "latest_request": part["date"].max(),
            "top_customer": str(who["arr"].idxmax()),
            "top_share": top_share,
            "hhi": hhi,
            "effective_customers": 10_000.0 / hhi if hhi > 0 else np.nan,
            "coverage": 100.0 * coverage,
            "breadth": breadth_score(n, hhi, coverage),
            "alignment": 50.0 * float(np.mean([growth_weight(growth.get(str(s))) for s in who["segment"]])),
            "reach": int(part.loc[part["date"] > window_start, "customer"].nunique()),
            "single_account": bool(n == 1 or top_share >= SINGLE_ACCOUNT_SHARE),
        })
    return rank(pd.DataFrame(rows, columns=SUMMARY_COLUMNS), "breadth")


# --- RICE -------------------------------------------------------------------


@dataclass(frozen=True)
class RiceRange:
    """Allowed values of one RICE input; out-of-range entries fall back to `default`."""

    low: float
    high: float
    default: float


RICE_INPUTS: Mapping[str, RiceRange] = {
    "impact": RiceRange(0.25, 3.0, 1.0),  # Intercom's scale: 0.25 minimal … 3 massive
    "confidence": RiceRange(0.0, 100.0, 80.0),  # %
    "effort": RiceRange(0.1, 120.0, 1.0),  # person-months
}


def default_rice_inputs(features: Iterable[str]) -> pd.DataFrame:
    """Impact 1, confidence 80%, effort 1 person-month for every feature, in name order."""
    names = sorted(dict.fromkeys(str(f) for f in features))
    return pd.DataFrame({"feature": names, **{k: [r.default] * len(names) for k, r in RICE_INPUTS.items()}})


def clean_rice_inputs(inputs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Inputs with missing or out-of-range values replaced by the default, and one note per fix."""
    out = inputs.copy()
    notes = []
    for column, allowed in RICE_INPUTS.items():
        values = pd.to_numeric(out[column], errors="coerce")
        bad = values.isna() | (values < allowed.low) | (values > allowed.high)
        for feature in out.loc[bad, "feature"].head(3):
            notes.append(f"{column.capitalize()} for “{feature}” must be between {allowed.low:g} and "
                         f"{allowed.high:g}; using {allowed.default:g}.")
        out[column] = values.where(~bad, allowed.default).astype(float)
    return out, notes


def rice(reach: float, impact: float, confidence: float, effort: float) -> float:
    """RICE = reach × impact × confidence (as a fraction) / effort (person-months)."""
    return reach * impact * (confidence / 100.0) / effort


def with_rice(summary: pd.DataFrame, inputs: pd.DataFrame) -> pd.DataFrame:
    """`summary` plus impact, confidence, effort and `rice`; features without inputs get the defaults."""
    cleaned, _ = clean_rice_inputs(inputs)
    out = summary.drop(columns=[c for c in (*RICE_INPUTS, "rice") if c in summary]).merge(
        cleaned[["feature", *RICE_INPUTS]], on="feature", how="left")
    for column, allowed in RICE_INPUTS.items():
        out[column] = out[column].fillna(allowed.default)
    out["rice"] = [rice(r, i, c, e) for r, i, c, e in
                   zip(out["reach"], out["impact"], out["confidence"], out["effort"])]
    return out


# --- Ranking, quadrants and drill-down -------------------------------------

SORTS: Mapping[str, str] = {  # URL value → column; the URL values are part of the product
    "breadth": "breadth",
    "RICE": "rice",
    "alignment": "alignment",
    "ARR": "arr",
    "customers": "customers",
    "requests": "requests",
}


def rank(summary: pd.DataFrame, by: str) -> pd.DataFrame:
    """Highest first by the column `by`; ties go to more ARR, then to the name, so order is stable."""
    out = summary.drop(columns=["rank"], errors="ignore")
    out = out.sort_values([by, "arr", "feature"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


@dataclass(frozen=True)
class Quadrants:
    """Where the quadrant chart splits: the median breadth and median ARR of the features."""

    breadth: float
    arr: float
    single_account: int  # how many features are driven by one account
    total: int


def quadrants(summary: pd.DataFrame) -> Quadrants:
    return Quadrants(
        breadth=float(summary["breadth"].median()) if len(summary) else 0.0,
        arr=float(summary["arr"].median()) if len(summary) else 0.0,
        single_account=int(summary["single_account"].sum()),
        total=len(summary),
    )


def requesters(requests: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Who asked for `feature` (as grouped): one row per customer, largest ARR first.

    Columns: customer, segment, region, arr, share (of the feature's ARR, %),
    requests, first_request, latest_request, asked_as (the names they used).
    """
    part = requests[requests["feature"] == feature]
    columns = ["customer", "segment", "region", "arr", "share", "requests", "first_request", "latest_request",
               "asked_as"]
    if part.empty:
        return pd.DataFrame(columns=columns)
    profile = customer_profile(requests)
    names = part["variant"] if "variant" in part else part["feature"]
    per = part.assign(asked=names).groupby("customer").agg(
        requests=("date", "size"), first_request=("date", "min"), latest_request=("date", "max"),
        asked_as=("asked", lambda s: ", ".join(sorted(dict.fromkeys(s.astype(str))))),
    )
    out = profile.loc[per.index].join(per).reset_index()
    if "region" not in out:
        out["region"] = pd.NA
    total = out["arr"].sum()
    out["share"] = 100.0 * out["arr"] / total if total > 0 else 100.0 / len(out)
    return out.sort_values(["arr", "customer"], ascending=[False, True])[columns].reset_index(drop=True)


OTHERS = "Other customers"  # the bucket `top_requesters` puts the smallest requesters in


def top_requesters(table: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The `limit - 1` largest requesters and one "N others" row, so a chart stays readable."""
    if len(table) <= limit:
        return table
    head, tail = table.iloc[: limit - 1], table.iloc[limit - 1:]
    rest = pd.DataFrame([{"customer": f"{len(tail)} other customers", "segment": OTHERS, "arr": tail["arr"].sum(),
                          "share": tail["share"].sum(), "requests": int(tail["requests"].sum())}])
    return pd.concat([head, rest], ignore_index=True)


@dataclass(frozen=True)
class Overview:
    """Headline figures of the request table: what the page's metric cards show."""

    features: int
    names: int  # distinct names as written, before grouping
    customers: int
    arr: float  # latest ARR of every requesting customer, each once
    single_account: int  # features driven by one account
    first: pd.Timestamp
    latest: pd.Timestamp


def overview(requests: pd.DataFrame, summary: pd.DataFrame) -> Overview:
    names = requests["variant"] if "variant" in requests else requests["feature"]
    return Overview(
        features=len(summary),
        names=int(names.nunique()),
        customers=int(requests["customer"].nunique()),
        arr=float(customer_profile(requests)["arr"].sum()) if len(requests) else 0.0,
        single_account=int(summary["single_account"].sum()),
        first=pd.Timestamp(requests["date"].min()),
        latest=pd.Timestamp(requests["date"].max()),
    )
