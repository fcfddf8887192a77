"""LAN-only entries ("Charger on my network"): flow, entity set, commands, reconfigure."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2c_cloud.config_flow import CONF_ALLOW_LOOPBACK, SECTION_ADVANCED
from custom_components.v2c_cloud.const import CONF_BASE_URL, DOMAIN
from simulator import ChargerConfig, Fault, Simulator

from .conftest import LAN_ID

OTHER_ID = "V2C0003C"


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Two LAN chargers."""
    return [
        ChargerConfig(device_id=LAN_ID, name="Garage", lan=True, car_connected=True, charging=True),
        ChargerConfig(device_id=OTHER_ID, name="Office", lan=True),
    ]


def _host(simulator: Simulator, device_id: str = LAN_ID) -> str:
    """Return a simulated charger's LAN address."""
    host = simulator.lan_host(device_id)
    assert host is not None
    return host


async def _local_flow(hass: HomeAssistant) -> dict[str, Any]:
    """Start a flow on the "Charger on my network" path."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(  # type: ignore[return-value]
        result["flow_id"], {"next_step_id": "local"}
    )


def _lan(host: str, loopback: bool = True) -> dict[str, Any]:
    """Return the "local" form's input; the simulator's loopback address needs the checkbox."""
    return {CONF_HOST: host, SECTION_ADVANCED: {CONF_ALLOW_LOOPBACK: loopback}}


@pytest.fixture
def local_entry(simulator: Simulator) -> MockConfigEntry:
    """Return a LAN-only entry for the first charger."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Trydan {LAN_ID}",
        version=3,
        unique_id=LAN_ID,
        data={CONF_HOST: _host(simulator)},
    )


@pytest.fixture
async def init_local(hass: HomeAssistant, local_entry: MockConfigEntry) -> MockConfigEntry:
    """Set the LAN-only entry up."""
    local_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(local_entry.entry_id)
    await hass.async_block_till_done()
    return local_entry


async def test_flow_creates_lan_only_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """The charger is probed and identified by the ID it reports."""
    result = await _local_flow(hass)
    assert result["step_id"] == "local"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(f" {_host(simulator)} ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Trydan {LAN_ID}"
    assert result["data"] == {CONF_HOST: _host(simulator)}
    assert result["result"].unique_id == LAN_ID
    await hass.async_block_till_done()
    # Nothing but the LAN was used.
    assert [r for r in simulator.requests if r.side == "cloud"] == []


@pytest.mark.parametrize(
    ("host", "loopback", "error"),
    [
        ("8.8.8.8", True, {CONF_HOST: "invalid_host"}),
        ("charger.local", True, {CONF_HOST: "invalid_host"}),
        ("169.254.10.10", True, {CONF_HOST: "invalid_host"}),
        ("sim", False, {CONF_HOST: "invalid_host"}),  # loopback only when allowed
        ("127.0.0.1:9", True, {"base": "cannot_connect"}),
        ("cloud", True, {"base": "not_a_charger"}),
    ],
)
async def test_flow_errors_recover(
    hass: HomeAssistant, simulator: Simulator, host: str, loopback: bool, error: dict[str, str]
) -> None:
    """Bad addresses are refused before anything is sent; the flow then succeeds."""
    if host == "sim":
        host = _host(simulator)
    elif host == "cloud":
        host = simulator.cloud_url.split("/")[2]  # answers HTTP, but not as a charger
    result = await _local_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _lan(host, loopback))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error
    if not loopback:
        return
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(_host(simulator))
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_charger_twice_aborts(
    hass: HomeAssistant, simulator: Simulator, local_entry: MockConfigEntry
) -> None:
    """A charger already added by address aborts."""
    local_entry.add_to_hass(hass)
    result = await _local_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(_host(simulator))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_charger_of_a_cloud_entry_aborts(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A charger that a cloud entry already has cannot be added again by address."""
    result = await _local_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(_host(simulator))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_cloud_account_with_a_local_charger_aborts(
    hass: HomeAssistant, simulator: Simulator, init_local: MockConfigEntry
) -> None:
    """An account whose charger is already added by address is refused too."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "cloud"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: simulator.api_key, SECTION_ADVANCED: {CONF_BASE_URL: simulator.cloud_url}},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_lan_only_entity_set(
    hass: HomeAssistant,
    simulator: Simulator,
    init_local: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """LAN entities exist with live values; cloud-only entities are not created."""
    assert init_local.state is ConfigEntryState.LOADED
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(entity_registry, init_local.entry_id)
    }
    prefix = f"v2c_{LAN_ID}_"
    assert {f"{prefix}charge_power", f"{prefix}locked", f"{prefix}intensity_number"} <= unique_ids
    for cloud_only in (
        "connected_status",
        "installation_type",
        "slave_type",
        "language",
        "fv_mode",
        "rfid_reader",
        "ocpp_enabled",
        "reboot",
        "trigger_update",
        "api_calls_remaining",
        "last_cloud_update",
        "rfid_cards",
    ):
        assert f"{prefix}{cloud_only}" not in unique_ids
    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    assert device.name == f"Trydan {LAN_ID}"
    assert device.sw_version == "2.4.6"
    state = hass.states.get(f"sensor.trydan_{LAN_ID.lower()}_charge_state")
    assert state is not None
    assert state.state == "charging"
    assert [r for r in simulator.requests if r.side == "cloud"] == []


async def test_lan_only_commands_and_cloud_services(
    hass: HomeAssistant, simulator: Simulator, init_local: MockConfigEntry
) -> None:
    """LAN commands work; cloud-only actions answer a clear translated error."""
    entity_id = f"switch.trydan_{LAN_ID.lower()}_locked"
    await hass.services.async_call("switch", "turn_on", {"entity_id": entity_id}, blocking=True)
    assert simulator.chargers[LAN_ID].locked
    assert hass.states.get(entity_id).state == "on"

    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "trigger_update", {"device_id": [device.id]}, blocking=True
        )
    assert isinstance(err.value, ServiceValidationError)  # a state check, before any request
    assert err.value.translation_key == "cloud_required"
    with pytest.raises(ServiceValidationError) as err2:
        await hass.services.async_call(
            DOMAIN, "get_global_statistics", {}, blocking=True, return_response=True
        )
    assert err2.value.translation_key == "no_entry_loaded"
    with pytest.raises(ServiceValidationError) as err3:
        await hass.services.async_call(
            DOMAIN,
            "get_global_statistics",
            {"config_entry_id": init_local.entry_id},
            blocking=True,
            return_response=True,
        )
    assert err3.value.translation_key == "entry_without_cloud"
    assert [r for r in simulator.requests if r.side == "cloud"] == []


async def test_lan_only_setup_retries_while_unreachable(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An unreachable charger means "retry later"."""
    entry = MockConfigEntry(
        domain=DOMAIN, version=3, unique_id=LAN_ID, data={CONF_HOST: "127.0.0.1:9"}
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_reconfigure_address(
    hass: HomeAssistant, simulator: Simulator, init_local: MockConfigEntry
) -> None:
    """The address can change; another charger's address is refused."""
    result = await init_local.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure_local"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: _host(simulator, OTHER_ID)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_charger"

    result = await init_local.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "8.8.8.8"}
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: _host(simulator)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_local.state is ConfigEntryState.LOADED


async def test_options_only_poll_interval(hass: HomeAssistant, init_local: MockConfigEntry) -> None:
    """A LAN-only entry has just the poll interval option, applied live."""
    result = await hass.config_entries.options.async_init(init_local.entry_id)
    assert [str(k) for k in result["data_schema"].schema] == [CONF_SCAN_INTERVAL]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 10}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    charger = init_local.runtime_data.chargers[LAN_ID]
    assert charger.realtime.update_interval is not None
    assert charger.realtime.update_interval.total_seconds() == 10
    assert charger.realtime.uses_lan


async def test_charger_without_id_is_not_a_charger(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Something answering /RealTimeData without an ID is refused."""
    simulator.faults.add(Fault(side="lan", kind="missing_field", path="/RealTimeData", field="ID"))
    result = await _local_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(_host(simulator))
    )
    assert result["errors"] == {"base": "not_a_charger"}


async def test_unrelated_entry_does_not_block(hass: HomeAssistant, simulator: Simulator) -> None:
    """A charger is added by address although another charger's entry exists."""
    MockConfigEntry(
        domain=DOMAIN, version=3, unique_id="OTHER1", data={CONF_HOST: "127.0.0.1:9"}
    ).add_to_hass(hass)
    result = await _local_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _lan(_host(simulator))
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_lan_only_entry_unloads_cleanly(
    hass: HomeAssistant, simulator: Simulator, init_local: MockConfigEntry
) -> None:
    """A LAN-only entry has no ledger to flush; unloading stops its polling."""
    runtime = init_local.runtime_data
    assert runtime.ledger is None
    assert await hass.config_entries.async_unload(init_local.entry_id)
    await hass.async_block_till_done()
    assert init_local.state is ConfigEntryState.NOT_LOADED
    assert runtime.chargers[LAN_ID].realtime._shutdown_requested
