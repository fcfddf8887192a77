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

from .charger import V2CCharger
from .entity import V2CCloudEntity, V2CCloudEntityDescription
from .session import accumulate


@dataclass(frozen=True, kw_only=True)
class V2CCloudLifetimeEnergyDescription(V2CCloudEntityDescription, SensorEntityDescription):
    """Describe the lifetime energy sensor."""


LIFETIME_ENERGY = V2CCloudLifetimeEnergyDescription(
    key="total_energy",
    translation_key="total_energy",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
)


@dataclass(kw_only=True)
class LifetimeEnergyData(ExtraStoredData):
    """What survives a restart: the total and the last session reading it includes."""

    total: float
    last: float | None

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {"total": self.total, "last": self.last}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LifetimeEnergyData | None:
        """Restore, or None when the stored data is unusable."""
        total, last = data.get("total"), data.get("last")
        if not isinstance(total, int | float) or isinstance(total, bool) or total < 0:
            return None
        if last is not None and (not isinstance(last, int | float) or isinstance(last, bool)):
            last = None
        return cls(total=float(total), last=None if last is None else float(last))


class V2CCloudLifetimeEnergySensor(V2CCloudEntity, SensorEntity, RestoreEntity):
    """Energy charged since the sensor was created; never decreases, survives restarts."""

    entity_description: V2CCloudLifetimeEnergyDescription

    def __init__(self, charger: V2CCharger, description: V2CCloudLifetimeEnergyDescription) -> None:
        """Start from zero until the restored value arrives."""
        super().__init__(charger, description)
        self._stored = LifetimeEnergyData(total=0.0, last=None)

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
        """Fold the current session-energy reading into the total."""
        data = self.charger.data
        if not self.coordinator.last_update_success or data is None:
            return
        total, last = accumulate(self._stored.total, self._stored.last, data.charge_energy)
        self._stored = LifetimeEnergyData(total=total, last=last)

    @property
    def native_value(self) -> float:
        """Return the lifetime energy in kWh."""
        return round(self._stored.total, 4)

    @property
    def extra_restore_state_data(self) -> LifetimeEnergyData:
        """Return what to keep across restarts."""
        return self._stored
