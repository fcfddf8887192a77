"""Refused action input over Home Assistant's REST and WebSocket APIs: 400 / invalid_format.

Shape and range refusals are vol.Invalid raised by the schema, which Home Assistant answers with
HTTP 400 (REST) and `invalid_format` (WebSocket) without logging a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.v2c_cloud.const import DOMAIN
from simulator import Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import device_id

TS = "2023-10-27T10:00:00Z"
# One refusal per class (issue 15 items 2-4 included); values must survive JSON.
REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("set_charge_intensity", {"amps": 99}),
    ("set_charge_intensity", {"amps": 16, "current": 16}),
    ("set_charge_intensity", {}),
    ("set_charge_stop_energy", {"kwh": 0}),
    ("set_ocpp_enabled", {"enabled": 2}),
    ("set_ocpp_address", {"ocpp_url": "wss://host/\x00"}),
    ("set_ocpp_address", {"ocpp_url": "wss://host/" + "a" * 10_000}),
    ("set_ocpp_id", {"ocpp_id": "CP\u202e1"}),
    ("set_wifi_credentials", {"ssid": "   ", "password": "secret123"}),
    ("set_wifi_credentials", {"ssid": "Home\u202e", "password": "secret123"}),
    ("set_inverter_ip", {"ip_address": "8.8.8.8"}),
    ("set_inverter_ip", {"ip_address": "127.0.0.1"}),
    ("set_inverter_ip", {"ip_address": "255.255.255.255"}),
    ("register_rfid", {"tag": "\u202eCard"}),
    ("create_power_profile", {"name": "N", "updated_at": TS, "profile": "[" * 100_000}),
    ("update_power_profile", {"name": "N", "updated_at": TS, "profile": "[" * 100}),
    ("program_timer", {"timer_id": 0, "start_time": "25:00", "end_time": "06:00"}),
    ("get_device_statistics", {"date_start": "yesterday"}),
    ("start_charge", {"device_id": "d" * 10_000}),
]


def _payload(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
    """Aim at both chargers unless the case sets its own target."""
    return {"device_id": [device_id(hass, LAN_ID), device_id(hass, CLOUD_ID)], **data}


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings, errors and tracebacks logged."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING or record.exc_info
    ]


@pytest.mark.parametrize(("action", "data"), REFUSED, ids=lambda v: str(v)[:30])
async def test_refused_input_is_http_400_without_traceback(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    action: str,
    data: dict[str, Any],
) -> None:
    """REST answers 400, nothing is sent, nothing is logged above INFO, no echo of 10 kB."""
    assert await async_setup_component(hass, "api", {})
    client = await hass_client()
    since = len(simulator.requests)
    caplog.clear()
    response = await client.post(f"/api/services/{DOMAIN}/{action}", json=_payload(hass, data))
    assert response.status == 400
    assert len(await response.text()) < 500
    assert simulator.requests[since:] == []
    assert _problems(caplog) == []
    assert "Traceback" not in caplog.text


async def test_websocket_refusal_is_invalid_format_with_the_translated_text(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Over WebSocket the message is the English translation, naming the field."""
    client = await hass_ws_client(hass)
    cases = [
        ({"amps": 99}, "set_charge_intensity", "amps must be between 6 and 32"),
        ({"enabled": 2}, "set_ocpp_enabled", "enabled must be true or false"),
        (
            {"ip_address": "8.8.8.8"},
            "set_inverter_ip",
            "ip_address must be a private address on the local network (not public, loopback,"
            " link-local, multicast or broadcast)",
        ),
    ]
    caplog.clear()
    for data, action, message in cases:
        await client.send_json_auto_id(
            {
                "type": "call_service",
                "domain": DOMAIN,
                "service": action,
                "service_data": _payload(hass, data),
            }
        )
        reply = await client.receive_json()
        assert not reply["success"]
        assert reply["error"]["code"] == "invalid_format"
        assert reply["error"]["message"] == message
    assert _problems(caplog) == []


async def test_state_refusal_is_a_translated_service_validation_error(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A device that is not ours is refused by the handler; a long id is cut in the message."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "start_charge",
            "service_data": {"device_id": "x" * 64},
        }
    )
    reply = await client.receive_json()
    assert reply["error"]["code"] == "service_validation_error"
    assert reply["error"]["translation_key"] == "unknown_device"
    assert reply["error"]["translation_placeholders"] == {"device_id": "x" * 39 + "…"}
