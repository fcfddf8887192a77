"""The V2C Cloud integration: V2C Trydan chargers over the V2C Cloud and the local LAN API."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .ledger import CallLedger
from .migration import async_migrate_entry
from .runtime import (
    V2CCloudConfigEntry,
    async_apply_options,
    async_setup_cloud,
    async_setup_local,
)
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

__all__ = ["async_migrate_entry"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> bool:
    """Set up the account's chargers (or the one charger of a LAN-only entry)."""
    if CONF_API_KEY in entry.data:
        await async_setup_cloud(hass, entry)
    else:
        await async_setup_local(hass, entry)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Apply new options live; new entry data (reauth, reconfigure) reloads the entry.

    The config flow only stores the data: since HA 2026.12 the update listener of an entry
    must be the one that schedules its reload.
    """
    if dict(entry.data) != entry.runtime_data.setup_data:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    await async_apply_options(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> bool:
    """Unload the entry and stop every charger's polling."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        for charger in entry.runtime_data.chargers.values():
            await charger.async_shutdown()
        if entry.runtime_data.ledger is not None:
            await entry.runtime_data.ledger.async_flush()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Forget the persisted call ledger of a removed entry."""
    await CallLedger(hass=hass, entry_id=entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: V2CCloudConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a charger that is no longer on the account."""
    runtime = getattr(entry, "runtime_data", None)
    if runtime is None:
        return True
    return not any(
        domain == DOMAIN and device_id in runtime.chargers
        for domain, device_id in device.identifiers
    )
