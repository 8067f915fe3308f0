"""Sign-in and access in AppTest: who sees a workspace dataset, who may change it, and what an outsider sees.

AppTest cannot drive a browser through an identity provider, but it sets what
`st.user` holds (`AppTest.user`) and the `[auth]` secrets: the app's own code
decides everything else. The real login flow runs in tests/e2e/test_sign_in.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth_ui import OPEN_MODE_LINE
from dashboard.safe_text import unescaped_markdown
from dashboard.sharing import view_store
from data.access import READER, Access, signed_in
from data.views import ViewStore
from data.workspace import Workspace

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DATA_PAGE = "../pages/data.py"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-test-secret-" * 3,
        "client_id": "dashboard", "client_secret": "not-used-here",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ALICE = {"email": "alice@example.com", "name": "Alice Owner"}
BOB = {"email": "bob@example.com", "name": "Bob Reader"}
CAROL = {"email": "carol@other.org", "name": "Carol Outsider"}
SECRET_NAME = "Zyx secret pricing"
SECRET_COMPANY = "Quuxcorp"
SECRET_VIEW = "Board deck Qwerty"


def secret_market() -> pd.DataFrame:
    rows = [{"date": month, "segment": "Laptops", "region": "EU", "company": company, "units": units,
             "revenue": units * 987.0}
            for month in pd.date_range("2024-01-01", periods=6, freq="MS")
            for company, units in ((SECRET_COMPANY, 4321.0), ("Glacier Labs", 300.0))]
    return pd.DataFrame(rows)


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Iterator[Workspace]:
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MARKET_TRENDS_ADMINS", raising=False)
    view_store.clear()
    yield Workspace(tmp_path)
    view_store.clear()


def owned(ws: Workspace) -> str:
    return ws.save(SECRET_NAME, {"market": secret_market()}, "secret.csv", owner=ALICE["email"],
                   owner_name=ALICE["name"]).dataset_id


def run(params: dict, user: dict | None, page: str | None = None, *, iat: float | None = None) -> AppTest:
    """The app with a provider configured and `user` signed in (None: nobody signed in)."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    at.user = ({"is_logged_in": True, **user, "iat": time.time() if iat is None else iat} if user
               else {"is_logged_in": False})
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def everything(at: AppTest) -> str:
    """Every element's full message as the server would send it to the browser, labels and data included."""
    parts: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return unescaped_markdown("\n".join(parts))


def test_with_no_provider_the_app_runs_open_and_the_sidebar_says_so_in_one_line(ws):
    dataset_id = ws.save("Old upload", {"market": secret_market()}, "a.csv").dataset_id  # no owner
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["data"] = dataset_id
    at.run()
    assert not at.exception, at.exception
    assert OPEN_MODE_LINE in [c.value for c in at.sidebar.caption]
    assert "Old upload" in at.selectbox(key="data_pick").options  # the options as shown


def test_nobody_signed_in_sees_only_the_sign_in_prompt(ws):
    dataset_id = owned(ws)
    at = run({"data": dataset_id}, None)
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in with your company account" in at.info[0].value
    text = everything(at)
    assert SECRET_NAME not in text and SECRET_COMPANY not in text and "Northwind" not in text  # not even the demo


def test_the_owner_sees_the_dataset_shares_it_and_sees_the_activity(ws):
    dataset_id = owned(ws)
    at = run({"data": dataset_id}, ALICE, DATA_PAGE)
    assert not at.exception, at.exception
    assert "Signed in as Alice Owner (alice@example.com)" in unescaped_markdown(" ".join(c.value for c in at.sidebar.caption))
    at.text_input(key=f"ws_share_who_{dataset_id}").input("Bob@Example.com").run()
    at.selectbox(key=f"ws_share_role_{dataset_id}").set_value(READER).run()
    at.button(key=f"ws_share_go_{dataset_id}").click().run()
    assert not at.exception, at.exception
    assert [(g.grantee, g.role) for g in Access(ws.engine).grants(dataset_id)] == [("bob@example.com", READER)]
    assert "Shared Zyx secret pricing with bob@example.com as reader." in unescaped_markdown(at.success[0].value).replace("**", "")
    activity = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert list(activity["Action"])[:2] == ["shared", "opened"]
    assert set(activity["Who"]) == {"alice@example.com"}
    assert not at.button(key=f"ws_delete_{dataset_id}").disabled


def test_a_reader_sees_it_in_the_picker_and_cannot_delete_rename_or_share_it(ws):
    dataset_id = owned(ws)
    Access(ws.engine).share(dataset_id, "bob@example.com", READER, signed_in(**ALICE))
    at = run({"data": dataset_id}, BOB, DATA_PAGE)
    assert not at.exception, at.exception
    assert SECRET_NAME in at.selectbox(key="data_pick").options
    assert SECRET_NAME in unescaped_markdown(" ".join(c.value for c in at.sidebar.caption))
    assert at.button(key=f"ws_delete_{dataset_id}").disabled
    assert at.button(key=f"ws_rename_go_{dataset_id}").disabled and at.button(key=f"ws_refresh_{dataset_id}").disabled
    assert not [t for t in at.text_input if t.key == f"ws_share_who_{dataset_id}"]
    assert "Only the owner (Alice Owner) can delete it" in unescaped_markdown(" ".join(c.value for c in at.caption))
    assert not [d for d in at.dataframe if "Action" in d.value.columns]  # the activity is the owner's
    assert SECRET_NAME in everything(at) and SECRET_COMPANY in everything(at)  # what `everything` sees, it finds


def test_an_outsider_gets_one_sentence_and_nothing_of_the_dataset_from_a_link_or_a_saved_view(ws):
    dataset_id = owned(ws)
    view = ViewStore().save(SECRET_VIEW, "competitors", {"data": [f"{dataset_id}@1"]}, owner=ALICE["email"],
                            dataset=dataset_id)
    for params in ({"data": dataset_id}, {"data": f"{dataset_id}@1"}, {"view": view.id}):
        at = run(params, CAROL)
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == ["You don't have access to this dataset; ask its owner (Alice Owner)"]
        text = everything(at)
        for secret in (SECRET_NAME, SECRET_COMPANY, SECRET_VIEW, "4321", "4,321", "secret.csv"):
            assert secret not in text, (params, secret)
        assert not at.metric and not at.dataframe
    refused = [(e.who, e.view, e.detail) for e in Access().activity(dataset_id) if e.action == "refused"]
    assert sorted(refused, key=str) == sorted([(CAROL["email"], None, "version 1"), (CAROL["email"], None, "version 1"),
                                               (CAROL["email"], view.id, "")], key=str)  # the owner sees who tried
    at = run({}, CAROL)  # her own picker does not list it either
    assert at.selectbox(key="data_pick").options == ["Demo market"]


def test_a_domain_grant_lets_a_colleague_open_a_saved_view(ws):
    dataset_id = owned(ws)
    Access(ws.engine).share(dataset_id, "@other.org", READER, signed_in(**ALICE))
    view = ViewStore().save(SECRET_VIEW, "competitors", {"data": [f"{dataset_id}@1"]}, owner=ALICE["email"],
                            dataset=dataset_id)
    at = run({"view": view.id}, CAROL)
    assert not at.exception, at.exception
    assert not at.error
    assert f"Opened the saved view “`{SECRET_VIEW}`”." in unescaped_markdown(" ".join(i.value for i in at.info))
    events = [(e.who, e.action, e.view) for e in Access(ws.engine).activity(dataset_id)]
    assert ("carol@other.org", "opened", view.id) in events


def test_a_dataset_saved_in_open_mode_is_hidden_once_sign_in_is_on_and_its_link_names_no_owner(ws):
    dataset_id = ws.save(SECRET_NAME, {"market": secret_market()}, "secret.csv").dataset_id
    at = run({"data": dataset_id}, ALICE)
    assert [e.value for e in at.error] == ["You don't have access to this dataset; ask its owner (an administrator)"]
    assert SECRET_NAME not in everything(at)


def test_a_sign_in_older_than_the_session_length_signs_out_and_shows_nothing(ws, monkeypatch):
    dataset_id = owned(ws)
    monkeypatch.setenv("MARKET_TRENDS_SESSION_HOURS", "1")
    at = run({"data": dataset_id}, ALICE, iat=time.time() - 2 * 3600)
    assert not at.exception, at.exception
    assert at.user.get("is_logged_in") is False  # st.logout ran
    text = everything(at)
    assert SECRET_NAME not in text and SECRET_COMPANY not in text
    fresh = run({"data": dataset_id}, ALICE, iat=time.time() - 1800)
    assert SECRET_NAME in unescaped_markdown(" ".join(c.value for c in fresh.sidebar.caption))


def test_views_saved_while_signed_in_belong_to_the_user_and_are_audited(ws):
    dataset_id = owned(ws)
    at = run({"data": dataset_id}, ALICE, "../pages/competitors.py")
    at.text_input(key="save_view_name").input("Alice's board view").run()
    at.button(key="save_view").click().run()
    assert not at.exception, at.exception
    saved = ViewStore().list_for("alice@example.com", dataset_id)
    assert [v.name for v in saved] == ["Alice's board view"]
    assert ("alice@example.com", "saved", saved[0].id) in [
        (e.who, e.action, e.view) for e in Access(ws.engine).activity(dataset_id)]


def test_an_editor_renames_it_and_the_owner_sees_who_did(ws):
    dataset_id = owned(ws)
    Access(ws.engine).share(dataset_id, "bob@example.com", "editor", signed_in(**ALICE))
    at = run({"data": dataset_id}, BOB, DATA_PAGE)
    assert at.button(key=f"ws_delete_{dataset_id}").disabled
    at.text_input(key=f"ws_rename_{dataset_id}").input("Renamed by Bob").run()
    at.button(key=f"ws_rename_go_{dataset_id}").click().run()
    assert not at.exception, at.exception
    assert ws.get(dataset_id).name == "Renamed by Bob"
    assert ("bob@example.com", "renamed") in [(e.who, e.action) for e in Access(ws.engine).activity(dataset_id)]


def test_an_address_the_provider_did_not_verify_matches_no_grant(ws):
    dataset_id = owned(ws)
    Access(ws.engine).share(dataset_id, "@other.org", READER, signed_in(**ALICE))
    at = run({"data": dataset_id}, {**CAROL, "email_verified": False})
    assert [e.value for e in at.error] == ["You don't have access to this dataset; ask its owner (Alice Owner)"]
    assert SECRET_NAME not in everything(at)
