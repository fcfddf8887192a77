"""Pure parsing of cloud payloads and scalar coercion."""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import Any

import pytest

from custom_components.v2c_cloud.api import V2CResponseError
from custom_components.v2c_cloud.api._wire import (
    contract_power_to_w,
    fraction_to_percent,
    kw_to_w,
    model_name,
    to_bool,
    to_datetime,
    to_float,
    to_int,
    to_str,
)
from custom_components.v2c_cloud.api.normalize import (
    parse_charge_status,
    parse_firmware,
    parse_global_statistics,
    parse_pairings,
    parse_power_profile,
    parse_power_profiles,
    parse_reported,
    parse_rfid_cards,
    parse_statistics,
    parse_wifi_networks,
)

from .conftest import load_text


def load_json(name: str) -> Any:
    """Return a parsed JSON fixture."""
    return json.loads(load_text(name))


# --- scalar coercion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6", 6.0),
        (" 0.212000 ", 0.212),
        ("50%", 50.0),
        ("50 % ", 50.0),
        (7, 7.0),
        (2.5, 2.5),
        (True, 1.0),
        ("", None),
        ("abc", None),
        ("nan", None),
        ("inf", None),
        (float("nan"), None),
        (10**400, None),
        (None, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_to_float(value: Any, expected: float | None) -> None:
    assert to_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6", 6), ("6.9", 6), ("-1.5", -1), (" 244 ", 244), ("x", None), (None, None), (False, 0)],
)
def test_to_int_truncates(value: Any, expected: int | None) -> None:
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("0", False),
        ("1.000000", True),
        ("0.0", False),
        ("TRUE", True),
        ("off", False),
        ("Online", True),
        ("disabled", False),
        (1, True),
        (0, False),
        (2, True),
        (True, True),
        ("maybe", None),
        ("", None),
        (None, None),
        ({}, None),
    ],
)
def test_to_bool(value: Any, expected: bool | None) -> None:
    assert to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Home ", "Home"),
        ("", None),
        ("   ", None),
        (1234, "1234"),
        (2.5, "2.5"),
        (float("inf"), None),
        (True, None),
        (None, None),
        ([], None),
    ],
)
def test_to_str(value: Any, expected: str | None) -> None:
    assert to_str(value) == expected


def test_to_str_refuses_absurdly_long_ints() -> None:
    assert to_str(10**5000) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-28T11:44:47", datetime(2025, 10, 28, 11, 44, 47)),
        ("2025-10-28 11:44:47", datetime(2025, 10, 28, 11, 44, 47)),
        ("2025-10-28T10:44:52.000+00:00", datetime(2025, 10, 28, 10, 44, 52, tzinfo=UTC)),
        ("2021-06-24T21:12:12.000Z", datetime(2021, 6, 24, 21, 12, 12, tzinfo=UTC)),
        ("28/10/2025", None),
        ("", None),
        (1761652800, None),
        (None, None),
    ],
)
def test_to_datetime(value: Any, expected: datetime | None) -> None:
    assert to_datetime(value) == expected


def test_unit_conversions() -> None:
    assert kw_to_w(3.456) == 3456.0
    assert kw_to_w(0.212) == 212.0
    assert kw_to_w(None) is None
    assert fraction_to_percent(0.5) == 50
    assert fraction_to_percent(1.0) == 100
    assert fraction_to_percent(0.29) == 29
    assert fraction_to_percent(55.0) == 55
    assert fraction_to_percent(None) is None
    assert contract_power_to_w(7.0) == 700
    assert contract_power_to_w(3.45) == 345
    assert contract_power_to_w(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("trydan_v2", "Trydan V2"),
        ("  trydan pro ", "Trydan Pro"),
        ("INIT", None),
        ("init", None),
        ("", None),
        (1, "Model 1"),
        (3.0, "Model 3"),
        (0, None),
        (True, None),
        (None, None),
    ],
)
def test_model_name(value: Any, expected: str | None) -> None:
    assert model_name(value) == expected


# --- /device/reported --------------------------------------------------------------------------


def test_reported_live_capture() -> None:
    payload = load_json("reported_2_4_6.json")

    state = parse_reported(payload)

    assert state.raw == payload
    assert state.device_id == "ABC1234"
    assert state.firmware == "2.4.6"
    assert state.mac == "28:56:2F:00:00:00"
    assert state.ssid == "Home"
    assert state.ip == "10.0.0.50"
    assert (state.intensity, state.min_car_intensity, state.max_car_intensity) == (6, 6, 32)
    assert state.light_led == 100
    assert state.logo_led is True
    assert state.contracted_power == 700
    assert (state.dynamic, state.locked, state.paused) == (True, False, False)
    for name in (
        "pause_dynamic",
        "timer",
        "connected",
        "installation_type",
        "slave_type",
        "language",
        "rfid_enabled",
        "ocpp_enabled",
        "fv_mode",
        "charge_mode",
        "dynamic_power_mode",
    ):
        assert getattr(state, name) is None, name


def test_reported_optional_keys_any_casing() -> None:
    state = parse_reported(
        {
            "DeviceID": 42,
            "Firmware_Version": "2.5.0",
            "MIN_CAR_INT": "garbage",
            "min_car_int_fb": "8",
            "max_car_int_fb": "16.000000",
            "Light_LED": "0.500000",
            "contract_power": "3.45",
            "paused": "1",
            "pause_dynamic": "1",
            "timer": "0",
            "isConnected": "online",
            "inst_type": "2",
            "slave_type": "11",
            "language": "9",
            "set_rfid": "1",
            "ocppEnabled": "false",
            "chargefvmode": "1",
            "ChargeMode": "2",
            "DynamicPowerMode": "7",
            "unknown_key": {"nested": True},
        }
    )

    assert state.device_id == "42"
    assert state.firmware == "2.5.0"
    assert (state.min_car_intensity, state.max_car_intensity) == (8, 16)
    assert state.light_led == 50
    assert state.contracted_power == 345
    assert (state.paused, state.pause_dynamic, state.timer) == (True, True, False)
    assert state.connected is True
    assert (state.installation_type, state.slave_type, state.language) == (2, 11, 9)
    assert (state.rfid_enabled, state.ocpp_enabled) == (True, False)
    assert (state.fv_mode, state.charge_mode, state.dynamic_power_mode) == (1, 2, 7)
    assert state.ssid is None
    assert state.ip is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"wifi_static": "192.168.1.77"}, "192.168.1.77"),
        ({"wifi_static": "0.0.0.0"}, "10.0.0.50"),
        ({"wifi_static": '{"static_ip": "192.168.1.78"}'}, "192.168.1.78"),
        ({"wifi_static": {"address": {"ip": "192.168.1.79"}}}, "192.168.1.79"),
        ({"wifi_static": "not an ip"}, "10.0.0.50"),
        ({"wifi_info": "{}", "huawei_ip": "192.168.1.80"}, "192.168.1.80"),
        ({"wifi_info": {"IP": "192.168.1.81"}}, "192.168.1.81"),
        ({"wifi_info": "", "ip": " 192.168.1.82 "}, "192.168.1.82"),
        ({"wifi_info": None, "ip": "fd00::0001"}, "fd00::1"),
        ({"wifi_info": "[1, 2]", "wifi_ip": "192.168.1.83"}, None),
    ],
)
def test_reported_ip_candidates(extra: dict[str, Any], expected: str | None) -> None:
    payload = load_json("reported_2_4_6.json") | extra

    assert parse_reported(payload).ip == expected


def test_reported_ip_candidate_recursion_is_bounded() -> None:
    nested: Any = "192.168.1.90"
    for _ in range(10):
        nested = {"ip": nested}
    assert parse_reported({"wifi_static": nested}).ip is None


def test_reported_ignores_non_string_keys() -> None:
    state = parse_reported({1: "x", None: "y", "Intensity": "7", "intensity": "9"})
    assert state.intensity == 7
    assert state.raw[1] == "x"  # type: ignore[index]


def test_reported_double_encoded_string() -> None:
    assert parse_reported(json.dumps(json.dumps({"intensity": "12"}))).intensity == 12


# --- /device/currentstatecharge ----------------------------------------------------------------


def test_charge_status_trydan_variant() -> None:
    status = parse_charge_status(load_json("currentstatecharge_trydan.json"))

    assert status.charge_state == 2
    assert status.charge_power == 1380.0
    assert status.charge_energy == 4.179506
    assert status.charge_time == 26711
    assert status.intensity == 6
    assert (status.house_power, status.fv_power, status.battery_power) == (212.0, 0.0, 0.0)
    assert status.grid_power == 212.0
    assert status.phases == 1
    assert status.photovoltaic_on is True
    assert status.slave_error == 0
    assert status.voltage_installation == 248.0
    assert status.raw["voltage"] == "0.072800"


def test_charge_status_pole_variant() -> None:
    status = parse_charge_status(load_json("currentstatecharge_pole.json"))

    assert status.charge_state == 0
    assert status.charge_power == 0.0
    assert status.charge_energy == 0.0
    assert status.charge_time == 0
    assert status.photovoltaic_on is False
    assert status.slave_error is None
    assert status.intensity is None
    assert status.house_power is None
    assert status.voltage_installation is None


def test_charge_status_aliases_and_unknown_error_code() -> None:
    status = parse_charge_status(
        {"ChargeState": 5, "chargePower": "7.4", "error": "244", "battery_power": "-1.5"}
    )
    assert (status.charge_state, status.charge_power, status.slave_error) == (5, 7400.0, 244)
    assert status.battery_power == -1500.0


# --- /pairings/me ------------------------------------------------------------------------------


def test_pairings() -> None:
    payload = load_json("pairings.json")

    pairings = parse_pairings(payload)

    assert [(p.device_id, p.name, p.model, p.ip) for p in pairings] == [
        ("ABC1234", "Garage", "Model 1", "192.168.1.50"),
        ("DEF5678", "DEF5678", "Trydan V2", "10.0.0.7"),
        ("GHI9012", "GHI9012", "Trydan Pro", None),
        ("JKL3456", "JKL3456", None, None),
    ]
    assert pairings[0].raw == payload[0]


def test_pairings_without_any_device_id_are_refused() -> None:
    """A non-empty list with no usable entry is not an empty account."""
    assert [p.device_id for p in parse_pairings([{"tag": "x"}, {"deviceId": "A1"}])] == ["A1"]
    with pytest.raises(V2CResponseError, match="no device id"):
        parse_pairings([{"tag": "x"}, "junk", {"device": "A1"}])


# --- /version ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "version", "model"),
    [
        ({"versionId": "2.4.6", "modelName": "trydan_v2"}, "2.4.6", "Trydan V2"),
        ({"version": 246, "modelName": "INIT", "modelId": "trydan"}, "246", "Trydan"),
        (
            {"version_id": "2.1", "modelName": " ", "commercialName": "Trydan Pro"},
            "2.1",
            "Trydan Pro",
        ),
        ({"VERSIONID": None, "Version": "2.0"}, "2.0", None),
        ({}, None, None),
        ("2.4.6", "2.4.6", None),
        (7, "7", None),
        (2.5, "2.5", None),
        (None, None, None),
    ],
)
def test_firmware(payload: Any, version: str | None, model: str | None) -> None:
    info = parse_firmware(payload)
    assert (info.version, info.model) == (version, model)
    assert info.raw == payload


# --- RFID, Wi-Fi, statistics, profiles ---------------------------------------------------------


def test_rfid_cards() -> None:
    cards = parse_rfid_cards(
        [{"code": "aa23b601", "tag": "Card A"}, {"CODE": 1234}, {"tag": "no code"}, "junk"]
    )
    assert [(c.code, c.tag) for c in cards] == [("aa23b601", "Card A"), ("1234", None)]
    assert cards[0].raw == {"code": "aa23b601", "tag": "Card A"}
    assert parse_rfid_cards(None) == []
    with pytest.raises(V2CResponseError):
        parse_rfid_cards({"code": "x"})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            [{"ssid": "Home", "rssi": "-61"}, {"SSID": "Work", "signal": 70}],
            [("Home", -61), ("Work", 70)],
        ),
        ([{"essid": "Cafe", "quality": "40%"}, {"name": "Lab"}], [("Cafe", 40), ("Lab", None)]),
        (["Home", "", 5, {"rssi": -50}], [("Home", None)]),
        ({"networks": [{"ssid": "Home"}]}, [("Home", None)]),
        ({"ssid": "Only", "level": "-70"}, [("Only", -70)]),
        ({"unrelated": "object"}, []),
        ('[{"ssid": "Encoded"}]', [("Encoded", None)]),
        (None, []),
    ],
)
def test_wifi_networks(payload: Any, expected: list[tuple[str, int | None]]) -> None:
    assert [(n.ssid, n.signal) for n in parse_wifi_networks(payload)] == expected


def test_device_statistics() -> None:
    payload = load_json("statistics_device.json")

    (record,) = parse_statistics(payload)

    assert record.start == datetime(2025, 10, 28, 11, 44, 47)
    assert record.end == datetime(2025, 10, 28, 14, 45, 5)
    assert record.energy == 9.6
    assert record.cost == 1.44
    assert record.energy_by_hour == [0.9, 3.5, 3.6, 1.6]
    assert (record.rfid_code, record.rfid_name) == ("aa23b601", "Card A")
    assert record.raw == payload[0]


@pytest.mark.parametrize(
    ("energy_by_hour", "expected"),
    [
        ("1|2.5", [1.0, 2.5]),
        (" 1 | 2 ", [1.0, 2.0]),
        ("1||2", []),
        ("1|x", []),
        ("", []),
        ([0.5, "1.5"], [0.5, 1.5]),
        (None, []),
        (3, []),
    ],
)
def test_energy_by_hour(energy_by_hour: Any, expected: list[float]) -> None:
    (record,) = parse_statistics([{"energyByHour": energy_by_hour}, "skipped"])
    assert record.energy_by_hour == expected
    assert record.start is None


def test_global_statistics() -> None:
    assert parse_global_statistics([{"energy": 1}, 2, "x"]) == [{"energy": 1}]
    assert parse_global_statistics({"totalEnergy": 5}) == [{"totalEnergy": 5}]
    assert parse_global_statistics(None) == []
    with pytest.raises(V2CResponseError):
        parse_global_statistics("nonsense")


def test_power_profiles() -> None:
    profiles = parse_power_profiles(
        [
            {"name": "Night", "updatedAt": "2023-10-27T10:00:00Z"},
            {"NAME": "Day", "updateAt": "x"},
            7,
        ]
    )
    assert [(p.name, p.updated_at) for p in profiles] == [
        ("Night", "2023-10-27T10:00:00Z"),
        ("Day", "x"),
        (None, None),
    ]
    assert profiles[2].raw == 7
    assert [p.name for p in parse_power_profiles({"name": "Solo"})] == ["Solo"]
    assert parse_power_profiles(None) == []
    with pytest.raises(V2CResponseError):
        parse_power_profiles(3.5)


def test_power_profile_keeps_any_shape() -> None:
    assert parse_power_profile(None).raw is None
    assert parse_power_profile([1, 2]).raw == [1, 2]
    profile = parse_power_profile('{"name": " Eco ", "updated_at": "2024-01-01T00:00:00Z"}')
    assert (profile.name, profile.updated_at) == ("Eco", "2024-01-01T00:00:00Z")


# --- shapes shared by every parser -------------------------------------------------------------

OBJECT_PARSERS = [parse_reported, parse_charge_status]
LIST_PARSERS = [
    parse_pairings,
    parse_rfid_cards,
    parse_wifi_networks,
    parse_statistics,
    parse_global_statistics,
    parse_power_profiles,
]


@pytest.mark.parametrize(
    ("parse", "payload", "fragment"),
    [
        *[
            (parse, payload, "expected an object")
            for parse in OBJECT_PARSERS
            for payload in [None, [], [{"intensity": "6"}], "garbage", 5, True, "[1]"]
        ],
        (parse_pairings, {"deviceId": "ABC1234"}, "expected an array"),
        (parse_rfid_cards, {"code": "04A1"}, "expected an array"),
        (parse_statistics, {"energy": 1}, "expected an array"),
        (parse_wifi_networks, 42, "expected an array"),
        (parse_global_statistics, 42, "expected an array"),
        (parse_power_profiles, "text", "expected an array"),
        (parse_firmware, [], "got list"),
        (parse_firmware, True, "got bool"),
        (parse_firmware, [{"version": "1"}], "got list"),
    ],
)
def test_wrong_shapes_are_response_errors(parse: Any, payload: Any, fragment: str) -> None:
    with pytest.raises(V2CResponseError, match=fragment):
        parse(payload)


@pytest.mark.parametrize("parse", LIST_PARSERS)
@pytest.mark.parametrize("payload", [None, "[]", []])
def test_empty_list_bodies_are_empty(parse: Any, payload: Any) -> None:
    assert parse(payload) == []
