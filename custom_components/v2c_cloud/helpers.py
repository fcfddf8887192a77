"""Small helpers shared by the integration's modules."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit


def is_simulator_url(url: str | None) -> bool:
    """Return True when the cloud base URL points at this machine (the simulator).

    Only then may LAN hosts be loopback addresses with a port; real chargers never are.
    """
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
