"""Base entity of the V2C Cloud integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .charger import V2CCharger


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
    exists_fn: Callable[[V2CCharger], bool] = lambda _charger: True


class V2CCloudEntity(CoordinatorEntity[DataUpdateCoordinator[Any]]):
    """An entity of one charger, fed by its live or its cloud coordinator."""

    _attr_has_entity_name = True
    entity_description: V2CCloudEntityDescription

    def __init__(self, charger: V2CCharger, description: V2CCloudEntityDescription) -> None:
        """Bind the entity to its charger and data source."""
        coordinator: DataUpdateCoordinator[Any] = (
            charger.cloud if description.source is Source.CLOUD else charger.realtime
        )
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
            return self.charger.reported is not None
        data = self.charger.data
        if data is None:
            return False
        return not (self.entity_description.lan_only and data.source != "lan")


class OptimisticHold[T]:
    """Show a commanded value until the charger reports it or the hold expires (§8.7)."""

    def __init__(self, duration: timedelta) -> None:
        """Create an empty hold."""
        self._duration = duration
        self._value: T | None = None
        self._until: datetime | None = None

    def start(self, value: T) -> None:
        """Hold `value` from now on."""
        self._value, self._until = value, dt_util.utcnow() + self._duration

    def clear(self) -> None:
        """Drop the held value."""
        self._value, self._until = None, None

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
