"""Start the app as a user would and drive it in Debian's Chromium.

Shared by the browser tests and by bench/ui.py, so that both measure the
same thing: `streamlit run dashboard/app.py` on a free local port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = (
    "[data-testid='stApp'][data-test-script-state='notRunning']"
    "[data-test-connection-state='CONNECTED']"
)


def chromium_path() -> str | None:
    """Debian's Chromium, or the one CHROMIUM_PATH names (then only that one)."""
    if "CHROMIUM_PATH" in os.environ:
        candidates = [os.environ["CHROMIUM_PATH"]]
    else:
        candidates = ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, env: dict[str, str] | None = None, args: list[str] | tuple[str, ...] = ()) -> subprocess.Popen:
    """`streamlit run dashboard/app.py` as a newcomer would, on a free port.

    `env` is added to this process's environment (e.g. MARKET_TRENDS_HOME, MARKET_TRENDS_DATABASE_URL for
    servers sharing one PostgreSQL); `args` are extra `streamlit run` options.

    Output goes to a temporary log file: a pipe nobody reads would fill up and
    stall the server during a long test run.
    """
    log = tempfile.NamedTemporaryFile(prefix=f"streamlit-{port}-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *(args or ())],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    server.log_path = log.name  # type: ignore[attr-defined]
    return server


def stop_app(server: subprocess.Popen) -> None:
    """Stop a server started by `start_app`: SIGTERM, then SIGKILL if it has not gone after 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def wait_healthy(base_url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{Path(server.log_path).read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{base_url} was not healthy after {timeout:.0f} s")


def wait_rendered(page, timeout: float = 90_000) -> None:
    """Wait until the script finished, the socket is up and no skeleton is left."""
    page.wait_for_selector(READY, timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout,
    )


def fresh_page(browser):
    """A page in a new browser context (no cookies, no session), as a colleague opening a link would have."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)  # a busy 2-core CI machine can take a while to render a cold page
    return page
