"""A loaded entry at runtime: its clients, coordinators and the chargers of the account."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .api import DEFAULT_BASE_URL, Pairing, V2CCloudClient, V2CValidationError
from .charger import V2CCharger
from .const import (
    CLOUD_REQUEST_TIMEOUT,
    CONF_BASE_URL,
    CONF_CHARGERS,
    CONF_MODE,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MODE_LAN,
)
from .coordinator import V2CCloudCoordinator
from .helpers import entry_device, is_loopback_host, is_simulator_url, is_usable_lan_host
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


async def async_setup_cloud(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
    """Set up an account: its cloud client, call ledger, coordinator and chargers."""
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
    cloud = V2CCloudCoordinator(
        hass,
        entry=entry,
        client=client,
        ledger=ledger,
        wants_charge_status=lambda device_id, pairing: wants_charge_status(
            entry, device_id, pairing
        ),
    )
    entry.runtime_data = V2CCloudRuntimeData(
        client=client,
        cloud=cloud,
        ledger=ledger,
        session=session,
        sim_mode=is_simulator_url(base_url),
        setup_data=dict(entry.data),
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


async def async_setup_local(hass: HomeAssistant, entry: V2CCloudConfigEntry) -> None:
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
    new = [async_create_charger(hass, entry, d) for d in pairings if d not in runtime.chargers]
    if new:
        runtime.chargers.update((charger.device_id, charger) for charger in new)
        await asyncio.gather(*(charger.realtime.async_refresh() for charger in new))
        for add in runtime.platforms:
            add(new)
    registry = dr.async_get(hass)
    for device_id in [d for d in runtime.chargers if d not in pairings]:
        charger = runtime.chargers.pop(device_id)
        LOGGER.info("Charger %s is no longer on the account; removing it", device_id)
        await charger.async_shutdown()
        charger.realtime.clear_lan_issue()
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
        return charger.realtime.wants_charge_status()
    mode, host = charger_options(entry, device_id)
    host = host or (pairing.ip if pairing else None)
    return mode != MODE_LAN or not host or not is_usable_lan_host(host, runtime.sim_mode)


@callback
def async_create_charger(
    hass: HomeAssistant, entry: V2CCloudConfigEntry, device_id: str, host: str | None = None
) -> V2CCharger:
    """Create a charger with its live-data coordinator, configured from the options."""
    runtime = entry.runtime_data
    realtime = V2CRealtimeCoordinator(
        hass,
        entry=entry,
        device_id=device_id,
        cloud=runtime.cloud,
        session=runtime.session,
        sim_mode=runtime.sim_mode,
        interval=scan_interval(entry),
        fallback_name=entry.title if runtime.cloud is None else None,
        relocate=lambda answered, host: _relocate(entry, device_id, answered, host),
    )
    mode, override = charger_options(entry, device_id)
    realtime.configure(mode=mode, host=host or override)
    return V2CCharger(hass, entry_id=entry.entry_id, realtime=realtime)


def _relocate(entry: V2CCloudConfigEntry, asking: str, answered: str, host: str) -> str | None:
    """Give charger `answered` of this entry the address `host` that answered with its id.

    Return the address that charger used before (None if it is not ours or had none).
    """
    chargers = entry.runtime_data.chargers
    other = next((c for i, c in chargers.items() if i.casefold() == answered.casefold()), None)
    if other is None or other.device_id == asking:
        return None
    client = other.realtime.lan_client()
    before = client.host if client is not None else None
    other.realtime.learn_address(host)
    return before if before != host else None


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
        changed = charger.realtime.configure(mode=mode, host=host)
        charger.realtime.set_base_interval(interval)
        if changed:
            await charger.realtime.async_refresh()
    _update_devices(hass, entry)
