"""Actions: catalogue consistency, target resolution and input validation (nothing sent)."""

from __future__ import annotations

import json
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
    schemas[services.SERVICE_GET_GLOBAL_STATISTICS] = services.GLOBAL_STATISTICS_SCHEMA
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
    assert all(re.fullmatch(r"mdi:[a-z0-9]+(-[a-z0-9]+)*", i["service"]) for i in icons.values())


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


async def test_charger_ids_resolve_once_per_device(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The same device twice in the target is commanded once."""
    target = device_id(hass, CLOUD_ID)
    since = len(simulator.requests)
    await call(hass, "pause_charge", {"device_id": [target, target]}, chargers=None)
    assert sent(simulator, since) == [("POST", "/device/pausecharge", {"deviceId": CLOUD_ID})]
