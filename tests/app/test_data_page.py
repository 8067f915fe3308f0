"""The Data page in AppTest: a bad upload changes nothing, a good one changes every page."""

from __future__ import annotations

from dashboard.safe_text import unescaped_markdown
from tests.app.test_pages import open_app

WIDE = b"Month,Apex %,Northwind %,Others %\n2024-01,40.0,35.0,25.0\n2024-02,41.0,34.0,25.1\n2024-03,39.9,35.0,25.0\n"
BROKEN = b"date,segment,region,company,units,revenue\n2024-01-01,SMB,EU,Apex,ten,5\n"


def sidebar_source(at) -> str:
    return " ".join(unescaped_markdown(c.value) for c in at.sidebar.caption)


def test_a_broken_file_is_reported_and_changes_nothing():
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("broken.csv", BROKEN).run()
    assert not at.exception
    errors = " ".join(unescaped_markdown(e.value) for e in at.error)
    assert "market.units" in errors and "row 2" in errors and "“ten” is not a number" in errors
    assert any("Nothing changed" in i.value for i in at.info)
    assert "Demo market" in sidebar_source(at)
    assert not [b for b in at.button if b.label.startswith("Use this")]


def test_a_wide_share_file_becomes_the_data_of_every_page():
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", WIDE).run()
    assert not at.exception
    assert at.radio(key=next(k for k in at.session_state if str(k).startswith("layout_"))).value == "wide"
    use = next(b for b in at.button if b.label.startswith("Use this"))
    use.click().run()
    assert not at.exception
    assert "tracker.csv" in sidebar_source(at)
    at.switch_page("../pages/overview.py").run()
    assert not at.exception
    assert at.selectbox(key="company").options == ["Apex", "Northwind"]
    assert at.segmented_control(key="measure").value == "share"
    # Apex, the largest, is ours unless the user says otherwise (the demo's Northwind does not carry over);
    # its share over the three months, each month scaled to sum to 100
    assert at.selectbox(key="company").value == "Apex"
    expected = 100 * (40.0 / 100.0 + 41.0 / 100.1 + 39.9 / 99.9) / 3
    assert at.metric[0].value == f"{expected:.1f}%" and at.metric[1].value == "#1 of 2"
    assert "Market size" not in [m.label for m in at.metric]


def test_a_file_with_hundreds_of_companies_draws_its_50_largest_and_says_how_many_more():
    import json

    months = ("2024-01-01", "2024-02-01")
    lines = [f"{m},SMB,EU,C{i:03d},{i + 1}" for i in range(300) for m in months if m == months[0] or i % 2]
    text = "date,segment,region,company,units\n" + "\n".join(lines) + "\n"
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("many.csv", text.encode()).run()
    assert not at.exception
    pending = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "missing_pending" in c.proto.id]
    assert len(pending) == 1
    heatmap = pending[0]["data"][0]
    assert len(heatmap["y"]) == 50  # not one row per company: a 300-row chart, or a million-row one
    assert "the 50 companies with the most rows" in pending[0]["layout"]["title"]["text"]
    assert any("250 more companies are not drawn" in c.value for c in at.caption)
