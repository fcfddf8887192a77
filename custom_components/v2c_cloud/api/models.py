"""Immutable data models; each field declares its wire names, converter and scale (_wire.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, replace
from datetime import UTC, datetime
import math
import re
from typing import Any, Literal

from ._wire import (
    V2CModel,
    contract_power_to_w,
    energy_by_hour,
    fraction_to_percent,
    from_wire,
    ip_candidate,
    kw_to_w,
    model_name,
    to_bool,
    to_datetime,
    to_float,
    to_int,
    to_str,
    wire,
)

_LEADING_INT = re.compile(r"\s*([0-9]{1,12})")


def _header_int(value: Any) -> int | None:
    """Parse a RateLimit-* header; tolerate the IETF list form `1000, 1000;w=86400`."""
    match = _LEADING_INT.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


@dataclass(frozen=True, kw_only=True)
class RateLimitSnapshot(V2CModel):
    """RateLimit-* headers of the last cloud response that carried them."""

    limit: int | None = wire("RateLimit-Limit", _header_int)
    remaining: int | None = wire("RateLimit-Remaining", _header_int)
    # Undocumented and never observed (PROTOCOL §2.1); Kong sends seconds until the window resets.
    reset: int | None = wire("RateLimit-Reset", _header_int)
    observed_at: datetime

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitSnapshot | None:
        """Build a snapshot from RateLimit-* headers, or None when none of them parses."""
        snapshot = from_wire(cls, headers, observed_at=datetime.now(UTC))
        parsed = (snapshot.limit, snapshot.remaining, snapshot.reset)
        return None if all(value is None for value in parsed) else snapshot


@dataclass(frozen=True, kw_only=True)
class Pairing(V2CModel):
    """One charger paired with the account (`/pairings/me`)."""

    device_id: str = wire(("deviceId", "device_id"), to_str, default=MISSING)
    name: str = wire("tag", to_str, fallback="device_id", default=MISSING)
    model: str | None = wire(("modelName", "model_name", "model"), model_name)
    ip: str | None = wire(("ip", "static_ip"), to_str)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FirmwareInfo(V2CModel):
    """Firmware and model metadata (`/version`)."""

    version: str | None = wire(("versionId", "version", "version_id"), to_str)
    model: str | None = wire(("modelName", "modelId", "commercialName"), model_name)
    raw: Any = None


@dataclass(frozen=True, kw_only=True)
class ReportedState(V2CModel):
    """The cloud device shadow (`/device/reported`, PROTOCOL §1.4), typed; units converted."""

    raw: dict[str, Any] = field(default_factory=dict)
    device_id: str | None = wire(("device_id", "deviceid"), to_str)
    firmware: str | None = wire(("version", "firmware_version"), to_str)
    mac: str | None = wire("mac", to_str)
    ssid: str | None = wire("wifi_info.ssid", to_str)
    # PROTOCOL §5.3 step 1; `huawei_ip` is probably the inverter's address (§9.10), ref's order.
    ip: str | None = wire(("wifi_static", "wifi_info", "huawei_ip", "ip"), ip_candidate)
    intensity: int | None = wire("intensity", to_int)
    min_car_intensity: int | None = wire(("min_car_int", "min_car_int_fb"), to_int)
    max_car_intensity: int | None = wire(("max_car_int", "max_car_int_fb"), to_int)
    light_led: int | None = wire("light_led", to_float, fraction_to_percent)
    logo_led: bool | None = wire("logo_led", to_bool)
    contracted_power: int | None = wire(
        ("contract_power", "contractedpower", "contracted_power"), to_float, contract_power_to_w
    )
    dynamic: bool | None = wire("dynamic", to_bool)
    locked: bool | None = wire("locked", to_bool)
    paused: bool | None = wire(("pause", "paused"), to_bool)
    pause_dynamic: bool | None = wire(("pause_dynamic", "pausedynamic"), to_bool)
    timer: bool | None = wire("timer", to_bool)
    connected: bool | None = wire(
        ("connected", "isconnected", "online", "is_online", "statusconnection"), to_bool
    )
    installation_type: int | None = wire(("inst_type", "installation_type"), to_int)
    slave_type: int | None = wire("slave_type", to_int)
    language: int | None = wire("language", to_int)
    rfid_enabled: bool | None = wire(("set_rfid", "rfid_enabled", "rfid"), to_bool)
    ocpp_enabled: bool | None = wire(("ocpp", "ocpp_enabled", "ocppactive", "ocppenabled"), to_bool)
    # The reported key for the PV mode is not documented anywhere; these names are guesses.
    fv_mode: int | None = wire(("chargefvmode", "fv_mode", "fvmode"), to_int)
    charge_mode: int | None = wire(("chargemode", "charge_mode"), to_int)
    dynamic_power_mode: int | None = wire(("dynamicpowermode", "dynamic_power_mode"), to_int)


@dataclass(frozen=True, kw_only=True)
class ChargeStatus(V2CModel):
    """Live charge telemetry (`/device/currentstatecharge`, Trydan and "pole"); powers in W."""

    raw: dict[str, Any] = field(default_factory=dict)
    charge_state: int | None = wire(("charge_state", "chargestate"), to_int)
    charge_power: float | None = wire(("power", "chargepower", "charge_power"), to_float, kw_to_w)
    charge_energy: float | None = wire(("energy", "chargeenergy", "charge_energy"), to_float)
    charge_time: int | None = wire(("seconds", "chargetime", "charge_time"), to_int)
    intensity: int | None = wire(("intensity", "currentintensity"), to_int)
    house_power: float | None = wire(("house_power", "housepower"), to_float, kw_to_w)
    fv_power: float | None = wire(("sun_power", "fvpower", "fv_power"), to_float, kw_to_w)
    battery_power: float | None = wire(
        ("battery", "batterypower", "battery_power"), to_float, kw_to_w
    )
    grid_power: float | None = wire(("grid_power", "gridpower"), to_float, kw_to_w)
    phases: int | None = wire("phases", to_int)
    photovoltaic_on: bool | None = wire("photovoltaic_on", to_bool)
    slave_error: int | None = wire(("error", "slaveerror", "slave_error"), to_int)
    # `cp_level` is the vendor's Control-Pilot level, yet it reads ~230-248 V live (§9.1).
    voltage_installation: float | None = wire("cp_level", to_float)


@dataclass(frozen=True, kw_only=True)
class RealtimeData(V2CModel):
    """The LAN `/RealTimeData` shape, read from the charger or synthesised from the cloud."""

    device_id: str | None = wire("ID", to_str)
    firmware: str | None = wire("FirmwareVersion", to_str)
    charge_state: int | None = wire("ChargeState", to_int)
    ready_state: int | None = wire("ReadyState", to_int)
    charge_power: float | None = wire("ChargePower", to_float)
    charge_energy: float | None = wire("ChargeEnergy", to_float)
    charge_time: int | None = wire("ChargeTime", to_int)
    house_power: float | None = wire("HousePower", to_float)
    fv_power: float | None = wire("FVPower", to_float)
    battery_power: float | None = wire("BatteryPower", to_float)
    voltage_installation: float | None = wire("VoltageInstallation", to_float)
    slave_error: int | None = wire("SlaveError", to_int)
    paused: bool | None = wire("Paused", to_bool)
    locked: bool | None = wire("Locked", to_bool)
    timer: bool | None = wire("Timer", to_bool)
    intensity: int | None = wire("Intensity", to_int)
    dynamic: bool | None = wire("Dynamic", to_bool)
    min_intensity: int | None = wire("MinIntensity", to_int)
    max_intensity: int | None = wire("MaxIntensity", to_int)
    pause_dynamic: bool | None = wire("PauseDynamic", to_bool)
    dynamic_power_mode: int | None = wire("DynamicPowerMode", to_int)
    contracted_power: int | None = wire("ContractedPower", to_int)
    ssid: str | None = wire("SSID", to_str)
    ip: str | None = wire("IP", to_str)
    signal_status: int | None = wire("SignalStatus", to_int)
    # Absent on 2.4.6 (they come from /read) but used if a firmware sends them.
    logo_led: bool | None = wire("LogoLED", to_bool)
    light_led: int | None = wire("LightLED", to_int)
    charge_mode: int | None = wire("ChargeMode", to_int)
    source: Literal["lan", "cloud"] = "lan"

    def with_reads(self, values: Mapping[str, float]) -> RealtimeData:
        """Return a copy with `/read` results (LogoLED, LightLED, ChargeMode) merged in."""
        updates: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if not math.isfinite(value):
                continue
            match str(key).strip().lower():
                case "logoled":
                    updates["logo_led"] = value != 0
                case "lightled":
                    updates["light_led"] = round(value)
                case "chargemode":
                    updates["charge_mode"] = int(value)
        return replace(self, **updates) if updates else self


@dataclass(frozen=True, kw_only=True)
class RfidCard(V2CModel):
    """An RFID card registered on a charger."""

    code: str = wire("code", to_str, default=MISSING)
    tag: str | None = wire("tag", to_str)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class WifiNetwork(V2CModel):
    """A Wi-Fi network seen by the charger's scan (shape undocumented, PROTOCOL §9.11)."""

    ssid: str = wire(("ssid", "essid", "name"), to_str, default=MISSING)
    signal: int | None = wire(
        ("signal", "rssi", "quality", "strength", "signal_strength", "level"), to_int
    )
    raw: Any = None


@dataclass(frozen=True, kw_only=True)
class StatisticsRecord(V2CModel):
    """One charge session from `/stadistic/device`."""

    # Naive: the vendor sends local wall-clock times without an offset.
    start: datetime | None = wire("startChargeDate", to_datetime)  # noqa: RUF009
    end: datetime | None = wire("endChargeDate", to_datetime)  # noqa: RUF009
    energy: float | None = wire("energy", to_float)
    cost: float | None = wire("cost", to_float)
    energy_by_hour: list[float] = wire("energyByHour", energy_by_hour, default=list)  # noqa: RUF009
    rfid_code: str | None = wire("rfidCode", to_str)
    rfid_name: str | None = wire("rfidName", to_str)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PowerProfile(V2CModel):
    """A personalised power profile (schema undocumented; kept raw)."""

    name: str | None = wire("name", to_str)
    updated_at: str | None = wire(("updateAt", "updatedAt", "updated_at"), to_str)
    raw: Any = None
