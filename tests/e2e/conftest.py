"""Fixtures for browser tests: a real `streamlit run` server and a real Chromium.

Outside CI, the tests skip with the reason when no Chromium is found; in CI
(CI=true) a missing browser fails the run, so browser tests can never be
silently skipped there.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.e2e.harness import CHROMIUM_FLAGS, chromium_path, free_port, start_app, wait_healthy


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if path is None:
        reason = "Chromium not found (install Debian's `chromium` or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; browser tests must run in CI", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    home = tmp_path_factory.mktemp("home")  # saved views and workspace datasets of this test run only
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(home)})
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, server)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)  # a cold page on a busy 2-core CI machine can take a while
    page = context.new_page()
    yield page
    context.close()
