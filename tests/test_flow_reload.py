"""Reauth and reconfigure reload the entry through its update listener (HA 2026.12 rule).

HA 2026.11 logs "has an update listener and should use it for scheduling a reload" (an error
from 2026.12) when a flow reloads an entry that has an update listener. The flow only stores
the new data; the entry's listener sees the data changed and schedules the reload. An entry
that is not loaded has no listener, so the flow reloads it itself.
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

FORBIDDEN = ("update listener", "deprecated", "show_advanced_options", "will stop working")


def _flow_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings and errors that name a deprecation or the update-listener rule."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and any(f in r.getMessage() for f in FORBIDDEN)
    ]


async def test_reconfigure_reloads_through_the_listener(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new key reloads the entry (a new runtime using the new key), with no warning."""
    before = init_integration.runtime_data
    simulator.add_api_key("second-key")
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "second-key"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is not before
    assert init_integration.runtime_data.setup_data[CONF_API_KEY] == "second-key"
    assert _flow_warnings(caplog) == []


async def test_options_change_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Options alone are applied live by the same listener: the runtime stays."""
    before = init_integration.runtime_data
    hass.config_entries.async_update_entry(
        init_integration, options={**init_integration.options, CONF_SCAN_INTERVAL: 45}
    )
    await hass.async_block_till_done()
    assert init_integration.runtime_data is before
    assert init_integration.state is ConfigEntryState.LOADED


async def test_reauth_of_an_entry_that_failed_setup(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An entry stopped by a rejected key has no listener: the flow reloads it itself."""
    entry = MockConfigEntry(
        domain="v2c_cloud",
        title="V2C Cloud",
        version=3,
        minor_version=1,
        unique_id=min(simulator.chargers).lower(),
        data={CONF_API_KEY: "revoked-key", "base_url": simulator.cloud_url},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert not entry.update_listeners
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: simulator.api_key}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert _flow_warnings(caplog) == []


async def test_local_address_change_of_an_entry_in_retry(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A LAN-only entry retrying at an old address comes up at the new one at once."""
    device_id = min(simulator.chargers)
    lan_host = simulator.lan_host(device_id)
    assert lan_host is not None
    entry = MockConfigEntry(
        domain="v2c_cloud",
        version=3,
        unique_id=device_id,
        data={CONF_HOST: "127.0.0.1:9"},  # nothing listens there
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: lan_host}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.setup_data == {CONF_HOST: lan_host}
    assert _flow_warnings(caplog) == []
