"""Actions of the V2C Cloud integration: commands to chargers and cloud queries with events."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from .charger import V2CCharger
from .const import DOMAIN
from .errors import clip, translated_errors
from .runtime import V2CCloudConfigEntry
from .services_schema import DATES, ENTRY_ID, Opt, action_schema
from .services_tables import CHARGER_SERVICES, Result, V2CChargerAction, json_safe

SERVICE_GET_GLOBAL_STATISTICS: Final = "get_global_statistics"
GLOBAL_STATISTICS_SCHEMA: Final = action_schema(
    {"config_entry_id": Opt(ENTRY_ID), **DATES}, target=False
)


# ---- targets ----------------------------------------------------------------------------------


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated refusal that depends on state (targets, entries), not on shape."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: clip(value) for name, value in placeholders.items()},
    )


@callback
def async_resolve_chargers(
    hass: HomeAssistant, device_ids: list[str]
) -> list[tuple[str, V2CCharger]]:
    """Return (device registry id, charger) for every target, or raise before anything is sent."""
    registry = dr.async_get(hass)
    targets: list[tuple[str, V2CCharger]] = []
    for device_id in device_ids:
        if (device := registry.async_get(device_id)) is None:
            raise validation_error("unknown_device", device_id=device_id)
        label = device.name_by_user or device.name or device_id
        charger_id = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
        if charger_id is None:
            raise validation_error("not_v2c_device", device=label)
        # The entry owning the device, found from the entry side (the same API on every
        # supported HA version; DeviceEntry.config_entries is deprecated in 2026.11).
        entry = next(
            (
                entry
                for entry in hass.config_entries.async_entries(DOMAIN)
                if any(
                    owned.id == device.id
                    for owned in dr.async_entries_for_config_entry(registry, entry.entry_id)
                )
            ),
            None,
        )
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            raise validation_error("entry_not_loaded", device=label)
        chargers = cast("V2CCloudConfigEntry", entry).runtime_data.chargers
        if (charger := chargers.get(charger_id)) is None:
            raise validation_error("charger_not_found", device=label)
        targets.append((device_id, charger))
    return targets


@callback
def async_resolve_entry(hass: HomeAssistant, entry_id: str | None) -> V2CCloudConfigEntry:
    """Return the chosen loaded entry, or the first loaded one when none is chosen."""
    if entry_id is None:
        loaded = [
            entry
            for entry in hass.config_entries.async_loaded_entries(DOMAIN)
            if entry.runtime_data.cloud is not None
        ]
        if not loaded:
            raise validation_error("no_entry_loaded")
        return cast("V2CCloudConfigEntry", loaded[0])
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise validation_error("unknown_entry", config_entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise validation_error("config_entry_not_loaded", entry=entry.title)
    return cast("V2CCloudConfigEntry", entry)


# ---- handlers ---------------------------------------------------------------------------------


def _charger_handler(
    action: V2CChargerAction,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Return the handler that runs `action` on every targeted charger."""

    async def handle(call: ServiceCall) -> ServiceResponse:
        """Run the action per charger; fire events and collect results keyed by charger id."""
        targets = async_resolve_chargers(call.hass, call.data["device_id"])
        if action.lan is None:  # refused before anything is sent to any charger
            for _, charger in targets:
                if charger.cloud is None:
                    raise validation_error("cloud_required", name=charger.name)
        results: Result = {}
        errors: list[HomeAssistantError] = []
        # Every charger is tried even after a failure; the first failure is raised at the end.
        for device_id, charger in targets:
            try:
                with translated_errors(charger.cloud):
                    result = await action.run(charger, call.data)
            except HomeAssistantError as err:
                errors.append(err)
                continue
            if result is not None and action.event is not None:
                payload = {"device_id": device_id, "charger_id": charger.device_id, **result}
                call.hass.bus.async_fire(f"{DOMAIN}_{action.event}", payload)
                results[charger.device_id] = dict(payload)
        if errors:
            raise errors[0]
        return results if action.event is not None else None

    return handle


async def _async_global_statistics(call: ServiceCall) -> ServiceResponse:
    """Fetch account-wide statistics, fire them as an event and return them."""
    entry = async_resolve_entry(call.hass, call.data.get("config_entry_id"))
    start, end = call.data.get("date_start"), call.data.get("date_end")
    if (cloud := entry.runtime_data.cloud) is None:
        raise validation_error("entry_without_cloud", entry=entry.title)
    with translated_errors(cloud):
        statistics = await cloud.async_user_call(lambda c: c.global_statistics(start, end))
    payload: Result = {
        "config_entry_id": entry.entry_id,
        **{name: json_safe(call.data.get(name)) for name in DATES},
        "statistics": statistics,
    }
    call.hass.bus.async_fire(f"{DOMAIN}_global_statistics", payload)
    return dict(payload)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, in async_setup)."""
    for name, action in CHARGER_SERVICES.items():
        hass.services.async_register(
            DOMAIN,
            name,
            _charger_handler(action),
            schema=action.schema,
            supports_response=(
                SupportsResponse.OPTIONAL if action.event is not None else SupportsResponse.NONE
            ),
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_GLOBAL_STATISTICS,
        _async_global_statistics,
        schema=GLOBAL_STATISTICS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
