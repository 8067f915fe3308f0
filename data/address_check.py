"""Which network addresses the URL loader may fetch from: public ones, unless an administrator says otherwise.

The dashboard fetches a link on behalf of whoever pastes it, from inside the
server's network. Without this check a visitor could read internal services
(a database console on 127.0.0.1, cloud metadata on 169.254.169.254) through
the validation report, which quotes column names and cell values. So a host
name is resolved first, and every address it resolves to must be public.
`MARKET_TRENDS_ALLOWED_HOSTS` lets an administrator name internal hosts that
may be fetched anyway, e.g. `data.intranet,localhost:8000`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable

from data.report import LoadError

ALLOWED_HOSTS_ENV = "MARKET_TRENDS_ALLOWED_HOSTS"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_OWN_NETWORK = "an address on the server's own network"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def why_not_public(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address, in words; None if it is public.

    `is_global` alone is not enough: in Python 3.11 it calls site-local
    (fec0::/10) and IPv4-compatible (::7f00:1) addresses global, and it does
    not look inside addresses that carry an IPv4 address (::ffff:a.b.c.d,
    6to4, NAT64), so the explicit checks come first.
    """
    if address.is_unspecified or address.is_loopback:
        return _OWN_NETWORK
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return "an IPv4 address written as IPv6 (::ffff:…)"
    if address.is_link_local:
        return "a link-local address on the server's own network (where cloud metadata services answer)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local):
        return _OWN_NETWORK
    embedded = _embedded_ipv4(address)
    if embedded is not None and why_not_public(embedded) is not None:
        return f"an IPv6 form of {embedded}, {why_not_public(embedded)}"
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address a 6to4 or NAT64 address leads to, if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def allowed_hosts(setting: str | None = None) -> frozenset[tuple[str, int | None]]:
    """The (host, port or None for any port) pairs an administrator allowed.

    `setting` is the comma-separated list, `MARKET_TRENDS_ALLOWED_HOSTS` when
    None. Entries are `host`, `host:port`, `[IPv6]:port` or a bare IPv6 address.
    """
    if setting is None:
        setting = os.environ.get(ALLOWED_HOSTS_ENV, "")
    return frozenset(_parse_entry(entry.strip()) for entry in setting.split(",") if entry.strip())


def _parse_entry(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.lstrip(":")
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    return _normal(host), int(port) if port.isdigit() else None


def _normal(host: str) -> str:
    return host.strip().lower().rstrip(".")


def is_allowed(host: str, port: int, allowed: Iterable[tuple[str, int | None]]) -> bool:
    """True if the administrator allowed `host` on `port` (or on any port)."""
    return any(_normal(host) == name and entry_port in (None, port) for name, entry_port in allowed)


def checked_addresses(host: str, port: int, allowed: Iterable[tuple[str, int | None]]) -> list[str]:
    """The addresses `host` resolves to, all of them public (or the host allowed); LoadError otherwise.

    The caller connects to these addresses, not to the name, so a DNS answer
    that changes between this check and the connection cannot lead elsewhere.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise LoadError(f"Could not find {host}. Check the address.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if is_allowed(host, port, allowed):
        return addresses
    for text in addresses:
        reason = why_not_public(ipaddress.ip_address(text))
        if reason is not None:
            raise LoadError(_refusal(host, text, reason))
    return addresses


def _refusal(host: str, address: str, reason: str) -> str:
    subject = f"{host} is" if _normal(host) == address.lower() else f"{host} points to {address},"
    return (f"{subject} {reason}; the dashboard only fetches public addresses. "
            f"An administrator can allow it with {ALLOWED_HOSTS_ENV}.")
