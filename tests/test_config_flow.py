"""Config flow: user step, errors that recover, duplicates, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2c_cloud.api import DEFAULT_BASE_URL
from custom_components.v2c_cloud.config_flow import SECTION_ADVANCED
from custom_components.v2c_cloud.const import (
    CONF_BASE_URL,
    CONF_CHARGER,
    CONF_CHARGERS,
    CONF_MODE,
    DOMAIN,
    MODE_CLOUD,
    MODE_LAN,
)
from simulator import ChargerConfig, Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep flow tests to the flow: do not set the created entry up."""
    with patch("custom_components.v2c_cloud.async_setup_entry", return_value=True) as mock:
        yield mock


async def _start(hass: HomeAssistant, *, path: str = "cloud") -> dict[str, Any]:
    """Start a user flow and pick the cloud account (or the LAN-only) path in the menu."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["cloud", "local"]
    return await hass.config_entries.flow.async_configure(  # type: ignore[return-value]
        result["flow_id"], {"next_step_id": path}
    )


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_creates_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """A valid key creates an entry whose unique id comes from the account, not the key."""
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "cloud"
    assert [str(k) for k in result["data_schema"].schema] == [CONF_API_KEY, SECTION_ADVANCED]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_API_KEY: f"  {simulator.api_key} ",
            SECTION_ADVANCED: {CONF_BASE_URL: simulator.cloud_url + "/"},
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "V2C Cloud"
    assert result["data"] == {
        CONF_API_KEY: simulator.api_key,
        CONF_BASE_URL: simulator.cloud_url,
    }
    entry = result["result"]
    assert entry.unique_id == LAN_ID.lower()
    assert simulator.api_key not in entry.unique_id
    assert entry.version == 3


async def test_base_url_is_in_a_collapsed_section(hass: HomeAssistant) -> None:
    """The API base URL (only for the simulator) sits in a collapsed "Advanced" section.

    No `show_advanced_options`: HA 2026.11 deprecates it (removed in 2027.6).
    """
    result = await _start(hass)
    advanced = result["data_schema"].schema[SECTION_ADVANCED]
    assert isinstance(advanced, section)
    assert advanced.options == {"collapsed": True}
    assert [str(k) for k in advanced.schema.schema] == [CONF_BASE_URL]
    assert advanced.schema({}) == {CONF_BASE_URL: DEFAULT_BASE_URL}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_default_url_is_not_stored(hass: HomeAssistant) -> None:
    """The official base URL is the default and is not written into the entry."""
    pairing = AsyncMock(return_value=[_pairing("ABC")])
    with patch("custom_components.v2c_cloud.flow_checks.V2CCloudClient.pairings", pairing):
        result = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: "k"}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_API_KEY: "k"}
    assert DEFAULT_BASE_URL.startswith("https://")


def _cloud_input(simulator: Simulator) -> dict[str, Any]:
    """Return the "cloud" form's input for the simulator's account."""
    return {CONF_API_KEY: simulator.api_key, SECTION_ADVANCED: {CONF_BASE_URL: simulator.cloud_url}}


def _pairing(device_id: str) -> Any:
    """Return a pairing model."""
    from custom_components.v2c_cloud.api import Pairing

    return Pairing(device_id=device_id, name=device_id, model=None, ip=None, raw={})


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("breakage", "error"),
    [
        ("bad_key", "invalid_auth"),
        ("garbled_key", "invalid_auth"),
        ("quota", "rate_limited"),
        ("server_error", "cannot_connect"),
        ("html", "cannot_connect"),
        ("closed_port", "cannot_connect"),
        ("no_chargers", "no_chargers"),
        ("bad_url", "invalid_url"),
    ],
)
async def test_user_flow_errors_recover(
    hass: HomeAssistant,
    simulator: Simulator,
    chargers: list[ChargerConfig],
    breakage: str,
    error: str,
) -> None:
    """Each error is shown on the form and the same flow then succeeds."""
    key, url = simulator.api_key, simulator.cloud_url
    if breakage == "bad_key":
        key = "wrong-key"
    elif breakage == "garbled_key":
        key = "abc\x00def"
    elif breakage == "quota":
        simulator.quota.set_used(key, simulator.quota.limit)
    elif breakage == "server_error":
        simulator.faults.add(Fault(side="cloud", kind="status", status=500))
    elif breakage == "html":
        simulator.faults.add(Fault(side="cloud", kind="html"))
    elif breakage == "closed_port":
        url = "http://127.0.0.1:9/kong/v2c_service"
    elif breakage == "no_chargers":
        for device_id in list(simulator.chargers):
            simulator.remove_charger(device_id)
    elif breakage == "bad_url":
        url = "ftp://127.0.0.1/x"

    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: key, SECTION_ADVANCED: {CONF_BASE_URL: url}}
    )
    assert result["type"] is FlowResultType.FORM
    field = CONF_BASE_URL if breakage == "bad_url" else "base"
    assert result["errors"] == {field: error}

    simulator.faults.clear()
    simulator.quota.set_used(simulator.api_key, 0)
    if breakage == "no_chargers":
        for config in chargers:
            simulator.add_charger(config)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _cloud_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_unexpected_error_recovers(hass: HomeAssistant, simulator: Simulator) -> None:
    """An unexpected exception shows "unknown" and never leaks the key into the log."""
    with patch(
        "custom_components.v2c_cloud.flow_checks.V2CCloudClient.pairings",
        side_effect=RuntimeError("boom"),
    ):
        result = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _cloud_input(simulator)
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _cloud_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("unique_id", "charger", "result_type"),
    [
        (LAN_ID.lower(), "OTHER1", FlowResultType.ABORT),  # the same account
        ("another", CLOUD_ID, FlowResultType.ABORT),  # another entry has one of its chargers
        ("other", "OTHER1", FlowResultType.CREATE_ENTRY),  # an unrelated account
    ],
)
async def test_existing_entries(
    hass: HomeAssistant,
    simulator: Simulator,
    unique_id: str,
    charger: str,
    result_type: FlowResultType,
) -> None:
    """The same account, or one of its chargers in another entry, aborts; others do not."""
    MockConfigEntry(
        domain=DOMAIN,
        unique_id=unique_id,
        version=3,
        data={CONF_API_KEY: "x"},
        options={CONF_CHARGERS: {charger: {CONF_MODE: MODE_CLOUD}}},
    ).add_to_hass(hass)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _cloud_input(simulator)
    )
    assert result["type"] is result_type
    if result_type is FlowResultType.ABORT:
        assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("source", "step_id", "key"),
    [
        ("reauth", "reauth_confirm", None),  # the same key again (the cloud came back)
        ("reconfigure", "reconfigure", "second-key"),  # a second key of the same account
    ],
)
async def test_replace_key(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    source: str,
    step_id: str,
    key: str | None,
) -> None:
    """A wrong key is refused; a key of the same account reloads the entry, keeping entities."""
    entry = init_integration
    before = (entry.runtime_data, _unique_ids(entity_registry, entry))
    key = key or simulator.api_key
    simulator.add_api_key(key)
    if source == "reauth":
        result = await entry.start_reauth_flow(hass)
    else:
        result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == step_id
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: f" {key} "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == f"{source}_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_API_KEY] == key
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not before[0]  # reloaded
    assert before[1] and _unique_ids(entity_registry, entry) == before[1]


def _unique_ids(entity_registry: er.EntityRegistry, entry: MockConfigEntry) -> set[str]:
    """Return the unique ids of an entry's entities."""
    return {e.unique_id for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)}


@pytest.mark.parametrize("source", ["reauth", "reconfigure"])
async def test_key_of_another_account_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, source: str
) -> None:
    """A key whose chargers are not this entry's aborts with wrong_account."""
    if source == "reauth":
        result = await init_integration.start_reauth_flow(hass)
    else:
        result = await init_integration.start_reconfigure_flow(hass)
    with patch(
        "custom_components.v2c_cloud.flow_checks.V2CCloudClient.pairings",
        return_value=[_pairing("OTHER1")],
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: "other-account"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert init_integration.data[CONF_API_KEY] != "other-account"


async def test_options_interval_only(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Changing only the poll interval applies it live."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 12}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_SCAN_INTERVAL] == 12
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.realtime.update_interval is not None
    assert charger.realtime.update_interval.total_seconds() == 12


async def test_options_charger_mode_and_host(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A charger can be switched to cloud-only and given a LAN address (validated)."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 30, CONF_CHARGER: LAN_ID}
    )
    assert result["step_id"] == "charger"
    assert result["description_placeholders"] == {"name": "Garage"}

    for bad in ("8.8.8.8", "example.com", "169.254.1.1"):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_MODE: MODE_LAN, CONF_HOST: bad}
        )
        assert result["errors"] == {CONF_HOST: "invalid_host"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODE: MODE_CLOUD, CONF_HOST: ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_CHARGERS] == {LAN_ID: {CONF_MODE: MODE_CLOUD}}
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.realtime.mode == MODE_CLOUD
    assert charger.realtime.lan_client() is None

    # Back to LAN with the simulator's address as an explicit override.
    host = simulator.lan_host(LAN_ID)
    assert host is not None
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 30, CONF_CHARGER: LAN_ID}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODE: MODE_LAN, CONF_HOST: host}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert charger.realtime.host_override == host
    assert charger.realtime.uses_lan
    assert charger.data is not None and charger.data.source == "lan"


async def test_options_of_an_entry_that_is_not_loaded(hass: HomeAssistant) -> None:
    """The charger list comes from the stored options while the entry is not loaded."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="x",
        version=3,
        data={CONF_API_KEY: "k"},
        options={CONF_CHARGERS: {"A1": {CONF_MODE: MODE_CLOUD}}},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 30, CONF_CHARGER: "A1"}
    )
    assert result["step_id"] == "charger"
    assert result["description_placeholders"] == {"name": "A1"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODE: MODE_LAN, CONF_HOST: ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_CHARGERS] == {"A1": {CONF_MODE: MODE_LAN}}
