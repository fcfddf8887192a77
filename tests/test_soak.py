"""Soak: a simulated day with three chargers, random faults and random user commands."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import logging
import os
import random
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, CONF_SCAN_INTERVAL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.budget import AUTOMATIC_BUDGET, COMMAND_RESERVE
from custom_components.v2c_cloud.states import DYNAMIC_POWER_MODES, FV_MODES, INSTALLATION_TYPES
from simulator import ChargerConfig, Fault, SimCharger, Simulator
from simulator.records import RequestRecord

from .conftest import account_entry
from .test_fault_matrix import OUR_LOGGER, assert_clean_log

# Midnight UTC: the simulated day is exactly one quota window.
pytestmark = pytest.mark.freeze_time("2026-11-26 00:00:00+00:00")

DAY = 86_400
# `scripts/bench --long` runs the soak over more days (V2C_SOAK_DAYS); the suite runs one.
DAYS = max(int(os.environ.get("V2C_SOAK_DAYS", "1")), 1)
STEP = 300
FAULT_CHANCE = 0.1
COMMAND_EVERY = 3
SEED = 20261126
# Names of the chargers in entity ids, and their simulated ids.
CHARGERS = {"garage": "V2C0001A", "porch": "V2C0002B", "driveway": "V2C0003C"}
LAN_CHARGERS = ("V2C0001A", "V2C0002B")


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Soak without asyncio debug mode: its per-callback stack capture is most of the run time."""
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Return two LAN chargers (one charging) and one 4G charger."""
    return [
        ChargerConfig(device_id="V2C0001A", name="Garage", car_connected=True, charging=True),
        ChargerConfig(device_id="V2C0002B", name="Porch", car_connected=True),
        ChargerConfig(device_id="V2C0003C", name="Driveway", lan=False),
    ]


@pytest.fixture
def mock_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return an entry polling the LAN every 300 s, so a day runs in seconds."""
    return account_entry(simulator, **{CONF_SCAN_INTERVAL: STEP})


@dataclass(frozen=True, kw_only=True)
class Control:
    """A user-facing entity, the values to try and where the simulator keeps the result."""

    suffix: str
    attr: str
    values: tuple[Any, ...]
    codes: dict[int, str] | None = None


CONTROLS = (
    Control(suffix="switch.{}_locked", attr="locked", values=(True, False)),
    Control(suffix="switch.{}_charging_paused", attr="paused", values=(True, False)),
    Control(suffix="switch.{}_dynamic_power_control", attr="dynamic", values=(True, False)),
    Control(suffix="switch.{}_logo_led", attr="logo_led", values=(True, False)),
    Control(suffix="number.{}_charge_current", attr="intensity", values=tuple(range(6, 33))),
    Control(suffix="select.{}_solar_charge_mode", attr="fv_mode", values=(0, 1, 2), codes=FV_MODES),
    Control(
        suffix="select.{}_installation_type",
        attr="installation_type",
        values=(0, 1, 2),
        codes=INSTALLATION_TYPES,
    ),
    Control(
        suffix="select.{}_dynamic_power_mode",
        attr="dynamic_power_mode",
        values=tuple(DYNAMIC_POWER_MODES),
        codes=DYNAMIC_POWER_MODES,
    ),
)


def _random_fault(rng: random.Random) -> Fault:
    """Return one plausible misbehaviour of the cloud or of one LAN charger."""
    lan = rng.choice(LAN_CHARGERS)
    return rng.choice(
        [
            Fault(side="cloud", kind="status", status=500),
            Fault(side="cloud", kind="status", status=503, path="/device/reported"),
            Fault(side="cloud", kind="html"),
            Fault(side="cloud", kind="drop"),
            Fault(side="cloud", kind="malformed"),
            Fault(side="cloud", kind="wrong_type", path="/device/reported"),
            Fault(side="cloud", kind="missing_field", path="/device/currentstatecharge"),
            Fault(side="lan", kind="drop", device_id=lan),
            Fault(side="lan", kind="status", status=503, device_id=lan),
            Fault(side="lan", kind="malformed", path="/RealTimeData", device_id=lan),
            Fault(side="lan", kind="missing_field", path="/RealTimeData", device_id=lan),
            Fault(side="lan", kind="non_ok_write", device_id=lan),
            Fault(
                side="lan",
                kind="reboot",
                device_id=lan,
                count=1,
                reboot_seconds=rng.choice((60, 600, 1800)),
            ),
        ]
    )


@dataclass(kw_only=True)
class Tally:
    """What happened during the soak."""

    faults: int = 0
    ok: int = 0
    failed: int = 0
    user_requests: int = 0
    # User (command) cloud requests per simulated day, for the per-day quota check.
    user_by_day: dict[int, int] = field(default_factory=dict)


async def _command(
    hass: HomeAssistant, sim: Simulator, rng: random.Random, tally: Tally
) -> str | None:
    """Send a random command; it applies or fails clearly. Return the charger re-read next."""
    choices = [
        (control, name)
        for control in CONTROLS
        for name in CHARGERS
        if (state := hass.states.get(control.suffix.format(name))) is not None
        and state.state != STATE_UNAVAILABLE
    ]
    control, name = rng.choice(choices)
    entity_id = control.suffix.format(name)
    value = rng.choice(control.values)
    domain = entity_id.split(".")[0]
    if domain == "switch":
        service, data = ("turn_on" if value else "turn_off"), {}
    elif domain == "number":
        service, data = "set_value", {"value": value}
    else:
        assert control.codes is not None
        service, data = "select_option", {"option": control.codes[value]}
    since = len(sim.requests)
    failure: HomeAssistantError | None = None
    try:
        await hass.services.async_call(
            domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
        )
    except HomeAssistantError as err:
        failure = err
    if failure is not None:
        assert failure.translation_key, f"{entity_id}: untranslated {failure!r}"
        tally.failed += 1
    else:
        charger: SimCharger = sim.chargers[CHARGERS[name]]
        assert getattr(charger, control.attr) == value, entity_id
        tally.ok += 1
    sent = [r for r in sim.requests[since:] if r.side == "cloud"]
    tally.user_requests += len(sent)
    if any(r.method == "POST" and r.status == 200 for r in sent):
        return CHARGERS[name]
    return None


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("used_at_start", [0, 500], ids=["fresh-quota", "half-spent"])
async def test_one_day(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    used_at_start: int,
) -> None:
    """A day of faults and commands: no traceback, every command accounted for, quota kept."""
    caplog.set_level(logging.INFO)
    simulator.quota.set_used(simulator.api_key, used_at_start)
    start = simulator.now()
    rng = random.Random(SEED + used_at_start)
    tally = Tally()
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    active: list[tuple[int, Fault]] = []
    for step in range(DAYS * DAY // STEP):
        before = tally.user_requests
        for end, fault in [item for item in active if item[0] <= step]:
            simulator.faults.remove(fault)
            active.remove((end, fault))
        if rng.random() < FAULT_CHANCE:
            active.append((step + rng.randint(1, 3), simulator.faults.add(_random_fault(rng))))
            tally.faults += 1
        if step % COMMAND_EVERY == 0:
            confirmed = await _command(hass, simulator, rng, tally)
            # The cloud's confirming re-read, 5 s later, is part of the command's cost.
            since = len(simulator.requests)
            await _tick(hass, freezer, 5)
            if confirmed is not None:
                tally.user_requests += _confirm_reads(simulator.requests[since:], confirmed)
            await _tick(hass, freezer, STEP - 5)
        else:
            await _tick(hass, freezer, STEP)
        day_index = step * STEP // DAY
        tally.user_by_day[day_index] = (
            tally.user_by_day.get(day_index, 0) + tally.user_requests - before
        )
    simulator.faults.clear()

    for day_index in range(DAYS):
        begin = start + day_index * DAY
        day = [r for r in simulator.requests if r.side == "cloud" and begin <= r.time < begin + DAY]
        automatic = len(day) - tally.user_by_day.get(day_index, 0)
        spent = used_at_start if day_index == 0 else 0
        allowed = min(AUTOMATIC_BUDGET, simulator.quota.limit - spent - COMMAND_RESERVE)
        print(
            f"\nsoak day {day_index + 1} (quota used at start {spent}): automatic cloud calls "
            f"{automatic} (allowed {allowed}), user cloud calls {tally.user_by_day.get(day_index)}"
        )
        assert automatic <= allowed
    print(
        f"soak total: LAN requests {sum(r.side == 'lan' for r in simulator.requests)}, "
        f"faults injected {tally.faults}, commands ok {tally.ok} / failed {tally.failed}"
    )
    assert [r.path for r in simulator.requests if r.status == 429] == []
    assert tally.faults >= 15
    assert tally.ok > tally.failed > 0
    # One line when an outage starts, never one per poll.
    notices = [r for r in caplog.records if r.name == OUR_LOGGER and r.levelno >= logging.WARNING]
    print(f"outage notices logged: {len(notices)}")
    assert len(notices) <= tally.faults
    assert_clean_log(caplog)


def _confirm_reads(records: list[RequestRecord], device_id: str) -> int:
    """Count the re-read of one charger: at most one shadow and one live status."""
    paths = {r.path for r in records if r.side == "cloud" and r.device_id == device_id}
    return len(paths & {"/device/reported", "/device/currentstatecharge"})
