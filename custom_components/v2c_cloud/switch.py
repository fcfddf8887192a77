"""Switches of V2C chargers: LAN first, the cloud as fallback where it has an equivalent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .charger import Command, V2CCharger
from .const import HOLD_SLOW
from .entity import (
    Source,
    V2CCloudEntityDescription,
    V2CCloudWritableEntity,
    async_setup_charger_entities,
    live,
    shadow,
)
from .errors import handle_errors
from .runtime import V2CCloudConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class V2CCloudSwitchEntityDescription(V2CCloudEntityDescription, SwitchEntityDescription):
    """Describe a V2C switch."""

    is_on_fn: Callable[[V2CCharger], bool | None]
    command_fn: Callable[[bool], Command]


SWITCHES: tuple[V2CCloudSwitchEntityDescription, ...] = (
    V2CCloudSwitchEntityDescription(
        key="charging_pause",
        is_on_fn=live("paused"),
        command_fn=lambda on: Command(
            lan=("Paused", int(on)),
            cloud=(lambda c, d: c.pause_charge(d)) if on else (lambda c, d: c.start_charge(d)),
        ),
    ),
    V2CCloudSwitchEntityDescription(
        key="locked",
        is_on_fn=live("locked"),
        command_fn=lambda on: Command(
            lan=("Locked", int(on)), cloud=lambda c, d: c.set_locked(d, on)
        ),
    ),
    V2CCloudSwitchEntityDescription(
        key="dynamic",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=live("dynamic"),
        command_fn=lambda on: Command(
            lan=("Dynamic", int(on)), cloud=lambda c, d: c.set_dynamic(d, on)
        ),
    ),
    V2CCloudSwitchEntityDescription(
        key="pause_dynamic",
        entity_category=EntityCategory.CONFIG,
        lan_only=True,
        is_on_fn=live("pause_dynamic"),
        command_fn=lambda on: Command(lan=("PauseDynamic", int(on))),
    ),
    V2CCloudSwitchEntityDescription(
        key="timer",
        entity_category=EntityCategory.CONFIG,
        lan_only=True,
        is_on_fn=live("timer"),
        command_fn=lambda on: Command(lan=("Timer", int(on))),
    ),
    V2CCloudSwitchEntityDescription(
        key="logo_led",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=live("logo_led"),
        command_fn=lambda on: Command(
            lan=("LogoLED", int(on)), cloud=lambda c, d: c.set_logo_led(d, on)
        ),
    ),
    V2CCloudSwitchEntityDescription(
        key="rfid_reader",
        entity_category=EntityCategory.CONFIG,
        source=Source.CLOUD,
        hold=HOLD_SLOW,
        is_on_fn=shadow("rfid_enabled"),
        command_fn=lambda on: Command(cloud=lambda c, d: c.set_rfid_reader(d, on)),
    ),
    V2CCloudSwitchEntityDescription(
        key="ocpp_enabled",
        entity_category=EntityCategory.CONFIG,
        source=Source.CLOUD,
        hold=HOLD_SLOW,
        entity_registry_enabled_default=False,
        is_on_fn=shadow("ocpp_enabled"),
        command_fn=lambda on: Command(cloud=lambda c, d: c.set_ocpp_enabled(d, on)),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches for every charger, now and when new ones are paired."""
    async_setup_charger_entities(entry, async_add_entities, SWITCHES, V2CCloudSwitchEntity)


class V2CCloudSwitchEntity(V2CCloudWritableEntity[bool], SwitchEntity):
    """A V2C switch."""

    entity_description: V2CCloudSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state, or the commanded one while it is being confirmed."""
        return self._hold.resolve(self.entity_description.is_on_fn(self.charger))

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the switch on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the switch off."""
        await self._async_set(False)

    @handle_errors
    async def _async_set(self, on: bool) -> None:
        """Send the command and show the new state at once."""
        await self._async_command(self.entity_description.command_fn(on), on)
