"""The Data page's workspace list: details of every dataset, rename, refresh from a real HTTP server, delete."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.safe_text import unescaped_markdown
from dashboard.sharing import view_store
from data.views import ViewStore
from data.workspace import Workspace
from tests.app.test_pages import open_app
from tests.app.test_workspace_page import tracker
from tests.unit.test_refresh import Handler, long_csv, save_from, serve, server  # noqa: F401  (the server fixture)

DATA_PAGE = "../pages/data.py"


@pytest.fixture
def ws(tmp_path, monkeypatch, server) -> Iterator[Workspace]:
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "127.0.0.1")  # the test server, as an administrator allows
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    Handler.files = {}
    view_store.clear()
    yield Workspace(tmp_path)
    view_store.clear()


def catalog(at):
    return next(d.value for d in at.dataframe if "Last refresh" in d.value.columns)


def texts(at, *kinds: str) -> str:
    """What a reader sees: escapes undone, bold marks dropped."""
    return " ".join(unescaped_markdown(e.value).replace("**", "") for kind in kinds for e in getattr(at, kind))


def test_every_saved_dataset_is_listed_with_its_source_tables_periods_and_version(ws):
    first = ws.save("Laptops EU", {"market": tracker()}, source="laptops.csv")
    ws.save("ignored", {"market": tracker(2.0)}, source="laptops-june.csv", dataset_id=first.dataset_id)
    ws.save("Phones <b>US</b>", {"market": tracker()}, source="https://data.example/phones.csv")
    at = open_app({}, DATA_PAGE)
    assert not at.exception, at.exception
    table = catalog(at).set_index("Name")
    assert list(table.index) == ["Phones <b>US</b>", "Laptops EU"]  # most recently updated first, shown as text
    laptops = table.loc["Laptops EU"]
    assert laptops["Source"] == "laptops-june.csv" and laptops["Version"] == 2 and laptops["Rows"] == 18
    assert laptops["Tables"] == "market (18 rows)" and laptops["Periods"] == "Jan 2024 to Jun 2024, monthly"
    assert laptops["Last refresh"] == "never"


def test_a_dataset_is_renamed_for_every_link(ws):
    saved = ws.save("Old name", {"market": tracker()}, source="a.csv")
    at = open_app({"data": saved.dataset_id}, DATA_PAGE)
    at.text_input(key=f"ws_rename_{saved.dataset_id}").input("EU laptops, 2024").run()
    at.button(key=f"ws_rename_go_{saved.dataset_id}").click().run()
    assert not at.exception, at.exception
    assert ws.get(saved.dataset_id).name == "EU laptops, 2024"
    assert "Renamed Old name to EU laptops, 2024." in texts(at, "success")
    assert list(catalog(at)["Name"]) == ["EU laptops, 2024"]


def test_deleting_asks_first_names_the_views_it_breaks_and_removes_the_files(ws):
    keep = ws.save("Kept", {"market": tracker()}, source="k.csv")
    gone = ws.save("Gone soon", {"market": tracker()}, source="g.csv")
    ViewStore().save("Board [deck](https://evil.example)", "competitors", {"data": [gone.dataset_id]},
                     owner="someone-else-entirely", dataset=gone.dataset_id)
    at = open_app({"data": gone.dataset_id}, DATA_PAGE)
    at.button(key=f"ws_delete_{gone.dataset_id}").click().run()
    warning = texts(at, "warning")
    assert "Delete Gone soon and its only version?" in warning
    assert "This saved view will stop opening it: `Board [deck](https://evil.example)`" in warning
    assert ws.get(gone.dataset_id) is not None  # nothing happens before the confirmation

    at.button(key="ws_confirm_delete").click().run()
    assert not at.exception, at.exception
    assert ws.get(gone.dataset_id) is None and not ws.folder(gone.dataset_id).exists()
    assert ws.get(keep.dataset_id) is not None and ws.folder(keep.dataset_id).exists()
    assert "data" not in at.query_params and "Deleted Gone soon from the workspace." in texts(at, "success")
    assert list(catalog(at)["Name"]) == ["Kept"]


def test_cancelling_a_delete_keeps_the_dataset(ws):
    saved = ws.save("Kept", {"market": tracker()}, source="k.csv")
    at = open_app({}, DATA_PAGE)
    at.button(key=f"ws_delete_{saved.dataset_id}").click().run()
    at.button(key="ws_cancel_delete").click().run()
    assert not at.exception and ws.get(saved.dataset_id) is not None
    assert "Delete Kept" not in texts(at, "warning")


def test_refresh_from_the_data_page_saves_a_version_and_a_failure_keeps_the_last_good_one(ws, server):
    serve("/phones.csv", long_csv(12))
    dataset_id = save_from(f"{server}/phones.csv")
    serve("/phones.csv", long_csv(18))
    at = open_app({"data": dataset_id}, DATA_PAGE)
    at.button(key=f"ws_refresh_{dataset_id}").click().run()
    assert not at.exception, at.exception
    assert f"Refreshed: Phones EU ({dataset_id}): version 2 saved, 36 rows" in texts(at, "success")
    assert catalog(at).iloc[0]["Last refresh"] == "succeeded"

    Handler.files.clear()  # the publisher's server now answers 404
    at.button(key=f"ws_refresh_{dataset_id}").click().run()
    assert not at.exception, at.exception
    assert f"Phones EU ({dataset_id}): refresh failed, kept version 2" in texts(at, "error")
    at.run()  # the table and warning show the recorded outcome
    row = catalog(at).iloc[0]
    assert row["Version"] == 2 and row["Last refresh"].startswith("failed:") and "404" in row["Last refresh"]
    assert "The last refresh of Phones EU failed" in texts(at, "warning")
    assert ws.get(dataset_id).latest_version == 2


def test_a_dataset_uploaded_as_a_file_cannot_be_refreshed(ws):
    saved = ws.save("From a file", {"market": tracker()}, source="tracker.csv")
    at = open_app({}, DATA_PAGE)
    assert at.button(key=f"ws_refresh_{saved.dataset_id}").disabled
