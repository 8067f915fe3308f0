"""`?data=<id>` opens a dataset saved in the workspace; bad links open the demo with a notice."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from dashboard.safe_text import unescaped_markdown
from dashboard.sharing import view_store
from data.workspace import Workspace
from tests.app.test_pages import open_app

TRACKER = "Laptop tracker <EU> [Q1](https://evil.example)"


def tracker(scale: float = 1.0) -> pd.DataFrame:
    """A small long market table with units and revenue, as a share tracker turned long would give."""
    rows = []
    for month in pd.date_range("2024-01-01", periods=6, freq="MS"):
        for company, units in (("Windows Devices Co", 500), ("Glacier Labs", 300), ("Others", 200)):
            rows.append({"date": month, "segment": "Laptops", "region": "EU", "company": company,
                         "units": units * scale, "revenue": units * scale * 900.0})
    return pd.DataFrame(rows)


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Iterator[Workspace]:
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    view_store.clear()
    yield Workspace(tmp_path)
    view_store.clear()  # later tests get a store on their own path


def sidebar_text(at) -> str:
    return " ".join(unescaped_markdown(c.value) for c in at.sidebar.caption)


def page_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.label) for m in at.metric]
    parts += [str(e.value) for e in [*at.warning, *at.info, *at.title]]
    return unescaped_markdown("\n".join(parts))


def test_a_data_link_opens_the_saved_dataset_on_the_briefing(ws):
    saved = ws.save(TRACKER, {"market": tracker()}, source="tracker.csv")
    at = open_app({"data": saved.dataset_id})
    assert not at.exception, at.exception
    assert TRACKER in sidebar_text(at)
    assert not any("](https://" in c.value or "<EU>" in c.value for c in at.sidebar.caption)  # shown, inert
    assert at.selectbox(key="data_pick").value == saved.dataset_id
    assert "Demo market" in at.selectbox(key="data_pick").options
    assert set(at.selectbox(key="company").options) >= {"Windows Devices Co", "Glacier Labs"}
    assert "Windows Devices Co" in page_text(at) or "Glacier Labs" in page_text(at)
    assert not at.warning or all("cannot be opened" not in w.value for w in at.warning)
    assert at.query_params["data"] == saved.dataset_id


@pytest.mark.parametrize("ref", ["zzzzzzzz", "../etc", "x" * 5000, "abc@1", "ABCDEFGH", "aaaaaaaa@0"])
def test_an_unknown_or_malformed_data_link_opens_the_demo_with_a_notice(ws, ref):
    ws.save("Something else", {"market": tracker()}, source="a.csv")
    at = open_app({"data": ref})
    assert not at.exception, at.exception
    warnings = " ".join(unescaped_markdown(w.value) for w in at.warning)
    assert "cannot be opened" in warnings and "Showing Demo market instead" in warnings
    assert "Demo market" in sidebar_text(at)
    assert "data" not in at.query_params
    assert len(warnings) < 600  # a 5000-character link is not echoed back whole


def test_a_deleted_dataset_link_says_so(ws):
    saved = ws.save("Soon gone", {"market": tracker()}, source="a.csv")
    ws.delete(saved.dataset_id)
    at = open_app({"data": saved.dataset_id})
    assert not at.exception
    warnings = " ".join(unescaped_markdown(w.value) for w in at.warning)
    assert "may have been deleted" in warnings and "Demo market" in sidebar_text(at)


def test_a_pinned_version_says_a_newer_one_exists(ws):
    first = ws.save("Pinned tracker", {"market": tracker()}, source="tracker.csv")
    ws.save("ignored", {"market": tracker(scale=2.0)}, source="tracker.csv", dataset_id=first.dataset_id)
    at = open_app({"data": f"{first.dataset_id}@1"})
    assert not at.exception, at.exception
    infos = " ".join(unescaped_markdown(i.value) for i in at.info)
    assert "Numbers as of version 1 of Pinned tracker; version 2 is the latest" in infos
    assert f"data={first.dataset_id})" in infos  # the "open latest" link
    assert "version 1" in sidebar_text(at)

    latest = open_app({"data": first.dataset_id})
    assert not latest.exception
    assert "version 2" in sidebar_text(latest)
    assert not any("as of version" in i.value for i in latest.info)


def test_saving_an_upload_to_the_workspace_switches_the_link_to_it(ws):
    csv = tracker().assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d")).to_csv(index=False).encode()
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", csv).run()
    assert not at.exception
    name_input = next(t for t in at.text_input if str(t.key).startswith("ws_name_"))
    name_input.input("EU *laptops*").run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception, at.exception
    [saved] = ws.list()
    assert saved.name == "EU *laptops*" and saved.source == "tracker.csv" and saved.latest_version == 1
    assert at.query_params["data"] == saved.id
    assert any(f"Saved EU *laptops* to the workspace (id {saved.id}, version 1)"
               in unescaped_markdown(s.value).replace("`", "").replace("**", "") for s in at.success)
    assert "EU *laptops*" in sidebar_text(at)


def test_a_saved_view_carries_the_dataset_and_pins_its_version(ws):
    first = ws.save("Shared tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({"data": first.dataset_id, "measure": "units"})
    assert any(f"data={first.dataset_id}" in c.value for c in at.sidebar.code)  # the copyable link
    at.text_input(key="save_view_name").input("Board deck").run()
    at.button(key="save_view").click().run()
    assert not at.exception, at.exception
    view_id = next(s.value for s in at.success if "Short link" in s.value).split("view=")[1].strip("`")
    ws.save("ignored", {"market": tracker(scale=2.0)}, source="tracker.csv", dataset_id=first.dataset_id)

    reopened = open_app({"view": view_id})
    assert not reopened.exception, reopened.exception
    assert "Shared tracker" in sidebar_text(reopened) and "version 1" in sidebar_text(reopened)
    infos = " ".join(unescaped_markdown(i.value) for i in reopened.info)
    assert "Numbers as of version 1 of Shared tracker; version 2 is the latest" in infos


def test_the_sidebar_picker_switches_dataset_and_link(ws):
    saved = ws.save("Picked tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({})
    assert "Demo market" in sidebar_text(at)
    at.selectbox(key="data_pick").select(saved.dataset_id).run()
    assert not at.exception, at.exception
    assert "Picked tracker" in sidebar_text(at) and at.query_params["data"] == saved.dataset_id
    at.selectbox(key="data_pick").select("").run()
    assert not at.exception
    assert "Demo market" in sidebar_text(at) and "data" not in at.query_params


def test_a_workspace_that_cannot_be_written_says_so_in_one_line(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the workspace folder should be")
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(blocked))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    csv = tracker().assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d")).to_csv(index=False).encode()
    at = open_app({}, "../pages/data.py")
    assert not at.exception, at.exception
    at.file_uploader(key="upload_market").upload("tracker.csv", csv).run()
    next(t for t in at.text_input if str(t.key).startswith("ws_name_")).input("Kept name").run()
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception, at.exception
    errors = [unescaped_markdown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Could not save to the workspace.")
    assert "\n" not in errors[0]
    assert next(t for t in at.text_input if str(t.key).startswith("ws_name_")).value == "Kept name"
    assert "Demo market" in sidebar_text(at) and "data" not in at.query_params


def test_a_saved_view_without_a_dataset_opens_the_demo_even_after_a_pick(ws):
    saved = ws.save("Picked tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({})
    at.text_input(key="save_view_name").input("Demo view").run()
    at.button(key="save_view").click().run()
    view_id = next(s.value for s in at.success if "Short link" in s.value).split("view=")[1].strip("`")
    at.selectbox(key="data_pick").select(saved.dataset_id).run()
    assert "Picked tracker" in sidebar_text(at)
    at.query_params.clear()
    at.query_params["view"] = view_id
    at.run()
    at.run()  # the view's page, with its parameters
    assert not at.exception, at.exception
    assert "Demo market" in sidebar_text(at)


def test_picking_another_dataset_starts_its_filters_afresh(ws):
    saved = ws.save("Picked tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({"company": "Apex", "region": ["Europe"], "measure": "units"})
    at.selectbox(key="data_pick").select(saved.dataset_id).run()
    assert not at.exception, at.exception
    assert not any("not in this dataset" in w.value for w in at.warning)  # the demo's choices are gone
    assert at.selectbox(key="company").value in {"Windows Devices Co", "Glacier Labs"}
    assert at.multiselect(key="region").value == [] and "company" not in at.query_params


def test_a_new_version_moves_the_period_to_its_new_end_unless_the_link_set_one(ws):
    first = ws.save("Growing tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({"data": first.dataset_id})
    assert at.select_slider(key="period").value[1] == "2024-06"
    longer = pd.concat([tracker(), tracker().assign(date=lambda f: f["date"] + pd.DateOffset(months=6))])
    ws.save("ignored", {"market": longer}, source="tracker.csv", dataset_id=first.dataset_id)
    at.run()
    assert not at.exception, at.exception
    assert at.select_slider(key="period").value == ("2024-01", "2024-12")


def test_a_pinned_version_no_longer_kept_says_so_after_it_was_open(ws):
    first = ws.save("Busy tracker", {"market": tracker()}, source="tracker.csv")
    at = open_app({"data": f"{first.dataset_id}@1"})
    assert not at.exception and "version 1" in sidebar_text(at)
    for i in range(10):  # ten newer versions push version 1 out of the kept ones, files and all
        ws.save("ignored", {"market": tracker(2.0 + i)}, source="tracker.csv", dataset_id=first.dataset_id)
    again = open_app({"data": f"{first.dataset_id}@1"})
    assert not again.exception, again.exception
    warnings = " ".join(unescaped_markdown(w.value) for w in again.warning)
    assert "Version 1 of 'Busy tracker' is not kept; the latest is 11" in warnings


def test_evidence_links_keep_the_dataset_and_presentation_mode(ws):
    longer = pd.concat([tracker(), *(tracker(1.0 + k / 10).assign(date=lambda f, k=k: f["date"] + pd.DateOffset(months=6 * k))
                                     for k in range(1, 5))])
    saved = ws.save("Long tracker", {"market": longer}, source="tracker.csv")
    at = open_app({"data": saved.dataset_id, "present": "1", "slide": "2"})  # What changed: the findings' slide
    assert not at.exception, at.exception
    links = [link.proto.query_string for link in at.get("page_link")]
    assert links, "no evidence links on this Briefing"
    assert all(f"data={saved.dataset_id}" in link and "present=1" in link for link in links)


def test_two_datasets_with_one_name_are_told_apart_in_the_picker(ws):
    first = ws.save("Tracker", {"market": tracker()}, source="a.csv")
    second = ws.save("Tracker", {"market": tracker(2.0)}, source="b.csv")
    at = open_app({})
    picker = at.selectbox(key="data_pick")
    labels = {picker.format_func(o) for o in (first.dataset_id, second.dataset_id)}
    assert labels == {f"Tracker ({first.dataset_id})", f"Tracker ({second.dataset_id})"}
