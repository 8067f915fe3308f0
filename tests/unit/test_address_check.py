"""Which addresses the URL loader may fetch: public ones only, unless an administrator allows a host."""

from __future__ import annotations

import ipaddress

import pytest

from data.address_check import allowed_hosts, checked_addresses, is_allowed, why_not_public
from data.report import LoadError

OWN = "server's own network"


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1", "2a00:1450:4001::200e"])
def test_public_addresses_are_fetched(address):
    assert why_not_public(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", OWN),
    ("127.255.255.254", OWN),
    ("0.0.0.0", OWN),
    ("::", OWN),
    ("::1", OWN),
    ("10.0.0.1", OWN),
    ("172.16.5.4", OWN),
    ("192.168.1.1", OWN),
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("fc00::1", OWN),
    ("fec0::1", OWN),  # site-local: Python 3.11 calls it global
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::7f00:1", "reserved"),  # IPv4-compatible ::127.0.0.1
    ("::ffff:127.0.0.1", "IPv4 address written as IPv6"),
    ("::ffff:93.184.216.34", "IPv4 address written as IPv6"),
    ("2002:7f00:1::1", "IPv6 form of 127.0.0.1"),  # 6to4
    ("64:ff9b::a00:1", "reserved"),  # NAT64 of 10.0.0.1
    ("192.0.2.1", OWN),  # documentation range
    ("2001:db8::1", OWN),
])
def test_every_non_public_address_is_refused_with_its_reason(address, reason):
    assert reason in why_not_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("setting, expected", [
    ("", set()),
    ("data.intranet", {("data.intranet", None)}),
    (" Data.Intranet. , localhost:8000 ", {("data.intranet", None), ("localhost", 8000)}),
    ("[::1]:8080,::1", {("::1", 8080), ("::1", None)}),
])
def test_allowed_hosts_setting(setting, expected):
    assert allowed_hosts(setting) == expected


def test_allowed_hosts_are_off_by_default(monkeypatch):
    monkeypatch.delenv("MARKET_TRENDS_ALLOWED_HOSTS", raising=False)
    assert allowed_hosts() == frozenset()
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "localhost")
    assert allowed_hosts() == {("localhost", None)}


def test_a_port_in_the_setting_allows_only_that_port():
    allowed = allowed_hosts("localhost:8000,data.intranet")
    assert is_allowed("LOCALHOST", 8000, allowed) and not is_allowed("localhost", 8001, allowed)
    assert is_allowed("data.intranet", 443, allowed) and not is_allowed("127.0.0.1", 8000, allowed)


@pytest.mark.parametrize("host", ["localhost", "2130706433", "0x7f.1", "017700000001", "127.1", "0"])
def test_names_and_numeric_forms_are_resolved_before_the_check(host):
    with pytest.raises(LoadError, match=rf"^{host} points to [0-9a-f.:]+, an address on the server's own network"):
        checked_addresses(host, 80, allowed_hosts(""))


def test_an_allowed_host_resolves_to_its_internal_address():
    assert "127.0.0.1" in checked_addresses("localhost", 80, allowed_hosts("localhost"))
