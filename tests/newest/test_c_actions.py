"""Every action of services.yaml with valid input, and with invalid input, on the newest release.

The table is built from services.yaml: valid input from each field's `example` (a few fields
without one get a fixed value), invalid input from each field's selector (out of range, wrong
type, not an option, control characters...), plus a missing field, an extra key and a device
that is not ours. Invalid input must come back as a validation error: the WebSocket error code
`invalid_format`, or `service_validation_error` with a translation key; never `unknown_error` or
`home_assistant_error` (which is what a traceback in our schema looks like).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.demo_api import HomeAssistantWebSocket

from .conftest import DOMAIN, IDLE_ID, call

SERVICES_YAML = Path(__file__).parents[2] / "custom_components" / DOMAIN / "services.yaml"
# Valid values for fields that have no `example` in services.yaml.
VALID: dict[str, Any] = {
    "password": "correct-horse-9",
    "tag": "Alice",
    "code": "0A1B2C3D",
    "enabled": True,
    "locked": False,
    "active": True,
}
# Services that only answer, one state-changing step of a sequence needs its predecessor (the
# card added before it is updated): services.yaml lists them in that order.
VALIDATION_CODES = {"invalid_format", "service_validation_error"}


def _services() -> dict[str, dict[str, Any]]:
    """Return {service: {field: spec}} from services.yaml (anchor holders like `.amps` skipped)."""
    data = yaml.safe_load(SERVICES_YAML.read_text())
    return {
        name: dict((spec or {}).get("fields") or {})
        for name, spec in data.items()
        if not name.startswith(".")
    }


SERVICES = _services()


def _selector(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return a field's selector type and its options."""
    selector = spec.get("selector") or {}
    kind = next(iter(selector), "")
    return kind, dict(selector.get(kind) or {})


def _valid(service: str, device: str) -> dict[str, Any]:
    """Return a valid call of `service` on `device`."""
    data: dict[str, Any] = {}
    for field, spec in SERVICES[service].items():
        kind, _ = _selector(spec)
        if kind == "device":
            data[field] = [device]
        elif "example" in spec:
            data[field] = spec["example"]
        elif field in VALID:
            data[field] = VALID[field]
        elif kind == "date" and field == "date_start":
            data[field] = (date.today() - timedelta(days=7)).isoformat()
        elif kind == "date":
            data[field] = date.today().isoformat()
        elif spec.get("required"):
            raise AssertionError(f"no valid value for {service}.{field}: add one to VALID")
    return data


def _bad_values(kind: str, options: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return (label, value) pairs a field of this selector must refuse."""
    if kind == "number":
        top = float(options.get("max", 0))
        return [
            ("above max", top * 10 + 1),
            ("below min", float(options.get("min", 0)) - 1),
            ("text", "lots"),
        ]
    if kind == "boolean":
        return [("not a boolean", "maybe"), ("number 2", 2)]
    if kind == "select":
        return [("not an option", "nope")]
    if kind == "time":
        return [("not a time", "25:99")]
    if kind == "date":
        return [("not a date", "yesterday")]
    if kind == "text":
        return [
            ("control character", "bad\x00value"),
            ("bidi override", "abc\u202edef"),
            ("too long", "x" * 10_000),
        ]
    if kind == "object":
        return [("malformed JSON", "{not json"), ("deeply nested", "[" * 100_000)]
    if kind == "config_entry":
        return [("unknown entry", "no-such-entry")]
    return []


def _invalid_cases() -> list[Any]:
    """Return pytest params (service, label, data patch, removed field) of invalid calls."""
    cases: list[Any] = []
    for service, fields in SERVICES.items():
        cases.append(pytest.param(service, {"not_a_field": 1}, None, id=f"{service}-extra key"))
        for field, spec in fields.items():
            kind, options = _selector(spec)
            if kind == "device":
                cases.append(
                    pytest.param(
                        service,
                        {field: ["0123456789abcdef"]},
                        None,
                        id=f"{service}-{field}-not our device",
                    )
                )
                continue
            if spec.get("required"):
                cases.append(pytest.param(service, {}, field, id=f"{service}-{field}-missing"))
            for label, value in _bad_values(kind, options):
                cases.append(
                    pytest.param(service, {field: value}, None, id=f"{service}-{field}-{label}")
                )
    return cases


def test_services_yaml_is_complete() -> None:
    """Every action is in the table, and each required field has a valid value."""
    assert len(SERVICES) >= 36
    for service in SERVICES:
        assert _valid(service, "device") is not None


async def _registered(ws: HomeAssistantWebSocket) -> dict[str, Any]:
    """Return the integration's registered services (with their response support)."""
    services: dict[str, Any] = (await ws.command("get_services"))[DOMAIN]
    return services


async def test_registered_actions_match_services_yaml(ws: HomeAssistantWebSocket) -> None:
    """Home Assistant registered exactly the actions services.yaml describes."""
    assert set(await _registered(ws)) == set(SERVICES)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_action_with_valid_input(
    ws: HomeAssistantWebSocket, devices: dict[str, str], service: str
) -> None:
    """A valid call succeeds (with its response where the action has one)."""
    registered = await _registered(ws)
    answer = await call(
        ws, service, _valid(service, devices[IDLE_ID]), response="response" in registered[service]
    )
    assert answer.get("success"), answer.get("error")


@pytest.mark.parametrize(("service", "patch", "missing"), _invalid_cases())
async def test_action_with_invalid_input(
    ws: HomeAssistantWebSocket,
    devices: dict[str, str],
    service: str,
    patch: dict[str, Any],
    missing: str | None,
) -> None:
    """Invalid input is a validation error with a translated message, never an unknown error."""
    registered = await _registered(ws)
    data = {**_valid(service, devices[IDLE_ID]), **patch}
    if missing:
        data.pop(missing)
    answer = await call(ws, service, data, response="response" in registered[service])
    assert not answer.get("success"), f"accepted: {data}"
    error = answer["error"]
    assert error["code"] in VALIDATION_CODES, error
    if error["code"] == "service_validation_error":
        assert error.get("translation_key"), error
        assert error.get("translation_domain") == DOMAIN, error
