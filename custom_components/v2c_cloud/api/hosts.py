"""The LAN host rule (PROTOCOL §6.1): only private IP literals may be contacted."""

from __future__ import annotations

import ipaddress
import re

from .exceptions import V2CValidationError

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_BRACKETED = re.compile(r"\[([^\]]+)\](?::([0-9]{1,5}))?", re.ASCII)
_IPV4_PORT = re.compile(r"([0-9.]+):([0-9]{1,5})", re.ASCII)
_CONSTRAINT = "private IP literal"


def _reject(host: str, reason: str) -> V2CValidationError:
    """Build the error for a refused host."""
    return V2CValidationError(
        f"LAN host {host!r} refused: {reason}", field="host", constraint=_CONSTRAINT
    )


def _split(host: str) -> tuple[IPAddress, int | None]:
    """Split `ip`, `[ipv6]`, `ipv4:port` or `[ipv6]:port` into address and port."""
    address: str
    port: str | None = None
    if match := _BRACKETED.fullmatch(host):
        address, port = match.group(1), match.group(2)
        version = 6
    elif match := _IPV4_PORT.fullmatch(host):
        address, port = match.group(1), match.group(2)
        version = 4
    else:
        address, version = host, 0
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise _reject(host, "not an IP literal (hostnames are not allowed)") from None
    if version and ip.version != version:
        raise _reject(host, "malformed address")
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        raise _reject(host, "scoped IPv6 addresses are not allowed")
    if port is not None and not 1 <= int(port) <= 65535:
        raise _reject(host, "port out of range")
    return ip, None if port is None else int(port)


def _is_lan(ip: IPAddress) -> bool:
    """Apply the reference rule: private and not loopback/link-local/unspecified/multicast."""
    # Stricter than the reference: the reserved 240.0.0.0/4 (incl. broadcast) is refused too,
    # because Python counts it as "private" but no charger can live there.
    return (
        ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_unspecified
        and not ip.is_multicast
        and not ip.is_reserved
    )


def validate_lan_host(host: str, *, allow_loopback: bool = False) -> str:
    """Return the normalised authority for `http://{authority}/` or raise V2CValidationError.

    `allow_loopback` (simulator mode) also accepts loopback literals with an optional port.
    """
    if not isinstance(host, str) or not host.strip():
        raise V2CValidationError("LAN host is empty", field="host", constraint=_CONSTRAINT)
    host = host.strip()
    ip, port = _split(host)
    # Judge IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) by the IPv4 address they carry.
    effective = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    judged: IPAddress = effective or ip
    if allow_loopback and judged.is_loopback:
        pass
    elif port is not None:
        raise _reject(host, "a port is only allowed for loopback hosts in simulator mode")
    elif not _is_lan(judged):
        raise _reject(host, "not a private LAN address")
    authority = f"[{ip.compressed}]" if ip.version == 6 else ip.compressed
    return authority if port is None else f"{authority}:{port}"
