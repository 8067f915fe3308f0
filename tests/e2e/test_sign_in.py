"""In Chromium, with a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock): sign-in, sharing, no access.

User A signs in, saves an uploaded dataset and a view, and shares the dataset
with B as reader; B signs in, sees it and cannot delete it; C signs in and gets
one sentence from A's links, with nothing of the dataset in the page, its HTML or the
websocket messages the server sent. A session cookie that was tampered with, or has expired, shows the
sign-in prompt and no data. Every action is one JSON line in the server log.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import fresh_page, free_port, start_app, wait_healthy, wait_rendered
from tests.e2e.test_data_upload import save_upload, sidebar_caption
from tests.e2e.test_sharing import save_named

pytestmark = pytest.mark.e2e

PEOPLE = {
    "a": ("alice@example.com", "Alice Owner"),
    "b": ("bob@example.com", "Bob Reader"),
    "c": ("carol@other.org", "Carol Outsider"),
}
NAME = "Zyx confidential tracker"
VIEW = "Qwerty board view"
COMPANY = "Quuxcorp Secret"
CSV = "date,segment,region,company,units,revenue\n" + "".join(
    f"2024-{m:02d}-01,Laptops,EU,{company},{units + m},{(units + m) * 987}\n"
    for m in range(1, 7) for company, units in ((COMPANY, 4321), ("Glacier Labs", 300), ("Others", 200)))
NO_ACCESS = "You don't have access to this dataset; ask its owner (Alice Owner)"
COOKIE = "_streamlit_user"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 and a free port, knowing A, B and C (e-mail verified, with a name)."""
    import oidc_provider_mock
    import werkzeug.serving

    users = [oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True, "name": name})
             for email, name in PEOPLE.values()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory) -> Iterator[tuple[str, str, Path]]:
    """The app with `[auth]` pointing at the provider: its URL, its cookie secret and its log file."""
    folder = tmp_path_factory.mktemp("sign-in")
    port, cookie_secret = free_port(), secrets.token_urlsafe(32)
    base = f"http://127.0.0.1:{port}"
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "market-trends-dashboard"\n'
        'client_secret = "any-secret-the-mock-accepts"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(folder / "home")},
                       args=["--secrets.files", str(folder / "secrets.toml")])
    try:
        wait_healthy(base, server)
        yield base, cookie_secret, Path(server.log_path)
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in(browser, app: str, who: str):
    """A fresh browser that signs in as `who` through the provider's own authorization form."""
    page = fresh_page(browser)
    page.goto(app)
    wait_rendered(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(PEOPLE[who][0])  # the provider's form: which user to be
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**")
    wait_rendered(page)
    assert f"Signed in as {PEOPLE[who][1]}" in page.locator("[data-testid='stSidebar']").inner_text()
    return page


def alerts(page) -> str:
    return "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())


def shows_nothing_of_the_dataset(page) -> None:
    """Neither the page's text nor the HTML the browser holds has the dataset's name, numbers or view title."""
    for text in (page.locator("body").inner_text(), page.content()):
        for secret in (NAME, VIEW, COMPANY, "4322", "4,322", "tracker.csv"):
            assert secret not in text, secret
    assert page.locator("[data-testid='stMetricValue'], [data-testid='stPlotlyChart']").count() == 0


@pytest.fixture(scope="module")
def shared(browser, signed_app, tmp_path_factory) -> Iterator[dict]:
    """A signs in, saves a dataset and a view, and shares the dataset with B as reader."""
    app, _, _ = signed_app
    page = sign_in(browser, app, "a")
    path = tmp_path_factory.mktemp("upload") / "tracker.csv"
    path.write_text(CSV)
    save_upload(page, app, path, NAME)
    dataset_link = page.url
    dataset_id = dataset_link.split("data=")[1][:8]

    page.locator("[data-testid='stSidebarNavLink']", has_text="Competitors").click()
    wait_rendered(page)
    page.get_by_text("Share this view").click()
    view_link = save_named(page, VIEW)
    page.keyboard.press("Escape")

    page.locator("[data-testid='stSidebarNavLink']", has_text="Data").click()
    wait_rendered(page)
    page.get_by_label("Share with").fill("bob@example.com")
    page.get_by_label("Share with").press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_selector("text=as reader")
    wait_rendered(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    yield {"page": page, "dataset": dataset_id, "link": f"{app}/overview?data={dataset_id}", "view": view_link,
           "cookie": cookie}
    page.context.close()


def test_a_owns_the_dataset_and_sees_who_did_what(shared):
    page = shared["page"]
    assert "Shared" in alerts(page) and "as reader" in alerts(page)
    page.get_by_text("Activity").click()
    activity = page.locator("[data-testid='stExpander']", has_text="Activity")
    activity.locator("[data-testid='stDataFrame']").wait_for()
    assert page.get_by_role("button", name="Delete").is_enabled()


def test_b_sees_the_shared_dataset_and_cannot_delete_it(browser, signed_app, shared):
    app, _, _ = signed_app
    page = sign_in(browser, app, "b")
    try:
        page.goto(shared["link"])
        wait_rendered(page)
        assert NAME in sidebar_caption(page)
        assert page.locator("[data-testid='stMetricValue']").count() > 0
        page.goto(shared["view"])  # A's saved view opens for a reader too
        wait_rendered(page)
        assert VIEW in alerts(page) and NAME in sidebar_caption(page)
        page.locator("[data-testid='stSidebarNavLink']", has_text="Data").click()
        wait_rendered(page)
        assert page.get_by_role("button", name="Delete").is_disabled()
        assert "Only the owner (Alice Owner) can delete it" in page.locator("body").inner_text()
        assert page.get_by_label("Share with").count() == 0
    finally:
        page.context.close()


def test_c_gets_one_sentence_from_a_link_and_sees_nothing_of_it(browser, signed_app, shared):
    app, _, _ = signed_app
    page = sign_in(browser, app, "c")
    frames: list[bytes] = []  # every message the server sent over the app's websocket
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    try:
        for link in (shared["link"], shared["view"], f"{app}/data?data={shared['dataset']}@1"):
            page.goto(link)
            wait_rendered(page)
            assert page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']").all_inner_texts() == [
                NO_ACCESS], link
            shows_nothing_of_the_dataset(page)
        assert frames and any(NO_ACCESS.encode() in f for f in frames)  # the frames are where the page came from
        for secret in (NAME, VIEW, COMPANY):
            assert not any(secret.encode() in f for f in frames), secret
        page.goto(f"{app}/data")
        wait_rendered(page)
        assert NAME not in page.content()  # not in her picker or workspace list either
    finally:
        page.context.close()


def resigned(cookie_secret: str, payload: dict, age_days: float = 0.0) -> str:
    """The identity cookie as Streamlit signs it (itsdangerous, salted with the cookie name), `age_days` old."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class Aged(TimestampSigner):
        def get_timestamp(self) -> int:  # noqa: D102
            return int(time.time() - age_days * 86400)

    return URLSafeTimedSerializer(cookie_secret, salt=COOKIE, signer=Aged).dumps(json.dumps(payload))


def identity(cookie_secret: str, cookie: dict) -> dict:
    from itsdangerous import URLSafeTimedSerializer

    return json.loads(URLSafeTimedSerializer(cookie_secret, salt=COOKIE).loads(cookie["value"]))


@pytest.mark.parametrize("kind", ["tampered", "expired by Streamlit", "older than the session length"])
def test_a_tampered_or_expired_cookie_shows_the_sign_in_prompt_and_no_data(browser, signed_app, shared, kind):
    app, cookie_secret, _ = signed_app
    real = shared["cookie"]
    claims = identity(cookie_secret, real)
    assert claims["email"] == "alice@example.com"  # the real cookie A's sign-in set
    if kind == "tampered":  # one character of the signed identity changed: the signature no longer matches
        at = len(real["value"]) // 3
        value = real["value"][:at] + ("A" if real["value"][at] != "A" else "B") + real["value"][at + 1:]
    elif kind == "expired by Streamlit":  # signed with the right secret, but older than Streamlit accepts
        value = resigned(cookie_secret, claims, age_days=40)
    else:  # a valid cookie whose sign-in happened longer ago than MARKET_TRENDS_SESSION_HOURS (12 h)
        value = resigned(cookie_secret, {**claims, "iat": int(time.time()) - 13 * 3600})
    page = fresh_page(browser)
    try:
        page.context.add_cookies([{**{k: real[k] for k in ("name", "domain", "path")}, "value": value}])
        page.goto(shared["link"])
        if kind == "older than the session length":  # the app signs the user out: the cookie is cleared
            deadline = time.monotonic() + 60
            while any(c["name"] == COOKIE for c in page.context.cookies()) and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            assert not any(c["name"] == COOKIE for c in page.context.cookies())
            shows_nothing_of_the_dataset(page)  # wherever the sign-out led (the provider's sign-out page)
            page.goto(shared["link"])
        page.wait_for_selector("text=Sign in with your company account", timeout=60_000)
        wait_rendered(page)
        shows_nothing_of_the_dataset(page)
        assert page.get_by_role("button", name="Sign in").count() == 1
    finally:
        page.context.close()


def test_every_action_is_one_json_line_in_the_server_log(signed_app, shared):
    _, _, log = signed_app
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith('{"audit"')]
    mine = [(e["who"], e["audit"]) for e in events if e["dataset"] == shared["dataset"]]
    assert ("alice@example.com", "saved") in mine and ("alice@example.com", "shared") in mine
    assert ("alice@example.com", "opened") in mine
    assert all(set(e) == {"audit", "at", "who", "dataset", "view", "detail"} for e in events)
