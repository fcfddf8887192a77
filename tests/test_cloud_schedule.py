"""Cloud scheduling end to end (real HA + simulator): confirm reads, activity, outage recovery."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from itertools import pairwise

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import Simulator
from simulator.cloud import cloud_handler
from simulator.net import Listener, bind

from .conftest import CLOUD_ID, LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")

HOUR = 3600.0


def _next_timer(hass: HomeAssistant) -> float | None:
    """Return the seconds until the event loop's earliest pending timer."""
    whens = [
        handle.when()
        for handle in get_scheduled_timer_handles(hass.loop)
        if isinstance(handle, asyncio.TimerHandle) and not handle.cancelled()
    ]
    return min(whens) - hass.loop.time() if whens else None


async def _run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator, until: float
) -> None:
    """Move simulated time to `until` (simulator clock), timer by timer."""
    while (left := until - simulator.now()) > 0:
        due = _next_timer(hass)
        step = min(left, max(left if due is None else due, 0.5))
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


def _reads(simulator: Simulator, path: str, device_id: str, since: float) -> list[float]:
    """Return when the cloud served `path` for a charger since `since` (simulator clock)."""
    return [
        r.time
        for r in simulator.requests
        if r.side == "cloud"
        and r.path == path
        and r.device_id == device_id
        and r.time >= since
        and r.status == 200
    ]


def _timestamp(hass: HomeAssistant, entity_id: str) -> float:
    """Return a timestamp sensor's value as epoch seconds."""
    state = hass.states.get(entity_id)
    assert state is not None
    parsed = dt_util.parse_datetime(state.state)
    assert isinstance(parsed, datetime), state.state
    return parsed.timestamp()


async def test_commands_every_2_min_never_delay_the_cycle(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cloud command every 2 min for 1 h: the other charger's reads keep their interval.

    The confirming read after each command covers only the commanded charger; it must not
    restart the coordinator's schedule, and each charger's "last cloud update" is its own.
    """
    cloud = init_integration.runtime_data.cloud
    assert cloud.update_interval is not None
    planned = cloud.update_interval.total_seconds()  # the shortest planned interval
    start = simulator.now()
    locked = False
    commands = 0
    for minute in range(0, 60, 2):
        await _run_until(hass, freezer, simulator, start + minute * 60 + 1)
        locked = not locked
        await hass.services.async_call(
            "switch",
            "turn_on" if locked else "turn_off",
            {ATTR_ENTITY_ID: "switch.driveway_locked"},
            blocking=True,
        )
        commands += 1
    await _run_until(hass, freezer, simulator, start + HOUR + planned)

    garage = _reads(simulator, "/device/reported", LAN_ID, start)
    confirms = _reads(simulator, "/device/reported", CLOUD_ID, start)
    gaps = [b - a for a, b in pairwise([start, *garage])]
    print(
        f"\n{commands} cloud commands in 1 h: Garage settings read {len(garage)} times, "
        f"planned every {planned:.0f} s, longest gap {max(gaps):.0f} s; "
        f"Driveway settings read {len(confirms)} times"
    )
    assert commands == 30
    assert simulator.chargers[CLOUD_ID].locked is False
    # Every full cycle ran on time (a timer may fire up to a second late).
    assert max(gaps) <= planned + 2
    assert len(garage) >= HOUR // planned - 1
    assert any(r.path == "/pairings/me" and r.time > start for r in simulator.requests)
    # Each charger's last cloud update is the time of its own last read.
    assert _timestamp(hass, "sensor.garage_last_cloud_update") == pytest.approx(garage[-1], abs=1)
    assert _timestamp(hass, "sensor.driveway_last_cloud_update") == pytest.approx(
        confirms[-1], abs=1
    )


async def test_car_plugged_into_idle_4g_charger(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An idle 4G charger is checked every ≤ 15 min; a plugged car then shortens its interval."""
    cloud = init_integration.runtime_data.cloud
    assert hass.states.get("sensor.driveway_charge_state").state == "disconnected"
    assert cloud.schedule.plan.chargers[CLOUD_ID].live == 900
    start = simulator.now()
    await _run_until(hass, freezer, simulator, start + 60)
    plugged = simulator.now()
    simulator.chargers[CLOUD_ID].plug_in()

    while hass.states.get("sensor.driveway_charge_state").state == "disconnected":
        assert simulator.now() - plugged <= 900, "car not noticed within 15 min"
        await _run_until(hass, freezer, simulator, simulator.now() + 10)
    noticed = simulator.now() - plugged
    assert hass.states.get("sensor.driveway_charge_state").state == "charging"
    live = cloud.schedule.plan.chargers[CLOUD_ID].live
    assert live is not None and live < 300
    assert cloud.schedule.plan.chargers[CLOUD_ID].reason == "charging"

    since = simulator.now()
    await _run_until(hass, freezer, simulator, since + 1800)
    reads = _reads(simulator, "/device/currentstatecharge", CLOUD_ID, since)
    gaps = [b - a for a, b in pairwise(reads)]
    print(
        f"\ncar noticed {noticed:.0f} s after plug-in; live interval then {live:.0f} s, "
        f"{len(reads)} live reads in 30 min, median gap {sorted(gaps)[len(gaps) // 2]:.0f} s"
    )
    assert len(reads) >= 1800 // live - 1
    assert max(gaps) <= live + 2
    state = hass.states.get("sensor.driveway_cloud_calls_left_today")
    assert state is not None
    assert (state.attributes["reason"], state.attributes["live_interval"]) == ("charging", live)


async def _cloud_down(simulator: Simulator) -> int:
    """Close the simulator's cloud listener (connections refused); return its port."""
    listener = simulator._cloud
    assert listener is not None
    await listener.close()
    simulator._cloud = None
    return listener.port


async def _cloud_up(simulator: Simulator, port: int) -> None:
    """Listen for the cloud again on the same port."""
    simulator._cloud = Listener(cloud_handler(simulator), bind(simulator.host, port))
    await simulator._cloud.start()


@pytest.mark.parametrize("outage", [600, 3600], ids=["10-min", "1-h"])
async def test_cloud_back_within_90_s(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    outage: float,
) -> None:
    """After an outage (connection refused), cloud entities are back ≤ 90 s after the cloud.

    Calls that never reach the server cost no quota, so they are retried sooner than a cycle
    (30 s, 60 s, then every 85 s), one call at a time.
    """
    cloud = init_integration.runtime_data.cloud
    client = cloud.client
    entity = "select.garage_installation_type"
    await _run_until(hass, freezer, simulator, simulator.now() + 200)
    port = await _cloud_down(simulator)
    down_at, attempts, booked = simulator.now(), client.request_count, cloud.ledger.calls
    await _run_until(hass, freezer, simulator, down_at + outage)
    assert hass.states.get(entity).state == STATE_UNAVAILABLE
    tried = client.request_count - attempts

    await _cloud_up(simulator, port)
    up_at = simulator.now()
    while hass.states.get(entity).state == STATE_UNAVAILABLE:
        assert simulator.now() - up_at <= 120, "cloud entities not back"
        await _run_until(hass, freezer, simulator, simulator.now() + 1)
    back = simulator.now() - up_at
    assert back <= 90, f"back {back:.0f} s after the cloud returned"
    await _run_until(hass, freezer, simulator, up_at + 90)
    served = [r for r in simulator.requests if r.side == "cloud" and r.time >= down_at]
    normal = (outage + 90) / cloud.schedule.plan.shortest + (outage + 90) / 900
    print(
        f"\noutage {outage:.0f} s: back {back:.0f} s after the cloud returned; "
        f"{tried} attempts while down (refused: none reached the server or was booked), "
        f"{len(served)} calls served from the outage until 90 s after it; "
        f"normal polling ≈ {normal:.0f} calls"
    )
    assert hass.states.get(entity).state == "single_phase"
    assert hass.states.get("sensor.driveway_charge_state").state == "disconnected"
    # Retries while down: one call at a time, 30 s, 60 s, then every 85 s.
    assert tried <= outage / 85 + 4
    # Quota: refused attempts cost nothing; on return only what was due is read.
    assert len(served) <= normal + 10 * outage / 3600
    assert cloud.ledger.calls - booked == len(served)


async def test_empty_account_checks_pairings_hourly(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With every charger gone from the account, only the pairings are read, about hourly."""
    cloud = init_integration.runtime_data.cloud
    for charger_id in (LAN_ID, CLOUD_ID):
        simulator.remove_charger(charger_id)
    start = simulator.now()
    await _run_until(hass, freezer, simulator, start + 2 * HOUR)
    assert init_integration.runtime_data.chargers == {}
    since = simulator.now()
    await _run_until(hass, freezer, simulator, since + 3 * HOUR)
    calls = [r.path for r in simulator.requests if r.side == "cloud" and r.time >= since]
    assert calls == ["/pairings/me"] * 3
    assert cloud.update_interval is not None
    assert cloud.update_interval.total_seconds() >= 90
