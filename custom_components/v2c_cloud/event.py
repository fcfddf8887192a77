"""Charging-session events of V2C chargers, as event entities."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import V2CCloudEntity, V2CCloudEntityDescription, async_setup_charger_entities
from .runtime import V2CCloudConfigEntry
from .session import SessionEvent

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class V2CCloudEventEntityDescription(V2CCloudEntityDescription, EventEntityDescription):
    """Describe a V2C event entity."""


SESSION_EVENTS = V2CCloudEventEntityDescription(
    key="charging_session",
    event_types=["charging_started", "charging_finished"],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a session event entity for every charger, now and when new ones are paired."""
    async_setup_charger_entities(
        entry, async_add_entities, (SESSION_EVENTS,), V2CCloudSessionEventEntity
    )


class V2CCloudSessionEventEntity(V2CCloudEntity, EventEntity):
    """Shows when a charging session starts or finishes, with its figures."""

    entity_description: V2CCloudEventEntityDescription

    async def async_added_to_hass(self) -> None:
        """Listen for the charger's session events."""
        await super().async_added_to_hass()
        self.charger.session_listeners.append(self._async_session)
        self.async_on_remove(lambda: self.charger.session_listeners.remove(self._async_session))

    @callback
    def _async_session(self, event: SessionEvent) -> None:
        """Record the event on the entity."""
        self._trigger_event(
            event.kind,
            {
                "energy": event.energy,
                "duration": event.duration,
                "peak_power": event.peak_power,
                "path": event.path,
            },
        )
        self.async_write_ha_state()
