"""The Market page's Track record and the Briefing's one line about it.

A saved dataset's earlier versions have their forecasts stored (`data.forecast_record`); the
current version's actuals check them (`analysis.track_record`). The demo has no saved versions,
so its "earlier version" is its own market cut a year earlier (the same generator's data up to
then), forecast on first view and cached for every session: the section is never empty on a
first run. Unsaved uploads have no record; the section says how to get one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis.track_record import TrackRecord, check_forecast, error_words, period_name, record_words, summary_line
from dashboard.background import in_background
from dashboard.context import PageContext
from dashboard.data_access import demo_dataset, market_totals
from dashboard.formatting import MEASURE_LABELS, measure_axis
from dashboard.safe_text import md
from dashboard.shared_work import computed, figure
from dashboard.single_flight import shared
from dashboard.track_charts import track_record_chart
from dashboard.widgets import chart
from data.forecast_record import DEFAULT_HORIZON, DEFAULT_LEVEL, market_forecast_frame, slice_key, stored_forecasts
from data.store import MarketFilter

log = logging.getLogger(__name__)
_WORKSPACE_KEY = re.compile(r"^ws-([a-z0-9]{8})-([0-9]{1,7})$")  # dataset_picker's key of a saved version
MAX_SHOWN = 4  # versions drawn on the chart, the most recent ones: more lines are not read
# Seconds the Briefing's line is reused: a saved version's forecasts are stored just after the save, off the
# session's thread, so a line read in between says less until then.
LINE_TTL = 60


@dataclass(frozen=True)
class Earlier:
    """A forecast made on an earlier version: what to call it, and its numbers."""

    label: str
    frame: pd.DataFrame  # period, point, lower, upper
    level: float
    model: str


def chosen_slice(segments: tuple[str, ...], regions: tuple[str, ...]) -> tuple[str | None, str | None, bool]:
    """The stored slice that matches the sidebar: (split, value, exact). Forecasts are kept for the whole market,
    each segment and each region; any other choice is answered with the whole market (exact False)."""
    if not segments and not regions:
        return None, None, True
    if len(segments) == 1 and not regions:
        return "segment", segments[0], True
    if len(regions) == 1 and not segments:
        return "region", regions[0], True
    return None, None, False


def slice_actuals(context: PageContext, split: str | None, value: str | None) -> pd.Series:
    """The current version's totals of the slice over every period (the period filter does not cut actuals)."""
    where = MarketFilter(segments=(value,) if split == "segment" else (), regions=(value,) if split == "region" else ())
    totals = market_totals(context.store, context.dataset.content_hash, where, ("date",))
    return totals.set_index("date")[context.filters.measure].dropna().astype("float64")


def workspace_version(context: PageContext) -> tuple[str, int] | None:
    """(dataset id, version) when the page shows a saved version, else None."""
    match = _WORKSPACE_KEY.fullmatch(context.dataset.content_hash)
    if match is None or match.group(1) != context.dataset_key:
        return None
    return match.group(1), int(match.group(2))


def is_demo(context: PageContext) -> bool:
    return context.dataset.content_hash == demo_dataset().content_hash


def demo_cut(actual: pd.Series, season: int) -> pd.Series | None:
    """The demo's "earlier version" of a slice: its actuals cut a year earlier; None when too short to forecast."""
    cut = actual.iloc[:-max(season, 1)]
    return cut if len(cut) >= 2 * max(season, 2) else None


def demo_earlier(actual: pd.Series, season: int, periodicity: str | None) -> list[Earlier]:
    """The demo's "earlier version": its market cut a year earlier, forecast as the Market page would have."""
    cut = demo_cut(actual, season)
    if cut is None:
        return []
    frame, model, level = computed(forecast_on_worker, cut, season)  # once for every session
    label = f"the data to {period_name(cut.index[-1], periodicity)}"
    return [Earlier(label, frame, level, model)]


def forecast_on_worker(cut: pd.Series, season: int) -> tuple[pd.DataFrame, str, float]:
    """`market_forecast_frame` by the forecast worker (joining a job `record_soon` queued): half a second of
    model fitting off the core every session's script runs on (in the script if the worker cannot take it)."""
    return in_background(market_forecast_frame, cut, season).result()


_queued: set[tuple] = set()  # (data, measure, slice, season) whose demo forecast this process queued


def record_soon(context: PageContext, season: int) -> None:
    """Queue the demo's earlier forecast of the page's slice on the worker, ahead of the page's own forecast,
    the first time a session asks in this process; `briefing_line` then finds it done or under way."""
    filters = context.filters
    if filters.measure == "share" or not is_demo(context):
        return
    split, value, _ = chosen_slice(filters.segments, filters.regions)
    key = (context.dataset.content_hash, filters.measure, split, value, season)
    if key in _queued:
        return
    if len(_queued) > 1024:
        _queued.clear()
    _queued.add(key)
    cut = demo_cut(slice_actuals(context, split, value), season)
    if cut is not None:
        in_background(market_forecast_frame, cut, season)


def saved_earlier(dataset_id: str, version: int, key: str) -> list[Earlier]:
    """Forecasts stored for the versions before `version` (versions saved before this feature have none)."""
    from dashboard.dataset_picker import workspace

    found = stored_forecasts(workspace().engine, dataset_id, key, before=version)
    return [Earlier(f"version {f.version}", f.frame, f.level, f.model) for f in found]


def earlier_forecasts(context: PageContext, actual: pd.Series, split: str | None, value: str | None,
                      season: int) -> list[Earlier] | None:
    """The earlier forecasts of this slice; None when this data keeps no record (an unsaved upload)."""
    saved = workspace_version(context)
    if saved is not None:
        return saved_earlier(*saved, slice_key(context.filters.measure, split, value))
    if is_demo(context):
        return demo_earlier(actual, season, context.filters.periodicity)
    return None


def records_of(earlier: list[Earlier], actual: pd.Series) -> list[tuple[Earlier, TrackRecord]]:
    """The last `MAX_SHOWN` earlier forecasts that have actuals, checked; the chart, words and summary use these."""
    checked = [(e, check_forecast(e.frame, actual, version=e.label, level=e.level, model=e.model)) for e in earlier]
    return [(e, r) for e, r in checked if r is not None][-MAX_SHOWN:]


def track_record_section(context: PageContext, season: int) -> None:
    """Forecasts of earlier versions against the actuals: one chart, the misses in words, the band's hits."""
    filters = context.filters
    measure, periodicity = filters.measure, filters.periodicity
    st.subheader("Track record")
    st.caption("How did the forecasts made on earlier versions of this data do, now that their periods have "
               f"actuals? The forecasts are the ones this page showed by default (automatic model, {DEFAULT_HORIZON} "
               f"periods ahead, {DEFAULT_LEVEL:.0%} band) on all of each version's periods: the period filter does "
               "not apply here.")
    split, value, exact = chosen_slice(filters.segments, filters.regions)
    actual = slice_actuals(context, split, value)
    try:
        earlier = earlier_forecasts(context, actual, split, value, season)
    except Exception as error:  # noqa: BLE001 (the record is a bonus: a database problem never costs the page)
        log.exception("the track record could not be read")
        st.info(f"The track record could not be read ({type(error).__name__}); the rest of the page is unaffected.",
                icon=":material/info:")
        return
    if earlier is None:
        st.info("A track record needs versions: save this data to the workspace on the Data page, and each new "
                "version with later periods will check the forecasts made on the earlier ones.",
                icon=":material/history:")
        return
    found = records_of(earlier, actual)
    if not found:
        st.info("No earlier version has a forecast whose periods now have actuals. Each version saved from now on "
                "keeps its forecasts, and the next version with later periods checks them.",
                icon=":material/history:")
        return
    where = "the whole market" if split is None else f"{value} ({split})"  # plot() escapes it in the title
    if not exact:
        st.caption("Forecasts are kept for the whole market, each segment and each region: showing the whole market.")
    shown = found
    latest = shown[-1][1]
    title = (f"Past forecasts of {where} against the actuals: off by {latest.mape:.0f}% on average"
             if pd.notna(latest.mape) else f"Past forecasts of {where} against the actuals")
    fig = figure(track_record_chart, actual, [(e.label, e.frame) for e, _ in shown], level=shown[-1][0].level,
                 title=title, y_title=measure_axis(measure, periodicity), money=measure == "revenue")
    data = pd.concat([r.rows.assign(version=e.label) for e, r in shown], ignore_index=True)
    st.markdown(md(summary_line([r for _, r in found], periodicity) + "."))
    chart(fig, data, key="track_record")
    for e, record in reversed(shown):
        worst = record.rows.loc[record.rows["error_pct"].abs().idxmax()] if record.rows["error_pct"].notna().any() \
            else record.rows.iloc[-1]
        last = record.rows.iloc[-1]
        said = [record_words(record, periodicity), error_words(worst["period"], worst["error_pct"], periodicity) +
                " (the largest miss)."]
        if last["period"] != worst["period"]:
            said.append(error_words(last["period"], last["error_pct"], periodicity) + " (the latest period).")
        st.markdown(md(" ".join(said)))
    with st.expander("Details: every period checked"):
        for e, record in reversed(shown):
            st.markdown(f"**{md(e.label)}** · {md(e.model)}")
            st.dataframe(record.rows, hide_index=True, width="stretch", column_config={
                "period": st.column_config.DateColumn("Period", format="MMM YYYY"),
                "forecast": st.column_config.NumberColumn("Forecast", format="compact"),
                "lower": st.column_config.NumberColumn("Band low", format="compact"),
                "upper": st.column_config.NumberColumn("Band high", format="compact"),
                "actual": st.column_config.NumberColumn("Actual", format="compact"),
                "error_pct": st.column_config.NumberColumn("Error", format="%+.1f%%",
                                                           help="(forecast - actual) / actual"),
                "inside": st.column_config.CheckboxColumn("Inside the band"),
            })
        st.caption(md(f"{MEASURE_LABELS[measure]} of {where}.") + " An error is the forecast minus the actual, as a percent of "
                   "the actual (none when the actual is zero); the average is of its size, whichever the direction.")


def briefing_line(context: PageContext, season: int) -> str | None:
    """The Briefing's one line for its forecast card, on the whole market or the one segment or region chosen."""
    filters = context.filters
    if filters.measure == "share":
        return None
    split, value, _ = chosen_slice(filters.segments, filters.regions)
    try:
        return _briefing_line(context, context.dataset.content_hash, context.dataset_key, filters.measure,
                              filters.periodicity, split, value, season)
    except Exception:  # noqa: BLE001 (never costs the Briefing)
        log.exception("the track record could not be read")
        return None


@shared
@st.cache_data(ttl=LINE_TTL, max_entries=256, show_spinner=False)
def _briefing_line(_context: PageContext, content_hash: str, dataset_key: str, measure: str, periodicity: str | None,
                   split: str | None, value: str | None, season: int) -> str | None:
    """The line for one slice, shared by every session: the Briefing asks on every run. The arguments are
    all `_context` is read for (its store is the one of `content_hash`); a failure is not cached."""
    actual = slice_actuals(_context, split, value)
    found = records_of(earlier_forecasts(_context, actual, split, value, season) or [], actual)
    return summary_line([r for _, r in found], periodicity) if found else None
