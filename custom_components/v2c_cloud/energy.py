"""Lifetime charged energy: a counter that only goes up, for the Energy dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import callback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.util import dt as dt_util

from .charger import V2CCharger
from .entity import V2CCloudEntity, V2CCloudEntityDescription
from .lifetime import Lifetime, Reading


@dataclass(frozen=True, kw_only=True)
class V2CCloudLifetimeEnergyDescription(V2CCloudEntityDescription, SensorEntityDescription):
    """Describe the lifetime energy sensor."""


LIFETIME_ENERGY = V2CCloudLifetimeEnergyDescription(
    key="total_energy",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)


@dataclass(kw_only=True)
class LifetimeEnergyData(ExtraStoredData):
    """What survives a restart: the total and the session it follows (lifetime.Lifetime)."""

    state: Lifetime

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return self.state.as_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LifetimeEnergyData | None:
        """Restore (earlier {total, last} data too), or None when the stored data is unusable."""
        state = Lifetime.from_dict(data)
        return None if state is None else cls(state=state)


class V2CCloudLifetimeEnergySensor(V2CCloudEntity, SensorEntity, RestoreEntity):
    """Energy charged since the sensor was created; never decreases, survives restarts."""

    entity_description: V2CCloudLifetimeEnergyDescription

    def __init__(self, charger: V2CCharger, description: V2CCloudLifetimeEnergyDescription) -> None:
        """Start from zero until the restored value arrives."""
        super().__init__(charger, description)
        self._stored = LifetimeEnergyData(state=Lifetime())

    async def async_added_to_hass(self) -> None:
        """Restore the total, then count the current reading against it."""
        await super().async_added_to_hass()
        if (extra := await self.async_get_last_extra_data()) is not None and (
            restored := LifetimeEnergyData.from_dict(extra.as_dict())
        ) is not None:
            self._stored = restored
        self._count()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Add the energy of the new reading."""
        self._count()
        super()._handle_coordinator_update()

    def _count(self) -> None:
        """Fold the current session reading into the total (lifetime.py has the rules)."""
        data = self.charger.data
        if not self.coordinator.last_update_success or data is None:
            return
        now = dt_util.utcnow().timestamp()
        self._stored = LifetimeEnergyData(state=self._stored.state.feed(Reading.of(data), now))

    @property
    def native_value(self) -> float:
        """Return the lifetime energy in kWh."""
        return round(self._stored.state.total, 4)

    @property
    def extra_restore_state_data(self) -> LifetimeEnergyData:
        """Return what to keep across restarts."""
        return self._stored
