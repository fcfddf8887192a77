"""Immutable data models returned by the V2C clients."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
import math
from typing import Any, Literal


@dataclass(frozen=True, kw_only=True)
class RateLimitSnapshot:
    """RateLimit-* headers of the last cloud response that carried them."""

    limit: int | None
    remaining: int | None
    # Undocumented and never observed (PROTOCOL §2.1); Kong sends seconds until the window resets.
    reset: int | None
    observed_at: datetime


@dataclass(frozen=True, kw_only=True)
class Pairing:
    """One charger paired with the account (`/pairings/me`)."""

    device_id: str
    name: str
    model: str | None = None
    ip: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FirmwareInfo:
    """Firmware and model metadata (`/version`)."""

    version: str | None = None
    model: str | None = None
    raw: Any = None


@dataclass(frozen=True, kw_only=True)
class ReportedState:
    """The cloud device shadow (`/device/reported`), typed; units already converted."""

    raw: dict[str, Any] = field(default_factory=dict)
    device_id: str | None = None
    firmware: str | None = None
    mac: str | None = None
    ssid: str | None = None
    ip: str | None = None
    intensity: int | None = None
    min_car_intensity: int | None = None
    max_car_intensity: int | None = None
    light_led: int | None = None
    logo_led: bool | None = None
    contracted_power: int | None = None
    dynamic: bool | None = None
    locked: bool | None = None
    paused: bool | None = None
    pause_dynamic: bool | None = None
    timer: bool | None = None
    connected: bool | None = None
    installation_type: int | None = None
    slave_type: int | None = None
    language: int | None = None
    rfid_enabled: bool | None = None
    ocpp_enabled: bool | None = None
    fv_mode: int | None = None
    charge_mode: int | None = None
    dynamic_power_mode: int | None = None


@dataclass(frozen=True, kw_only=True)
class ChargeStatus:
    """Live charge telemetry (`/device/currentstatecharge`); powers in W."""

    raw: dict[str, Any] = field(default_factory=dict)
    charge_state: int | None = None
    charge_power: float | None = None
    charge_energy: float | None = None
    charge_time: int | None = None
    intensity: int | None = None
    house_power: float | None = None
    fv_power: float | None = None
    battery_power: float | None = None
    grid_power: float | None = None
    phases: int | None = None
    photovoltaic_on: bool | None = None
    slave_error: int | None = None
    voltage_installation: float | None = None


@dataclass(frozen=True, kw_only=True)
class RealtimeData:
    """The LAN `/RealTimeData` shape, read from the charger or synthesised from the cloud."""

    device_id: str | None = None
    firmware: str | None = None
    charge_state: int | None = None
    ready_state: int | None = None
    charge_power: float | None = None
    charge_energy: float | None = None
    charge_time: int | None = None
    house_power: float | None = None
    fv_power: float | None = None
    battery_power: float | None = None
    voltage_installation: float | None = None
    slave_error: int | None = None
    paused: bool | None = None
    locked: bool | None = None
    timer: bool | None = None
    intensity: int | None = None
    dynamic: bool | None = None
    min_intensity: int | None = None
    max_intensity: int | None = None
    pause_dynamic: bool | None = None
    dynamic_power_mode: int | None = None
    contracted_power: int | None = None
    ssid: str | None = None
    ip: str | None = None
    signal_status: int | None = None
    logo_led: bool | None = None
    light_led: int | None = None
    charge_mode: int | None = None
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
class RfidCard:
    """An RFID card registered on a charger."""

    code: str
    tag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class WifiNetwork:
    """A Wi-Fi network seen by the charger's scan (shape undocumented)."""

    ssid: str
    signal: int | None = None
    raw: Any = None


@dataclass(frozen=True, kw_only=True)
class StatisticsRecord:
    """One charge session from `/stadistic/device`."""

    # Naive: the vendor sends local wall-clock times without an offset.
    start: datetime | None = None
    end: datetime | None = None
    energy: float | None = None
    cost: float | None = None
    energy_by_hour: list[float] = field(default_factory=list)
    rfid_code: str | None = None
    rfid_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PowerProfile:
    """A personalised power profile (schema undocumented; kept raw)."""

    name: str | None = None
    updated_at: str | None = None
    raw: Any = None
