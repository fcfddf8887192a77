"""Base entity of the V2C Cloud integration."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .charger import Command, V2CCharger
from .const import HOLD_DEFAULT
from .runtime import V2CCloudConfigEntry


class Source(StrEnum):
    """Which coordinator an entity follows."""

    REALTIME = "realtime"
    CLOUD = "cloud"


@dataclass(frozen=True, kw_only=True)
class V2CCloudEntityDescription(EntityDescription):
    """What every V2C entity description adds."""

    source: Source = Source.REALTIME
    # Only the LAN API has this value: unavailable while data comes from the cloud.
    lan_only: bool = False
    # How long a commanded value shows until the charger confirms it (writable entities).
    hold: timedelta = HOLD_DEFAULT

    def __post_init__(self) -> None:
        """Use the key as the translation key (true of every V2C entity)."""
        if self.translation_key is None:
            object.__setattr__(self, "translation_key", self.key)

    def applies_to(self, charger: V2CCharger) -> bool:
        """Return True when the charger gets this entity (cloud ones need a cloud account)."""
        return self.source is not Source.CLOUD or charger.cloud is not None


def live(attr: str) -> Callable[[V2CCharger], Any]:
    """Read an attribute of the charger's live data (None without data)."""
    return lambda charger: getattr(charger.data, attr) if charger.data is not None else None


def shadow(attr: str) -> Callable[[V2CCharger], Any]:
    """Read an attribute of the charger's cloud shadow (None without one)."""
    return lambda charger: getattr(r, attr) if (r := charger.cloud_state.reported) else None


@callback
def async_setup_charger_entities[D: V2CCloudEntityDescription](
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[D],
    factory: Callable[[V2CCharger, D], Entity],
) -> None:
    """Add a platform's entities for every charger, now and whenever a new one is paired."""
    descriptions = tuple(descriptions)
    entry.runtime_data.async_register_platform(
        lambda chargers: async_add_entities(
            factory(charger, description)
            for charger in chargers
            for description in descriptions
            if description.applies_to(charger)
        )
    )


class V2CCloudEntity(CoordinatorEntity[DataUpdateCoordinator[Any]]):
    """An entity of one charger, fed by its live or its cloud coordinator."""

    _attr_has_entity_name = True
    entity_description: V2CCloudEntityDescription

    def __init__(self, charger: V2CCharger, description: V2CCloudEntityDescription) -> None:
        """Bind the entity to its charger and data source."""
        coordinator: DataUpdateCoordinator[Any] = charger.realtime
        if description.source is Source.CLOUD:
            assert charger.cloud is not None
            coordinator = charger.cloud
        super().__init__(coordinator)
        self.charger = charger
        self.entity_description = description
        # Same ids as the earlier v2c_cloud integration, so its users keep their history.
        self._attr_unique_id = f"v2c_{charger.device_id}_{description.key}"
        self._attr_device_info = charger.device_info()

    @property
    def available(self) -> bool:
        """Return False while the entity's source has nothing for this charger."""
        if not super().available:
            return False
        if self.entity_description.source is Source.CLOUD:
            return self.charger.cloud_state.reported is not None
        data = self.charger.data
        if data is None:
            return False
        return not (self.entity_description.lan_only and data.source != "lan")


class V2CCloudWritableEntity[T](V2CCloudEntity):
    """An entity whose commanded value is shown until confirmed (switch, number, select)."""

    def __init__(self, charger: V2CCharger, description: V2CCloudEntityDescription) -> None:
        """Create the entity with an empty hold."""
        super().__init__(charger, description)
        self._hold = OptimisticHold[T](description.hold)

    async def async_will_remove_from_hass(self) -> None:
        """Cancel a pending hold."""
        self._hold.clear()
        await super().async_will_remove_from_hass()

    async def _async_command(self, command: Command, shown: T) -> None:
        """Send a command, then show `shown` until the charger confirms it."""
        await self.charger.async_command(command)
        self._hold.start(self.hass, shown, self.async_write_ha_state)
        self.async_write_ha_state()


class OptimisticHold[T]:
    """Show a commanded value until the charger reports it or the hold expires (§8.7)."""

    def __init__(self, duration: timedelta) -> None:
        """Create an empty hold."""
        self._duration = duration
        self._value: T | None = None
        self._until: datetime | None = None
        self._unsub: CALLBACK_TYPE | None = None

    def start(self, hass: HomeAssistant, value: T, on_expire: Callable[[], None]) -> None:
        """Hold `value` from now on; call `on_expire` when the hold runs out."""
        self.clear()
        self._value, self._until = value, dt_util.utcnow() + self._duration

        @callback
        def _expired(_now: datetime) -> None:
            self._unsub = None
            on_expire()

        self._unsub = async_call_later(hass, self._duration, _expired)

    def clear(self) -> None:
        """Drop the held value."""
        self._value, self._until = None, None
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    def resolve(self, polled: T | None, same: Callable[[T, T], bool] | None = None) -> T | None:
        """Return what to show: the held value while it applies, else the polled one."""
        if self._until is None:
            return polled
        held = self._value
        assert held is not None
        if polled is not None and (same(polled, held) if same else polled == held):
            self.clear()
            return polled
        if dt_util.utcnow() >= self._until:
            self.clear()
            return polled
        return held
