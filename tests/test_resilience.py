"""Cloud and LAN misbehaviour inside Home Assistant: what stays, what goes, what recovers."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import ChargerConfig, Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _interval(entry: MockConfigEntry) -> float:
    """Return the cloud coordinator's current interval in seconds."""
    interval = entry.runtime_data.cloud.update_interval
    assert interval is not None
    return interval.total_seconds()


async def test_quota_exhausted_at_first_start(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With nothing known yet, an exhausted quota means "retry later"."""
    simulator.quota.set_used(simulator.api_key, simulator.quota.limit)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_cloud_outage_and_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Cloud down: cloud entities go unavailable, LAN ones stay; back within one poll."""
    fault = simulator.faults.add(Fault(side="cloud", kind="status", status=500))
    await _tick(hass, freezer, _interval(init_integration))
    assert hass.states.get("select.garage_installation_type").state == "unavailable"
    assert hass.states.get("binary_sensor.garage_cloud_connection").state == "unavailable"
    assert hass.states.get("sensor.garage_charge_state").state == "charging"
    simulator.faults.remove(fault)
    await _tick(hass, freezer, _interval(init_integration))
    assert hass.states.get("select.garage_installation_type").state == "single_phase"


async def test_one_charger_failing_keeps_its_last_values(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A per-charger cloud error reuses that charger's previous shadow."""
    simulator.faults.add(
        Fault(side="cloud", kind="status", status=500, path="/device/reported", device_id=CLOUD_ID)
    )
    await _tick(hass, freezer, _interval(init_integration))
    cloud = init_integration.runtime_data.cloud
    assert cloud.last_update_success
    assert cloud.data is not None
    assert cloud.data.chargers[CLOUD_ID].reported is not None
    assert hass.states.get("select.driveway_installation_type").state == "single_phase"


async def test_pairings_failure_uses_cached_list(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A failing (or forbidden) pairings call keeps the known chargers."""
    simulator.faults.add(Fault(side="cloud", kind="status", status=403, path="/pairings/me"))
    await _tick(hass, freezer, 3600)
    cloud = init_integration.runtime_data.cloud
    assert cloud.last_update_success
    assert cloud.data is not None
    assert set(cloud.data.pairings) == {LAN_ID, CLOUD_ID}


async def test_firmware_and_rfid_failures_retry_later(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """`/version` and the RFID list are optional: failures retry after 1 h / 30 min."""
    simulator.faults.add(Fault(side="cloud", kind="status", status=404, path="/version"))
    simulator.faults.add(Fault(side="cloud", kind="status", status=500, path="/device/rfid"))
    since = len(simulator.requests)
    await _tick(hass, freezer, 13 * 3600)  # both due again
    assert init_integration.runtime_data.cloud.last_update_success
    failed = [r.path for r in simulator.requests[since:] if r.status >= 400]
    assert "/version" in failed
    assert "/device/rfid" in failed
    simulator.faults.clear()
    since = len(simulator.requests)
    await _tick(hass, freezer, 3600)
    retried = {r.path for r in simulator.requests[since:]}
    assert {"/version", "/device/rfid"} <= retried


async def test_auth_error_while_running_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 401 during polling starts a reauth flow."""
    simulator.faults.add(Fault(side="cloud", kind="status", status=401))
    await _tick(hass, freezer, _interval(init_integration))
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize(("status", "reauth"), [(500, False), (401, True)])
async def test_confirm_refresh_failure(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    status: int,
    reauth: bool,
) -> None:
    """A failed confirmation read changes nothing (401 asks for a new key)."""
    cloud = init_integration.runtime_data.cloud
    before = cloud.data
    simulator.faults.add(Fault(side="cloud", kind="status", status=status))
    await cloud.async_refresh_charger(CLOUD_ID)
    await cloud.async_refresh_charger("UNKNOWN")
    await hass.async_block_till_done()
    assert cloud.data is before
    assert bool(hass.config_entries.flow.async_progress()) is reauth


@pytest.mark.parametrize(
    "chargers",
    [[ChargerConfig(device_id=LAN_ID, name="Garage", lan=True)]],
)
async def test_unusable_lan_address_falls_back_to_cloud(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A public or malformed charger IP is never contacted; the cloud path is used."""
    simulator.chargers[LAN_ID].ip = "8.8.8.8"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    charger = mock_config_entry.runtime_data.chargers[LAN_ID]
    assert charger.realtime.lan_client() is None
    assert charger.data is not None
    assert charger.data.source == "cloud"
    assert [r for r in simulator.requests if r.side == "lan"] == []
