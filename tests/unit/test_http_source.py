"""Fetching files over HTTP from a real server on 127.0.0.1: every failure says why.

The server is on the machine's own network, which the loader refuses unless an
administrator allows it; the `local` fixture allows 127.0.0.1 the way an
administrator would, through MARKET_TRENDS_ALLOWED_HOSTS.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from data.http_source import fetch
from data.report import LoadError
from data.validate import load

CSV = b"date,company,units\n2024-01-01,Apex,10\n2024-02-01,Apex,12\n"


class Handler(BaseHTTPRequestHandler):
    seen: list[str] = []  # every path asked for, so a test can tell that nothing was sent
    routes = {
        "/data/market.csv": (200, "text/csv; charset=utf-8", CSV),
        "/data/export": (200, "text/csv", CSV),
        "/login": (200, "text/html; charset=utf-8", b"<html><body>Please sign in</body></html>"),
        "/gone.csv": (404, "text/plain", b"not found"),
        "/broken.csv": (500, "text/plain", b"oops"),
    }

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        if self.path.startswith(("/redirect", "/hops/")):
            return self._redirect()
        if self.path == "/drip.csv":
            return self._drip()
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

    def _redirect(self):
        """/redirect?to=URL answers 302 to URL; /hops/N redirects N more times (relative), then to the CSV."""
        if self.path.startswith("/hops/"):
            left = int(self.path.split("/")[2])
            location = f"/hops/{left - 1}" if left > 1 else "/data/market.csv"
        else:
            location = parse_qs(urlparse(self.path).query)["to"][0]
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self):
        """One CSV line every half second, without a length: only a total deadline stops the reader."""
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        try:
            self.wfile.write(b"date,company,units\n")
            for month in range(1, 41):
                self.wfile.write(f"2024-{month % 12 + 1:02d}-01,Apex,{month}\n".encode())
                self.wfile.flush()
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up at its deadline, as it should

    def log_message(self, *args):
        pass


def _serve():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def server():
    """The base URL of a real server on 127.0.0.1 (not allowed: see `local`)."""
    httpd = _serve()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(server, monkeypatch):
    """The server's base URL, with 127.0.0.1 allowed as an administrator would allow it."""
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "127.0.0.1")
    return server


@pytest.fixture
def not_allowed(monkeypatch):
    monkeypatch.delenv("MARKET_TRENDS_ALLOWED_HOSTS", raising=False)


def test_a_csv_is_fetched_and_loads(local):
    name, content = fetch(f"{local}/data/market.csv")
    assert name == "market.csv" and content == CSV
    assert load(name, content).ok


def test_a_name_without_extension_gets_one_from_the_content_type(local):
    assert fetch(f"{local}/data/export")[0] == "export.csv"


@pytest.mark.parametrize("path, expected", [
    ("/gone.csv", "answered 404"),
    ("/broken.csv", "answered 500"),
    ("/login", "is a web page, not a data file"),
])
def test_http_failures_say_what_happened(local, path, expected):
    with pytest.raises(LoadError, match=expected):
        fetch(f"{local}{path}")


def test_timeout(local):
    with pytest.raises(LoadError, match="did not answer within 1 s"):
        fetch(f"{local}/slow.csv", timeout=1)


def test_size_limit_while_streaming(local):
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        fetch(f"{local}/huge.csv", limit_mb=1)


def test_unreachable_host(monkeypatch):
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "127.0.0.1")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LoadError, match="Could not reach 127.0.0.1"):
        fetch(f"http://127.0.0.1:{port}/market.csv", timeout=2)


@pytest.mark.parametrize("url", ["ftp://example.org/x.csv", "file:///etc/passwd", "not a url"])
def test_only_web_addresses(url):
    with pytest.raises(LoadError, match="not a web address"):
        fetch(url)


def test_validate_command_checks_a_url(local):
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", "data.validate", f"{local}/data/market.csv"], capture_output=True, text=True)
    gone = subprocess.run([sys.executable, "-m", "data.validate", f"{local}/gone.csv"], capture_output=True, text=True)
    assert ok.returncode == 0 and "OK" in ok.stdout
    assert gone.returncode == 1 and "answered 404" in gone.stdout and "Traceback" not in gone.stderr


# --- the server's own network is refused, before anything is sent ---------------------------------

PUBLIC_ONLY = "the dashboard only fetches public addresses. An administrator can allow it with MARKET_TRENDS_ALLOWED_HOSTS"


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


@pytest.mark.parametrize("host, says", [
    ("127.0.0.1", "127.0.0.1 is an address on the server's own network"),
    ("localhost", "localhost points to"),
    ("0.0.0.0", "0.0.0.0 is an address on the server's own network"),
    ("2130706433", "2130706433 points to 127.0.0.1"),
    ("0x7f.1", "0x7f.1 points to 127.0.0.1"),
    ("017700000001", "017700000001 points to 127.0.0.1"),
    ("[::1]", "::1 is an address on the server's own network"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is an IPv4 address written as IPv6"),
])
def test_the_servers_own_addresses_are_refused_by_default(server, not_allowed, host, says):
    path = f"/data/market.csv?probe={host}"
    with pytest.raises(LoadError) as refused:
        fetch(f"http://{host}:{_port(server)}{path}")
    assert says in str(refused.value) and PUBLIC_ONLY in str(refused.value)
    assert path not in Handler.seen  # refused before connecting


@pytest.mark.parametrize("url, says", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.20.30.40/market.csv", "10.20.30.40 is an address on the server's own network"),
    ("https://192.168.0.1:8443/market.csv", "192.168.0.1 is an address on the server's own network"),
])
def test_internal_networks_are_refused_without_connecting(not_allowed, url, says):
    with pytest.raises(LoadError, match=says):
        fetch(url, timeout=1, deadline=2)  # a connection attempt would end in "Could not reach" instead


def test_a_host_listed_by_the_administrator_is_fetched(server, monkeypatch):
    port = _port(server)
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", f"intranet.example, localhost:{port}")
    assert fetch(f"http://localhost:{port}/data/market.csv")[1] == CSV
    with pytest.raises(LoadError, match="127.0.0.1 is an address on the server's own network"):
        fetch(f"{server}/data/market.csv")  # the name was allowed, not every address


def test_the_allowed_hosts_can_be_given_as_a_parameter(server, not_allowed):
    assert fetch(f"{server}/data/market.csv", allowed_hosts="127.0.0.1")[1] == CSV


def test_a_redirect_to_a_host_that_is_not_allowed_is_refused(server, monkeypatch):
    other = _serve()  # a second service on the same machine, on a port nobody allowed
    try:
        inside = f"http://127.0.0.1:{other.server_address[1]}/data/market.csv?probe=redirect"
        monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", f"127.0.0.1:{_port(server)}")
        with pytest.raises(LoadError) as refused:
            fetch(f"{server}/redirect?to={inside}")
        assert f"The link redirected to {inside}" in str(refused.value) and PUBLIC_ONLY in str(refused.value)
        assert "/data/market.csv?probe=redirect" not in Handler.seen
    finally:
        other.shutdown()
        other.server_close()


@pytest.mark.parametrize("target", ["http://localhost:{port}/data/market.csv", "http://[::1]:{port}/data/market.csv"])
def test_a_redirect_to_another_name_for_the_same_server_is_refused(server, monkeypatch, target):
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "127.0.0.1")
    with pytest.raises(LoadError, match="The link redirected to .*only fetches public addresses"):
        fetch(f"{server}/redirect?to={target.format(port=_port(server))}")


def test_relative_redirects_are_followed_up_to_five(local):
    assert fetch(f"{local}/hops/5") == ("market.csv", CSV)
    with pytest.raises(LoadError, match="redirected more than 5 times"):
        fetch(f"{local}/hops/6")


def test_a_redirect_must_stay_on_the_web(local):
    with pytest.raises(LoadError, match="redirected to “file:///etc/passwd”, which is not a web address"):
        fetch(f"{local}/redirect?to=file:///etc/passwd")


@pytest.mark.parametrize("userinfo", ["user:secret@", "user@", ":secret@"])
def test_links_with_a_user_name_or_password_are_refused(local, userinfo):
    url = f"http://{userinfo}127.0.0.1:{_port(local)}/data/market.csv?probe=credentials"
    with pytest.raises(LoadError, match="contains a user name or password") as refused:
        fetch(url)
    assert "secret" not in str(refused.value) and "/data/market.csv?probe=credentials" not in Handler.seen
    with pytest.raises(LoadError, match="redirects to an address that contains a user name or password"):
        fetch(f"{local}/redirect?to={url}")


def test_a_server_that_drips_the_file_is_cut_off_at_the_total_deadline(local):
    with pytest.raises(LoadError, match=r"The download from 127\.0\.0\.1 took longer than 2 s in all; stopped"):
        fetch(f"{local}/drip.csv", deadline=2)  # each line comes well within the per-read timeout


def test_the_command_line_refuses_the_servers_own_network(server, not_allowed):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "data.validate", f"{server}/data/market.csv"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and PUBLIC_ONLY in result.stdout and "Traceback" not in result.stderr
