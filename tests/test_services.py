"""Actions: catalogue consistency, target resolution and input validation (nothing sent)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
import re
from typing import Any, get_args

from homeassistant.core import HomeAssistant, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.v2c_cloud import services, services_schema
from custom_components.v2c_cloud.api import _validate as check
from custom_components.v2c_cloud.const import DOMAIN
from simulator import Simulator

from .conftest import CLOUD_ID, LAN_ID

COMPONENT = Path(services.__file__).parent
SERVICES_YAML: dict[str, Any] = {
    name: spec
    for name, spec in load_yaml_dict(str(COMPONENT / "services.yaml")).items()
    if not name.startswith(".")
}
STRINGS: dict[str, Any] = json.loads((COMPONENT / "strings.json").read_text())
TRANSLATIONS = sorted((COMPONENT / "translations").glob("*.json"))
QUERIES = {
    "scan_wifi_networks",
    "list_rfid_cards",
    "get_connected_status",
    "get_power_profile",
    "list_power_profiles",
    "get_device_statistics",
    "get_global_statistics",
}


# ---- helpers shared by the test_services_* modules --------------------------------------------


def device_id(hass: HomeAssistant, charger_id: str) -> str:
    """Return the device registry id of a charger."""
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, charger_id)})
    assert device is not None
    return device.id


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any] | None = None,
    *,
    chargers: tuple[str, ...] | None = (LAN_ID,),
    response: bool = False,
) -> ServiceResponse:
    """Call a v2c_cloud action on chargers (by their charger ids) and wait for it."""
    payload = dict(data or {})
    if chargers is not None:
        payload["device_id"] = [device_id(hass, charger) for charger in chargers]
    return await hass.services.async_call(
        DOMAIN, service, payload, blocking=True, return_response=response
    )


def sent(simulator: Simulator, since: int, side: str = "cloud") -> list[tuple[str, str, dict]]:
    """Return (method, path, query) of the requests of one side since index `since`."""
    return [(r.method, r.path, r.query) for r in simulator.requests[since:] if r.side == side]


# ---- catalogue consistency --------------------------------------------------------------------


async def test_every_service_is_registered_and_described(hass: HomeAssistant) -> None:
    """services.yaml and the registered actions are the same set, with the right response mode."""
    assert await async_setup_component(hass, DOMAIN, {})
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert set(registered) == set(SERVICES_YAML)
    assert len(registered) == 36
    for name, service in registered.items():
        expected = SupportsResponse.OPTIONAL if name in QUERIES else SupportsResponse.NONE
        assert service.supports_response is expected, name

    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert set(descriptions) == set(SERVICES_YAML)
    for name, description in descriptions.items():
        # Older HA puts the English name in the description; newer HA leaves it to the frontend.
        assert (
            description.get("name", STRINGS["services"][name]["name"])
            == (STRINGS["services"][name]["name"])
        )
        assert set(description["fields"]) == set(SERVICES_YAML[name].get("fields", {}))


def test_schema_fields_match_services_yaml() -> None:
    """Each action's schema accepts exactly the fields services.yaml offers."""
    schemas = {name: svc.schema for name, svc in services.CHARGER_SERVICES.items()}
    schemas[services.SERVICE_GET_GLOBAL_STATISTICS] = services_schema.GLOBAL_STATISTICS_SCHEMA
    assert set(schemas) == set(SERVICES_YAML)
    for name, schema in schemas.items():
        inner = schema.schema
        keys = inner.validators[0] if hasattr(inner, "validators") else inner
        fields = {str(key) for key in keys}
        yaml_fields = SERVICES_YAML[name]["fields"]
        assert fields == set(yaml_fields), name
        required = {str(k) for k in keys if isinstance(k, services_schema.vol.Required)}
        assert required == {f for f, spec in yaml_fields.items() if spec.get("required")}, name


@pytest.mark.parametrize("name", sorted(SERVICES_YAML))
def test_selectors_are_valid(name: str) -> None:
    """Every field has a valid selector; device targets are limited to this integration."""
    for field, spec in SERVICES_YAML[name]["fields"].items():
        selector.selector(spec["selector"])
        if field == "device_id":
            assert spec["selector"] == {"device": {"integration": DOMAIN, "multiple": True}}
            assert spec["required"] is True


@pytest.mark.parametrize("path", TRANSLATIONS, ids=lambda p: p.name)
def test_every_service_is_translated(path: Path) -> None:
    """Every language has a name and description for each action and each of its fields."""
    strings = json.loads(path.read_text())["services"]
    assert set(strings) == set(SERVICES_YAML)
    for name, spec in SERVICES_YAML.items():
        assert strings[name]["name"] and strings[name]["description"]
        assert set(strings[name]["fields"]) == set(spec["fields"]), name
        for field in strings[name]["fields"].values():
            assert field["name"] and field["description"]


def test_strings_match_english_translation_and_icons() -> None:
    """translations/en.json equals strings.json and every action has an icon."""
    assert json.loads((COMPONENT / "translations" / "en.json").read_text()) == STRINGS
    icons = json.loads((COMPONENT / "icons.json").read_text())["services"]
    assert set(icons) == set(SERVICES_YAML)
    assert all(icon["service"].startswith("mdi:") for icon in icons.values())


def test_every_raised_translation_key_exists() -> None:
    """Each exception key the actions can raise has a message (api/ reasons included)."""
    exceptions = STRINGS["exceptions"]
    source = "".join(
        (COMPONENT / name).read_text() for name in ("services.py", "services_schema.py")
    )
    keys = set(re.findall(r'(?:validation_error|invalid)\(\s*"(\w+)"', source))
    keys |= set(get_args(check.Reason.__value__))
    assert {"missing_field", "unknown_field", "invalid_field", "text_control"} <= keys
    assert len(keys) > 30
    for key in keys:
        assert key in exceptions, key


# ---- targets ----------------------------------------------------------------------------------


# Refusals that depend on state: ServiceValidationError from the handler. Every other key is a
# shape or range refusal: a translated vol.Invalid from the schema (HTTP 400 over REST).
STATE_KEYS = {
    "unknown_device",
    "not_v2c_device",
    "entry_not_loaded",
    "charger_not_found",
    "no_entry_loaded",
    "config_entry_not_loaded",
    "unknown_entry",
}


def english(key: str, placeholders: dict[str, str]) -> str:
    """Return the English message of a key, as Home Assistant renders it."""
    return str(STRINGS["exceptions"][key]["message"]).rstrip(".").format(**placeholders)


async def _raises(
    hass: HomeAssistant, service: str, data: dict[str, Any], key: str, *, chargers: Any = None
) -> Any:
    """Call an action that must be refused with a translated error of the right kind."""
    if key in STATE_KEYS:
        with pytest.raises(ServiceValidationError) as state_err:
            await call(hass, service, data, chargers=chargers)
        assert state_err.value.translation_domain == DOMAIN
        assert state_err.value.translation_key == key
        assert "{" not in str(state_err.value)
        return state_err.value
    with pytest.raises(vol.Invalid) as err:
        await call(hass, service, data, chargers=chargers)
    assert isinstance(err.value, services_schema.V2CInvalid)
    assert err.value.translation_key == key
    assert str(err.value) == english(key, err.value.placeholders)
    return err.value


async def test_unknown_device(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An unknown device id in the target list stops the whole call before anything is sent."""
    since = len(simulator.requests)
    await _raises(
        hass,
        "pause_charge",
        {"device_id": [device_id(hass, LAN_ID), "not-a-device"]},
        "unknown_device",
    )
    assert simulator.requests[since:] == []


async def test_device_of_another_integration(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A device that is not a V2C charger is rejected."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}, name="Lamp"
    )
    err = await _raises(hass, "start_charge", {"device_id": device.id}, "not_v2c_device")
    assert err.translation_placeholders == {"device": "Lamp"}


async def test_charger_no_longer_on_the_account(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A V2C device the loaded entry does not run is rejected."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "V2C9999Z")}, name="Old"
    )
    await _raises(hass, "start_charge", {"device_id": [device.id]}, "charger_not_found")


async def test_entry_not_loaded(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Chargers and the account of an unloaded entry are rejected, nothing is sent."""
    target = device_id(hass, LAN_ID)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    since = len(simulator.requests)
    await _raises(hass, "start_charge", {"device_id": [target]}, "entry_not_loaded")
    await _raises(hass, "get_global_statistics", {}, "no_entry_loaded")
    await _raises(
        hass,
        "get_global_statistics",
        {"config_entry_id": init_integration.entry_id},
        "config_entry_not_loaded",
    )
    assert simulator.requests[since:] == []


async def test_unknown_config_entry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """get_global_statistics rejects an entry id that is not a V2C Cloud entry."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    await _raises(hass, "get_global_statistics", {"config_entry_id": "nope"}, "unknown_entry")
    await _raises(
        hass, "get_global_statistics", {"config_entry_id": other.entry_id}, "unknown_entry"
    )


async def test_empty_target(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """At least one charger is needed."""
    await _raises(hass, "start_charge", {"device_id": []}, "no_device")
    await _raises(hass, "start_charge", {}, "missing_field")


# ---- input validation -------------------------------------------------------------------------

TOO_LONG = "x" * 65

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
    (
        "program_timer",
        {"timer_id": 2, "start_time": "22:00", "end_time": "06:00"},
        "out_of_range",
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "24:00", "end_time": "06:00"},
        "invalid_time",
    ),
    ("program_timer", {"timer_id": 0, "start_time": "7:0", "end_time": "06:00"}, "invalid_time"),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "07:00", "end_time": "06:60"},
        "invalid_time",
    ),
    ("program_timer", {"timer_id": 0, "start_time": 700, "end_time": "06:00"}, "invalid_time"),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "22:00", "end_time": "06:00", "weekdays": "128"},
        "invalid_weekdays",
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "22:00", "end_time": "06:00", "weekdays": "1123"},
        "invalid_weekdays",
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "22:00", "end_time": "06:00", "weekdays": ""},
        "invalid_weekdays",
    ),
    (
        "program_timer",
        {"timer_id": 0, "start_time": "22:00", "end_time": "06:00", "active": "sometimes"},
        "not_a_boolean",
    ),
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
        {"name": "Night", "updated_at": "yesterday", "profile": {}},
        "invalid_timestamp",
    ),
    (
        "create_power_profile",
        {"name": "Night", "updated_at": "2023-10-27T10:00:00." + "1" * 50, "profile": {}},
        "text_length",
    ),
    (
        "create_power_profile",
        {"name": "", "updated_at": "2023-10-27T10:00:00Z", "profile": {}},
        "text_length",
    ),
    (
        "create_power_profile",
        {"name": "Night", "updated_at": "2023-10-27T10:00:00Z", "profile": [1, 2]},
        "invalid_object",
    ),
    (
        "update_power_profile",
        {"name": "Night", "updated_at": "2023-10-27T10:00:00Z", "profile": "{not json"},
        "invalid_object",
    ),
    (
        "update_power_profile",
        {"name": "Night", "updated_at": "2023-10-27T10:00:00Z", "profile": {"x": float("inf")}},
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
    since = len(simulator.requests)
    with caplog.at_level(logging.WARNING, logger="custom_components.v2c_cloud"):
        await _raises(hass, service, data, key, chargers=(LAN_ID, CLOUD_ID))
    assert simulator.requests[since:] == []
    assert not [r for r in caplog.records if r.name.startswith("custom_components.v2c_cloud")]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"date_start": "2025-02-01", "date_end": "2025-01-31"}, "date_range_reversed"),
        ({"date_end": "31/01/2025"}, "invalid_date"),
        ({"config_entry_id": ["x"]}, "text_length"),
        ({"config_entry_id": 12}, "unknown_entry"),
    ],
)
async def test_invalid_global_statistics_input(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """The account-wide query validates its dates too."""
    since = len(simulator.requests)
    await _raises(hass, "get_global_statistics", data, key)
    assert simulator.requests[since:] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("16", 16),
        (16.0, 16),
        (" 8 ", 8),
    ],
)
def test_numbers_from_templates_are_accepted(value: Any, expected: int) -> None:
    """Numeric strings (rendered templates) and whole floats become integers."""
    data = services_schema.AMPS_SCHEMA({"device_id": "abc", "amps": value})
    assert data == {"device_id": ["abc"], "amps": expected}


def test_normalisation_of_timer_profile_and_dates() -> None:
    """Times lose their seconds, weekday lists become digits, JSON text becomes an object."""
    timer = services_schema.PROGRAM_TIMER_SCHEMA(
        {
            "device_id": ["a", "a", "b"],
            "timer_id": "1",
            "start_time": "22:00:00",
            "end_time": " 06:30 ",
            "weekdays": [1, 3, 5],
        }
    )
    assert timer == {
        "device_id": ["a", "b"],
        "timer_id": 1,
        "start_time": "22:00",
        "end_time": "06:30",
        "active": True,
        "weekdays": "135",
    }
    assert services_schema.weekdays(67) == "67"
    profile = services_schema.SAVE_PROFILE_SCHEMA(
        {
            "device_id": "a",
            "name": " Night ",
            "updated_at": "2023-10-27T10:00:00Z",
            "profile": '{"mode": "solar", "value": 32}',
        }
    )
    assert profile["name"] == "Night"
    assert profile["profile"] == {"mode": "solar", "value": 32}
    from datetime import date, datetime

    assert services_schema.timestamp(datetime(2023, 10, 27, 10)) == "2023-10-27T10:00:00"
    assert services_schema.day(date(2025, 1, 2)) == date(2025, 1, 2)
    assert services_schema.RFID_TEXT(12345678) == "12345678"
    stats = services_schema.DEVICE_STATISTICS_SCHEMA(
        {"device_id": "a", "date_start": "2025-01-01", "date_end": "2025-01-01"}
    )
    assert stats["date_start"] == stats["date_end"] == date(2025, 1, 1)


def test_translate_generic_voluptuous_errors() -> None:
    """Errors not raised by our validators still become translated refusals naming the field."""
    schema = services_schema.V2CServiceSchema({vol.Required("a"): int})
    with pytest.raises(services_schema.V2CInvalid) as err:
        schema({"a": "x"})
    assert err.value.translation_key == "invalid_field"
    assert err.value.placeholders == {"field": "a"}


async def test_charger_ids_resolve_once_per_device(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The same device twice in the target is commanded once."""
    target = device_id(hass, CLOUD_ID)
    since = len(simulator.requests)
    await call(hass, "pause_charge", {"device_id": [target, target]}, chargers=None)
    assert sent(simulator, since) == [("POST", "/device/pausecharge", {"deviceId": CLOUD_ID})]
