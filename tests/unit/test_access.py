"""Who may see and change a workspace dataset, sharing, and the audit trail, on a real SQLite app database."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from sqlalchemy import inspect

from data import appdb
from data.access import (EDITOR, OPEN_USER, OWNER, READER, Access, AccessError, Grant, grantee, is_workspace_key,
                         may_edit, may_manage, may_read, role_of, signed_in)
from data.workspace import Workspace

ALICE = signed_in("Alice@Example.com", "Alice Owner")
BOB = signed_in("bob@example.com", "Bob")
CAROL = signed_in("carol@other.org", "Carol")


def tracker() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="MS"), "segment": "Laptops",
                         "region": "EU", "company": "Acme", "units": [1.0, 2.0, 3.0], "revenue": [10.0, 20.0, 30.0]})


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MARKET_TRENDS_ADMINS", raising=False)
    return Workspace(tmp_path)


def grant(who: str, role: str) -> Grant:
    return Grant(who, role, 0.0, "alice@example.com")


def test_the_owner_may_do_everything_and_nobody_else_without_a_grant():
    assert role_of(ALICE, "alice@example.com", []) == OWNER
    assert role_of(BOB, "alice@example.com", []) is None
    assert may_read(OWNER) and may_edit(OWNER) and may_manage(OWNER)
    assert not may_read(None) and not may_edit(None) and not may_manage(None)


def test_readers_see_editors_also_refresh_and_rename_only_the_owner_deletes_or_shares():
    assert (may_read(READER), may_edit(READER), may_manage(READER)) == (True, False, False)
    assert (may_read(EDITOR), may_edit(EDITOR), may_manage(EDITOR)) == (True, True, False)


def test_a_domain_grant_covers_every_address_of_that_domain_only_and_the_strongest_grant_wins():
    grants = [grant("@example.com", READER), grant("bob@example.com", EDITOR)]
    assert role_of(BOB, "alice@example.com", grants) == EDITOR
    assert role_of(signed_in("dan@example.com", "Dan"), "alice@example.com", grants) == READER
    assert role_of(signed_in("eve@evil-example.com", "Eve"), "alice@example.com", grants) is None
    assert role_of(signed_in("eve@sub.example.com", "Eve"), "alice@example.com", grants) is None
    assert role_of(CAROL, "alice@example.com", grants) is None


def test_open_mode_is_everything_and_a_user_without_an_address_is_nothing():
    assert role_of(OPEN_USER, "alice@example.com", []) == OWNER
    assert role_of(OPEN_USER, None, []) == OWNER
    nobody = signed_in(None, "No Mail")
    assert nobody.email is None and role_of(nobody, None, [grant("@example.com", READER)]) is None


def test_a_dataset_saved_in_open_mode_is_for_administrators_only_once_sign_in_is_on(monkeypatch):
    assert role_of(ALICE, None, []) is None
    monkeypatch.setenv("MARKET_TRENDS_ADMINS", "root@example.com, ALICE@example.com")
    assert role_of(ALICE, None, []) == OWNER and role_of(BOB, None, []) is None


def test_addresses_are_compared_without_case_and_bad_grantees_are_refused_in_words():
    assert signed_in("  Bob@Example.COM ", "Bob").email == "bob@example.com"
    assert grantee("Bob@Example.com") == "bob@example.com"
    assert grantee("example.com") == "@example.com" and grantee("@Example.com") == "@example.com"
    for bad in ("", "bob", "bob@", "<b>@x.com", "a b@x.com", "@", "x@localhost", None, 42):
        with pytest.raises(AccessError, match="e-mail address"):
            grantee(bad)


def test_only_workspace_ids_are_subject_to_access_rules():
    assert is_workspace_key("abcd1234")
    assert not is_workspace_key("3f2a9c0d1e" * 4) and not is_workspace_key(None) and not is_workspace_key("")


def test_sharing_is_stored_changed_and_removed_and_reaches_the_role(ws):
    saved = ws.save("Laptops", {"market": tracker()}, "a.csv", owner="alice@example.com", owner_name="Alice Owner")
    info = ws.get(saved.dataset_id)
    assert (info.owner, info.owner_name) == ("alice@example.com", "Alice Owner")
    access = Access(ws.engine)
    assert access.role(BOB, info.id, info.owner) is None
    access.share(info.id, "Bob@example.com", READER, ALICE)
    assert access.role(BOB, info.id, info.owner) == READER
    access.share(info.id, "bob@example.com", EDITOR, ALICE)  # sharing again changes the role
    assert [(g.grantee, g.role, g.granted_by) for g in access.grants(info.id)] == [
        ("bob@example.com", EDITOR, "alice@example.com")]
    assert access.unshare(info.id, "bob@example.com", ALICE) and not access.unshare(info.id, "bob@example.com", ALICE)
    assert access.role(BOB, info.id, info.owner) is None
    with pytest.raises(AccessError, match="reader or editor"):
        access.share(info.id, "bob@example.com", "owner", ALICE)


def test_roles_for_a_whole_list_come_from_one_query_and_agree_with_one_by_one(ws):
    access = Access(ws.engine)
    ids = [ws.save(f"d{n}", {"market": tracker()}, "a.csv", owner=owner).dataset_id
           for n, owner in enumerate(["alice@example.com", "carol@other.org", "carol@other.org", None])]
    access.share(ids[1], "@example.com", READER, CAROL)
    access.share(ids[2], "bob@example.com", EDITOR, CAROL)
    owners = {i: ws.get(i).owner for i in ids}
    for user in (ALICE, BOB, CAROL, OPEN_USER):
        assert access.roles(user, owners) == {i: access.role(user, i, owners[i]) for i in ids}
    assert access.roles(BOB, owners) == {ids[0]: None, ids[1]: READER, ids[2]: EDITOR, ids[3]: None}


def test_a_new_version_keeps_the_owner_and_deleting_the_dataset_drops_its_grants(ws):
    saved = ws.save("Laptops", {"market": tracker()}, "a.csv", owner="alice@example.com", owner_name="Alice")
    ws.save("x", {"market": tracker()}, "b.csv", dataset_id=saved.dataset_id, owner="bob@example.com")
    assert ws.get(saved.dataset_id).owner == "alice@example.com"
    access = Access(ws.engine)
    access.share(saved.dataset_id, "@example.com", READER, ALICE)
    ws.delete(saved.dataset_id)
    assert access.grants(saved.dataset_id) == []


def test_every_event_is_stored_newest_first_and_written_as_one_json_line(ws, capfd):
    saved = ws.save("Laptops", {"market": tracker()}, "a.csv", owner="alice@example.com")
    access = Access(ws.engine)
    access.record(ALICE, "saved", dataset=saved.dataset_id, detail="version 1")
    access.share(saved.dataset_id, "bob@example.com", READER, ALICE)
    access.record(BOB, "opened", dataset=saved.dataset_id, view="k3x9p2ab")
    access.record(CAROL, "opened", dataset="zzzz9999")
    events = access.activity(saved.dataset_id)
    assert [(e.who, e.action, e.view, e.detail) for e in events] == [
        ("bob@example.com", "opened", "k3x9p2ab", ""),
        ("alice@example.com", "shared", None, "bob@example.com as reader"),
        ("alice@example.com", "saved", None, "version 1"),
    ]
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [(entry["audit"], entry["who"], entry["dataset"]) for entry in lines] == [
        ("saved", "alice@example.com", saved.dataset_id), ("shared", "alice@example.com", saved.dataset_id),
        ("opened", "bob@example.com", saved.dataset_id), ("opened", "carol@other.org", "zzzz9999")]
    assert all(entry["at"].endswith("+00:00") for entry in lines)
    with pytest.raises(ValueError):
        access.record(ALICE, "hacked")


def test_an_audit_event_is_still_logged_when_the_database_cannot_store_it(tmp_path, capfd):
    access = Access(appdb.engine(f"sqlite:///{tmp_path}"))  # a folder where the database file should be
    access.record(ALICE, "opened", dataset="abcd1234")
    err = capfd.readouterr().err
    assert '"audit": "opened"' in err and '"audit": "not stored"' in err


def test_an_older_database_gains_owner_columns_and_the_new_tables_on_start(tmp_path):
    path = tmp_path / "app.sqlite3"
    with sqlite3.connect(path) as con:  # what a release before sign-in created
        con.execute("CREATE TABLE datasets (id VARCHAR(16) PRIMARY KEY, name VARCHAR(80) NOT NULL, source TEXT "
                    "NOT NULL, created FLOAT NOT NULL, updated FLOAT NOT NULL, latest_version INTEGER NOT NULL)")
        con.execute("INSERT INTO datasets VALUES ('abcd1234', 'Old', 'old.csv', 1, 1, 1)")
    con.close()
    engine = appdb.engine(f"sqlite:///{path}")
    appdb.migrate(engine)
    found = inspect(engine)
    assert {"owner", "owner_name"} <= {c["name"] for c in found.get_columns("datasets")}
    assert {"dataset_grants", "audit"} <= set(found.get_table_names())
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT name, owner FROM datasets").fetchall() == [("Old", None)]
    con.close()
