"""Saved views in a real SQLite file: round trips, bad ids, concurrent saves."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from data.views import ViewStore, default_path

ROOT = Path(__file__).resolve().parents[2]


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
    # Two more app processes saving at the same time as each other.
    script = ("import sys; from data.views import ViewStore; s = ViewStore(sys.argv[1]); "
              "print(' '.join(s.save(f'p{sys.argv[2]}-{i}', 'overview', {}).id for i in range(25)))")
    workers = [subprocess.Popen([sys.executable, "-c", script, path, str(w)], stdout=subprocess.PIPE, text=True,
                                cwd=ROOT) for w in (10, 11)]
    process_ids = [i for w in workers for i in w.communicate(timeout=60)[0].split()]
    everything = {v.id for v in ViewStore(path).all()}
    assert len(everything) == 150 and everything == set(thread_ids) | set(process_ids)


def test_default_path_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_VIEWS", str(tmp_path / "x.sqlite3"))
    assert default_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("MARKET_TRENDS_VIEWS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "market-trends-dashboard" / "views.sqlite3"
    assert os.path.basename(default_path()) == "views.sqlite3"
