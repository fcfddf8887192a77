"""Buttons of V2C chargers (cloud actions)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import V2CCloudClient
from .entity import (
    Source,
    V2CCloudEntity,
    V2CCloudEntityDescription,
    async_setup_charger_entities,
)
from .errors import handle_errors
from .runtime import V2CCloudConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class V2CCloudButtonEntityDescription(V2CCloudEntityDescription, ButtonEntityDescription):
    """Describe a V2C button."""

    press_fn: Callable[[V2CCloudClient, str], Awaitable[None]]


BUTTONS: tuple[V2CCloudButtonEntityDescription, ...] = (
    V2CCloudButtonEntityDescription(
        key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.DIAGNOSTIC,
        source=Source.CLOUD,
        press_fn=lambda c, d: c.reboot(d),
    ),
    V2CCloudButtonEntityDescription(
        key="trigger_update",
        device_class=ButtonDeviceClass.UPDATE,
        entity_category=EntityCategory.DIAGNOSTIC,
        source=Source.CLOUD,
        press_fn=lambda c, d: c.update_firmware(d),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons for every charger, now and when new ones are paired."""
    async_setup_charger_entities(entry, async_add_entities, BUTTONS, V2CCloudButtonEntity)


class V2CCloudButtonEntity(V2CCloudEntity, ButtonEntity):
    """A V2C button."""

    entity_description: V2CCloudButtonEntityDescription

    @handle_errors
    async def async_press(self) -> None:
        """Send the action through the cloud."""
        await self.charger.async_cloud(self.entity_description.press_fn)
        if self.charger.cloud is not None:
            self.charger.cloud.async_confirm(self.charger.device_id)
