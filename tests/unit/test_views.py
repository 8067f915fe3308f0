"""Saved views in a real SQLite file: round trips, bad ids, concurrent saves."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor

from data.views import ViewStore, default_path


def test_save_get_list_delete(tmp_path):
    store = ViewStore(tmp_path / "views.sqlite3")
    saved = store.save("  Board   deck: Europe ", "competitors", {"region": ["Europe"], "rival": ["Corvid"]})
    assert saved.name == "Board deck: Europe" and len(saved.id) == 8
    again = ViewStore(tmp_path / "views.sqlite3").get(saved.id)
    assert again == saved
    assert [v.id for v in store.all()] == [saved.id]
    assert store.delete(saved.id) and store.get(saved.id) is None and not store.delete(saved.id)


def test_unknown_and_malformed_ids_are_none(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    for bad in ("abc", "ABCDEFGH", "x' OR 1=1 --", "a" * 9000, "zzzzzzzz", ""):
        assert store.get(bad) is None


def test_markup_in_names_is_kept_as_text(tmp_path):
    store = ViewStore(tmp_path / "v.sqlite3")
    saved = store.save("<script>alert(1)</script>" * 10, "overview", {})
    assert store.get(saved.id).name.startswith("<script>") and len(saved.name) == 80


def _save_many(path: str, worker: int) -> list[str]:
    store = ViewStore(path)
    return [store.save(f"w{worker}-{i}", "overview", {"i": [str(i)]}).id for i in range(25)]


def test_concurrent_saves_from_threads_and_processes_are_all_kept(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    ViewStore(path)
    with ThreadPoolExecutor(4) as pool:
        thread_ids = [i for ids in pool.map(lambda w: _save_many(path, w), range(4)) for i in ids]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        process_ids = [i for ids in pool.starmap(_save_many, [(path, 10), (path, 11)]) for i in ids]
    everything = {v.id for v in ViewStore(path).all()}
    assert len(everything) == 150 and everything == set(thread_ids) | set(process_ids)


def test_default_path_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_VIEWS", str(tmp_path / "x.sqlite3"))
    assert default_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("MARKET_TRENDS_VIEWS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "market-trends-dashboard" / "views.sqlite3"
    assert os.path.basename(default_path()) == "views.sqlite3"
