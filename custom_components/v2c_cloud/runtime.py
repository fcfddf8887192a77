"""Runtime data of a loaded entry and the charger set kept in step with the account."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api import Pairing, V2CCloudClient
from .charger import V2CCharger
from .const import CONF_CHARGERS, CONF_MODE, DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER, MODE_LAN
from .coordinator import V2CCloudCoordinator
from .helpers import entry_device, is_usable_lan_host
from .ledger import CallLedger
from .realtime import V2CRealtimeCoordinator

type AddChargers = Callable[[list[V2CCharger]], None]


@dataclass(kw_only=True)
class V2CCloudRuntimeData:
    """Everything a loaded entry needs."""

    # None for an entry made with "Charger on my network" (LAN only, no cloud account).
    client: V2CCloudClient | None
    cloud: V2CCloudCoordinator | None
    ledger: CallLedger | None
    session: ClientSession
    sim_mode: bool
    chargers: dict[str, V2CCharger] = field(default_factory=dict)
    platforms: list[AddChargers] = field(default_factory=list)
    # The entry data the entry was set up with: new data (API key, LAN address) takes a reload.
    setup_data: dict[str, Any] = field(default_factory=dict)

    @callback
    def async_register_platform(self, add: AddChargers) -> None:
        """Add entities for the current chargers now and for new chargers later."""
        self.platforms.append(add)
        add(list(self.chargers.values()))


type V2CCloudConfigEntry = ConfigEntry[V2CCloudRuntimeData]


def charger_options(entry: ConfigEntry, device_id: str) -> tuple[str, str | None]:
    """Return a charger's (mode, host override) from the entry options."""
    options: dict[str, Any] = entry.options.get(CONF_CHARGERS, {}).get(device_id, {})
    return options.get(CONF_MODE, MODE_LAN), options.get(CONF_HOST) or None


def scan_interval(entry: ConfigEntry) -> timedelta:
    """Return the LAN poll interval from the options."""
    return timedelta(seconds=int(entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)))


async def async_sync_chargers(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Create chargers for new pairings and drop chargers gone from the account."""
    runtime = entry.runtime_data
    assert runtime.cloud is not None
    pairings = runtime.cloud.data.pairings if runtime.cloud.data else {}
    new: list[V2CCharger] = []
    for device_id in pairings:
        if device_id in runtime.chargers:
            continue
        charger = async_create_charger(hass, entry, device_id)
        runtime.chargers[device_id] = charger
        new.append(charger)
    if new:
        await asyncio.gather(*(c.realtime.async_refresh() for c in new))
        for add in runtime.platforms:
            add(new)
    registry = dr.async_get(hass)
    for device_id in [d for d in runtime.chargers if d not in pairings]:
        charger = runtime.chargers.pop(device_id)
        LOGGER.info("Charger %s is no longer on the account; removing it", device_id)
        await charger.async_shutdown()
        charger.clear_lan_issue()
        # The device belongs to this entry alone (HA 2026.11 deprecates remove_config_entry_id).
        if device := entry_device(hass, entry.entry_id, device_id):
            registry.async_remove_device(device.id)


def wants_charge_status(
    entry: V2CCloudConfigEntry, device_id: str, pairing: Pairing | None
) -> bool:
    """Return True when the cloud must supply a charger's live status (no working LAN).

    Before the charger exists (first cycle after start) a usable LAN address in its pairing is
    taken as a working LAN, which saves one call per LAN charger and start; if the LAN then
    fails, the charger asks the cloud for its live status at once.
    """
    runtime = entry.runtime_data
    if (charger := runtime.chargers.get(device_id)) is not None:
        return charger.wants_charge_status()
    mode, host = charger_options(entry, device_id)
    host = host or (pairing.ip if pairing else None)
    return mode != MODE_LAN or not host or not is_usable_lan_host(host, runtime.sim_mode)


@callback
def async_create_charger(
    hass: HomeAssistant, entry: V2CCloudConfigEntry, device_id: str, host: str | None = None
) -> V2CCharger:
    """Create a charger with its live-data coordinator, configured from the options."""
    runtime = entry.runtime_data
    charger = V2CCharger(
        hass,
        entry=entry,
        device_id=device_id,
        cloud=runtime.cloud,
        session=runtime.session,
        sim_mode=runtime.sim_mode,
        fallback_name=entry.title if runtime.cloud is None else None,
    )
    mode, override = charger_options(entry, device_id)
    charger.configure(mode=mode, host=host or override)
    charger.attach(
        V2CRealtimeCoordinator(hass, entry=entry, charger=charger, interval=scan_interval(entry))
    )
    return charger


@callback
def async_cloud_updated(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """React to fresh cloud data: push it to cloud-path chargers, follow pairing changes."""
    runtime = entry.runtime_data
    for charger in runtime.chargers.values():
        charger.realtime.async_push_cloud()
    assert runtime.cloud is not None
    pairings = runtime.cloud.data.pairings if runtime.cloud.data else {}
    if set(pairings) != set(runtime.chargers):
        entry.async_create_background_task(
            hass, async_sync_chargers(hass, entry), f"{DOMAIN} sync chargers"
        )
    _update_devices(hass, entry)


@callback
def _update_devices(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Keep firmware, name, model and configuration URL of each device current."""
    registry = dr.async_get(hass)
    for charger in entry.runtime_data.chargers.values():
        device = entry_device(hass, entry.entry_id, charger.device_id)
        if device is None:
            continue
        info = charger.device_info()
        changes = {
            "sw_version": info.get("sw_version"),
            "model": info.get("model"),
            "configuration_url": info.get("configuration_url"),
        }
        if any(getattr(device, key) != value for key, value in changes.items()):
            registry.async_update_device(device.id, **changes)  # type: ignore[arg-type]


async def async_apply_options(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Apply changed options to the running chargers without a reload."""
    runtime = entry.runtime_data
    interval = scan_interval(entry)
    for charger in runtime.chargers.values():
        mode, host = charger_options(entry, charger.device_id)
        if runtime.cloud is None:  # LAN-only entry: the address lives in the entry data
            mode, host = MODE_LAN, entry.data[CONF_HOST]
        changed = charger.configure(mode=mode, host=host)
        charger.realtime.set_base_interval(interval)
        if changed:
            await charger.realtime.async_refresh()
    _update_devices(hass, entry)
