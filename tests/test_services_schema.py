"""Action schemas without a Home Assistant harness: run in every lane (voluptuous or probatio).

Run alone with `pytest --noconftest tests/test_services_schema.py`; imports Home Assistant first,
so `voluptuous` is whatever that Home Assistant provides (probatio from 2026.11).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
import re
from typing import Any

from homeassistant.util.yaml import load_yaml_dict
import pytest
import voluptuous as vol

from custom_components.v2c_cloud import services, services_schema as sch
from custom_components.v2c_cloud.api import _validate as check
from custom_components.v2c_cloud.errors import ECHO_MAX, clip

SERVICES_YAML = Path(services.__file__).with_name("services.yaml")
DEVICE = "0123456789abcdef0123456789abcdef"
TS = "2023-10-27T10:00:00Z"


def schema_of(action: str) -> sch.V2CServiceSchema:
    """Return the registered schema of an action."""
    if action == services.SERVICE_GET_GLOBAL_STATISTICS:
        return services.GLOBAL_STATISTICS_SCHEMA
    return services.CHARGER_SERVICES[action].schema


def refused(action: str, data: dict[str, Any]) -> sch.V2CInvalid:
    """Validate `data` (plus a device) and return the refusal, which must be a V2CInvalid."""
    payload = {"device_id": DEVICE, **data} if action != "get_global_statistics" else data
    with pytest.raises(vol.Invalid) as err:
        schema_of(action)(payload)
    assert isinstance(err.value, sch.V2CInvalid)
    return err.value


# ---- services.yaml (hassfest) -----------------------------------------------------------------


def test_services_yaml_top_level_keys_are_the_registered_actions() -> None:
    """Every top-level key is a service slug (no `.anchor:` keys) and an action we register."""
    keys = list(load_yaml_dict(str(SERVICES_YAML)))
    assert all(re.fullmatch(r"[a-z0-9_]+", key) for key in keys), keys
    registered = set(services.CHARGER_SERVICES) | {services.SERVICE_GET_GLOBAL_STATISTICS}
    assert set(keys) == registered
    assert len(keys) == 36
    assert not re.search(r"^\.", SERVICES_YAML.read_text(), re.MULTILINE)


# ---- the refusal class works on voluptuous and on probatio ------------------------------------


def test_refusal_carries_key_and_placeholders() -> None:
    """V2CInvalid is a vol.Invalid whose key/placeholders are read-only (probatio's names)."""
    err = refused("set_charge_intensity", {"amps": 99})
    assert err.translation_key == "out_of_range"
    assert err.placeholders == {"min": "6", "max": "32", "field": "amps"}
    assert isinstance(err, vol.Invalid)
    assert str(err) == "amps: out of range"  # no running Home Assistant: untranslated fallback
    assert refused("set_charge_intensity", {"amps": 16, "current": 1}).placeholders == {
        "field": "current"
    }
    assert refused("set_charge_intensity", {}).translation_key == "missing_field"


def test_generic_errors_and_nested_paths() -> None:
    """A voluptuous validator's own error becomes invalid_field naming the path."""
    schema = sch.V2CServiceSchema({vol.Required("a"): vol.Coerce(int)})
    with pytest.raises(sch.V2CInvalid) as err:
        schema({"a": "x"})
    assert (err.value.translation_key, err.value.placeholders) == ("invalid_field", {"field": "a"})
    assert schema({"a": "3"}) == {"a": 3}


# ---- issue 15: bad input that reached the cloud -----------------------------------------------

BIDI = "\u202e"
ISSUE_15: list[tuple[str, dict[str, Any], str]] = [
    ("set_ocpp_address", {"ocpp_url": "wss://host/\x00"}, "text_control"),
    ("set_ocpp_address", {"ocpp_url": "wss://host/" + "a" * 10_000}, "text_length"),
    ("set_ocpp_address", {"ocpp_url": f"wss://host/{BIDI}x"}, "text_control"),
    ("set_wifi_credentials", {"ssid": f"Home{BIDI}", "password": "secret123"}, "text_control"),
    ("set_wifi_credentials", {"ssid": "   ", "password": "secret123"}, "text_blank"),
    ("set_ocpp_id", {"ocpp_id": f"CP{BIDI}1"}, "text_control"),
    ("set_ocpp_id", {"ocpp_id": "CP\u2066x\u2069"}, "text_control"),
    ("register_rfid", {"tag": f"{BIDI}Card"}, "text_control"),
    ("add_rfid_card", {"code": "aa\u200bbb", "tag": "Card"}, "text_control"),
    ("delete_rfid", {"code": "aa\u202abb"}, "text_control"),
    ("create_power_profile", {"name": f"N{BIDI}", "updated_at": TS, "profile": {}}, "text_control"),
    ("set_ocpp_enabled", {"enabled": 2}, "not_a_boolean"),
    ("set_ocpp_enabled", {"enabled": -1}, "not_a_boolean"),
    ("set_ocpp_enabled", {"enabled": 0.5}, "not_a_boolean"),
    ("set_ocpp_enabled", {"enabled": "2"}, "not_a_boolean"),
    ("set_locked", {"locked": 2}, "not_a_boolean"),
    ("set_inverter_ip", {"ip_address": "8.8.8.8"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "127.0.0.1"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "169.254.10.20"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "224.0.0.251"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "255.255.255.255"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "0.0.0.0"}, "ip_not_private"),
    ("set_inverter_ip", {"ip_address": "100.64.0.1"}, "ip_not_private"),
    (
        "create_power_profile",
        {"name": "N", "updated_at": TS, "profile": "[" * 100_000},
        "object_too_large",
    ),
    (
        "update_power_profile",
        {"name": "N", "updated_at": TS, "profile": "[" * 1000},
        "object_too_deep",
    ),
    (
        "update_power_profile",
        {"name": "N", "updated_at": TS, "profile": '{"a":' * 40 + "1" + "}" * 40},
        "object_too_deep",
    ),
]


@pytest.mark.parametrize(("action", "data", "key"), ISSUE_15, ids=lambda v: str(v)[:40])
def test_issue_15_inputs_are_refused_by_the_schema(
    action: str, data: dict[str, Any], key: str
) -> None:
    """Each input of issue 15 is a shape refusal (HTTP 400), never reaching the handler."""
    err = refused(action, data)
    assert err.translation_key == key
    assert len(str(err)) < 200


def test_deep_mapping_is_refused_without_recursion_error() -> None:
    """A nested mapping (not text) is bounded by depth too."""
    profile: dict[str, Any] = {}
    for _ in range(5000):
        profile = {"a": profile}
    key = refused("create_power_profile", {"name": "N", "updated_at": TS, "profile": profile})
    assert key.translation_key == "object_too_deep"


def test_long_device_id_and_key_are_cut() -> None:
    """A 10 kB device id or unknown field name is refused, and never echoed whole."""
    err = refused("start_charge", {"device_id": "d" * 10_000})
    assert err.translation_key == "text_length"
    assert "d" * 100 not in str(err)
    err = refused("start_charge", {"k" * 10_000: 1})
    assert err.translation_key == "unknown_field"
    assert len(err.placeholders["field"]) <= ECHO_MAX
    assert clip("x" * 10_000) == "x" * (ECHO_MAX - 1) + "…"


# ---- good input: normalised, round-trips ------------------------------------------------------

GOOD: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("set_charge_intensity", {"amps": "16"}, {"amps": 16}),
    ("set_charge_intensity", {"amps": 16.0}, {"amps": 16}),
    ("set_charge_intensity", {"amps": " 8 "}, {"amps": 8}),
    ("start_charge", {"device_id": ["a", "a", "b"]}, {"device_id": ["a", "b"]}),
    ("delete_rfid", {"code": 12345678}, {"code": "12345678"}),
    ("set_ocpp_enabled", {"enabled": True}, {"enabled": True}),
    ("set_ocpp_enabled", {"enabled": 0}, {"enabled": False}),
    ("set_ocpp_enabled", {"enabled": " On "}, {"enabled": True}),
    ("set_ocpp_enabled", {"enabled": "false"}, {"enabled": False}),
    ("set_inverter_ip", {"ip_address": " 192.168.1.40 "}, {"ip_address": "192.168.1.40"}),
    ("set_inverter_ip", {"ip_address": "10.0.0.254"}, {"ip_address": "10.0.0.254"}),
    (
        "set_wifi_credentials",
        {"ssid": " My Wi-Fi ", "password": " pass word "},
        {"ssid": " My Wi-Fi ", "password": " pass word "},
    ),
    (
        "set_wifi_credentials",
        {"ssid": "Café ☕", "password": "12345678"},
        {"ssid": "Café ☕", "password": "12345678"},
    ),
    (
        "set_ocpp_address",
        {"ocpp_url": "wss://ocpp.example.com:443/ocpp/CP-1"},
        {"ocpp_url": "wss://ocpp.example.com:443/ocpp/CP-1"},
    ),
    ("set_ocpp_id", {"ocpp_id": 12345}, {"ocpp_id": "12345"}),
    (
        "program_timer",
        {"timer_id": "1", "start_time": "7:05", "end_time": "23:59:00", "weekdays": ["1", "7"]},
        {
            "timer_id": 1,
            "start_time": "07:05",
            "end_time": "23:59",
            "weekdays": "17",
            "active": True,
        },
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "22:00", "end_time": " 06:30 ", "weekdays": [1, 3, 5]},
        {
            "timer_id": 0,
            "start_time": "22:00",
            "end_time": "06:30",
            "weekdays": "135",
            "active": True,
        },
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "1:00", "end_time": "2:00", "weekdays": 67, "active": "no"},
        {
            "timer_id": 0,
            "start_time": "01:00",
            "end_time": "02:00",
            "weekdays": "67",
            "active": False,
        },
    ),
    (
        "get_power_profile",
        {"timestamp": datetime(2023, 10, 27, 10)},
        {"timestamp": "2023-10-27T10:00:00"},
    ),
    (
        "create_power_profile",
        {"name": " Night ", "updated_at": TS, "profile": '{"mode": "solar", "value": 32}'},
        {"name": "Night", "updated_at": TS, "profile": {"mode": "solar", "value": 32}},
    ),
    (
        "get_device_statistics",
        {"date_start": "2025-01-01", "date_end": date(2025, 1, 31)},
        {"date_start": date(2025, 1, 1), "date_end": date(2025, 1, 31)},
    ),
    (
        "get_device_statistics",
        {"date_start": date(2025, 1, 2), "date_end": "2025-01-02"},
        {"date_start": date(2025, 1, 2), "date_end": date(2025, 1, 2)},
    ),
]


@pytest.mark.parametrize(("action", "data", "expected"), GOOD, ids=lambda v: str(v)[:40])
def test_good_input_round_trips(
    action: str, data: dict[str, Any], expected: dict[str, Any]
) -> None:
    """Good values pass, normalised only where the protocol needs it."""
    assert schema_of(action)({"device_id": DEVICE, **data}) == {"device_id": [DEVICE], **expected}


def test_every_reason_comes_from_api_validate() -> None:
    """The schema module holds no regex or rule of its own (one validation layer)."""
    source = Path(sch.__file__).read_text()
    assert "re.compile" not in source
    assert "ipaddress" not in source
    assert set(check.Reason.__value__.__args__) >= {"text_control", "ip_not_private"}
