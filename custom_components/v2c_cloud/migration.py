"""Config entry migration, including entries made by the earlier `v2c_cloud` integration.

That integration (same domain) stored schema 1 and 2 entries; replacing it through HACS hands
those entries to us, so they are carried over instead of failing to load:
- v1: `fallback_ip` ("" or "0.0.0.0" meant cloud-only) with `fallback_device_id` or
  `initial_pairings`;
- v2: `cached_pairings` [{deviceId, ip}], `cloud_only`, vestigial `fallback_ip`; option
  `local_update_interval` (5-300 s).
Version 3 keeps only the API key in data and moves per-charger choices into options.
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
    cloud_only = bool(data.get("cloud_only"))
    fallback_ip = str(data.get("fallback_ip") or "").strip()
    chargers: dict[str, dict[str, Any]] = {}
    if version == 1:
        cloud_only = fallback_ip in _NO_IP
        device_ids = [
            str(p.get("deviceId"))
            for p in data.get("initial_pairings") or []
            if isinstance(p, dict) and p.get("deviceId")
        ]
        if data.get("fallback_device_id"):
            device_ids.append(str(data["fallback_device_id"]))
        for device_id in device_ids:
            chargers[device_id] = {CONF_MODE: MODE_CLOUD if cloud_only else MODE_LAN}
        if not cloud_only and data.get("fallback_device_id"):
            chargers[str(data["fallback_device_id"])][CONF_HOST] = fallback_ip
    else:
        for pairing in data.get("cached_pairings") or []:
            if isinstance(pairing, dict) and pairing.get("deviceId"):
                chargers[str(pairing["deviceId"])] = {
                    CONF_MODE: MODE_CLOUD if cloud_only else MODE_LAN
                }
    interval = options.get("local_update_interval", options.get(CONF_SCAN_INTERVAL))
    try:
        seconds = int(interval) if interval is not None else DEFAULT_SCAN_INTERVAL
    except (TypeError, ValueError):
        seconds = DEFAULT_SCAN_INTERVAL
    new_data = {CONF_API_KEY: str(data.get(CONF_API_KEY, "")).strip()}
    if data.get(CONF_BASE_URL):
        new_data[CONF_BASE_URL] = data[CONF_BASE_URL]
    new_options = {
        CONF_SCAN_INTERVAL: min(max(seconds, MIN_SCAN_INTERVAL), MAX_SCAN_INTERVAL),
        CONF_CHARGERS: chargers,
    }
    return new_data, new_options


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
