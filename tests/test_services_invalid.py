"""Actions: bad field values are refused by the schema with a translated error, nothing sent."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import _raises

# ---- input validation -------------------------------------------------------------------------

TOO_LONG = "x" * 65
TIMER = {"timer_id": 0, "start_time": "22:00", "end_time": "06:00"}
TS = "2023-10-27T10:00:00Z"

INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("set_charge_intensity", {}, "missing_field"),
    ("set_charge_intensity", {"amps": 5}, "out_of_range"),
    ("set_charge_intensity", {"amps": 33}, "out_of_range"),
    ("set_charge_intensity", {"amps": 10.5}, "not_an_integer"),
    ("set_charge_intensity", {"amps": "ten"}, "not_a_number"),
    ("set_charge_intensity", {"amps": True}, "not_a_number"),
    ("set_charge_intensity", {"amps": float("nan")}, "not_a_number"),
    ("set_charge_intensity", {"amps": [16]}, "not_a_number"),
    ("set_charge_intensity", {"amps": 16, "current": 16}, "unknown_field"),
    ("set_max_car_intensity", {"amps": 40}, "out_of_range"),
    ("set_min_car_intensity", {"amps": 0}, "out_of_range"),
    ("set_locked", {"locked": "maybe"}, "not_a_boolean"),
    ("set_dynamic", {}, "missing_field"),
    ("set_installation_voltage", {"voltage": 99.9}, "out_of_range"),
    ("set_installation_voltage", {"voltage": 451}, "out_of_range"),
    ("set_fv_mode", {"mode": 3}, "out_of_range"),
    ("set_fv_mode", {"mode": -1}, "out_of_range"),
    ("set_max_power", {"watts": 999}, "out_of_range"),
    ("set_denka_max_power", {"watts": 999}, "out_of_range"),
    ("set_denka_max_power", {"watts": 22001}, "out_of_range"),
    ("set_charge_stop_energy", {"kwh": 0}, "above_range"),
    ("set_charge_stop_energy", {"kwh": 1000.5}, "above_range"),
    ("start_charge_for_energy", {"kwh": -2}, "above_range"),
    ("set_charge_stop_minutes", {"minutes": 0}, "out_of_range"),
    ("start_charge_for_minutes", {"minutes": 10081}, "out_of_range"),
    ("start_charge_for_minutes", {"minutes": 1.5}, "not_an_integer"),
    ("set_wifi_credentials", {"ssid": "", "password": "secret123"}, "text_length"),
    ("set_wifi_credentials", {"ssid": "s" * 33, "password": "secret123"}, "text_length"),
    ("set_wifi_credentials", {"ssid": "é" * 17, "password": "secret123"}, "ssid_too_long"),
    ("set_wifi_credentials", {"ssid": "Home", "password": "short12"}, "text_length"),
    ("set_wifi_credentials", {"ssid": "Home", "password": "p" * 64}, "text_length"),
    ("set_wifi_credentials", {"ssid": "Home", "password": "bad\npassword"}, "text_control"),
    ("set_wifi_credentials", {"ssid": "Home"}, "missing_field"),
    ("program_timer", {**TIMER, "timer_id": 2}, "out_of_range"),
    ("program_timer", {**TIMER, "start_time": "24:00"}, "invalid_time"),
    ("program_timer", {**TIMER, "start_time": "7:0"}, "invalid_time"),
    ("program_timer", {**TIMER, "end_time": "06:60"}, "invalid_time"),
    ("program_timer", {**TIMER, "start_time": 700}, "invalid_time"),
    ("program_timer", {**TIMER, "weekdays": "128"}, "invalid_weekdays"),
    ("program_timer", {**TIMER, "weekdays": "1123"}, "invalid_weekdays"),
    ("program_timer", {**TIMER, "weekdays": ""}, "invalid_weekdays"),
    ("program_timer", {**TIMER, "active": "sometimes"}, "not_a_boolean"),
    ("program_timer", {"timer_id": 0, "start_time": "22:00"}, "missing_field"),
    ("set_ocpp_enabled", {"enabled": "perhaps"}, "not_a_boolean"),
    ("set_ocpp_id", {"ocpp_id": " "}, "text_length"),
    ("set_ocpp_id", {"ocpp_id": TOO_LONG}, "text_length"),
    ("set_ocpp_id", {"ocpp_id": None}, "text_length"),
    ("set_ocpp_address", {"ocpp_url": "http://ocpp.example.com"}, "invalid_url"),
    ("set_ocpp_address", {"ocpp_url": "ws://"}, "invalid_url"),
    ("set_ocpp_address", {"ocpp_url": "wss://ocpp.example.com:70000/x"}, "invalid_url"),
    ("set_ocpp_address", {"ocpp_url": "wss://ocpp example.com"}, "invalid_url"),
    ("set_ocpp_address", {"ocpp_url": 42}, "invalid_url"),
    ("set_inverter_ip", {"ip_address": "256.1.1.1"}, "invalid_ipv4"),
    ("set_inverter_ip", {"ip_address": "192.168.1"}, "invalid_ipv4"),
    ("set_inverter_ip", {"ip_address": "inverter.local"}, "invalid_ipv4"),
    ("set_inverter_ip", {"ip_address": "fd00::1"}, "invalid_ipv4"),
    ("register_rfid", {"tag": ""}, "text_length"),
    ("register_rfid", {"tag": TOO_LONG}, "text_length"),
    ("add_rfid_card", {"tag": "Card"}, "missing_field"),
    ("add_rfid_card", {"code": TOO_LONG, "tag": "Card"}, "text_length"),
    ("update_rfid_tag", {"code": "aa23b601", "tag": "bad\x00tag"}, "text_control"),
    ("delete_rfid", {"code": ""}, "text_length"),
    (
        "create_power_profile",
        {"name": "N", "updated_at": "soon", "profile": {}},
        "invalid_timestamp",
    ),
    (
        "create_power_profile",
        {"name": "Night", "updated_at": "2023-10-27T10:00:00." + "1" * 50, "profile": {}},
        "text_length",
    ),
    ("create_power_profile", {"name": "", "updated_at": TS, "profile": {}}, "text_length"),
    ("create_power_profile", {"name": "N", "updated_at": TS, "profile": [1, 2]}, "invalid_object"),
    ("update_power_profile", {"name": "N", "updated_at": TS, "profile": "{no"}, "invalid_object"),
    (
        "update_power_profile",
        {"name": "N", "updated_at": TS, "profile": {"x": float("inf")}},
        "invalid_object",
    ),
    ("delete_power_profile", {"name": "Night", "updated_at": 12}, "text_length"),
    ("get_power_profile", {"timestamp": "soon"}, "invalid_timestamp"),
    ("get_device_statistics", {"date_start": "2025-13-01"}, "invalid_date"),
    ("get_device_statistics", {"date_start": "25-01-01"}, "invalid_date"),
    ("get_device_statistics", {"date_end": "1899-12-31"}, "invalid_date"),
    ("get_device_statistics", {"date_end": "2025-01-01T00:00:00"}, "invalid_date"),
    (
        "get_device_statistics",
        {"date_start": "2025-02-01", "date_end": "2025-01-31"},
        "date_range_reversed",
    ),
    # The account-wide query (no device target).
    (
        "get_global_statistics",
        {"date_start": "2025-02-01", "date_end": "2025-01-31"},
        "date_range_reversed",
    ),
    ("get_global_statistics", {"date_end": "31/01/2025"}, "invalid_date"),
    ("get_global_statistics", {"config_entry_id": ["x"]}, "text_length"),
    ("get_global_statistics", {"config_entry_id": 12}, "unknown_entry"),
]


@pytest.mark.parametrize(
    ("service", "data", "key"),
    INVALID,
    ids=[f"{service}-{key}-{index}" for index, (service, _, key) in enumerate(INVALID)],
)
async def test_invalid_input_is_rejected_before_sending(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input raises a translated vol.Invalid; nothing reaches LAN or cloud."""
    chargers = None if service == "get_global_statistics" else (LAN_ID, CLOUD_ID)
    since = len(simulator.requests)
    with caplog.at_level(logging.WARNING, logger="custom_components.v2c_cloud"):
        await _raises(hass, service, data, key, chargers=chargers)
    assert simulator.requests[since:] == []
    assert not [r for r in caplog.records if r.name.startswith("custom_components.v2c_cloud")]
