"""Fetch a public data file over HTTP(S), with limits and messages a user can act on.

Statistics offices and research vendors publish CSVs at stable addresses. A
wrong link usually answers with an error page or a login page, not with an
exception worth showing, so every failure becomes a LoadError in plain words.

The server fetches on behalf of whoever pastes a link, so a link must not
reach the server's own network (see `data.address_check`). Each hop, the first
request and every redirect, is checked before anything is sent:

- only http and https, and no user name or password in the link;
- the host name is resolved and every address must be public, unless an
  administrator allowed the host in `MARKET_TRENDS_ALLOWED_HOSTS`;
- the connection goes to one of the addresses that were checked, not to the
  name again, so a DNS answer that changes in between (DNS rebinding) cannot
  redirect it; TLS still checks the certificate against the host name;
- redirects are followed here, at most MAX_REDIRECTS, each one checked again.

Proxy settings and .netrc credentials from the environment are not used: a
proxy would make its own connection, to an address this module never checked.
Residual risk: the name lookup itself is bounded by the system resolver's
timeouts, not by the deadline.

`timeout` bounds each wait for the server; `deadline` bounds the whole fetch,
so a server that sends one line every few seconds cannot hold it for minutes.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from data.address_check import allowed_hosts as read_allowed_hosts
from data.address_check import checked_addresses
from data.readers import UPLOAD_LIMIT_MB
from data.report import LoadError

TIMEOUT_S = 15
DEADLINE_S = 30
MAX_REDIRECTS = 5
CHUNK = 1 << 16
_REDIRECTS = {301, 302, 303, 307, 308}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TYPE_EXTENSIONS = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.apache.parquet": ".parquet",
    "application/x-parquet": ".parquet",
}


def fetch(url: str, *, timeout: float = TIMEOUT_S, deadline: float = DEADLINE_S,
          limit_mb: float = UPLOAD_LIMIT_MB, allowed_hosts: str | None = None) -> tuple[str, bytes]:
    """The file name and bytes at `url`; LoadError with the reason if it cannot be had.

    `allowed_hosts` is a comma-separated list like MARKET_TRENDS_ALLOWED_HOSTS,
    which is read when it is None.
    """
    allowed = read_allowed_hosts(allowed_hosts)
    url = url.strip()
    with _Clock(deadline) as clock:
        for hop in range(MAX_REDIRECTS + 1):
            target = _Target.parse(url, redirected=hop > 0)
            addresses = _checked(target, allowed, redirected=hop > 0)
            with _pinned_session(target, addresses, clock) as session:
                response = _get(session, target, timeout, clock)
                with response:
                    if response.status_code in _REDIRECTS:
                        url = _redirect_url(target, response)
                        continue
                    return _file(target, response, limit_mb, clock)
    raise LoadError(f"The link redirected more than {MAX_REDIRECTS} times; stopped. "
                    "Open it in a browser and paste the address it ends at.")


@dataclass(frozen=True)
class _Target:
    """One URL to request, taken apart."""

    url: str
    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str, redirected: bool = False) -> _Target:
        prefix = f"The link redirected to “{url[:80]}”, which" if redirected else f"“{url[:80]}”"
        parsed = urlparse(url)
        try:
            port = parsed.port
        except ValueError:
            port = -1
        if parsed.scheme not in _DEFAULT_PORTS or not parsed.hostname or port == -1:
            raise LoadError(f"{prefix} is not a web address. Paste a link starting with https://.")
        if "@" in parsed.netloc:
            where = "The link redirects to an address that" if redirected else "The link"
            raise LoadError(f"{where} contains a user name or password (user:password@ before the host); the "
                            "dashboard does not send credentials. Paste a link to a file anyone can download.")
        return cls(url, parsed.scheme, parsed.hostname, port or _DEFAULT_PORTS[parsed.scheme], parsed.path)


def _checked(target: _Target, allowed: frozenset, redirected: bool) -> list[str]:
    try:
        return checked_addresses(target.host, target.port, allowed)
    except LoadError as exc:
        if redirected:
            raise LoadError(f"The link redirected to {target.url[:80]}. {exc}") from None
        raise


def _get(session: requests.Session, target: _Target, timeout: float, clock: _Clock) -> requests.Response:
    """The response to a GET of `target`, redirects not followed; LoadError in words on failure."""
    connect = max(0.1, min(timeout, clock.remaining()))
    try:
        return session.get(target.url, stream=True, allow_redirects=False, timeout=(connect, timeout),
                           headers={"Accept": "*/*"})
    except requests.exceptions.RequestException as exc:
        clock.raise_if_expired(target.host)
        if isinstance(exc, requests.exceptions.Timeout):
            raise LoadError(f"{target.host} did not answer within {timeout:.0f} s. "
                            "Try again later or check the address.") from None
        if isinstance(exc, requests.exceptions.ConnectionError):
            raise LoadError(f"Could not reach {target.host}. "
                            "Check the address and that this machine can reach it.") from None
        raise LoadError(f"Could not fetch {target.url[:80]}: {type(exc).__name__}. Check the address.") from None


def _redirect_url(target: _Target, response: requests.Response) -> str:
    location = response.headers.get("Location")
    if not location:
        raise LoadError(f"{target.host} answered {response.status_code} (moved) without saying where to. "
                        "Check the link.")
    return urljoin(target.url, location)


def _file(target: _Target, response: requests.Response, limit_mb: float, clock: _Clock) -> tuple[str, bytes]:
    """The name and bytes of a final (non-redirect) response, or why they are not a data file."""
    host = target.host
    if response.status_code >= 400:
        raise LoadError(
            f"{host} answered {response.status_code} {response.reason or ''}".rstrip()
            + ". Check that the link is right and the file is public."
        )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml"):
        raise LoadError(
            f"{target.url[:80]} is a web page, not a data file. Open it in a browser and copy the link "
            "of the CSV, Excel or Parquet download instead."
        )
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > limit_mb * 1e6:
        raise LoadError(f"The file at {host} is {declared / 1e6:,.0f} MB, over the {limit_mb:.0f} MB limit.")
    content = _read_limited(response, limit_mb, host, clock)
    return _file_name(target.path, content_type), content


def _read_limited(response: requests.Response, limit_mb: float, host: str, clock: _Clock) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit_mb * 1e6:
                raise LoadError(f"The file at {host} is over the {limit_mb:.0f} MB limit; stopped reading.")
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        clock.raise_if_expired(host)
        raise LoadError(f"The download from {host} broke off. Try again.") from None
    clock.raise_if_expired(host)  # the cut-off may look like a normal end of a file without a length
    return b"".join(chunks)


def _file_name(path: str, content_type: str) -> str:
    name = PurePosixPath(unquote(path)).name or "download"
    if not PurePosixPath(name).suffix and content_type in _TYPE_EXTENSIONS:
        name += _TYPE_EXTENSIONS[content_type]
    return name


class _Clock:
    """The total deadline of one fetch: when it passes, every connection the fetch opened is cut.

    Shutting the sockets down wakes a read that is waiting for the server, so
    the cut does not wait for the per-read timeout.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = threading.Event()
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Clock:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
        if self.expired.is_set():
            _shut(sock)

    def raise_if_expired(self, host: str) -> None:
        if self.expired.is_set():
            raise LoadError(f"The download from {host} took longer than {self.seconds:.0f} s in all; stopped. "
                            "Try again later, or download the file yourself and upload it.")

    def _expire(self) -> None:
        self.expired.set()
        with self._lock:
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _PinnedConnection(HTTPConnection):
    """An HTTP connection to addresses checked beforehand, never to a fresh lookup of the name."""

    addresses: tuple[str, ...] = ()
    checked_port: int = 0
    clock: _Clock | None = None

    def _new_conn(self) -> socket.socket:  # urllib3's own resolves self.host again
        if self.port != self.checked_port:  # a parser disagreement: refuse rather than guess
            raise NewConnectionError(self, f"port {self.port} was not the port checked ({self.checked_port})")
        error: Exception = NewConnectionError(self, "no address to connect to")
        for address in self.addresses:
            try:
                sock = create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError:
                error = ConnectTimeoutError(self, f"Connection to {self.host} timed out.")
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
            else:
                self.clock.watch(sock)
                return sock
        raise error


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    """The same for HTTPS: TLS checks the certificate against the host name as usual."""


class _PinnedAdapter(HTTPAdapter):
    """Requests' adapter with connection pools whose connections go to the checked addresses."""

    def __init__(self, target: _Target, addresses: list[str], clock: _Clock):
        pinned = {"addresses": tuple(addresses), "checked_port": target.port, "clock": clock}
        self._pools = {
            "http": type("PinnedPool", (HTTPConnectionPool,),
                         {"ConnectionCls": type("Pinned", (_PinnedConnection,), pinned)}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": type("PinnedHTTPS", (_PinnedHTTPSConnection,), pinned)}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


def _pinned_session(target: _Target, addresses: list[str], clock: _Clock) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy (it would connect elsewhere), no .netrc credentials
    adapter = _PinnedAdapter(target, addresses, clock)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
