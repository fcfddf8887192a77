"""The V2C Cloud integration: V2C Trydan chargers over the V2C Cloud and the local LAN API."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, CONF_HOST, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from .api import DEFAULT_BASE_URL, V2CCloudClient, V2CValidationError
from .const import CLOUD_REQUEST_TIMEOUT, CONF_BASE_URL, DOMAIN
from .coordinator import V2CCloudCoordinator
from .helpers import is_loopback_host, is_simulator_url
from .ledger import CallLedger
from .migration import async_migrate_entry
from .runtime import (
    V2CCloudConfigEntry,
    V2CCloudRuntimeData,
    async_apply_options,
    async_cloud_updated,
    async_create_charger,
    async_sync_chargers,
    wants_charge_status,
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
    if CONF_API_KEY not in entry.data:
        return await _async_setup_local(hass, entry)
    session = async_get_clientsession(hass)
    base_url: str | None = entry.data.get(CONF_BASE_URL)
    try:
        client = V2CCloudClient(
            api_key=entry.data[CONF_API_KEY],
            session=session,
            request_timeout=CLOUD_REQUEST_TIMEOUT,
            base_url=base_url or DEFAULT_BASE_URL,
        )
    except V2CValidationError as err:  # an empty or garbled stored key
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    ledger = CallLedger(hass=hass, entry_id=entry.entry_id)
    await ledger.async_load(dt_util.utcnow())
    cloud = V2CCloudCoordinator(hass, entry=entry, client=client, ledger=ledger)
    runtime = V2CCloudRuntimeData(
        client=client,
        cloud=cloud,
        ledger=ledger,
        session=session,
        sim_mode=is_simulator_url(base_url),
        setup_data=dict(entry.data),
    )
    entry.runtime_data = runtime
    cloud.wants_charge_status = lambda device_id, pairing: wants_charge_status(
        entry, device_id, pairing
    )
    await cloud.async_refresh()
    if not cloud.last_update_success:
        failure = cloud.last_exception
        if isinstance(failure, ConfigEntryAuthFailed):
            raise failure
        if not ledger.pairings:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(failure)},
            ) from failure
        # Local first: known chargers keep working over the LAN while the cloud is away.
        cloud.async_seed_from_ledger()
    await async_sync_chargers(hass, entry)
    cloud.async_replan()
    entry.async_on_unload(cloud.async_add_listener(lambda: async_cloud_updated(hass, entry)))
    entry.async_on_unload(cloud.async_cancel_confirms)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_setup_local(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> bool:
    """Set up a charger added by its LAN address, without a cloud account."""
    host: str = entry.data[CONF_HOST]
    entry.runtime_data = V2CCloudRuntimeData(
        client=None,
        cloud=None,
        ledger=None,
        session=async_get_clientsession(hass),
        sim_mode=is_loopback_host(host),
        setup_data=dict(entry.data),
    )
    assert entry.unique_id is not None
    charger = async_create_charger(hass, entry, entry.unique_id, host=host)
    await charger.realtime.async_config_entry_first_refresh()
    entry.runtime_data.chargers[charger.device_id] = charger
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
