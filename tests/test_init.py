"""Setup, unload, reload, start-up failures, local-first start and entry migration."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.const import (
    CONF_BASE_URL,
    CONF_CHARGERS,
    CONF_MODE,
    DOMAIN,
    MODE_CLOUD,
    MODE_LAN,
)
from custom_components.v2c_cloud.migration import migrate_data
from simulator import Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID


async def test_setup_and_unload(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Both chargers become devices; unload stops all polling."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    runtime = entry.runtime_data
    assert set(runtime.chargers) == {LAN_ID, CLOUD_ID}
    assert runtime.chargers[LAN_ID].realtime.uses_lan
    assert runtime.chargers[LAN_ID].data is not None
    assert runtime.chargers[LAN_ID].data.source == "lan"
    assert runtime.chargers[CLOUD_ID].data is not None
    assert runtime.chargers[CLOUD_ID].data.source == "cloud"
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert {d.name for d in devices} == {"Garage", "Driveway"}

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    served = len(simulator.requests)
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == served


async def test_reload(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """The entry reloads cleanly."""
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED


async def test_setup_retry_when_cloud_is_down_and_nothing_is_known(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A cloud failure on the very first start means "retry later"."""
    simulator.faults.add(Fault(side="cloud", kind="status", status=503))
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("key", ["revoked", "", "bad\nkey"])
async def test_setup_auth_error_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, key: str
) -> None:
    """A rejected (or empty, or garbled) key fails setup and starts exactly one reauth flow."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=3,
        unique_id="x",
        data={CONF_API_KEY: key, CONF_BASE_URL: simulator.cloud_url},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_local_first_start_while_cloud_is_down(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """With known chargers, a cloud outage at start still brings LAN chargers up."""
    entry = init_integration
    await entry.runtime_data.ledger._store.async_save(entry.runtime_data.ledger._data())  # type: ignore[union-attr]
    assert await hass.config_entries.async_unload(entry.entry_id)
    simulator.faults.add(Fault(side="cloud", kind="status", status=503))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    runtime = entry.runtime_data
    assert not runtime.cloud.last_update_success
    assert runtime.chargers[LAN_ID].data is not None
    assert runtime.chargers[LAN_ID].data.source == "lan"
    state = hass.states.get("sensor.garage_charge_power")
    assert state is not None and float(state.state) > 0
    # The cloud-only charger has no source at all yet.
    assert hass.states.get("sensor.driveway_charge_state").state == "unavailable"


@pytest.mark.parametrize(
    ("version", "data", "options", "expected_data", "expected_options"),
    [
        (
            2,
            {
                CONF_API_KEY: " key ",
                "cached_pairings": [{"deviceId": "A1", "ip": "192.168.1.5"}, {"ip": "x"}],
                "cloud_only": False,
                "fallback_ip": "",
            },
            {"local_update_interval": 400},
            {CONF_API_KEY: "key"},
            {CONF_SCAN_INTERVAL: 300, CONF_CHARGERS: {"A1": {CONF_MODE: MODE_LAN}}},
        ),
        (
            2,
            {CONF_API_KEY: "key", "cached_pairings": [{"deviceId": "A1"}], "cloud_only": True},
            {},
            {CONF_API_KEY: "key"},
            {CONF_SCAN_INTERVAL: 30, CONF_CHARGERS: {"A1": {CONF_MODE: MODE_CLOUD}}},
        ),
        (
            1,
            {CONF_API_KEY: "key", "fallback_ip": "192.168.1.9", "fallback_device_id": "B2"},
            {"local_update_interval": "2"},
            {CONF_API_KEY: "key"},
            {
                CONF_SCAN_INTERVAL: 5,
                CONF_CHARGERS: {"B2": {CONF_MODE: MODE_LAN, CONF_HOST: "192.168.1.9"}},
            },
        ),
        (
            1,
            {
                CONF_API_KEY: "key",
                "fallback_ip": "0.0.0.0",
                "initial_pairings": [{"deviceId": "C3"}],
                CONF_BASE_URL: "http://127.0.0.1:1",
            },
            {"local_update_interval": "bad"},
            {CONF_API_KEY: "key", CONF_BASE_URL: "http://127.0.0.1:1"},
            {CONF_SCAN_INTERVAL: 30, CONF_CHARGERS: {"C3": {CONF_MODE: MODE_CLOUD}}},
        ),
    ],
)
def test_migrate_data(
    version: int,
    data: dict[str, object],
    options: dict[str, object],
    expected_data: dict[str, object],
    expected_options: dict[str, object],
) -> None:
    """Entries of the earlier v2c_cloud integration carry their choices over."""
    assert migrate_data(version, data, options) == (expected_data, expected_options)


async def test_migration_on_setup(hass: HomeAssistant, simulator: Simulator) -> None:
    """A version 2 entry is migrated and then loads."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=2,
        unique_id="legacy",
        data={
            CONF_API_KEY: simulator.api_key,
            CONF_BASE_URL: simulator.cloud_url,
            "cached_pairings": [{"deviceId": LAN_ID, "ip": ""}],
            "cloud_only": False,
            "fallback_ip": "",
        },
        options={"local_update_interval": 15},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.version == 3
    assert entry.state is ConfigEntryState.LOADED
    assert entry.options[CONF_SCAN_INTERVAL] == 15


@pytest.mark.parametrize(
    ("version", "minor_version", "state"),
    [
        (4, 1, ConfigEntryState.MIGRATION_ERROR),  # from a newer release: not touched
        (3, 0, ConfigEntryState.SETUP_RETRY),  # an older minor version: loads as it is
    ],
)
async def test_entry_version(
    hass: HomeAssistant, version: int, minor_version: int, state: ConfigEntryState
) -> None:
    """Only entries of an older major version are migrated; a newer one is refused."""
    data = {CONF_HOST: "127.0.0.1:9"}  # a LAN-only entry; nothing listens there
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=LAN_ID, version=version, minor_version=minor_version, data=data
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    assert (entry.version, entry.minor_version, dict(entry.data)) == (version, minor_version, data)


async def test_removing_the_entry_deletes_its_ledger(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, object]
) -> None:
    """Deleting the entry also deletes its persisted call ledger."""
    key = f"{DOMAIN}.{init_integration.entry_id}"
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert key in hass_storage  # flushed on unload
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_stale_device_of_an_unloaded_entry_can_be_removed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without runtime data (entry not loaded) any device may be removed by hand."""
    from custom_components.v2c_cloud import async_remove_config_entry_device

    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    assert not await async_remove_config_entry_device(hass, init_integration, device)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert not hasattr(init_integration, "runtime_data")
    assert await async_remove_config_entry_device(hass, init_integration, device)
