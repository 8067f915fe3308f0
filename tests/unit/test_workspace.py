"""The workspace on a real SQLite file and real Parquet files, read back by pandas and by DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from data import appdb
from data.workspace import KEEP_VERSIONS, Workspace, WorkspaceError, parse_ref


@pytest.fixture(autouse=True)
def _no_shared_database(monkeypatch):
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)


def market(scale: float = 1.0) -> dict[str, pd.DataFrame]:
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"])
    sales = pd.DataFrame({
        "date": dates,
        "company": pd.Series(["Acme", "Corvid", "Acme", "Corvid"], dtype="string"),
        "revenue": [1.5 * scale, np.nan, 2.25 * scale, 3.0],
    })
    return {"sales": sales, "companies": pd.DataFrame({"company": ["Acme", "Corvid"], "share": [0.6, 0.4]})}


def test_round_trip_keeps_dtypes_values_and_summary(tmp_path):
    ws = Workspace(tmp_path)
    saved = ws.save("  Phones\u202e EU\x00 ", market(), "phones.csv")
    assert saved.version == 1 and saved.tables == {"sales": 4, "companies": 2}
    loaded = ws.load(saved.dataset_id)
    for table, frame in market().items():
        pd.testing.assert_frame_equal(loaded[table], frame)
    [info] = ws.list()
    assert (info.id, info.name, info.source, info.latest_version) == (saved.dataset_id, "Phones EU", "phones.csv", 1)
    assert (info.periods_start, info.periods_end, info.periodicity) == ("2024-01-01", "2024-04-01", "monthly")
    assert info.tables == {"sales": 4, "companies": 2} and info.updated > 0
    path = ws.table_path(saved.dataset_id, 1, "sales")
    assert path == tmp_path / "datasets" / saved.dataset_id / "1" / "sales.parquet"
    assert duckdb.sql("select count(*), sum(revenue) from read_parquet(?)", params=[str(path)]).fetchall() == [(4, 6.75)]


def test_versions_latest_and_pinned(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.save("Phones", market(1), "phones.csv")
    second = ws.save("ignored on update", market(10), "phones-v2.csv", dataset_id=first.dataset_id)
    assert second.version == 2 and second.dataset_id == first.dataset_id
    assert ws.load(first.dataset_id)["sales"]["revenue"].iloc[0] == 15.0
    assert ws.load(first.dataset_id, 1)["sales"]["revenue"].iloc[0] == 1.5
    assert [v.version for v in ws.versions(first.dataset_id)] == [2, 1]
    info = ws.get(first.dataset_id)
    assert (info.name, info.source, info.latest_version) == ("Phones", "phones-v2.csv", 2)


def test_only_the_last_ten_versions_are_kept(tmp_path):
    ws = Workspace(tmp_path)
    dataset_id = ws.save("Phones", market(), "phones.csv").dataset_id
    for i in range(KEEP_VERSIONS):
        ws.save("Phones", market(i + 2), "phones.csv", dataset_id=dataset_id)
    assert [v.version for v in ws.versions(dataset_id)] == list(range(11, 1, -1))
    assert not ws.folder(dataset_id, 1).exists() and ws.folder(dataset_id, 2).exists()
    with pytest.raises(WorkspaceError, match="Version 1 .* not kept"):
        ws.load(dataset_id, 1)
    assert ws.load(dataset_id, 2)["sales"]["revenue"].iloc[0] == 3.0
    assert sorted(p.name for p in ws.folder(dataset_id).iterdir()) == sorted(str(v) for v in range(2, 12))


def test_rename_and_delete(tmp_path):
    ws = Workspace(tmp_path)
    dataset_id = ws.save("Phones", market(), "phones.csv").dataset_id
    ws.save("Phones", market(2), "phones.csv", dataset_id=dataset_id)
    assert ws.rename(dataset_id, " Phones\u2066 (EU) ").name == "Phones (EU)"
    assert Workspace(tmp_path).get(dataset_id).name == "Phones (EU)"
    ws.delete(dataset_id)
    assert not ws.folder(dataset_id).exists() and ws.list() == [] and ws.get(dataset_id) is None
    with pytest.raises(WorkspaceError, match="not in the workspace"):
        ws.load(dataset_id)
    with pytest.raises(WorkspaceError):
        ws.delete(dataset_id)


@pytest.mark.parametrize("ref", ["../x", "ABC", "abc@0", "abc@-1", "abc@999999999999", "", "abcd1234@0",
                                 "abcd1234@-1", "abcd1234@999999999999", "abcd1234@1000001", "ABCD1234",
                                 "abcd1234@", "abcd1234@1.5", " abcd1234", "abcd1234\n", "abcd1234@3\n", "../../etc/passwd", None, 5])
def test_malformed_refs_are_refused(tmp_path, ref):
    with pytest.raises(WorkspaceError):
        parse_ref(ref)


def test_valid_refs_and_malformed_ids_everywhere(tmp_path):
    assert parse_ref("abcd1234") == ("abcd1234", None)
    assert Workspace.parse_ref("abcd1234@3") == ("abcd1234", 3)
    assert parse_ref("abcd1234@1000000") == ("abcd1234", 1_000_000)
    ws = Workspace(tmp_path)
    dataset_id = ws.save("Phones", market(), "phones.csv").dataset_id
    for bad in ["../x", "ABC", "", "abcd1234/..", "abcd1234\n", None]:
        for call in (ws.load, ws.get, ws.versions, ws.delete):
            with pytest.raises(WorkspaceError):
                call(bad)
        if bad is not None:  # None asks for a new dataset
            with pytest.raises(WorkspaceError):
                ws.save("x", market(), "x.csv", dataset_id=bad)
    for version in [0, -1, 10**12, True, "1"]:
        with pytest.raises(WorkspaceError):
            ws.load(dataset_id, version)
    with pytest.raises(WorkspaceError, match="Version 7"):
        ws.load(dataset_id, 7)
    with pytest.raises(WorkspaceError):
        ws.save("x", {"../evil": pd.DataFrame({"a": [1]})}, "x.csv")
    assert not (tmp_path / "evil.parquet").exists()


def test_unknown_id(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.get("zzzz9999") is None
    for call in (ws.load, ws.versions, lambda i: ws.rename(i, "x"), lambda i: ws.record_refresh_failure(i, "x")):
        with pytest.raises(WorkspaceError, match="not in the workspace"):
            call("zzzz9999")
    with pytest.raises(WorkspaceError, match="not in the workspace"):
        ws.save("x", market(), "x.csv", dataset_id="zzzz9999")
    assert not (tmp_path / "datasets" / "zzzz9999").exists() or not any((tmp_path / "datasets" / "zzzz9999").iterdir())


def test_two_servers_on_one_home_see_each_others_saves(tmp_path):
    a, b = Workspace(tmp_path), Workspace(tmp_path)
    from_a = a.save("From A", market(), "a.csv").dataset_id
    from_b = b.save("From B", market(2), "b.csv").dataset_id
    assert {i.name for i in a.list()} == {i.name for i in b.list()} == {"From A", "From B"}
    assert b.save("From A", market(3), "a.csv", dataset_id=from_a).version == 2
    assert a.load(from_a)["sales"]["revenue"].iloc[0] == 4.5
    pd.testing.assert_frame_equal(a.load(from_b)["sales"], market(2)["sales"])


def test_migrate_twice_is_harmless(tmp_path):
    engine = appdb.engine(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    appdb.migrate(engine)
    ws = Workspace(tmp_path, engine=engine)
    dataset_id = ws.save("Phones", market(), "phones.csv").dataset_id
    appdb.migrate(engine)
    appdb.migrate(appdb.engine(f"sqlite:///{tmp_path / 'app.sqlite3'}"))
    assert Workspace(tmp_path).get(dataset_id).name == "Phones"


def test_refresh_failure_keeps_the_last_good_version(tmp_path):
    ws = Workspace(tmp_path)
    dataset_id = ws.save("Phones", market(), "https://example.org/phones.csv").dataset_id
    ws.record_refresh_failure(dataset_id, "HTTP 404\nfrom example.org")
    info = ws.get(dataset_id)
    assert (info.refresh_outcome, info.refresh_message, info.latest_version) == ("failed", "HTTP 404 from example.org", 1)
    pd.testing.assert_frame_equal(ws.load(dataset_id)["sales"], market()["sales"])
    refreshed = ws.save("Phones", market(2), "https://example.org/phones.csv", dataset_id=dataset_id, refreshed=True)
    info = ws.get(dataset_id)
    assert (refreshed.refresh_outcome, info.refresh_outcome, info.latest_version) == ("refreshed", "ok", 2)


def test_a_damaged_version_folder_is_a_plain_error(tmp_path):
    ws = Workspace(tmp_path)
    dataset_id = ws.save("Phones", market(), "phones.csv").dataset_id
    ws.table_path(dataset_id, 1, "sales").write_bytes(b"not parquet")
    with pytest.raises(WorkspaceError, match="cannot be read"):
        ws.load(dataset_id)


def test_constructing_touches_no_file(tmp_path):
    Workspace(tmp_path / "home")
    assert not (tmp_path / "home").exists()


_SAVER = """
import sys
import pandas as pd
from pathlib import Path
from data.workspace import Workspace
ws, shared = Workspace(Path(sys.argv[1])), sys.argv[2]
frame = {"sales": pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "revenue": [1.0]})}
for i in range(int(sys.argv[3])):
    ws.save(f"{sys.argv[4]} {i}", frame, "x.csv")
    if i % 10 == 0:
        ws.save("Shared", frame, "x.csv", dataset_id=shared)
"""


def test_two_processes_saving_at_once_lose_nothing(tmp_path):
    root = Path(__file__).resolve().parents[2]
    shared = Workspace(tmp_path).save("Shared", market(), "x.csv").dataset_id
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("MARKET_TRENDS_DATABASE_URL", None)
    runs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(tmp_path), shared, "50", who], cwd=root, env=env,
                             stderr=subprocess.PIPE, text=True) for who in ("A", "B")]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read()
    names = {i.name for i in Workspace(tmp_path).list()}
    assert names == {f"{who} {i}" for who in "AB" for i in range(50)} | {"Shared"}
    ws = Workspace(tmp_path)
    assert ws.get(shared).latest_version == 11 and [v.version for v in ws.versions(shared)] == list(range(11, 1, -1))
    assert sorted(int(p.name) for p in ws.folder(shared).iterdir()) == list(range(2, 12))


def test_a_failed_save_leaves_no_files_and_no_row(tmp_path):
    ws = Workspace(tmp_path)
    unwritable = pd.DataFrame({"a": [object(), object()]})  # Parquet cannot store arbitrary objects
    for tables in ({"sales": unwritable}, {"sales": [1, 2]}, {}):
        with pytest.raises(WorkspaceError):
            ws.save("Bad", tables, "bad.csv")
    assert ws.list() == []
    assert list((tmp_path / "datasets").rglob("*")) == []


def test_which_company_is_ours_and_the_rest_of_the_market_are_kept_across_versions(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.save("Tracker", market(), "t.csv", ours="OS X", rest=("Other",))
    ws.save("Tracker", market(), "t.csv", dataset_id=first.dataset_id)  # a refresh says nothing new
    info = Workspace(tmp_path).get(first.dataset_id)
    assert (info.ours, info.rest, info.latest_version) == ("OS X", ("Other",), 2)
    ws.save("Tracker", market(), "t.csv", dataset_id=first.dataset_id, rest=())
    assert Workspace(tmp_path).get(first.dataset_id).rest == ()  # "no catch-all" is an answer too
    assert ws.save("Plain", market(), "p.csv").dataset_id and ws.list()[0].rest is None  # never asked
