"""Small helpers shared by the integration's modules."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api import V2CValidationError, validate_lan_host
from .const import DOMAIN


@callback
def entry_device(hass: HomeAssistant, entry_id: str, device_id: str) -> dr.DeviceEntry | None:
    """Return the entry's device of a charger, None when it has none.

    Looked up among the entry's own devices: identifiers are unique per entry only (HA 2026.11
    deprecates the global `async_get_device`); this works on every supported HA version.
    """
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if (DOMAIN, device_id) in device.identifiers:
            return device
    return None


def is_simulator_url(url: str | None) -> bool:
    """Return True when the cloud base URL points at this machine (the simulator).

    Only then may LAN hosts be loopback addresses with a port; real chargers never are.
    """
    if not url:
        return False
    return _is_loopback(urlsplit(url).hostname or "")


def is_usable_lan_host(host: str, allow_loopback: bool) -> bool:
    """Return True when the LAN host rule accepts `host`."""
    try:
        validate_lan_host(host, allow_loopback=allow_loopback)
    except V2CValidationError:
        return False
    return True


def is_loopback_host(host: str) -> bool:
    """Return True for a loopback LAN host such as `127.0.0.1:8081` (a simulated charger)."""
    try:
        hostname = urlsplit(f"http://{host}").hostname or ""
    except ValueError:
        return False
    return _is_loopback(hostname)


def _is_loopback(host: str) -> bool:
    """Return True for localhost or a loopback IP literal."""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
