"""Diagnostics: the whole entry and one device, with secrets redacted."""

from __future__ import annotations

import json

# Imported before time is frozen: importing it under freezegun fails (mashumaro + fake datetime).
import aiohasupervisor  # noqa: F401
from homeassistant.components import diagnostics  # noqa: F401
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.v2c_cloud.const import DOMAIN
from simulator import Simulator

from .conftest import LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 12:00:00+00:00")


async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry diagnostics include budget and charger state, never a secret."""
    diag = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = json.dumps(diag)
    assert simulator.api_key not in text
    assert "127.0.0.1" not in text
    sim = simulator.chargers[LAN_ID]
    assert sim.mac not in text
    assert f'"{sim.ssid}"' not in text
    assert diag["cloud"]["budget"]["calls"] > 0
    assert diag == snapshot(exclude=props("entry_id", "created_at", "modified_at"))


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Device diagnostics describe one charger, redacted."""
    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    diag = await get_diagnostics_for_device(hass, hass_client, init_integration, device)
    assert diag["device_id"] == LAN_ID
    assert diag["mode"] == "lan"
    assert diag["lan_ok"] is True
    assert diag["realtime"]["ssid"] == "**REDACTED**"
    assert diag["realtime"]["charge_state"] == 2
    assert simulator.api_key not in json.dumps(diag)
