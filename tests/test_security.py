"""Security: secrets stay out of logs and diagnostics; hosts, writes and payloads are checked."""

from __future__ import annotations

from datetime import timedelta
import json
import logging
from typing import Any
from urllib.parse import quote, quote_plus

# Imported before time is frozen: importing it under freezegun fails (mashumaro + fake datetime).
import aiohasupervisor  # noqa: F401
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import diagnostics  # noqa: F401
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.v2c_cloud import realtime as realtime_module
from custom_components.v2c_cloud.api import V2CLocalClient
from custom_components.v2c_cloud.charger import Command
from custom_components.v2c_cloud.const import (
    CONF_BASE_URL,
    CONF_CHARGER,
    CONF_CHARGERS,
    CONF_MODE,
    DOMAIN,
    MODE_LAN,
)
from custom_components.v2c_cloud.errors import translated_errors
from simulator import Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import call

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")

SECRET_KEY = "Zk9-secret-apikey-7f3a91c0"
WRONG_KEY = "Qw3-wrong-apikey-0b44e2d1"
PASSWORD = "p@ss w0rd&x=1%"
SSID = "Home Net 5G"


def _variants(secret: str) -> set[str]:
    """Return a secret as it could appear raw or URL-encoded."""
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def _leaks(caplog: pytest.LogCaptureFixture, texts: list[str], *secrets: str) -> list[str]:
    """Return every secret (in any encoding) found in log records or in the given texts."""
    haystack = [caplog.text, *texts]
    for record in caplog.records:
        haystack += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return [
        variant
        for secret in secrets
        for variant in _variants(secret)
        if any(variant in text for text in haystack)
    ]


def _texts(err: BaseException | None) -> list[str]:
    """Return an exception's text and that of its causes."""
    texts: list[str] = []
    while err is not None:
        texts += [str(err), repr(err)]
        err = err.__cause__
    return texts


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _debug(caplog: pytest.LogCaptureFixture) -> None:
    """Capture everything our code and aiohttp log."""
    caplog.set_level(logging.DEBUG, logger="custom_components.v2c_cloud")
    caplog.set_level(logging.DEBUG, logger="aiohttp")


@pytest.fixture
def mock_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return an entry with a distinctive key, easy to search for."""
    simulator.add_api_key(SECRET_KEY)
    return MockConfigEntry(
        domain=DOMAIN,
        title="V2C Cloud",
        version=3,
        minor_version=1,
        unique_id=min(simulator.chargers).lower(),
        data={CONF_API_KEY: SECRET_KEY, CONF_BASE_URL: simulator.cloud_url},
        options={},
    )


@pytest.mark.freeze_time("2026-11-26 08:00:00+00:00", tick=True)
async def test_api_key_never_leaks(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Failed setup, 500, timeout, 401, reauth (wrong key first), diagnostics: no key anywhere."""
    _debug(caplog)
    monkeypatch.setattr("custom_components.v2c_cloud.runtime.CLOUD_REQUEST_TIMEOUT", 0.3)
    simulator.faults.add(Fault(side="cloud", kind="status", status=500))
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    texts = [str(mock_config_entry.reason)]
    simulator.faults.clear()
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    cloud = mock_config_entry.runtime_data.cloud
    for fault in (
        Fault(side="cloud", kind="status", status=500),
        Fault(side="cloud", kind="delay", delay=2.0),
        Fault(side="cloud", kind="status", status=401),
    ):
        simulator.faults.add(fault)
        await _tick(hass, freezer, cloud.update_interval.total_seconds())
        texts += _texts(cloud.last_exception)
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, "set_fv_mode", {"mode": 1}, chargers=(CLOUD_ID,))
        texts += _texts(err.value)
        simulator.faults.clear()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_API_KEY: WRONG_KEY}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    texts.append(json.dumps(result, default=str))
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_API_KEY: SECRET_KEY}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED

    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    texts.append(
        json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry))
    )
    texts.append(
        json.dumps(await get_diagnostics_for_device(hass, hass_client, mock_config_entry, device))
    )
    # The key was used all along (the test would prove nothing otherwise).
    assert any(r.status == 200 for r in simulator.requests if r.side == "cloud")
    assert any("V2C Cloud request" in r.getMessage() for r in caplog.records)
    assert _leaks(caplog, texts, SECRET_KEY, WRONG_KEY) == []


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Key, SSID, Wi-Fi password, IP addresses and MAC addresses are all redacted."""
    await call(hass, "set_wifi_credentials", {"ssid": SSID, "password": PASSWORD})
    await init_integration.runtime_data.cloud.async_refresh()
    sims = list(simulator.chargers.values())
    assert sims[0].ssid == SSID
    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    entry_diag = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    device_diag = await get_diagnostics_for_device(hass, hass_client, init_integration, device)
    text = json.dumps([entry_diag, device_diag])
    for secret in (SECRET_KEY, PASSWORD, SSID, "127.0.0.1", *(s.mac for s in sims)):
        assert not any(v in text for v in _variants(secret)), secret
    assert entry_diag["entry"]["data"][CONF_API_KEY] == "**REDACTED**"
    assert device_diag["realtime"]["ssid"] == "**REDACTED**"
    assert device_diag["realtime"]["ip"] == "**REDACTED**"
    assert device_diag["reported"]["mac"] == "**REDACTED**"
    assert device_diag["reported"]["raw"]["wifi_info"] == "**REDACTED**"
    assert device_diag["reported"]["ssid"] == "**REDACTED**"


async def test_wifi_password_is_never_logged(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The password travels in the query string, yet no log line or error shows it."""
    _debug(caplog)
    data = {"ssid": SSID, "password": PASSWORD}
    await call(hass, "set_wifi_credentials", data)
    sent = [r for r in simulator.requests if r.path == "/device/wifi"]
    assert sent[-1].query["password"] == PASSWORD
    texts: list[str] = []
    for fault in (
        Fault(side="cloud", kind="drop"),
        Fault(side="cloud", kind="status", status=500),
        Fault(side="cloud", kind="status", status=429),
    ):
        simulator.faults.add(fault)
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, "set_wifi_credentials", data)
        texts += _texts(err.value)
        simulator.faults.clear()
    assert any("/device/wifi" in r.getMessage() for r in caplog.records)
    assert _leaks(caplog, texts, PASSWORD, SECRET_KEY) == []


UNSAFE_HOSTS = [
    "8.8.8.8",
    "charger.example.com",
    "169.254.10.20",
    "2001:4860:4860::8888",
    "192.168.1.20:8080",
    "0.0.0.0",
]


@pytest.mark.parametrize("ip", UNSAFE_HOSTS)
async def test_unsafe_reported_address_is_never_contacted(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
    ip: str,
) -> None:
    """A public, link-local, unspecified or named address from the cloud is never used."""
    tried: list[str] = []

    class Spy(V2CLocalClient):
        def __init__(self, *, host: str, **kwargs: Any) -> None:
            tried.append(host)
            super().__init__(host=host, **kwargs)

    monkeypatch.setattr(realtime_module, "V2CLocalClient", Spy)
    simulator.chargers[LAN_ID].ip = ip
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await _tick(hass, freezer, 300)
    charger = mock_config_entry.runtime_data.chargers[LAN_ID]
    assert charger.realtime.lan_client() is None
    assert charger.data is not None and charger.data.source == "cloud"
    assert tried == []
    assert [r for r in simulator.requests if r.side == "lan"] == []
    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None and device.configuration_url is None
    state = hass.states.get("switch.garage_locked")
    assert state is not None and state.state == "off"


@pytest.mark.parametrize("voltage", [99, 451, -230, 1e9])
async def test_service_out_of_range_sends_nothing(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, voltage: float
) -> None:
    """An out-of-range installation voltage is refused before anything is sent."""
    since = len(simulator.requests)
    with pytest.raises(vol.Invalid):
        await call(hass, "set_installation_voltage", {"voltage": voltage})
    assert simulator.requests[since:] == []
    assert simulator.chargers[LAN_ID].voltage_installation == 230


@pytest.mark.parametrize(
    "command",
    [
        Command(lan=("Reboot", 1)),
        Command(lan=("Intensity=6&Locked", 0)),
        Command(lan=("../write/Locked", 1)),
        Command(lan=("Intensity", 99)),
        Command(lan=("VoltageInstallation", 20)),
    ],
    ids=["unknown-key", "injected-key", "path-key", "intensity-range", "voltage-range"],
)
async def test_router_refuses_unlisted_writes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, command: Command
) -> None:
    """The command router (what every entity uses) only writes whitelisted keys in range."""
    charger = init_integration.runtime_data.chargers[LAN_ID]
    since = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err, translated_errors(charger.cloud):
        await charger.async_command(command)
    assert err.value.translation_key in ("invalid_field", "out_of_range")
    assert err.value.translation_placeholders["field"] in ("key", "value")
    assert simulator.requests[since:] == []


async def test_entity_out_of_range_sends_nothing(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A number entity refuses a value outside its limits; nothing reaches the charger."""
    since = len(simulator.requests)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "number",
            "set_value",
            {ATTR_ENTITY_ID: "number.garage_charge_current", "value": 99},
            blocking=True,
        )
    assert simulator.requests[since:] == []


@pytest.mark.parametrize(
    "host",
    [
        "8.8.8.8",
        "example.com",
        "169.254.1.1",
        "192.168.1.20:8080",
        "http://192.168.1.20",
        "192.168.1.20/write/Locked=1",
        "user@192.168.1.20",
        "[fe80::1%eth0]",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "<script>alert(1)</script>",
        "1" * 300,
    ],
)
async def test_options_refuse_unsafe_hosts(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, host: str
) -> None:
    """The options flow refuses anything but a private IP literal; nothing changes."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 30, CONF_CHARGER: LAN_ID}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODE: MODE_LAN, CONF_HOST: host}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert CONF_CHARGERS not in init_integration.options
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.realtime.host_override is None
    assert charger.realtime.uses_lan


PAYLOADS = {
    "10kB": "V" * 10_240,
    "control": "Gar\x00age\x07\x1b[31m\r\nred\x7f",
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>",
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
async def test_hostile_names_and_ssids_are_plain_text(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
    payload: str,
) -> None:
    """Hostile charger names and SSIDs load, are stored as plain text and crash nothing."""
    for sim in simulator.chargers.values():
        sim.name = payload
        sim.ssid = payload
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    for charger_id in (LAN_ID, CLOUD_ID):
        device = device_registry.async_get_device(identifiers={(DOMAIN, charger_id)})
        assert device is not None
        assert device.name == payload
        entity_id = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"v2c_{charger_id}_wifi_ssid"
        )
        assert entity_id is not None
        assert len(entity_id) <= 255
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == payload[:255]
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()
