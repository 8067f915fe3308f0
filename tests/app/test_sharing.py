"""Saved views in AppTest: a broken views file never takes a page down; each browser sees its own views."""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import unescaped_markdown
from dashboard.sharing import view_store
from data.views import MAX_PARAMS_BYTES, ViewStore
from tests.app.test_pages import PAGES, open_app


@pytest.fixture
def views_at(monkeypatch, tmp_path):
    """Point the app at a views file of the test's choosing; the server-wide store is rebuilt around it."""
    def use(path):  # the app database file: app.sqlite3 in the folder MARKET_TRENDS_HOME names
        monkeypatch.setenv("MARKET_TRENDS_HOME", str(path.parent))
        view_store.clear()
        return path
    use(tmp_path / "app.sqlite3")
    yield use
    view_store.clear()  # later tests get a store on their own path


def corrupt(path):
    path.write_bytes(os.urandom(4096))
    return path


def read_only(path):
    """A views file SQLite may read but not write, for root too (header write version 3; see tests/unit)."""
    ViewStore(path).list_for(None, "x")
    header = bytearray(path.read_bytes())
    header[18] = 3
    path.write_bytes(bytes(header))
    return path


def plain(markdown: str) -> str:
    """What a reader sees of escaped Markdown text."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    return plain("\n".join([w.value for w in at.warning] + [e.value for e in at.error] + [m.value for m in at.markdown]))


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def save(at: AppTest, name: str) -> AppTest:
    at.text_input(key="save_view_name").input(name)
    at.run()  # the button is enabled once a name is typed
    at.button(key="save_view").click()
    return at.run()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_a_corrupt_views_file_and_says_sharing_is_unavailable(views_at, tmp_path, page):
    path = corrupt(views_at(tmp_path / "app.sqlite3"))
    at = open_app({}, page)
    assert not at.exception, at.exception
    unavailable = [plain(w.value) for w in at.warning if "Saved views are unavailable" in w.value]
    assert len(unavailable) == 1 and "damaged" in unavailable[0] and "\n" not in unavailable[0]
    assert str(path) in unavailable[0]
    assert not [b for b in at.button if b.key == "save_view"]  # nothing offered that cannot work


def test_a_views_path_under_a_file_leaves_pages_working_and_saving_says_why(views_at, tmp_path):
    (tmp_path / "a-file").write_text("x")
    views_at(tmp_path / "a-file" / "app.sqlite3")
    at = open_app({}, "../pages/market.py")
    assert not at.exception  # nothing was saved there yet, so nothing is opened until a save
    at = save(at, "Board deck")
    assert not at.exception and "a-file is a file, not a folder" in texts(at)
    assert at.text_input(key="save_view_name").value == "Board deck"


def test_a_view_link_with_a_broken_store_shows_a_notice_and_the_default_view(views_at, tmp_path):
    corrupt(views_at(tmp_path / "app.sqlite3"))
    at = open_app({"view": "abcd1234"})
    assert not at.exception
    assert "The saved view “`abcd1234`” cannot be opened" in texts(at) and "default view" in texts(at)
    assert at.title[0].value == "Briefing"


def test_a_hostile_view_id_is_echoed_as_code_not_as_a_link(views_at):
    at = open_app({"view": "[x](https://evil.example/)"})
    assert not at.exception
    assert "No saved view “`[x](https://evil.example/)`” exists" in "\n".join(w.value for w in at.warning)


def test_saving_to_a_read_only_file_says_why_and_keeps_the_name(views_at, tmp_path):
    read_only(views_at(tmp_path / "app.sqlite3"))
    at = save(open_app({}), "Board deck")
    assert not at.exception
    assert errors(at) == [f"Could not save this view. Cannot save a view in the app database {tmp_path}/app.sqlite3: "
                          "it is read-only; make it writable or set MARKET_TRENDS_HOME."]
    assert at.text_input(key="save_view_name").value == "Board deck"


def test_saving_a_link_too_long_says_so_and_keeps_the_name(views_at):
    at = save(open_app({"note": "x" * MAX_PARAMS_BYTES}), "Huge")
    assert not at.exception
    assert len(errors(at)) == 1 and "too long to save" in errors(at)[0]
    assert at.text_input(key="save_view_name").value == "Huge"


def test_saving_a_too_long_scenario_says_so_and_keeps_the_name(views_at):
    at = open_app({"note": "x" * MAX_PARAMS_BYTES, "region": ["Europe"]}, "../pages/scenarios.py")
    at.text_input(key="scenario_name").input("Price cut")
    at.run()
    at.button[[b.label for b in at.button].index("Save scenario")].click()
    at.run()
    assert not at.exception
    assert any("too long to save" in e for e in errors(at))
    assert at.text_input(key="scenario_name").value == "Price cut" and at.session_state["_scenarios"] == {}


def test_views_are_listed_to_the_browser_that_saved_them_and_deleting_asks_first(views_at, tmp_path):
    mine = save(open_app({"region": ["Europe"]}), "[Click me](https://evil.example/)")
    assert not mine.exception and any("Short link" in s.value for s in mine.success)
    listed = [m.value for m in mine.markdown if "?view=" in m.value]
    assert len(listed) == 1 and "(https://evil.example/)" not in listed[0]  # the name is escaped, the link is ours
    assert unescaped_markdown(listed[0]).startswith("[[Click me](https://evil.example/)](?view=")

    other = open_app({})  # another session without this browser's id
    assert not [m for m in other.markdown if "?view=" in m.value]
    assert not [b for b in other.button if (b.key or "").startswith("delete_view_")]

    [delete] = [b for b in mine.button if (b.key or "").startswith("delete_view_")]
    delete.click()
    mine.run()
    assert any("Its link stops working for everyone" in w.value for w in mine.warning)
    assert len(ViewStore(tmp_path / "app.sqlite3").list_for(mine.session_state["_browser_id"], _demo_key())) == 1
    mine.button(key="confirm_delete_view").click()
    mine.run()
    assert not mine.exception and not [m for m in mine.markdown if "?view=" in m.value]


def _demo_key() -> str:
    from dashboard.data_access import demo_dataset

    return demo_dataset().content_hash
