"""Saved views in a real SQLite app database: round trips, owners, broken files, concurrent saves, old files moved in."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from data.views import MAX_PARAMS_BYTES, ViewStore, ViewStoreError

ROOT = Path(__file__).resolve().parents[2]
ME, OTHER, DATA = "browser-me-0123456789", "browser-other-98765432", "demo0123hash4567"


def save(store: ViewStore, name: str = "v", page: str = "overview", params: dict | None = None,
         owner: str = ME, dataset: str = DATA):
    return store.save(name, page, params or {}, owner=owner, dataset=dataset)


def test_save_get_list_delete(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    saved = save(store, "  Board   deck: Europe ", "competitors", {"region": ["Europe"], "rival": ["Corvid"]})
    assert saved.name == "Board deck: Europe" and len(saved.id) == 8
    again = ViewStore(tmp_path / "views.sqlite3").get(saved.id)
    assert again == saved
    assert [v.id for v in store.list_for(ME, DATA)] == [saved.id]
    assert store.delete(saved.id, ME) and store.get(saved.id) is None and not store.delete(saved.id, ME)


def test_unknown_and_malformed_ids_are_none(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    for bad in ("abc", "ABCDEFGH", "x' OR 1=1 --", "a" * 9000, "zzzzzzzz", ""):
        assert store.get(bad) is None


def test_markup_in_names_is_kept_as_text(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    saved = save(store, "<script>alert(1)</script>" * 10)
    assert store.get(saved.id).name.startswith("<script>") and len(saved.name) == 80


def test_control_and_direction_override_characters_leave_names(tmp_path):
    saved = save(ViewStore(tmp_path / "v.sqlite3"), "Europe\u202e\x00 deck\u2066\n")
    assert saved.name == "Europe deck"


# Owners: a visitor lists and deletes only what this browser saved, on this dataset.

def test_only_this_browsers_views_of_this_dataset_are_listed(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    mine = save(store, "mine")
    save(store, "mine, other data", dataset="upload9876543210")
    theirs = save(store, "theirs", owner=OTHER)
    assert [v.name for v in store.list_for(ME, DATA)] == ["mine"]
    assert [v.name for v in store.list_for(OTHER, DATA)] == ["theirs"]
    assert store.list_for(None, DATA) == []  # a browser that never saved sees nothing
    assert store.get(theirs.id).name == "theirs" and store.get(mine.id).name == "mine"  # links open for anyone


def test_only_the_browser_that_saved_a_view_can_delete_it(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    theirs = save(store, "theirs", owner=OTHER)
    assert not store.delete(theirs.id, ME) and not store.delete(theirs.id, None) and not store.delete(theirs.id, "")
    assert store.get(theirs.id) is not None
    assert store.delete(theirs.id, OTHER) and store.get(theirs.id) is None


def test_views_saved_before_owners_existed_still_open_but_are_listed_to_nobody(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:  # the schema of the first release
        con.execute("CREATE TABLE views (id TEXT PRIMARY KEY, name TEXT NOT NULL, page TEXT NOT NULL, "
                    "params TEXT NOT NULL, created REAL NOT NULL)")
        con.execute("INSERT INTO views VALUES ('old12345', 'Old view', 'market', '{\"split\": [\"region\"]}', 1.0)")
    con.close()
    store = ViewStore(path)
    assert store.get("old12345").params == {"split": ["region"]}
    assert store.list_for(ME, DATA) == [] and not store.delete("old12345", ME)
    assert save(ViewStore(path), "new").owner == ME  # a second store finds the columns already there
    with sqlite3.connect(path) as con:
        columns = [row[1] for row in con.execute("PRAGMA table_info(views)")]
    con.close()
    assert columns == ["id", "name", "page", "params", "created", "owner", "dataset"]


# Broken files: one ViewStoreError with a plain sentence, never a raw exception.

def test_creating_a_store_touches_no_file(tmp_path):
    (tmp_path / "a-file").write_text("x")
    ViewStore(tmp_path / "a-file" / "views.sqlite3")  # raises nothing until used
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


def test_a_corrupt_file_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "views.sqlite3"
    garbage = os.urandom(4096)
    path.write_bytes(garbage)
    store = ViewStore(path)
    for use in (lambda: store.list_for(ME, DATA), lambda: store.get("abcd1234"), lambda: save(store),
                lambda: store.delete("abcd1234", ME)):
        with pytest.raises(ViewStoreError, match="damaged") as raised:
            use()
        assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    assert path.read_bytes() == garbage


def test_a_row_with_bad_parameters_is_skipped_and_logged(tmp_path, caplog):
    store = ViewStore(tmp_path / "v.sqlite3")
    good, bad, odd = save(store, "good"), save(store, "bad"), save(store, "odd")
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE views SET params = '{not json' WHERE id = ?", (bad.id,))
        con.execute("UPDATE views SET params = '{\"region\": [1, 2]}' WHERE id = ?", (odd.id,))
    con.close()
    with caplog.at_level(logging.WARNING, logger="data.views"):
        assert [v.id for v in store.list_for(ME, DATA)] == [good.id]
    assert bad.id in caplog.text and odd.id in caplog.text
    with pytest.raises(ViewStoreError, match=f"“{bad.id}” is damaged"):
        store.get(bad.id)


def test_a_parent_that_is_a_file_is_reported_and_fixing_it_recovers(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    store = ViewStore(tmp_path / "data" / "views.sqlite3")
    with pytest.raises(ViewStoreError, match=r"data is a file, not a folder"):
        store.list_for(ME, DATA)
    (tmp_path / "data").unlink()
    assert save(store).owner == ME  # the same cached store works once the path is fixed


def test_a_path_that_is_a_folder_is_reported(tmp_path):
    (tmp_path / "views.sqlite3").mkdir()
    with pytest.raises(ViewStoreError, match="cannot be opened"):
        ViewStore(tmp_path / "views.sqlite3").list_for(ME, DATA)


def test_a_read_only_file_still_lists_and_opens_but_saving_says_why(tmp_path):
    """Tests run as root, whom chmod does not stop; a database whose header asks for a newer writer
    (write version 3) is read-only to SQLite for every user, and fails exactly as a chmod-ed file
    does: `OperationalError: attempt to write a readonly database`."""
    path = tmp_path / "views.sqlite3"
    kept = save(ViewStore(path), "kept")
    header = bytearray(path.read_bytes())
    header[18] = 3
    path.write_bytes(bytes(header))
    store = ViewStore(path)
    assert [v.id for v in store.list_for(ME, DATA)] == [kept.id] and store.get(kept.id) == kept
    with pytest.raises(ViewStoreError, match="read-only") as raised:
        save(store, "new")
    assert str(path) in str(raised.value)
    with pytest.raises(ViewStoreError, match="read-only"):
        store.delete(kept.id, ME)


def test_a_link_too_long_to_save_says_so_and_saves_nothing(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    with pytest.raises(ViewStoreError, match="too long to save"):
        save(store, "huge", params={"company": ["x" * MAX_PARAMS_BYTES]})
    assert store.list_for(ME, DATA) == []


# Several savers at once.

def _save_many(path: str, worker: int) -> list[str]:
    store = ViewStore(path)
    return [save(store, f"w{worker}-{i}", params={"i": [str(i)]}).id for i in range(25)]


def test_concurrent_saves_from_threads_and_processes_are_all_kept(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    with ThreadPoolExecutor(4) as pool:  # the first saves also create the table, racing each other
        thread_ids = [i for ids in pool.map(lambda w: _save_many(path, w), range(4)) for i in ids]
    # Two more app processes saving at the same time as each other.
    script = ("import sys; from data.views import ViewStore; s = ViewStore(sys.argv[1]); "
              "print(' '.join(s.save(f'p{sys.argv[2]}-{i}', 'overview', {}, owner='p', dataset='d').id "
              "for i in range(25)))")
    workers = [subprocess.Popen([sys.executable, "-c", script, path, str(w)], stdout=subprocess.PIPE, text=True,
                                cwd=ROOT) for w in (10, 11)]
    process_ids = [i for w in workers for i in w.communicate(timeout=60)[0].split()]
    everything = set(thread_ids) | set(process_ids)
    assert len(everything) == 150 and all(ViewStore(path).get(i) is not None for i in everything)


def test_by_default_views_live_in_the_app_database_with_the_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    saved = save(ViewStore())
    with sqlite3.connect(tmp_path / "app.sqlite3") as con:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert con.execute("SELECT name FROM views WHERE id = ?", (saved.id,)).fetchone() == ("v",)
    con.close()
    assert {"views", "datasets", "dataset_versions"} <= tables


def test_views_of_the_old_views_file_move_into_the_app_database_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    with sqlite3.connect(tmp_path / "views.sqlite3") as con:  # the first release's file and schema
        con.execute("CREATE TABLE views (id TEXT PRIMARY KEY, name TEXT NOT NULL, page TEXT NOT NULL, "
                    "params TEXT NOT NULL, created REAL NOT NULL)")
        con.execute("INSERT INTO views VALUES ('old12345', 'Old view', 'market', '{\"split\": [\"region\"]}', 1.0)")
    con.close()
    store = ViewStore()
    assert store.get("old12345").params == {"split": ["region"]}
    assert not (tmp_path / "views.sqlite3").exists() and (tmp_path / "views.sqlite3.imported").exists()
    assert store.delete("old12345", None) is False and ViewStore().get("old12345").name == "Old view"


def test_views_on_a_dataset_lists_every_owners_views(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    mine, theirs = save(store, "mine", dataset="abcd1234"), save(store, "theirs", owner=OTHER, dataset="abcd1234")
    save(store, "elsewhere", dataset="zzzz9999")
    assert [v.id for v in store.on_dataset("abcd1234")] == [theirs.id, mine.id]
