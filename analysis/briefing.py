"""The executive briefing's own numbers: next year's forecast, and risks and opportunities.

Everything else on the briefing comes from `kpis`, `findings` and `market`;
this module turns their results into the few lines a CEO reads first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from analysis.findings import Finding
from analysis.forecast import forecast


@dataclass(frozen=True)
class Outlook:
    """The market's next `periods` against its last, with the forecast's interval."""

    periods: int
    last: float
    next: float
    low: float
    high: float
    level: float
    model: str
    summary: str
    method: str = ""  # the candidate that produced it ("seasonal_naive", "holt_winters", …)

    @property
    def growth(self) -> float:
        return 100.0 * (self.next / self.last - 1.0) if self.last > 0 else float("nan")

    @property
    def growth_range(self) -> tuple[float, float]:
        if self.last <= 0:
            return float("nan"), float("nan")
        return 100.0 * (self.low / self.last - 1.0), 100.0 * (self.high / self.last - 1.0)


def market_outlook(series: pd.Series, *, season: int = 12, level: float = 0.9) -> Outlook:
    """Forecast the next `season` periods of the market total.

    The range sums the per-period bounds (errors treated as perfectly
    correlated): wider than the true interval of the sum, so on the cautious side.
    """
    fc = forecast(series, season, season_length=season, level=level)
    return Outlook(season, float(series.iloc[-season:].sum()), float(fc.mean.sum()), float(fc.lower.sum()),
                   float(fc.upper.sum()), fc.level, fc.model, fc.summary, fc.method)


# Why a kind of finding matters to us and what to watch, when the finding does not say it with its own numbers.
_WHY = {
    "share": ("Share a rival wins in a segment and region is revenue it books instead of us.",
              "The rival's prices and launches in that segment and region."),
    "growth": ("Where the market grows fast and we are small, new revenue goes to others; where it shrinks and we "
               "are big, our revenue shrinks with it.", "Our share of that segment and region next quarter."),
    "price": ("A rival's price cut wins volume unless we answer it.", "Our units in that region over the next months."),
    "lag": ("We grow more slowly than our own market there: we lose share even while revenue rises.",
            "Our growth against the segment's over the next quarter."),
    "concentration": ("A more concentrated market gives the largest companies more pricing power.",
                      "The top companies' shares."),
    "forecast": ("The forecast changes the plan's growth assumption.",
                 "The next months' actuals against the forecast range."),
}


def explain(finding: Finding) -> Finding:
    """A finding as a risk or opportunity: a short title, why it matters to us, and what to watch."""
    why, watch = _WHY.get(finding.kind, ("", ""))
    return replace(finding, text=finding.label or finding.text, why=finding.why or why, watch=finding.watch or watch)


def risks_and_opportunities(findings: list[Finding], outlook_by: pd.DataFrame | None, by: str,
                            limit: int = 4, unit: str = "USD") -> tuple[list[Finding], list[Finding]]:
    """Findings that threaten or favour us, plus forecast turning points per segment or region.

    Each item is explained (`explain`): a title, why it is a risk or an
    opportunity, and what to watch. A segment forecast to shrink is a risk; the
    one forecast to grow fastest is an opportunity. Each list keeps the biggest first.
    """
    risks = [explain(f) for f in findings if f.sentiment == "risk"]
    opportunities = [explain(f) for f in findings if f.sentiment == "opportunity"]
    if outlook_by is not None and not outlook_by.empty:
        for _, row in outlook_by.iterrows():
            change = row["next_year"] - row["last_year"]
            if row["growth"] < 0:
                risks.append(Finding(
                    "forecast", f"{row[by]} is forecast to shrink {abs(row['growth']):.1f}% next year",
                    abs(change), "market", {by: [str(row[by])]}, "risk", unit,
                    why=f"The forecast range is {row['growth_low']:+.0f}% to {row['growth_high']:+.0f}%: "
                        "revenue we hold there shrinks with it.",
                    watch=f"{row[by]}'s next months against the forecast."))
        best = outlook_by.sort_values("growth", ascending=False).iloc[0]
        if best["growth"] > 0:
            opportunities.append(Finding(
                "forecast", f"{best[by]} is forecast to grow fastest next year: {best['growth']:+.1f}%",
                best["next_year"] - best["last_year"], "market", {by: [str(best[by])]}, "opportunity", unit,
                why=f"The forecast range is {best['growth_low']:+.0f}% to {best['growth_high']:+.0f}%: "
                    "the most new revenue of any segment.",
                watch=f"Our share of {best[by]}: growth only helps if we keep it."))
    by_money = lambda items: sorted(items, key=lambda f: f.impact, reverse=True)[:limit]  # noqa: E731
    return by_money(risks), by_money(opportunities)


NO_TREND = ("naive", "seasonal_naive")  # they repeat the last period or season: flat by construction, not a turn


def turning_point(outlook: Outlook, past_growth: float | None, *, min_change: float = 3.0,
                  unit: str = "USD") -> Finding | None:
    """The market's forecast growth against its growth over the last year, when the two differ enough.

    A slowdown, acceleration or change of sign is what a strategy meeting should
    hear about first; small differences are within the forecast's noise. A naive
    forecast (chosen when nothing beat repeating the last year) has no trend to turn,
    so "growth slows to +0.0%" would be the method speaking, not the market. Its size
    is in the market's `unit` ("USD", or "units" when the market is counted in units).
    """
    if past_growth is None or outlook.last <= 0 or outlook.method in NO_TREND:
        return None
    change = outlook.growth - past_growth
    if abs(change) < min_change and (outlook.growth >= 0) == (past_growth >= 0):
        return None
    if (outlook.growth >= 0) != (past_growth >= 0):
        what = "turns to decline" if outlook.growth < 0 else "returns to growth"
    else:
        what = "slows" if change < 0 else "accelerates"
    low, high = outlook.growth_range
    text = (f"Market growth {what}: {past_growth:+.1f}% over the last year, {outlook.growth:+.1f}% forecast for the "
            f"next (range {low:+.0f}% to {high:+.0f}%).")
    return Finding("forecast", text, abs(change) / 100 * outlook.last, "market", {},
                   "risk" if change < 0 else "opportunity", unit)
