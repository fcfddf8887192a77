"""Sensors of V2C chargers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    MAX_LENGTH_STATE_STATE,
    EntityCategory,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .charger import V2CCharger
from .energy import LIFETIME_ENERGY, V2CCloudLifetimeEnergySensor
from .entity import (
    Source,
    V2CCloudEntity,
    V2CCloudEntityDescription,
    async_setup_charger_entities,
    live,
)
from .runtime import V2CCloudConfigEntry
from .states import (
    CHARGE_STATES,
    READY_STATES,
    SIGNAL_STATES,
    SLAVE_ERROR_OPTIONS,
    TIMER_STATES,
    slave_error_state,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class V2CCloudSensorEntityDescription(V2CCloudEntityDescription, SensorEntityDescription):
    """Describe a V2C sensor."""

    value_fn: Callable[[V2CCharger], StateType | datetime]
    attrs_fn: Callable[[V2CCharger], dict[str, Any] | None] | None = None


def _enum(
    key: str, table: dict[int, str], attr: str, **kwargs: Any
) -> V2CCloudSensorEntityDescription:
    """Describe a live vendor code shown as a translated state; unknown codes are unknown."""
    return V2CCloudSensorEntityDescription(
        key=key,
        device_class=SensorDeviceClass.ENUM,
        options=list(table.values()),
        value_fn=lambda charger: None if (code := live(attr)(charger)) is None else table.get(code),
        **kwargs,
    )


def _power(key: str, attr: str, *, enabled: bool = True) -> V2CCloudSensorEntityDescription:
    """Describe a power sensor in W."""
    return V2CCloudSensorEntityDescription(
        key=key,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        entity_registry_enabled_default=enabled,
        value_fn=live(attr),
    )


def _quota_remaining(charger: V2CCharger) -> int | None:
    """Return the cloud calls left today, as last reported by the server."""
    snap = charger.cloud.ledger.rate_limit if charger.cloud else None
    return snap.remaining if snap is not None else None


def _cloud_plan(charger: V2CCharger) -> dict[str, Any] | None:
    """Return today's automatic calls and how often this charger is read from the cloud, and why."""
    if charger.cloud is None:
        return None
    plan = charger.cloud.schedule.describe(charger.device_id) or {}
    # The next read times stay in the diagnostics: as attributes they would churn the history.
    return {
        "automatic_calls_today": charger.cloud.ledger.calls,
        **{k: v for k, v in plan.items() if not k.startswith("next_")},
    }


SENSORS: tuple[V2CCloudSensorEntityDescription, ...] = (
    _enum("charge_state", CHARGE_STATES, "charge_state"),
    _power("charge_power", "charge_power"),
    V2CCloudSensorEntityDescription(
        key="charge_energy",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=live("charge_energy"),
    ),
    V2CCloudSensorEntityDescription(
        key="charge_time",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=live("charge_time"),
    ),
    _power("house_power", "house_power"),
    _power("fv_power", "fv_power"),
    _power("battery_power", "battery_power", enabled=False),
    V2CCloudSensorEntityDescription(
        key="grid_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        suggested_display_precision=0,
        value_fn=live("voltage_installation"),
    ),
    _enum(
        "ready_state",
        READY_STATES,
        "ready_state",
        lan_only=True,
        entity_registry_enabled_default=False,
    ),
    _enum(
        "timer_state", TIMER_STATES, "timer", lan_only=True, entity_registry_enabled_default=False
    ),
    V2CCloudSensorEntityDescription(
        key="slave_error",
        device_class=SensorDeviceClass.ENUM,
        options=SLAVE_ERROR_OPTIONS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: slave_error_state(live("slave_error")(charger)),
    ),
    V2CCloudSensorEntityDescription(
        key="device_identifier",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda charger: (charger.data and charger.data.device_id) or charger.device_id,
    ),
    V2CCloudSensorEntityDescription(
        key="firmware_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.firmware,
    ),
    V2CCloudSensorEntityDescription(
        key="wifi_ssid",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=live("ssid"),
    ),
    V2CCloudSensorEntityDescription(
        key="wifi_ip",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=live("ip"),
    ),
    _enum(
        "signal_status",
        SIGNAL_STATES,
        "signal_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        lan_only=True,
    ),
    V2CCloudSensorEntityDescription(
        key="rfid_cards",
        source=Source.CLOUD,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: None
        if (cards := charger.cloud_state.cards) is None
        else len(cards),
        # Card labels only: the UIDs open the charger and stay out of the state history.
        attrs_fn=lambda charger: {"cards": [c.tag or "" for c in charger.cloud_state.cards or []]},
    ),
    V2CCloudSensorEntityDescription(
        key="api_calls_remaining",
        source=Source.CLOUD,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_quota_remaining,
        attrs_fn=_cloud_plan,
    ),
    V2CCloudSensorEntityDescription(
        key="last_cloud_update",
        source=Source.CLOUD,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger: charger.cloud_state.updated,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for every charger, now and when new ones are paired."""
    async_setup_charger_entities(entry, async_add_entities, SENSORS, V2CCloudSensorEntity)
    async_setup_charger_entities(
        entry, async_add_entities, (LIFETIME_ENERGY,), V2CCloudLifetimeEnergySensor
    )


class V2CCloudSensorEntity(V2CCloudEntity, SensorEntity):
    """A V2C sensor."""

    entity_description: V2CCloudSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """Return the sensor value (text cut to the 255 characters a state may have)."""
        value = self.entity_description.value_fn(self.charger)
        if isinstance(value, str):
            # Charger-reported text (SSID, IP, firmware) is not trusted to be short.
            return value[:MAX_LENGTH_STATE_STATE]
        return value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return extra attributes, for the sensors that have them."""
        fn = self.entity_description.attrs_fn
        return fn(self.charger) if fn is not None else None
