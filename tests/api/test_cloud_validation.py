"""Out-of-range input raises V2CValidationError before anything is sent."""

from __future__ import annotations

from datetime import date
import re
from typing import Any

from aioresponses import aioresponses
import pytest

from custom_components.v2c_cloud.api import V2CCloudClient, V2CValidationError

from .conftest import DEVICE_ID

D = DEVICE_ID
TS = "2023-10-27T10:00:00Z"
SECRET_PASSWORD = "short7!"
ARABIC_INDIC_IP = "\u0661.\u0662.\u0663.\u0664"  # str.isdigit() digits that are not ASCII

# (method name, args, kwargs, rejected field, constraint fragment)
INVALID: list[Any] = [
    ("set_intensity", (D, 5), {}, "amps", "6-32"),
    ("set_intensity", (D, 33), {}, "amps", "6-32"),
    ("set_intensity", (D, 16.5), {}, "amps", "6-32"),
    ("set_intensity", (D, True), {}, "amps", "6-32"),
    ("set_intensity", (D, "16"), {}, "amps", "6-32"),
    ("set_intensity", (D, float("nan")), {}, "amps", "6-32"),
    ("set_intensity", ("", 16), {}, "device_id", "1-64"),
    ("set_intensity", ("   ", 16), {}, "device_id", "1-64"),
    ("set_intensity", (None, 16), {}, "device_id", "1-64"),
    ("set_intensity", ("A\nB", 16), {}, "device_id", "1-64"),
    ("set_fv_mode", (D, 3), {}, "mode", "0-2"),
    ("set_fv_mode", (D, -1), {}, "mode", "0-2"),
    ("set_min_car_intensity", (D, 5), {}, "amps", "6-32"),
    ("set_max_car_intensity", (D, 33), {}, "amps", "6-32"),
    ("set_max_power", (D, 999), {}, "watts", "1000-22000"),
    ("set_denka_max_power", (D, 22001), {}, "watts", "1000-22000"),
    ("set_charge_stop_energy", (D, 0), {}, "kwh", ">0"),
    ("set_charge_stop_energy", (D, -1.5), {}, "kwh", ">0"),
    ("set_charge_stop_energy", (D, float("nan")), {}, "kwh", ">0"),
    ("set_charge_stop_energy", (D, float("inf")), {}, "kwh", ">0"),
    ("set_charge_stop_energy", (D, 1000.5), {}, "kwh", "1000"),
    ("set_charge_stop_energy", (D, True), {}, "kwh", ">0"),
    ("set_charge_stop_energy", (D, "5"), {}, "kwh", ">0"),
    ("start_charge_for_energy", (D, 0.0), {}, "kwh", ">0"),
    ("set_charge_stop_minutes", (D, 0), {}, "minutes", "1-"),
    ("start_charge_for_minutes", (D, 1.5), {}, "minutes", "1-"),
    ("start_charge_for_minutes", (D, 2**40), {}, "minutes", "1-"),
    ("set_installation_type", (D, 3), {}, "value", "0-2"),
    ("set_slave_type", (D, -1), {}, "value", "0-"),
    ("set_language", (D, 10), {}, "value", "0-9"),
    ("set_ocpp_id", (D, ""), {}, "ocpp_id", "1-64"),
    ("set_ocpp_id", (D, "x" * 65), {}, "ocpp_id", "1-64"),
    ("set_ocpp_id", (D, "a\x00b"), {}, "ocpp_id", "1-64"),
    ("set_ocpp_address", (D, "http://ocpp.example.com"), {}, "url", "ws://"),
    ("set_ocpp_address", (D, "ws://"), {}, "url", "ws://"),
    ("set_ocpp_address", (D, "wss://host:70000/x"), {}, "url", "ws://"),
    ("set_ocpp_address", (D, "ws://ho st/"), {}, "url", "ws://"),
    ("set_ocpp_address", (D, None), {}, "url", "ws://"),
    ("set_inverter_ip", (D, "256.1.1.1"), {}, "ip", "IPv4"),
    ("set_inverter_ip", (D, "1.2.3"), {}, "ip", "IPv4"),
    ("set_inverter_ip", (D, "fd00::1"), {}, "ip", "IPv4"),
    ("set_inverter_ip", (D, ARABIC_INDIC_IP), {}, "ip", "IPv4"),
    ("set_wifi", (D, "", "password123"), {}, "ssid", "1-32"),
    ("set_wifi", (D, "x" * 33, "password123"), {}, "ssid", "1-32"),
    ("set_wifi", (D, "é" * 17, "password123"), {}, "ssid", "32 bytes"),
    ("set_wifi", (D, "Home", SECRET_PASSWORD), {}, "password", "8-63"),
    ("set_wifi", (D, "Home", "p" * 64), {}, "password", "8-63"),
    ("set_wifi", (D, "Home", 12345678), {}, "password", "8-63"),
    ("set_timer", (D, 2, "22:00", "06:00"), {}, "timer_id", "0-1"),
    ("set_timer", (D, -1, "22:00", "06:00"), {}, "timer_id", "0-1"),
    ("set_timer", (D, 0, "24:00", "06:00"), {}, "start", "HH:MM"),
    ("set_timer", (D, 0, "22:00", "12:60"), {}, "end", "HH:MM"),
    ("set_timer", (D, 0, "noon", "06:00"), {}, "start", "HH:MM"),
    ("set_timer", (D, 0, 2200, "06:00"), {}, "start", "HH:MM"),
    ("set_timer", (D, 0, "22:00", "06:00"), {"weekdays": "8"}, "weekdays", "1-7"),
    ("set_timer", (D, 0, "22:00", "06:00"), {"weekdays": "1123"}, "weekdays", "1-7"),
    ("set_timer", (D, 0, "22:00", "06:00"), {"weekdays": ""}, "weekdays", "1-7"),
    ("register_rfid", (D, ""), {}, "tag", "1-64"),
    ("register_rfid", (D, "t" * 65), {}, "tag", "1-64"),
    ("add_rfid_card", (D, "", "Card"), {}, "code", "1-64"),
    ("add_rfid_card", (D, "aa23b601", " "), {}, "tag", "1-64"),
    ("rename_rfid_card", (D, "c" * 65, "Card"), {}, "code", "1-64"),
    ("delete_rfid_card", (D, ""), {}, "code", "1-64"),
    ("create_power_profile", (D, "", TS, {}), {}, "name", "1-64"),
    ("create_power_profile", (D, "Night", "yesterday", {}), {}, "updated_at", "ISO-8601"),
    ("create_power_profile", (D, "Night", TS, ["not", "a", "dict"]), {}, "profile", "JSON"),
    ("update_power_profile", (D, "Night", TS, {"x": {1, 2}}), {}, "profile", "JSON"),
    ("update_power_profile", (D, "Night", TS, {"x": float("nan")}), {}, "profile", "JSON"),
    ("delete_power_profile", (D, "Night", ""), {}, "updated_at", "1-64"),
    ("power_profile", (D, "27/10/2023"), {}, "updated_at", "ISO-8601"),
    ("device_statistics", (D, date(2025, 2, 1), date(2025, 1, 1)), {}, "date_end", "date_start"),
    ("device_statistics", (D, "2025-01-01"), {}, "date_start", "date"),
    ("global_statistics", (None, "2025-01-31"), {}, "date_end", "date"),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "field", "constraint"),
    INVALID,
    ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(INVALID)],
)
async def test_invalid_input_is_rejected_before_sending(
    cloud: V2CCloudClient,
    http: aioresponses,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
    constraint: str,
) -> None:
    with pytest.raises(V2CValidationError) as err:
        await getattr(cloud, name)(*args, **kwargs)

    assert err.value.field == field
    assert constraint in err.value.constraint
    assert isinstance(err.value, ValueError)
    assert err.value.status is None
    assert http.requests == {}
    assert cloud.request_count == 0
    assert SECRET_PASSWORD not in str(err.value)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("set_intensity", (D, 6)),
        ("set_intensity", (D, 32)),
        ("set_charge_stop_energy", (D, 1000)),
        ("set_charge_stop_energy", (D, 0.1)),
        ("set_wifi", (D, "é" * 16, "12345678")),
        ("set_wifi", (D, " Spaced SSID ", "p" * 63)),
        ("set_ocpp_address", (D, "WSS://[fd00::1]:443")),
        ("set_ocpp_address", (D, "ws://cs.example.org/ocpp")),
        ("set_inverter_ip", (D, " 10.0.0.9 ")),
        ("set_slave_type", (D, 0)),
        ("set_timer", (D, 0, "00:00", "23:59")),
        ("device_statistics", (D, date(2025, 1, 1), date(2025, 1, 1))),
    ],
)
async def test_boundary_values_are_accepted(
    cloud: V2CCloudClient, http: aioresponses, name: str, args: tuple[Any, ...]
) -> None:
    any_cloud_url = re.compile(r"^https://v2c\.cloud/.*$")
    http.get(any_cloud_url, body="[]")
    http.post(any_cloud_url, body="")

    await getattr(cloud, name)(*args)

    assert cloud.request_count == 1
