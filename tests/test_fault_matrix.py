"""Fault matrix: every cloud and LAN misbehaviour, end to end through Home Assistant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_API_KEY, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.budget import SETTINGS_EVERY
from custom_components.v2c_cloud.const import DOMAIN
from simulator import ChargerConfig, Fault, Simulator, lan as sim_lan

from .conftest import CLOUD_ID, LAN_ID
from .test_services import call, device_id

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")

OUR_LOGGER = "custom_components.v2c_cloud"
# The only ERROR lines allowed: the coordinators' one-line notice when an outage starts.
COORDINATOR_ERRORS = ("Error fetching ", "Authentication failed while fetching ")
CLOUD_DOWN = "Error fetching v2c_cloud cloud data"
CLOUD_BACK = "Fetching v2c_cloud cloud data recovered"
LAN_DOWN = "Charger Garage is not answering on the LAN"
LAN_BACK = "LAN connection to charger Garage restored"
POLLS = 4

# Entities fed by the cloud (or by the cloud only, for the 4G charger) and by the LAN only.
CLOUD_ENTITIES = (
    "select.garage_installation_type",
    "binary_sensor.garage_cloud_connection",
    "switch.garage_rfid_reader",
    "select.driveway_installation_type",
    "sensor.driveway_charge_state",
    "switch.driveway_locked",
)
LAN_ONLY = ("select.garage_phase_mode", "sensor.garage_wi_fi_signal", "switch.garage_timer")
GARAGE_LIVE = ("sensor.garage_charge_state", "switch.garage_locked", "number.garage_charge_current")


@dataclass(frozen=True, kw_only=True)
class Cmd:
    """A v2c_cloud action on one charger and what must come of it."""

    service: str
    data: dict[str, Any]
    charger: str
    attr: str
    value: Any
    # "lan" / "cloud": applied through that path; anything else: the expected translation key.
    outcome: str


def _lock(charger: str, outcome: str) -> Cmd:
    """Lock a charger (LAN first when it has a LAN, else the cloud)."""
    return Cmd(
        service="set_locked",
        data={"locked": True},
        charger=charger,
        attr="locked",
        value=True,
        outcome=outcome,
    )


def _voltage(outcome: str) -> Cmd:
    """Set the LAN charger's installation voltage (LAN only)."""
    return Cmd(
        service="set_installation_voltage",
        data={"voltage": 240},
        charger=LAN_ID,
        attr="voltage_installation",
        value=240,
        outcome=outcome,
    )


LOCK_LAN = _lock(LAN_ID, "lan")
VOLTAGE_LAN = _voltage("lan")


type Clear = Callable[[], None]
type Inject = Callable[[Simulator, pytest.MonkeyPatch], Clear]


def _faults(*faults: Fault) -> Inject:
    """Inject simulator faults; clearing removes them."""

    def inject(sim: Simulator, _monkeypatch: pytest.MonkeyPatch) -> Clear:
        for fault in faults:
            sim.faults.add(replace(fault))  # a fresh copy: faults count their hits
        return sim.faults.clear

    return inject


def _numeric_strings(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> Clear:
    """Make /RealTimeData send every value as a string ("16" instead of 16)."""
    real = sim_lan.real_time_data
    monkeypatch.setattr(
        sim_lan, "real_time_data", lambda charger: {k: str(v) for k, v in real(charger).items()}
    )
    return lambda: monkeypatch.setattr(sim_lan, "real_time_data", real)


UNKNOWN_CODES = {"ChargeState": 9, "SignalStatus": 9, "SlaveError": 99, "DynamicPowerMode": 42}


def _unknown_codes(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> Clear:
    """Let the LAN charger report enum codes no table knows (live data and /read)."""
    real = sim_lan.real_time_data
    monkeypatch.setattr(
        sim_lan, "real_time_data", lambda charger: {**real(charger), **UNKNOWN_CODES}
    )
    charger = sim.chargers[LAN_ID]
    mode, charger.charge_mode = charger.charge_mode, 7

    def clear() -> None:
        monkeypatch.setattr(sim_lan, "real_time_data", real)
        charger.charge_mode = mode

    return clear


def _reboot(sim: Simulator, _monkeypatch: pytest.MonkeyPatch) -> Clear:
    """Reboot the charger on the next LAN write (applied, then the connection drops)."""
    sim.faults.add(Fault(side="lan", kind="reboot", count=1, reboot_seconds=100_000))

    def clear() -> None:
        sim.chargers[LAN_ID].rebooting_until = 0.0

    return clear


@dataclass(frozen=True, kw_only=True)
class Case:
    """One row of the matrix."""

    inject: Inject
    side: str  # whose poll the fault shows in: "cloud" or "lan"
    gone: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    down: str | None = None  # the one log line of the outage
    back: str | None = None  # the one log line of the recovery
    first: Cmd | None = None  # a command sent right after the injection
    commands: tuple[Cmd, ...] = ()
    timeout: bool = False
    reauth: bool = False
    issue: str | None = None


def _cloud_outage(*faults: Fault, timeout: bool = False, key: str = "cloud_command_failed") -> Case:
    """A cloud that answers nothing usable: cloud entities go, LAN ones stay."""
    return Case(
        inject=_faults(*faults),
        side="cloud",
        gone=CLOUD_ENTITIES,
        kept=(*GARAGE_LIVE, *LAN_ONLY),
        down=CLOUD_DOWN,
        back=CLOUD_BACK,
        commands=(LOCK_LAN, _lock(CLOUD_ID, key)),
        timeout=timeout,
    )


def _auth(status: int) -> Case:
    """A rejected key: cloud entities go, polling stops, reauth is asked for."""
    return Case(
        inject=_faults(Fault(side="cloud", kind="status", status=status)),
        side="cloud",
        gone=CLOUD_ENTITIES,
        kept=(*GARAGE_LIVE, *LAN_ONLY),
        down="Authentication failed while fetching v2c_cloud cloud data",
        commands=(LOCK_LAN, _lock(CLOUD_ID, "auth_failed")),
        reauth=True,
    )


def _lan_outage(*faults: Fault, timeout: bool = False, voltage: str) -> Case:
    """The LAN charger stops answering usefully: cloud data fills in, LAN-only values go."""
    return Case(
        inject=_faults(*faults),
        side="lan",
        gone=LAN_ONLY,
        kept=(*GARAGE_LIVE, "select.garage_installation_type", "sensor.driveway_charge_state"),
        down=LAN_DOWN,
        back=LAN_BACK,
        commands=(_lock(LAN_ID, "cloud"), _voltage(voltage)),
        timeout=timeout,
    )


CASES: dict[str, Case] = {
    "cloud-timeout": _cloud_outage(Fault(side="cloud", kind="delay", delay=2.0), timeout=True),
    "cloud-refused": _cloud_outage(Fault(side="cloud", kind="drop")),
    "cloud-500": _cloud_outage(Fault(side="cloud", kind="status", status=500)),
    "cloud-502-html": _cloud_outage(Fault(side="cloud", kind="html")),
    "cloud-401": _auth(401),
    "cloud-403": _auth(403),
    "cloud-429": Case(
        inject=_faults(Fault(side="cloud", kind="status", status=429)),
        side="cloud",
        # The quota is spent, nothing is broken: the last values stay, a repair explains it.
        kept=(*CLOUD_ENTITIES, *GARAGE_LIVE, *LAN_ONLY),
        commands=(LOCK_LAN, _lock(CLOUD_ID, "quota_exhausted_command")),
        issue="quota_exhausted",
    ),
    # Commands answer plain text, so they still work while the reads are broken.
    "cloud-malformed": Case(
        inject=_faults(Fault(side="cloud", kind="malformed")),
        side="cloud",
        gone=CLOUD_ENTITIES,
        kept=(*GARAGE_LIVE, *LAN_ONLY),
        down=CLOUD_DOWN,
        back=CLOUD_BACK,
        commands=(LOCK_LAN, _lock(CLOUD_ID, "cloud")),
    ),
    "cloud-wrong-type": Case(
        inject=_faults(
            Fault(side="cloud", kind="wrong_type", path="/device/reported", field="inst_type")
        ),
        side="cloud",
        unknown=("select.garage_installation_type", "select.driveway_installation_type"),
        kept=("select.garage_energy_meter", "switch.driveway_locked", *GARAGE_LIVE),
        commands=(LOCK_LAN, _lock(CLOUD_ID, "cloud")),
    ),
    "cloud-missing-field": Case(
        inject=_faults(
            Fault(side="cloud", kind="missing_field", path="/device/reported", field="set_rfid")
        ),
        side="cloud",
        unknown=("switch.garage_rfid_reader", "switch.driveway_rfid_reader"),
        kept=("select.garage_installation_type", "switch.driveway_locked", *GARAGE_LIVE),
        commands=(LOCK_LAN, _lock(CLOUD_ID, "cloud")),
    ),
    "lan-timeout": _lan_outage(
        Fault(side="lan", kind="delay", delay=2.0), timeout=True, voltage="lan_command_failed"
    ),
    "lan-refused": _lan_outage(Fault(side="lan", kind="drop"), voltage="lan_command_failed"),
    # Only the live data is broken: writes would still answer OK, but a LAN-only command is not
    # sent to an address whose identity the last answer did not confirm (issue 14).
    "lan-malformed": _lan_outage(
        Fault(side="lan", kind="malformed", path="/RealTimeData"), voltage="lan_command_failed"
    ),
    "lan-missing-field": Case(
        inject=_faults(
            Fault(side="lan", kind="missing_field", path="/RealTimeData", field="SignalStatus")
        ),
        side="lan",
        unknown=("sensor.garage_wi_fi_signal",),
        kept=(*GARAGE_LIVE, "select.garage_phase_mode", "switch.garage_timer"),
        commands=(LOCK_LAN, VOLTAGE_LAN),
    ),
    "lan-numeric-strings": Case(
        inject=_numeric_strings,
        side="lan",
        values={
            "sensor.garage_charge_state": "charging",
            "sensor.garage_charge_power": "3680.0",
            "number.garage_charge_current": "16",
            "switch.garage_locked": "off",
            "switch.garage_timer": "off",
            "sensor.garage_wi_fi_signal": "good",
            "sensor.garage_meter_status": "no_error",
            "select.garage_dynamic_power_mode": "timed_power_enabled",
        },
        commands=(LOCK_LAN, VOLTAGE_LAN),
    ),
    "lan-unknown-codes": Case(
        inject=_unknown_codes,
        side="lan",
        unknown=(
            "sensor.garage_charge_state",
            "sensor.garage_wi_fi_signal",
            "sensor.garage_meter_status",
            "select.garage_phase_mode",
            "select.garage_dynamic_power_mode",
        ),
        kept=("switch.garage_locked", "number.garage_charge_current", "switch.garage_timer"),
        commands=(LOCK_LAN, VOLTAGE_LAN),
    ),
    # The write is applied, the connection drops and the charger is gone for a while.
    "lan-reboot-mid-write": Case(
        inject=_reboot,
        side="lan",
        first=Cmd(
            service="set_dynamic",
            data={"enabled": True},
            charger=LAN_ID,
            attr="dynamic",
            value=True,
            outcome="cloud",
        ),
        gone=LAN_ONLY,
        kept=(*GARAGE_LIVE, "select.garage_installation_type"),
        down=LAN_DOWN,
        back=LAN_BACK,
        commands=(_lock(LAN_ID, "cloud"), _voltage("lan_command_failed")),
    ),
    "lan-write-not-ok": Case(
        inject=_faults(Fault(side="lan", kind="non_ok_write")),
        side="lan",
        kept=(*GARAGE_LIVE, *LAN_ONLY),
        commands=(_lock(LAN_ID, "cloud"), _voltage("lan_command_failed")),
    ),
}


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, coordinator: DataUpdateCoordinator[Any]
) -> None:
    """Let exactly one interval of `coordinator` pass."""
    interval = coordinator.update_interval
    assert interval is not None
    await _tick(hass, freezer, interval.total_seconds())


def _state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state (it must exist)."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """Count captured log records containing `text`."""
    return sum(text in record.getMessage() for record in caplog.records)


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    """No traceback anywhere; the only ERRORs are our coordinators' one-line outage notices."""
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "Traceback" not in record.getMessage()
        if record.levelno >= logging.ERROR:
            assert record.name == OUR_LOGGER, (record.name, record.getMessage())
            assert record.getMessage().startswith(COORDINATOR_ERRORS), record.getMessage()


async def _run(hass: HomeAssistant, sim: Simulator, cmd: Cmd) -> None:
    """Send `cmd` and check it was applied through the expected path or clearly refused."""
    since = len(sim.requests)
    if cmd.outcome in ("lan", "cloud"):
        await call(hass, cmd.service, cmd.data, chargers=(cmd.charger,))
        assert getattr(sim.chargers[cmd.charger], cmd.attr) == cmd.value
        served = [
            r
            for r in sim.requests[since:]
            if r.side == cmd.outcome
            and r.status == 200
            and (r.path.startswith("/write/") if r.side == "lan" else r.method == "POST")
            and r.path != "/device/currentstatecharge"
        ]
        assert served, f"{cmd.service} did not go through the {cmd.outcome}"
        return
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, cmd.service, cmd.data, chargers=(cmd.charger,))
    assert err.value.translation_key == cmd.outcome


def _params() -> list[Any]:
    """Return the cases; timeouts need a ticking clock, or no timeout would ever expire."""
    ticking = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00", tick=True)
    return [
        pytest.param(case, id=name, marks=[ticking] if case.timeout else [])
        for name, case in CASES.items()
    ]


@pytest.mark.parametrize("case", _params())
async def test_fault(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    issue_registry: ir.IssueRegistry,
    case: Case,
) -> None:
    """Inject, poll a few times, command, clear, recover: HA stays clean throughout."""
    caplog.set_level(logging.INFO)
    if case.timeout:
        monkeypatch.setattr("custom_components.v2c_cloud.realtime.LAN_REQUEST_TIMEOUT", 0.3)
        monkeypatch.setattr("custom_components.v2c_cloud.runtime.CLOUD_REQUEST_TIMEOUT", 0.3)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = mock_config_entry.runtime_data
    coordinator: DataUpdateCoordinator[Any] = (
        runtime.cloud if case.side == "cloud" else runtime.chargers[LAN_ID].realtime
    )
    baseline = {e: _state(hass, e) for e in (*case.gone, *case.unknown, *case.kept)}
    assert STATE_UNAVAILABLE not in baseline.values()

    start = len(caplog.records)
    clear = case.inject(simulator, monkeypatch)
    if case.first is not None:
        await _run(hass, simulator, case.first)
    for _ in range(POLLS):
        await _poll(hass, freezer, coordinator)
    if case.side == "cloud":
        # An idle 4G charger's settings are read every 30 min: let every stream be read.
        await _tick(hass, freezer, SETTINGS_EVERY)

    for entity_id in case.gone:
        assert _state(hass, entity_id) == STATE_UNAVAILABLE, entity_id
    for entity_id in case.unknown:
        assert _state(hass, entity_id) == STATE_UNKNOWN, entity_id
    for entity_id in case.kept:
        assert _state(hass, entity_id) not in (STATE_UNAVAILABLE, STATE_UNKNOWN), entity_id
    for entity_id, value in case.values.items():
        assert _state(hass, entity_id) == value, entity_id
    if case.down is not None:
        assert _lines(caplog, case.down) == 1
    else:
        ours = [r for r in caplog.records[start:] if r.name.startswith(OUR_LOGGER)]
        assert not [r.getMessage() for r in ours if r.levelno >= logging.WARNING]
    if case.issue is not None:
        issue_id = f"{case.issue}_{mock_config_entry.entry_id}"
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    if case.reauth:
        flows = hass.config_entries.flow.async_progress()
        assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]

    for cmd in case.commands:
        await _run(hass, simulator, cmd)

    clear()
    if case.reauth:
        flow = hass.config_entries.flow.async_progress()[0]
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: simulator.api_key}
        )
        assert result["reason"] == "reauth_successful"
        await hass.async_block_till_done()
        assert mock_config_entry.state is ConfigEntryState.LOADED
    else:
        await _poll(hass, freezer, coordinator)
    for entity_id in (*case.gone, *case.unknown):
        assert _state(hass, entity_id) not in (STATE_UNAVAILABLE, STATE_UNKNOWN), entity_id
    if case.back is not None:
        assert _lines(caplog, case.back) == 1
    if case.issue is not None:
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert_clean_log(caplog)


async def test_transient_empty_pairings_keep_the_chargers(
    hass: HomeAssistant,
    simulator: Simulator,
    chargers: list[ChargerConfig],
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One pairings answer without chargers removes nothing; commands keep working."""
    for charger_id in (LAN_ID, CLOUD_ID):
        simulator.remove_charger(charger_id)
    await _tick(hass, freezer, 3600)
    assert [r for r in simulator.requests if r.path == "/pairings/me"][-1].status == 200
    for config in chargers:
        simulator.add_charger(config)
    await _poll(hass, freezer, init_integration.runtime_data.cloud)
    assert set(init_integration.runtime_data.chargers) == {LAN_ID, CLOUD_ID}
    assert _state(hass, "select.driveway_installation_type") == "single_phase"
    await _run(hass, simulator, _lock(CLOUD_ID, "cloud"))
    assert "no longer on the account" not in caplog.text
    assert_clean_log(caplog)


async def test_confirmed_empty_account_removes_then_restores(
    hass: HomeAssistant,
    simulator: Simulator,
    chargers: list[ChargerConfig],
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two empty answers in a row remove the chargers; they return once paired again."""
    cloud = init_integration.runtime_data.cloud
    ha_device = device_id(hass, CLOUD_ID)
    # Pairings whose entries all lack a device id are a broken payload, not an empty account.
    garbled = simulator.faults.add(
        Fault(side="cloud", kind="missing_field", path="/pairings/me", field="deviceId")
    )
    await _tick(hass, freezer, 3600)
    for _ in range(POLLS):
        await _poll(hass, freezer, cloud)
    assert set(init_integration.runtime_data.chargers) == {LAN_ID, CLOUD_ID}
    simulator.faults.remove(garbled)

    for charger_id in (LAN_ID, CLOUD_ID):
        simulator.remove_charger(charger_id)
    await _tick(hass, freezer, 3600)
    assert set(init_integration.runtime_data.chargers) == {LAN_ID, CLOUD_ID}
    await _poll(hass, freezer, cloud)
    assert init_integration.runtime_data.chargers == {}
    assert device_registry.async_get(ha_device) is None
    assert hass.states.get("sensor.driveway_charge_state") is None
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "set_locked", {"device_id": [ha_device], "locked": True}, blocking=True
        )
    assert err.value.translation_key == "unknown_device"
    for _ in range(POLLS):
        await _poll(hass, freezer, cloud)
    assert _lines(caplog, f"Charger {CLOUD_ID} is no longer on the account") == 1

    for config in chargers:
        simulator.add_charger(config)
    await _tick(hass, freezer, 3600)
    assert set(init_integration.runtime_data.chargers) == {LAN_ID, CLOUD_ID}
    assert _state(hass, "sensor.driveway_charge_state") == "disconnected"
    assert _state(hass, "sensor.garage_charge_state") == "charging"
    assert_clean_log(caplog)
