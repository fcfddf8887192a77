"""Every switch, number, select and button: the request sent (LAN or cloud) and the state after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID

pytestmark = [
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
    pytest.mark.freeze_time("2026-11-26 08:00:00+00:00"),
]


def _call(entity_id: str, value: Any) -> tuple[str, str, dict[str, Any]]:
    """Return (domain, service, data) that sets `entity_id` to `value`."""
    domain = entity_id.split(".")[0]
    if domain == "switch":
        return domain, "turn_on" if value else "turn_off", {}
    if domain == "number":
        return domain, "set_value", {"value": value}
    if domain == "select":
        return domain, "select_option", {"option": value}
    return domain, "press", {}


async def _set(hass: HomeAssistant, entity_id: str, value: Any) -> None:
    """Change an entity through Home Assistant's own service."""
    domain, service, data = _call(entity_id, value)
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def _lan_writes(simulator: Simulator) -> list[str]:
    """Return the LAN write paths the simulator received."""
    return [r.path for r in simulator.requests if r.side == "lan" and "/write/" in r.path]


def _cloud_commands(simulator: Simulator, since: int = 0) -> list[tuple[str, str, dict[str, str]]]:
    """Return (method, path, query) of cloud requests other than polling reads."""
    reads = {"/pairings/me", "/device/reported", "/device/currentstatecharge", "/version"}
    reads_rfid = ("GET", "/device/rfid")
    return [
        (r.method, r.path, r.query)
        for r in simulator.requests[since:]
        if r.side == "cloud" and r.path not in reads and (r.method, r.path) != reads_rfid
    ]


@pytest.mark.parametrize(
    ("entity_id", "value", "write", "state", "attr", "expected"),
    [
        ("switch.garage_locked", True, "/write/Locked=1", "on", "locked", True),
        ("switch.garage_charging_paused", True, "/write/Paused=1", "on", "paused", True),
        ("switch.garage_dynamic_power_control", True, "/write/Dynamic=1", "on", "dynamic", True),
        (
            "switch.garage_pause_dynamic_control",
            True,
            "/write/PauseDynamic=1",
            "on",
            "pause_dynamic",
            True,
        ),
        ("switch.garage_timer", True, "/write/Timer=1", "on", "timer", True),
        ("switch.garage_logo_led", False, "/write/LogoLED=0", "off", "logo_led", 0),
        ("number.garage_charge_current", 10, "/write/Intensity=10", "10", "intensity", 10),
        ("number.garage_minimum_current", 8, "/write/MinIntensity=8", "8", "min_intensity", 8),
        ("number.garage_maximum_current", 20, "/write/MaxIntensity=20", "20", "max_intensity", 20),
        (
            "number.garage_contracted_power",
            5.5,
            "/write/ContractedPower=5500",
            "5.5",
            "contracted_power",
            5500,
        ),
        ("number.garage_led_brightness", 40, "/write/LightLED=40", "40", "light_led", 40),
        (
            "number.garage_installation_voltage",
            240,
            "/write/VoltageInstallation=240",
            "240",
            "voltage_installation",
            240,
        ),
        (
            "select.garage_dynamic_power_mode",
            "exclusive_pv",
            "/write/DynamicPowerMode=2",
            "exclusive_pv",
            "dynamic_power_mode",
            2,
        ),
        (
            "select.garage_phase_mode",
            "threephasic",
            "/write/ChargeMode=1",
            "threephasic",
            "charge_mode",
            1,
        ),
    ],
)
async def test_lan_commands(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    value: Any,
    write: str,
    state: str,
    attr: str,
    expected: Any,
) -> None:
    """A LAN charger is written over the LAN and HA shows the charger's confirmed state."""
    cloud_before = len(_cloud_commands(simulator))
    await _set(hass, entity_id, value)
    assert _lan_writes(simulator)[-1] == write
    assert getattr(simulator.chargers[LAN_ID], attr) == expected
    # Confirmed by an immediate LAN refresh, not held optimistically.
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.data is not None
    assert hass.states.get(entity_id).state == state
    assert len(_cloud_commands(simulator)) == cloud_before


@pytest.mark.parametrize(
    ("entity_id", "value", "path", "query", "state"),
    [
        ("switch.driveway_locked", True, "/device/locked", {"value": "1"}, "on"),
        ("switch.driveway_charging_paused", True, "/device/pausecharge", {}, "on"),
        ("switch.driveway_charging_paused", False, "/device/startcharge", {}, "off"),
        ("switch.driveway_dynamic_power_control", True, "/device/dynamic", {"value": "1"}, "on"),
        ("switch.driveway_logo_led", False, "/device/logo_led", {"value": "0"}, "off"),
        ("switch.driveway_rfid_reader", False, "/device/set_rfid", {"value": "0"}, "off"),
        ("number.driveway_charge_current", 10, "/device/intensity", {"value": "10"}, "10"),
        ("number.driveway_minimum_current", 8, "/device/min_car_int", {"value": "8"}, "8"),
        ("number.driveway_maximum_current", 20, "/device/max_car_int", {"value": "20"}, "20"),
        (
            "select.driveway_installation_type",
            "three_phase",
            "/device/inst_type",
            {"value": "1"},
            "three_phase",
        ),
        ("select.driveway_energy_meter", "huawei", "/device/slave_type", {"value": "3"}, "huawei"),
        (
            "select.driveway_display_language",
            "german",
            "/device/language",
            {"value": "5"},
            "german",
        ),
        (
            "select.driveway_solar_charge_mode",
            "exclusive_pv",
            "/device/chargefvmode",
            {"value": "1"},
            "exclusive_pv",
        ),
    ],
)
async def test_cloud_commands(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_id: str,
    value: Any,
    path: str,
    query: dict[str, str],
    state: str,
) -> None:
    """A 4G charger is commanded through the cloud; the value holds, then is confirmed."""
    since = len(simulator.requests)
    await _set(hass, entity_id, value)
    commands = _cloud_commands(simulator, since)
    assert commands == [("POST", path, {"deviceId": CLOUD_ID, **query})]
    assert hass.states.get(entity_id).state == state
    assert not _lan_writes(simulator)

    # The shadow is re-read a few seconds later and confirms the value.
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    reads = [r.path for r in simulator.requests[since:] if r.path == "/device/reported"]
    assert reads == ["/device/reported"]
    assert hass.states.get(entity_id).state == state


async def test_ocpp_switch_uses_id_parameter(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """OCPP is a cloud setting addressed with `id`, not `deviceId`."""
    since = len(simulator.requests)
    await _set(hass, "switch.garage_ocpp", True)
    assert _cloud_commands(simulator, since) == [
        ("POST", "/device/ocpp", {"id": LAN_ID, "value": "1"})
    ]
    assert hass.states.get("switch.garage_ocpp").state == "on"


@pytest.mark.parametrize(
    ("entity_id", "path"),
    [
        ("button.driveway_reboot", "/device/reboot"),
        ("button.garage_install_firmware_update", "/device/update"),
    ],
)
async def test_buttons(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    path: str,
) -> None:
    """Buttons call their cloud action."""
    since = len(simulator.requests)
    await _set(hass, entity_id, None)
    assert [c[1] for c in _cloud_commands(simulator, since)] == [path]


async def test_optimistic_hold_expires_when_not_confirmed(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cloud write the charger never applies reverts after the 20 s hold."""
    sim = simulator.chargers[CLOUD_ID]
    await _set(hass, "number.driveway_charge_current", 12)
    assert hass.states.get("number.driveway_charge_current").state == "12"
    sim.intensity = 16  # the charger ignored it
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("number.driveway_charge_current").state == "12"  # still held
    # The hold runs out by itself: the reported value comes back without another poll.
    since = len(simulator.requests)
    freezer.tick(timedelta(seconds=15))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("number.driveway_charge_current").state == "16"
    assert simulator.requests[since:] == []


async def test_lan_failure_falls_back_to_cloud(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """When the LAN write fails, the cloud equivalent is used."""
    simulator.faults.add(Fault(side="lan", kind="status", status=500, path="/write"))
    since = len(simulator.requests)
    await _set(hass, "switch.garage_locked", True)
    assert _cloud_commands(simulator, since) == [
        ("POST", "/device/locked", {"deviceId": LAN_ID, "value": "1"})
    ]
    assert hass.states.get("switch.garage_locked").state == "on"


async def test_lan_only_setting_without_lan_is_a_clear_error(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A LAN-only setting on a 4G charger raises a translated error and sends nothing."""
    since = len(simulator.requests)
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, "number.driveway_led_brightness", 50)
    assert err.value.translation_key == "lan_required"
    assert simulator.requests[since:] == []


async def test_lan_only_write_failure_is_reported(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A rejected LAN-only write (non-OK body) surfaces a translated error."""
    simulator.faults.add(Fault(side="lan", kind="non_ok_write", path="/write"))
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, "number.garage_led_brightness", 50)
    assert err.value.translation_key == "lan_command_failed"


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault(side="cloud", kind="status", status=401), "auth_failed"),
        (Fault(side="cloud", kind="status", status=429), "quota_exhausted_command"),
        (Fault(side="cloud", kind="status", status=500), "cloud_command_failed"),
    ],
)
async def test_cloud_command_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    fault: Fault,
    key: str,
) -> None:
    """Cloud failures become translated errors (401 also starts reauth)."""
    simulator.faults.add(fault)
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, "switch.driveway_locked", True)
    assert err.value.translation_key == key
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert bool(flows) is (key == "auth_failed")
