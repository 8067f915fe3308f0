"""The Market page's Track record and the Briefing's line, on the demo, a saved dataset and an upload."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from dashboard.safe_text import unescaped_markdown
from dashboard.sharing import view_store
from data.dataset import Dataset
from data.forecast_record import record_version
from data.workspace import Workspace
from tests.app.test_hostile_names import open_with
from tests.app.test_pages import chart_titles, open_app
from tests.unit.test_forecast_record import market

PAGE = "../pages/market.py"
SEGMENT = "SMB <b>[x](https://evil.example)</b>"


def page_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(i.value) for i in at.info]
    return unescaped_markdown("\n".join(parts))


def track_chart(at) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "Past forecasts of" in json.loads(c.proto.spec)["layout"]["title"]["text"])


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Iterator[Workspace]:
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    view_store.clear()
    yield Workspace(tmp_path, after_save=record_version)  # on this thread: the test reads them right after
    view_store.clear()


def versions(ws: Workspace) -> str:
    """Two versions of one dataset, the second with 6 more months; a hostile segment name."""
    def named(periods: int) -> pd.DataFrame:
        frame = market(periods)
        frame["segment"] = frame["segment"].replace("SMB", SEGMENT)
        return frame

    first = ws.save("Phones", {"market": named(48)}, "phones.csv")
    ws.save("Phones", {"market": named(54)}, "phones.csv", dataset_id=first.dataset_id)
    return first.dataset_id


def test_the_demo_shows_a_track_record_on_first_run():
    at = open_app({}, PAGE)
    assert not at.exception, at.exception
    said = page_text(at)
    assert "Track record" in [s.value for s in at.subheader]
    assert re.search(r"Past forecasts: off by \d+% on average; \d+ of 12 months inside the 90% band", said)
    assert re.search(r"The forecast of \w+ 2025 was \d+% too (high|low) \(the largest miss\)", said)
    chart = track_chart(at)
    assert re.fullmatch(r"Past forecasts of the whole market against the actuals: off by \d+% on average",
                        chart["layout"]["title"]["text"])
    names = [t["name"] for t in chart["data"]]
    assert names == ["90% band, the data to December 2024", "Forecast made on the data to December 2024", "Actual"]


def test_the_briefing_card_carries_the_one_line_summary():
    at = open_app({})
    assert not at.exception, at.exception
    lines = [c.value for c in at.caption if "Past forecasts" in c.value]
    assert len(lines) == 1
    assert re.fullmatch(r"Past forecasts: off by \d+% on average; \d+ of 12 months inside the 90% band",
                        unescaped_markdown(lines[0]))


def test_a_saved_dataset_checks_version_1_against_version_2(ws):
    dataset_id = versions(ws)
    at = open_app({"data": dataset_id, "measure": "units"}, PAGE)
    assert not at.exception, at.exception
    said = page_text(at)
    assert re.search(r"Past forecasts: off by \d+% on average; \d of 6 months inside the 90% band", said)
    assert "The forecast made on version 1 was off by" in said
    assert [t["name"] for t in track_chart(at)["data"]] == ["90% band, version 1", "Forecast made on version 1", "Actual"]

    one_segment = open_app({"data": dataset_id, "measure": "units", "segment": [SEGMENT]}, PAGE)
    assert not one_segment.exception, one_segment.exception
    title = track_chart(one_segment)["layout"]["title"]["text"]
    assert "(segment)" in title and "<b>" not in title and "&lt;b&gt;" in title  # shown as text, not a tag
    assert not any("](https://evil" in m.value for m in one_segment.markdown)

    first = open_app({"data": f"{dataset_id}@1", "measure": "units"}, PAGE)  # nothing before version 1
    assert not first.exception, first.exception
    assert "No earlier version has a forecast whose periods now have actuals" in page_text(first)
    assert not any("Past forecasts of" in t for t in chart_titles(first))


def test_an_unsaved_upload_is_told_how_to_get_a_record():
    data = Dataset.from_tables("Your data (phones.csv)", "market: phones.csv", {"market": market(48)}, ours="Acme")
    at = open_with(data, PAGE)
    assert "save this data to the workspace on the Data page" in page_text(at)
    assert not any("Past forecasts of" in t for t in chart_titles(at))
