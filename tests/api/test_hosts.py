"""The LAN host rule (PROTOCOL §6.1) and simulator-mode loopback."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.v2c_cloud.api import V2CValidationError, validate_lan_host

ACCEPTED = [
    ("192.168.1.50", "192.168.1.50"),
    (" 10.0.0.7 ", "10.0.0.7"),
    ("172.16.0.1", "172.16.0.1"),
    ("172.31.255.254", "172.31.255.254"),
    ("192.0.2.10", "192.0.2.10"),  # TEST-NET-1, "private" in Python
    ("198.18.0.1", "198.18.0.1"),  # benchmarking range, "private" in Python
    ("fd00::1", "[fd00::1]"),
    ("FD12:3456:789A::0001", "[fd12:3456:789a::1]"),
    ("[fd00::2]", "[fd00::2]"),
    ("::ffff:192.168.1.9", "[::ffff:192.168.1.9]"),
]

REJECTED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback IPv6"),
    ("8.8.8.8", "public"),
    ("1.0.0.1", "public"),
    ("2001:4860:4860::8888", "public IPv6"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local IPv6"),
    ("fe80::1%eth0", "scoped IPv6"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified IPv6"),
    ("224.0.0.251", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast IPv6"),
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("::ffff:127.0.0.1", "mapped loopback"),
    ("::ffff:8.8.8.8", "mapped public"),
    ("trydan.local", "hostname"),
    ("localhost", "hostname"),
    ("charger", "hostname"),
    ("192.168.1.50:80", "port"),
    ("[fd00::1]:8080", "port IPv6"),
    ("192.168.001.050", "leading zeros"),
    ("192.168.1", "short"),
    ("http://192.168.1.50", "URL"),
    ("192.168.1.50/24", "CIDR"),
    ("", "empty"),
    ("   ", "blank"),
]


@pytest.mark.parametrize(("host", "expected"), ACCEPTED)
@pytest.mark.parametrize("allow_loopback", [False, True])
def test_accepted_hosts(host: str, expected: str, allow_loopback: bool) -> None:
    assert validate_lan_host(host, allow_loopback=allow_loopback) == expected


@pytest.mark.parametrize(("host", "reason"), REJECTED, ids=[r[1] + ":" + r[0] for r in REJECTED])
def test_rejected_hosts(host: str, reason: str) -> None:
    with pytest.raises(V2CValidationError) as err:
        validate_lan_host(host)
    assert err.value.field == "host"
    assert err.value.constraint == "private IP literal"


@pytest.mark.parametrize("host", [None, 3232235826, b"192.168.1.50"])
def test_non_string_hosts(host: Any) -> None:
    with pytest.raises(V2CValidationError):
        validate_lan_host(host)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1:8081", "127.0.0.1:8081"),
        ("127.0.0.2:08081", "127.0.0.2:8081"),
        ("::1", "[::1]"),
        ("[::1]", "[::1]"),
        ("[::1]:8081", "[::1]:8081"),
        ("192.168.1.50", "192.168.1.50"),
    ],
)
def test_simulator_mode_accepts_loopback_with_port(host: str, expected: str) -> None:
    assert validate_lan_host(host, allow_loopback=True) == expected


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:",
        "127.0.0.1:http",
        "192.168.1.50:8081",
        "[fd00::1]:8081",
        "8.8.8.8",
        "8.8.8.8:53",
        "localhost:8081",
        "[127.0.0.1]:8081",
        "[::1:8081",
        "0.0.0.0:8081",
    ],
)
def test_simulator_mode_still_rejects(host: str) -> None:
    with pytest.raises(V2CValidationError) as err:
        validate_lan_host(host, allow_loopback=True)
    assert err.value.field == "host"
