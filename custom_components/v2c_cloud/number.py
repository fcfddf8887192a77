"""Numbers of V2C chargers (currents, contracted power, LED brightness, voltage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .charger import CloudSetter, Command, V2CCharger, bind_value
from .entity import (
    V2CCloudEntityDescription,
    V2CCloudWritableEntity,
    async_setup_charger_entities,
    live,
)
from .errors import handle_errors
from .runtime import V2CCloudConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class V2CCloudNumberEntityDescription(V2CCloudEntityDescription, NumberEntityDescription):
    """Describe a V2C number."""

    value_fn: Callable[[V2CCharger], float | None]
    command_fn: Callable[[float], Command]


def _current(
    key: str, attr: str, lan_key: str, cloud: CloudSetter
) -> V2CCloudNumberEntityDescription:
    """Describe a current setting in A (6-32)."""
    return V2CCloudNumberEntityDescription(
        key=key,
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_min_value=6,
        native_max_value=32,
        native_step=1,
        mode=NumberMode.SLIDER,
        entity_category=None if key == "intensity_number" else EntityCategory.CONFIG,
        value_fn=live(attr),
        command_fn=lambda v: Command(lan=(lan_key, round(v)), cloud=bind_value(cloud, round(v))),
    )


def _kw(watts: float | None) -> float | None:
    """Convert W to kW."""
    return None if watts is None else watts / 1000


NUMBERS: tuple[V2CCloudNumberEntityDescription, ...] = (
    _current("intensity_number", "intensity", "Intensity", lambda c, d, a: c.set_intensity(d, a)),
    _current(
        "min_intensity_number",
        "min_intensity",
        "MinIntensity",
        lambda c, d, a: c.set_min_car_intensity(d, a),
    ),
    _current(
        "max_intensity_number",
        "max_intensity",
        "MaxIntensity",
        lambda c, d, a: c.set_max_car_intensity(d, a),
    ),
    V2CCloudNumberEntityDescription(
        key="contracted_power_number",
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        native_min_value=1,
        native_max_value=22,
        native_step=0.5,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda charger: _kw(live("contracted_power")(charger)),
        command_fn=lambda kw: Command(lan=("ContractedPower", round(kw * 1000))),
    ),
    V2CCloudNumberEntityDescription(
        key="light_led_number",
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.SLIDER,
        entity_category=EntityCategory.CONFIG,
        value_fn=live("light_led"),
        command_fn=lambda v: Command(lan=("LightLED", round(v))),
    ),
    V2CCloudNumberEntityDescription(
        key="installation_voltage_number",
        device_class=NumberDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        native_min_value=100,
        native_max_value=450,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=live("voltage_installation"),
        command_fn=lambda v: Command(lan=("VoltageInstallation", round(v))),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add numbers for every charger, now and when new ones are paired."""
    async_setup_charger_entities(entry, async_add_entities, NUMBERS, V2CCloudNumberEntity)


class V2CCloudNumberEntity(V2CCloudWritableEntity[float], NumberEntity):
    """A V2C number."""

    entity_description: V2CCloudNumberEntityDescription

    @property
    def native_value(self) -> float | None:
        """Return the value, or the commanded one while it is being confirmed."""
        step = self.entity_description.native_step or 1
        value = self._hold.resolve(
            self.entity_description.value_fn(self.charger),
            lambda polled, held: abs(polled - held) <= step / 2,
        )
        # Whole-step settings show as integers (16 A, not 16.0 A).
        if value is not None and float(step).is_integer():
            return round(value)
        return value

    @handle_errors
    async def async_set_native_value(self, value: float) -> None:
        """Send the new value and show it at once."""
        await self._async_command(self.entity_description.command_fn(value), value)
