"""Command actions: the request sent (LAN or cloud), the refresh after it and error mapping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
import json
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.coordinator import V2CCloudCoordinator
from simulator import Fault, SimCharger, Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import call, sent

ROUTED: list[tuple[str, dict[str, Any], str, str, str, Any]] = [
    # service, data, LAN write, cloud path, attribute (simulator and live data), expected
    ("start_charge", {}, "Paused=0", "/device/startcharge", "paused", False),
    ("pause_charge", {}, "Paused=1", "/device/pausecharge", "paused", True),
    ("set_charge_intensity", {"amps": 10}, "Intensity=10", "/device/intensity", "intensity", 10),
    (
        "set_max_car_intensity",
        {"amps": 20},
        "MaxIntensity=20",
        "/device/max_car_int",
        "max_intensity",
        20,
    ),
    (
        "set_min_car_intensity",
        {"amps": "8"},
        "MinIntensity=8",
        "/device/min_car_int",
        "min_intensity",
        8,
    ),
    ("set_locked", {"locked": True}, "Locked=1", "/device/locked", "locked", True),
    ("set_dynamic", {"enabled": "on"}, "Dynamic=1", "/device/dynamic", "dynamic", True),
]
ROUTED_CASES = pytest.mark.parametrize(
    ("service", "data", "write", "path", "attr", "expected"), ROUTED, ids=[row[0] for row in ROUTED]
)
CLOUD_QUERY: dict[str, dict[str, str]] = {
    "set_charge_intensity": {"value": "10"},
    "set_max_car_intensity": {"value": "20"},
    "set_min_car_intensity": {"value": "8"},
    "set_locked": {"value": "1"},
    "set_dynamic": {"value": "1"},
}


async def _later(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` pass for the timers and wait for what they start."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


def _prepare(sim: SimCharger, attr: str, expected: Any) -> None:
    """Put the simulated charger in the opposite state, so the command visibly changes it."""
    if isinstance(expected, bool):
        setattr(sim, attr, not expected)


@ROUTED_CASES
async def test_routed_command_uses_the_lan(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    write: str,
    path: str,
    attr: str,
    expected: Any,
) -> None:
    """A LAN charger is written over the LAN (no quota) and its live data is re-read at once."""
    _prepare(simulator.chargers[LAN_ID], attr, expected)
    since = len(simulator.requests)
    await call(hass, service, data)
    lan = [p for _, p, _ in sent(simulator, since, "lan")]
    # Identity first (the firmware sends its ID), then the write, then the re-read.
    assert lan[:2] == ["/RealTimeData", f"/write/{write}"]
    assert "/RealTimeData" in lan[2:]
    assert sent(simulator, since) == []
    assert getattr(simulator.chargers[LAN_ID], attr) == expected
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert getattr(charger.data, attr) == expected


@ROUTED_CASES
async def test_routed_command_on_a_4g_charger_uses_the_cloud(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    write: str,
    path: str,
    attr: str,
    expected: Any,
) -> None:
    """A cloud-only charger gets the cloud command, then its shadow is re-read once."""
    _prepare(simulator.chargers[CLOUD_ID], attr, expected)
    calls_before = init_integration.runtime_data.ledger.calls
    since = len(simulator.requests)
    await call(hass, service, data, chargers=(CLOUD_ID,))
    query = {"deviceId": CLOUD_ID, **CLOUD_QUERY.get(service, {})}
    assert sent(simulator, since) == [("POST", path, query)]
    assert sent(simulator, since, "lan") == []
    assert getattr(simulator.chargers[CLOUD_ID], attr) == expected
    assert init_integration.runtime_data.ledger.calls == calls_before + 1

    await _later(hass, 6)
    assert [p for _, p, q in sent(simulator, since) if q.get("deviceId") == CLOUD_ID][1:] == [
        "/device/reported",
        "/device/currentstatecharge",
    ]
    charger = init_integration.runtime_data.chargers[CLOUD_ID]
    assert getattr(charger.data, attr) == expected


async def test_lan_failure_falls_back_to_the_cloud(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """When the LAN write fails, the router sends the cloud equivalent."""
    simulator.faults.add(Fault(side="lan", kind="status", status=500, path="/write"))
    since = len(simulator.requests)
    await call(hass, "set_charge_intensity", {"amps": 12})
    assert sent(simulator, since) == [
        ("POST", "/device/intensity", {"deviceId": LAN_ID, "value": "12"})
    ]
    assert simulator.chargers[LAN_ID].intensity == 12


async def test_multi_device_command(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Each charger of a multi-device target takes its own path."""
    since = len(simulator.requests)
    result = await call(hass, "pause_charge", chargers=(LAN_ID, CLOUD_ID))
    assert result is None
    assert ("GET", "/write/Paused=1", {}) in sent(simulator, since, "lan")
    assert sent(simulator, since) == [("POST", "/device/pausecharge", {"deviceId": CLOUD_ID})]
    assert simulator.chargers[LAN_ID].paused
    assert simulator.chargers[CLOUD_ID].paused


async def test_installation_voltage_is_lan_only(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The voltage is rounded and written over the LAN; a 4G charger gets a clear error."""
    since = len(simulator.requests)
    await call(hass, "set_installation_voltage", {"voltage": 230.6})
    writes = [p for _, p, _ in sent(simulator, since, "lan") if p.startswith("/write/")]
    assert writes == ["/write/VoltageInstallation=231"]
    assert simulator.chargers[LAN_ID].voltage_installation == 231
    assert init_integration.runtime_data.chargers[LAN_ID].data.voltage_installation == 231

    since = len(simulator.requests)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_installation_voltage", {"voltage": 240}, chargers=(CLOUD_ID,))
    assert err.value.translation_key == "lan_required"
    assert simulator.requests[since:] == []


async def test_lan_write_rejected(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A LAN-only write the charger refuses is reported, translated."""
    simulator.faults.add(Fault(side="lan", kind="non_ok_write", path="/write"))
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_installation_voltage", {"voltage": 240})
    assert err.value.translation_key == "lan_command_failed"
    assert err.value.translation_placeholders["name"] == "Garage"


def _body(simulator: Simulator, since: int) -> Any:
    """Return the JSON body of the first cloud request since `since`."""
    record = next(r for r in simulator.requests[since:] if r.side == "cloud")
    return json.loads(record.body) if record.body else None


PROFILE_AT = "2023-10-27T10:00:00Z"


def _with_card(sim: SimCharger) -> None:
    """Store one RFID card."""
    sim.add_card("aa23b601", "Old label")


def _with_profile(sim: SimCharger) -> None:
    """Store one power profile."""
    sim.power_profiles[PROFILE_AT] = {
        "name": "Night",
        "updateAt": PROFILE_AT,
        "profile": {"mode": "grid", "value": 16},
    }


def cmd(
    service: str,
    data: dict[str, Any],
    request: str,
    query: dict[str, str],
    check: Callable[[SimCharger], bool],
    *,
    selector: str = "deviceId",
    body: Any = None,
    setup: Callable[[SimCharger], None] | None = None,
    confirm: float | None = 5.0,
) -> Any:
    """Return one cloud-only command case: `request` is "METHOD /path", `query` beside the id."""
    method, path = request.split()
    return pytest.param(
        service, data, setup, (method, path, selector, query), body, check, confirm, id=service
    )


TIMER_BODY = {"start_time": "07:00", "end_time": "08:00", "timeStart": "07:00", "timeEnd": "08:00"}
NIGHT = {"name": "Night", "updateAt": PROFILE_AT}
CLOUD_COMMANDS = [
    # The mode as the translated select sends it.
    cmd(
        "set_fv_mode",
        {"mode": "1"},
        "POST /device/chargefvmode",
        {"value": "1"},
        lambda s: s.fv_mode == 1,
    ),
    cmd(
        "set_max_power",
        {"watts": 7400},
        "POST /device/maxpower",
        {"value": "7400"},
        lambda s: s.max_power == 7400,
    ),
    cmd(
        "set_denka_max_power",
        {"watts": 11000.0},
        "POST /device/denka/max_power",
        {"value": "11000"},
        lambda s: s.denka_max_power == 11000,
    ),
    cmd(
        "set_charge_stop_energy",
        {"kwh": 7.5},
        "POST /device/charger_until_energy",
        {"value": "7.5"},
        lambda s: s.energy_limit == 7.5,
    ),
    cmd(
        "set_charge_stop_minutes",
        {"minutes": 90},
        "POST /device/charger_until_minutes",
        {"value": "90"},
        lambda s: s.minutes_limit == 90,
    ),
    cmd(
        "start_charge_for_energy",
        {"kwh": 10.0},
        "POST /device/startchargekw",
        {"kw": "10"},
        lambda s: s.energy_limit == 10,
    ),
    cmd(
        "start_charge_for_minutes",
        {"minutes": 45},
        "POST /device/startchargeminutes",
        {"minutes": "45"},
        lambda s: s.minutes_limit == 45,
    ),
    cmd(
        "set_wifi_credentials",
        {"ssid": " Home Net", "password": "secret 123"},
        "POST /device/wifi",
        {"ssid": " Home Net", "password": "secret 123"},
        lambda s: (s.ssid, s.wifi_password) == (" Home Net", "secret 123"),
    ),
    cmd(
        "program_timer",
        # weekdays as the multi-select sends them; times lose their seconds
        {"timer_id": 1, "start_time": "07:00:00", "end_time": "08:00", "weekdays": ["1", "2", "5"]},
        "POST /device/timer",
        {"timerId": "1", "timer id": "1"},
        lambda s: s.timers[1]["start_time"] == "07:00" and s.timers[1]["daysOfWeek"] == "125",
        body={**TIMER_BODY, "active": True, "daysOfWeek": "125"},
    ),
    cmd(
        "program_timer",
        {"timer_id": 0, "start_time": "07:00", "end_time": "08:00", "active": False},
        "POST /device/timer",
        {"timerId": "0", "timer id": "0"},
        lambda s: s.timers[0]["active"] is False,
        body={**TIMER_BODY, "active": False},
    ),
    cmd(
        "set_ocpp_enabled",
        {"enabled": True},
        "POST /device/ocpp",
        {"value": "1"},
        lambda s: s.ocpp_enabled,
        selector="id",
        confirm=90.0,
    ),
    cmd(
        "set_ocpp_id",
        {"ocpp_id": "CP-GARAGE"},
        "POST /device/ocpp_id",
        {"value": "CP-GARAGE"},
        lambda s: s.ocpp_id == "CP-GARAGE",
        selector="id",
    ),
    cmd(
        "set_ocpp_address",
        {"ocpp_url": "wss://ocpp.example.com:443/ocpp/v16"},
        "POST /device/ocpp_addr",
        {"value": "wss://ocpp.example.com:443/ocpp/v16"},
        lambda s: s.ocpp_address == "wss://ocpp.example.com:443/ocpp/v16",
        selector="id",
    ),
    cmd(
        "set_inverter_ip",
        {"ip_address": "192.168.1.40"},
        "POST /device/inverter_ip",
        {"value": "192.168.1.40"},
        lambda s: s.inverter_ip == "192.168.1.40",
        selector="id",
    ),
    cmd("trigger_update", {}, "POST /device/update", {}, lambda s: s.updates == 1),
    cmd(
        "register_rfid",
        {"tag": "Card A"},
        "POST /device/rfid",
        {"tag": "Card A"},
        lambda s: [c["tag"] for c in s.rfid_cards] == ["Card A"],
        confirm=None,
    ),
    cmd(
        "add_rfid_card",
        {"code": "aa23b601", "tag": "Card A"},
        "POST /device/rfid/tag",
        {"code": "aa23b601", "tag": "Card A"},
        lambda s: s.find_card("aa23b601") is not None,
        confirm=None,
    ),
    cmd(
        "update_rfid_tag",
        {"code": "aa23b601", "tag": "New label"},
        "PUT /device/rfid/tag",
        {"code": "aa23b601", "tag": "New label"},
        lambda s: s.find_card("aa23b601")["tag"] == "New label",
        setup=_with_card,
        confirm=None,
    ),
    cmd(
        "delete_rfid",
        {"code": "aa23b601"},
        "DELETE /device/rfid",
        {"code": "aa23b601"},
        lambda s: s.rfid_cards == [],
        setup=_with_card,
        confirm=None,
    ),
    cmd(
        "create_power_profile",
        {"name": "Night", "updated_at": PROFILE_AT, "profile": {"mode": "solar", "value": 32}},
        "POST /device/savepersonalicepower/v2",
        NIGHT,
        lambda s: s.power_profiles[PROFILE_AT]["profile"] == {"mode": "solar", "value": 32},
        body={"mode": "solar", "value": 32},
        confirm=None,
    ),
    cmd(
        "update_power_profile",
        {"name": "Night", "updated_at": PROFILE_AT, "profile": {"mode": "solar", "value": 20}},
        "POST /device/personalicepower/v2",
        NIGHT,
        lambda s: s.power_profiles[PROFILE_AT]["profile"]["value"] == 20,
        selector="id",
        body={"mode": "solar", "value": 20},
        setup=_with_profile,
        confirm=None,
    ),
    cmd(
        "delete_power_profile",
        {"name": "Night", "updated_at": PROFILE_AT},
        "DELETE /device/personalicepower/v2",
        NIGHT,
        lambda s: s.power_profiles == {},
        setup=_with_profile,
        confirm=None,
    ),
]


@pytest.mark.parametrize(
    ("service", "data", "setup", "request_", "body", "check", "confirm"),
    CLOUD_COMMANDS,
)
@pytest.mark.parametrize("charger_id", [LAN_ID, CLOUD_ID])
async def test_cloud_command(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    charger_id: str,
    service: str,
    data: dict[str, Any],
    setup: Callable[[SimCharger], None] | None,
    request_: tuple[str, str, str, dict[str, str]],
    body: Any,
    check: Callable[[SimCharger], bool],
    confirm: float | None,
) -> None:
    """Cloud-only commands send exactly one request (LAN or not), booked, then confirmed."""
    sim = simulator.chargers[charger_id]
    if setup is not None:
        setup(sim)
    runtime = init_integration.runtime_data
    calls_before = runtime.ledger.calls
    since = len(simulator.requests)
    with (
        patch.object(V2CCloudCoordinator, "async_confirm", autospec=True) as confirmed,
        patch.object(V2CCloudCoordinator, "async_rfid_changed", autospec=True) as rfid_changed,
    ):
        result = await call(hass, service, data, chargers=(charger_id,))
    assert result is None
    method, path, selector, extra = request_
    assert sent(simulator, since) == [(method, path, {selector: charger_id, **extra})]
    assert sent(simulator, since, "lan") == []
    assert _body(simulator, since) == body
    assert check(sim)
    assert runtime.ledger.calls == calls_before + 1
    if confirm is None:
        confirmed.assert_not_called()
    else:
        confirmed.assert_called_once_with(runtime.cloud, charger_id, confirm)
    # A card change makes the card list be read again at the next cycle.
    if "rfid" in service:
        rfid_changed.assert_called_once_with(runtime.cloud, charger_id)
    else:
        rfid_changed.assert_not_called()


async def test_cloud_command_state_is_confirmed(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """After a cloud-only command the shadow is re-read and the entity follows."""
    entity_id = "select.driveway_solar_charge_mode"
    assert hass.states.get(entity_id).state == "pv_minimum_power"
    since = len(simulator.requests)
    await call(hass, "set_fv_mode", {"mode": 2}, chargers=(CLOUD_ID,))
    await _later(hass, 6)
    assert [p for _, p, _ in sent(simulator, since)][:2] == [
        "/device/chargefvmode",
        "/device/reported",
    ]
    assert hass.states.get(entity_id).state == "maximum_power"


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault(side="cloud", kind="status", status=401), "auth_failed"),
        (Fault(side="cloud", kind="status", status=429), "quota_exhausted_command"),
        (Fault(side="cloud", kind="status", status=500), "cloud_command_failed"),
        (Fault(side="cloud", kind="status", status=404), "cloud_command_failed"),
        (Fault(side="cloud", kind="drop"), "cloud_command_failed"),
    ],
)
@pytest.mark.parametrize(
    ("service", "data"),
    [("set_fv_mode", {"mode": 0}), ("start_charge", {}), ("delete_rfid", {"code": "aa"})],
)
async def test_cloud_errors_are_translated(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    fault: Fault,
    key: str,
    service: str,
    data: dict[str, Any],
) -> None:
    """Cloud failures become translated HomeAssistantErrors (401 also starts reauth)."""
    simulator.faults.add(fault)
    with (
        patch.object(V2CCloudCoordinator, "async_confirm") as confirmed,
        pytest.raises(HomeAssistantError) as err,
    ):
        await call(hass, service, data, chargers=(CLOUD_ID,))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == key
    assert "{" not in str(err.value)
    if key == "quota_exhausted_command":
        assert len(err.value.translation_placeholders["resume"]) == 5  # HH:MM
    confirmed.assert_not_called()
    await hass.async_block_till_done()
    assert bool(hass.config_entries.flow.async_progress()) is (key == "auth_failed")


async def test_lan_and_cloud_both_failing(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A routed command whose LAN write and cloud fallback both fail reports the cloud error."""
    simulator.faults.add(Fault(side="lan", kind="status", status=500, path="/write"))
    simulator.faults.add(Fault(side="cloud", kind="status", status=503))
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_locked", {"locked": True})
    assert err.value.translation_key == "cloud_command_failed"


async def test_one_failing_charger_does_not_stop_the_others(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Every charger is tried; the failure is raised afterwards."""
    simulator.faults.add(Fault(side="cloud", kind="status", status=500, device_id=LAN_ID))
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_fv_mode", {"mode": 2}, chargers=(LAN_ID, CLOUD_ID))
    assert err.value.translation_key == "cloud_command_failed"
    assert simulator.chargers[CLOUD_ID].fv_mode == 2
    assert simulator.chargers[LAN_ID].fv_mode == 0
