"""Fetching files over HTTP from a real server on 127.0.0.1: every failure says why."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from data.http_source import fetch
from data.report import LoadError
from data.validate import load

CSV = b"date,company,units\n2024-01-01,Apex,10\n2024-02-01,Apex,12\n"


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/data/market.csv": (200, "text/csv; charset=utf-8", CSV),
        "/data/export": (200, "text/csv", CSV),
        "/login": (200, "text/html; charset=utf-8", b"<html><body>Please sign in</body></html>"),
        "/gone.csv": (404, "text/plain", b"not found"),
        "/broken.csv": (500, "text/plain", b"oops"),
    }

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/slow.csv":
            time.sleep(2)
        if self.path == "/huge.csv":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                for _ in range(200):  # 2 MB streamed without Content-Length
                    self.wfile.write(b"x" * 10_000)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its limit, as it should
            return
        status, kind, body = self.routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_csv_is_fetched_and_loads(server):
    name, content = fetch(f"{server}/data/market.csv")
    assert name == "market.csv" and content == CSV
    assert load(name, content).ok


def test_a_name_without_extension_gets_one_from_the_content_type(server):
    assert fetch(f"{server}/data/export")[0] == "export.csv"


@pytest.mark.parametrize("path, expected", [
    ("/gone.csv", "answered 404"),
    ("/broken.csv", "answered 500"),
    ("/login", "is a web page, not a data file"),
])
def test_http_failures_say_what_happened(server, path, expected):
    with pytest.raises(LoadError, match=expected):
        fetch(f"{server}{path}")


def test_timeout(server):
    with pytest.raises(LoadError, match="did not answer within 1 s"):
        fetch(f"{server}/slow.csv", timeout=1)


def test_size_limit_while_streaming(server):
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        fetch(f"{server}/huge.csv", limit_mb=1)


def test_unreachable_host():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LoadError, match="Could not reach 127.0.0.1"):
        fetch(f"http://127.0.0.1:{port}/market.csv", timeout=2)


@pytest.mark.parametrize("url", ["ftp://example.org/x.csv", "file:///etc/passwd", "not a url"])
def test_only_web_addresses(url):
    with pytest.raises(LoadError, match="not a web address"):
        fetch(url)


def test_validate_command_checks_a_url(server):
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", "data.validate", f"{server}/data/market.csv"], capture_output=True, text=True)
    gone = subprocess.run([sys.executable, "-m", "data.validate", f"{server}/gone.csv"], capture_output=True, text=True)
    assert ok.returncode == 0 and "OK" in ok.stdout
    assert gone.returncode == 1 and "answered 404" in gone.stdout and "Traceback" not in gone.stderr
