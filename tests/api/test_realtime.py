"""Parsing of LAN /RealTimeData bodies and merging of /read values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.v2c_cloud.api import RealtimeData, V2CResponseError
from custom_components.v2c_cloud.api.normalize import parse_realtime

from .conftest import load_text


def test_firmware_2_4_6_full_payload_with_trailing_percent() -> None:
    text = load_text("realtime_2_4_6.txt")
    assert text.rstrip().endswith("%")

    data = parse_realtime(text)

    assert data == RealtimeData(
        device_id="ABC1234",
        firmware="2.4.6",
        charge_state=2,
        ready_state=1,
        charge_power=3450.2,
        charge_energy=4.18,
        charge_time=1830,
        house_power=512.0,
        fv_power=0.0,
        battery_power=0.0,
        voltage_installation=230.0,
        slave_error=0,
        paused=False,
        locked=False,
        timer=False,
        intensity=16,
        dynamic=False,
        min_intensity=6,
        max_intensity=32,
        pause_dynamic=False,
        dynamic_power_mode=0,
        contracted_power=4600,
        ssid="Home",
        ip="192.168.1.50",
        signal_status=3,
        logo_led=None,
        light_led=None,
        charge_mode=None,
        source="lan",
    )


def test_older_firmware_numeric_strings_and_missing_keys() -> None:
    data = parse_realtime(load_text("realtime_old_firmware.json"))

    assert data.device_id == "XYZ9876"
    assert data.firmware is None
    assert data.ready_state is None
    assert data.battery_power is None
    assert data.voltage_installation is None
    assert data.charge_state == 1
    assert data.charge_power == 0.0
    assert data.house_power == 1234.5
    assert data.slave_error == 4
    assert (data.paused, data.locked, data.timer) == (True, False, True)
    assert (data.intensity, data.min_intensity, data.max_intensity) == (10, 6, 16)
    assert (data.dynamic, data.pause_dynamic, data.dynamic_power_mode) == (True, True, 2)
    assert data.contracted_power == 3450
    assert (data.ssid, data.ip, data.signal_status) == ("Office", "10.1.2.3", 2)
    assert data.source == "lan"


def test_lowercase_and_mixed_case_keys() -> None:
    data = parse_realtime('{"id": "abc", "chargepower": "1500.5", "INTENSITY": 12, "fvPower": 300}')
    assert (data.device_id, data.charge_power, data.intensity, data.fv_power) == (
        "abc",
        1500.5,
        12,
        300.0,
    )


def test_unknown_codes_are_kept_as_ints() -> None:
    data = parse_realtime(
        json.dumps(
            {
                "ChargeState": 9,
                "SlaveError": "244",
                "DynamicPowerMode": 7,
                "SignalStatus": 5,
                "ReadyState": 3,
            }
        )
    )
    assert (data.charge_state, data.slave_error, data.dynamic_power_mode) == (9, 244, 7)
    assert (data.signal_status, data.ready_state) == (5, 3)


@pytest.mark.parametrize("suffix", ["", "%", "%\n", " % \r\n", "%%", "\n\n"], ids=repr)
def test_trailing_whitespace_and_percent(suffix: str) -> None:
    data = parse_realtime('\ufeff {"Intensity": 16}' + suffix)
    assert data.intensity == 16


def test_values_with_percent_and_read_keys_in_payload() -> None:
    data = parse_realtime('{"LightLED": "50%", "LogoLED": "1", "ChargeMode": "2", "Extra": [1]}')
    assert (data.light_led, data.logo_led, data.charge_mode) == (50, True, 2)


def test_garbage_values_become_none() -> None:
    data = parse_realtime('{"ChargePower": "n/a", "Intensity": null, "Paused": "maybe", "ID": ""}')
    assert (data.charge_power, data.intensity, data.paused, data.device_id) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "text",
    ["", "   ", "%", "not json", "[1, 2]", "null", '"string"', "42", '{"a": 1', "<html></html>"],
    ids=repr,
)
def test_invalid_bodies_raise_response_error(text: str) -> None:
    with pytest.raises(V2CResponseError):
        parse_realtime(text)


@pytest.mark.parametrize("value", [None, b"{}", {"ID": "x"}])
def test_non_text_input_raises_response_error(value: Any) -> None:
    with pytest.raises(V2CResponseError):
        parse_realtime(value)


def test_with_reads_merges_values() -> None:
    base = RealtimeData(intensity=16, source="lan")

    merged = base.with_reads({"LogoLED": 1.0, "lightled": 49.6, " ChargeMode ": 2.0})

    assert (merged.logo_led, merged.light_led, merged.charge_mode) == (True, 50, 2)
    assert merged.intensity == 16
    assert merged.source == "lan"
    assert base.logo_led is None


def test_with_reads_ignores_bad_values_and_unknown_keys() -> None:
    base = RealtimeData(logo_led=True, source="cloud")

    assert base.with_reads({}) is base
    merged = base.with_reads(
        {"LogoLED": float("nan"), "LightLED": float("inf"), "Intensity": 20.0, "ChargeMode": True}
    )
    assert merged == base
    assert base.with_reads({"LogoLED": 0.0}).logo_led is False
