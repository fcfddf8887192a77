"""Binary sensors of V2C chargers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .charger import V2CCharger
from .entity import (
    Source,
    V2CCloudEntity,
    V2CCloudEntityDescription,
    async_setup_charger_entities,
    shadow,
)
from .runtime import V2CCloudConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class V2CCloudBinarySensorEntityDescription(
    V2CCloudEntityDescription, BinarySensorEntityDescription
):
    """Describe a V2C binary sensor."""

    is_on_fn: Callable[[V2CCharger], bool | None]


BINARY_SENSORS: tuple[V2CCloudBinarySensorEntityDescription, ...] = (
    V2CCloudBinarySensorEntityDescription(
        key="connected_status",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        source=Source.CLOUD,
        is_on_fn=shadow("connected"),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors for every charger, now and when new ones are paired."""
    async_setup_charger_entities(
        entry, async_add_entities, BINARY_SENSORS, V2CCloudBinarySensorEntity
    )


class V2CCloudBinarySensorEntity(V2CCloudEntity, BinarySensorEntity):
    """A V2C binary sensor."""

    entity_description: V2CCloudBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state."""
        return self.entity_description.is_on_fn(self.charger)
