"""Config entry migration, including entries of the earlier `v2c_cloud` integration.

Replacing it (same domain) through HACS hands us its entries: v1 had `fallback_ip` ("" or
"0.0.0.0" = cloud-only) with `fallback_device_id` or `initial_pairings`; v2 `cached_pairings`
[{deviceId, ip}], `cloud_only` and the option `local_update_interval`. Version 3 keeps the API
key in data and per-charger choices in options.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant

from .const import (
    CONF_BASE_URL,
    CONF_CHARGERS,
    CONF_MODE,
    DEFAULT_SCAN_INTERVAL,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    MODE_CLOUD,
    MODE_LAN,
)

VERSION = 3
MINOR_VERSION = 1
_NO_IP = {"", "0.0.0.0"}  # noqa: S104 - a stored value, nothing binds to it


def migrate_data(
    version: int, data: dict[str, Any], options: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (data, options) of a version 1 or 2 entry in the version 3 layout."""
    fallback_ip = str(data.get("fallback_ip") or "").strip()
    fallback_id = str(data.get("fallback_device_id") or "")
    if version == 1:
        cloud_only = fallback_ip in _NO_IP
        pairings = [*(data.get("initial_pairings") or []), {"deviceId": fallback_id}]
    else:
        cloud_only = bool(data.get("cloud_only"))
        pairings = data.get("cached_pairings") or []
    mode = MODE_CLOUD if cloud_only else MODE_LAN
    chargers: dict[str, dict[str, Any]] = {
        str(p["deviceId"]): {CONF_MODE: mode}
        for p in pairings
        if isinstance(p, dict) and p.get("deviceId")
    }
    if version == 1 and fallback_id and not cloud_only:
        chargers[fallback_id][CONF_HOST] = fallback_ip
    try:  # a missing (None) or garbled interval means the default
        seconds = int(options.get("local_update_interval", options.get(CONF_SCAN_INTERVAL)))
    except (TypeError, ValueError):
        seconds = DEFAULT_SCAN_INTERVAL
    new_data = {CONF_API_KEY: str(data.get(CONF_API_KEY, "")).strip()}
    if data.get(CONF_BASE_URL):
        new_data[CONF_BASE_URL] = data[CONF_BASE_URL]
    interval = min(max(seconds, MIN_SCAN_INTERVAL), MAX_SCAN_INTERVAL)
    return new_data, {CONF_SCAN_INTERVAL: interval, CONF_CHARGERS: chargers}


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry to the current schema; refuse entries from a newer version."""
    if entry.version > VERSION:
        return False
    if entry.version < VERSION:
        data, options = migrate_data(entry.version, dict(entry.data), dict(entry.options))
        hass.config_entries.async_update_entry(
            entry, data=data, options=options, version=VERSION, minor_version=MINOR_VERSION
        )
        LOGGER.info("Migrated V2C Cloud entry to schema %s.%s", VERSION, MINOR_VERSION)
    return True
