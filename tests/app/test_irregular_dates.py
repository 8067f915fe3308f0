"""Survey snapshots on irregular dates are placed on a calendar the user picks, not rejected."""

from __future__ import annotations

import base64
import math

import numpy as np
import plotly.io as pio
import pytest

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app
from tests.share_files import survey_csv

PAGES = ["overview", "market", "competitors", "scenarios", "products", "opportunities", "feature_requests", "data"]


def values(array) -> list[float]:
    """Plotly's JSON keeps numbers as typed arrays: {"dtype": "f8", "bdata": base64}."""
    if isinstance(array, dict):
        return list(np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]))
    return [math.nan if v is None else v for v in array]


def upload():
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("survey.csv", survey_csv()).run()
    assert not at.exception
    return at


def report(at) -> str:
    return " ".join(unescaped_markdown(m.value) for m in [*at.error, *at.warning, *at.success])


def test_the_calendar_is_asked_and_the_report_says_what_moved_where():
    at = upload()
    calendar = next(r for r in at.radio if r.label.startswith("These dates are irregular"))
    assert calendar.value == "yearly"  # snapshots about a year apart
    text = report(at)
    assert "irregular dates placed on a yearly calendar" in text and "2004-07-15 → 2004" in text
    assert "2 year(s) without an observation stay empty" in text and "unevenly" not in text
    calendar.set_value("quarterly").run()
    text = report(at)
    assert "2004-07-15 → 2004 Q3" in text and "42 quarter(s) without an observation stay empty" in text
    assert any(b.label.startswith("Use this") for b in at.button)


@pytest.fixture(scope="module")
def app():
    at = upload()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_survey_snapshots(app, page):
    app.switch_page(f"../pages/{page}.py").run()
    assert not app.exception, app.exception
    assert app.title


def test_gaps_stay_gaps_in_the_share_chart(app):
    app.switch_page("../pages/overview.py").run()
    assert app.selectbox(key="company").value == "Alpha"  # the largest
    figure = next(pio.from_json(c.proto.spec) for c in app.get("plotly_chart") if "share_by_company" in c.proto.id)
    alpha = next(t for t in figure.data if t.name == "Alpha")
    years = [str(x)[:4] for x in alpha.x]
    y = values(alpha.y)
    # 2003 and 2007 had no survey: no point there, and no line drawn across them as if there were
    assert "2003" in years and "2007" in years
    assert math.isnan(y[years.index("2003")]) and not alpha.connectgaps
    assert y[years.index("2002")] == pytest.approx(43.6)
