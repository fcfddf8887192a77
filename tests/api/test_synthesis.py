"""Cloud-only synthesis of RealtimeData (PROTOCOL §4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.v2c_cloud.api import (
    ChargeStatus,
    RealtimeData,
    ReportedState,
    realtime_from_cloud,
)
from custom_components.v2c_cloud.api.normalize import parse_charge_status, parse_reported

from .conftest import load_text

LAN_ONLY = (
    "ready_state",
    "signal_status",
    "timer",
    "charge_mode",
    "dynamic_power_mode",
    "pause_dynamic",
)


def _fixtures() -> tuple[ReportedState, ChargeStatus]:
    """Return the live reported and currentstatecharge captures, parsed."""
    reported = parse_reported(json.loads(load_text("reported_2_4_6.json")))
    status = parse_charge_status(json.loads(load_text("currentstatecharge_trydan.json")))
    return reported, status


def test_synthesis_from_live_captures() -> None:
    reported, status = _fixtures()

    data = realtime_from_cloud(reported, status)

    assert data == RealtimeData(
        device_id="ABC1234",
        firmware="2.4.6",
        charge_state=2,
        charge_power=1380.0,
        charge_energy=4.18,
        charge_time=26711,
        house_power=212.0,
        fv_power=0.0,
        battery_power=0.0,
        voltage_installation=248.0,
        slave_error=0,
        paused=False,
        locked=False,
        intensity=6,
        dynamic=True,
        min_intensity=6,
        max_intensity=32,
        contracted_power=700,
        ssid="Home",
        ip="10.0.0.50",
        logo_led=True,
        light_led=100,
        source="cloud",
    )
    for name in LAN_ONLY:
        assert getattr(data, name) is None


@pytest.mark.parametrize(
    ("source", "key", "raw", "field", "expected"),
    [
        ("status", "power", "3.456000", "charge_power", 3456.0),
        ("status", "house_power", "0.212000", "house_power", 212.0),
        ("status", "sun_power", "1.5", "fv_power", 1500.0),
        ("status", "battery", "-0.75", "battery_power", -750.0),
        ("reported", "light_led", "0.500000", "light_led", 50),
        ("reported", "contract_power", "7", "contracted_power", 700),
        ("reported", "contract_power", "3.45", "contracted_power", 345),
        ("status", "cp_level", "248.000000", "voltage_installation", 248.0),
        ("status", "energy", "4.179506", "charge_energy", 4.18),
        ("status", "seconds", "26711.9", "charge_time", 26711),
        ("status", "error", "244", "slave_error", 244),
        ("status", "error", "", "slave_error", None),
        ("reported", "min_car_int_fb", "10", "min_intensity", 10),
        ("reported", "max_car_int", "16.000000", "max_intensity", 16),
    ],
)
def test_worked_conversions(source: str, key: str, raw: str, field: str, expected: Any) -> None:
    reported = parse_reported({key: raw} if source == "reported" else {"deviceId": "X"})
    status = parse_charge_status({key: raw}) if source == "status" else None

    assert getattr(realtime_from_cloud(reported, status), field) == expected


def test_reported_wins_over_charge_status() -> None:
    reported = parse_reported({"intensity": "16", "charge_state": "1", "power": "2.0"})
    status = parse_charge_status(
        {"intensity": "10", "charge_state": "2", "power": "7.4", "energy": "1"}
    )

    data = realtime_from_cloud(reported, status)

    assert (data.intensity, data.charge_state, data.charge_power) == (16, 1, 2000.0)
    assert data.charge_energy == 1.0


def test_live_intensity_used_when_no_setpoint() -> None:
    data = realtime_from_cloud(
        parse_reported({"deviceId": "X"}), parse_charge_status({"intensity": "10"})
    )
    assert data.intensity == 10


def test_no_reported_gives_an_empty_cloud_payload() -> None:
    _, status = _fixtures()

    data = realtime_from_cloud(None, status)

    assert data == RealtimeData(source="cloud")
    assert realtime_from_cloud(None, None) == RealtimeData(source="cloud")


def test_no_charge_status_uses_reported_only() -> None:
    reported, _ = _fixtures()

    data = realtime_from_cloud(reported, None)

    assert data.charge_power is None
    assert data.charge_state is None
    assert data.intensity == 6
    assert data.contracted_power == 700


def test_typed_reported_without_raw() -> None:
    reported = ReportedState(intensity=20, paused=True, ssid="Net", ip="192.168.5.5", light_led=40)

    data = realtime_from_cloud(reported, ChargeStatus(charge_power=1000.0, charge_energy=1.23456))

    assert (data.intensity, data.paused, data.ssid, data.ip, data.light_led) == (
        20,
        True,
        "Net",
        "192.168.5.5",
        40,
    )
    assert (data.charge_power, data.charge_energy) == (1000.0, 1.23)


def test_ip_comes_from_wifi_info_first() -> None:
    reported = parse_reported(
        {"wifi_static": "192.168.1.77", "wifi_info": '{"ssid": "Home", "ip": "192.168.1.60"}'}
    )
    assert reported.ip == "192.168.1.77"
    assert realtime_from_cloud(reported, None).ip == "192.168.1.60"
