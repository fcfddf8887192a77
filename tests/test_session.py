"""Lifetime energy and charging-session events: exact totals and only real transitions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.v2c_cloud.api import RealtimeData
from custom_components.v2c_cloud.energy import LifetimeEnergyData
from custom_components.v2c_cloud.session import SessionTracker, accumulate
from simulator import Simulator

from .conftest import LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")


def _total(readings: list[float | None], total: float = 0.0, last: float | None = None) -> float:
    """Fold readings into a lifetime total."""
    for reading in readings:
        before = total
        total, last = accumulate(total, last, reading)
        assert total >= before  # never goes down
    return round(total, 6)


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([0.0, 1.0, 2.5], 2.5),  # one session
        ([0.0, 4.0, 0.0, 1.5], 5.5),  # new session from 0
        ([0.0, 4.0, 0.3, 1.5], 5.5),  # new session seen first at 0.3 kWh
        ([0.0, 2.0, 2.0, 2.0], 2.0),  # duplicate readings
        ([0.0, 2.0, None, 3.0], 3.0),  # outage in between
        ([0.0, 4.1795, 4.18, 4.1795, 4.19], 4.19),  # LAN/cloud rounding, no double count
        ([0.0, 3.0, 0.0, 0.0, 2.0], 5.0),  # firmware resetting to 0 on pause
        ([5.0, 6.0], 1.0),  # first reading is the baseline, not counted
        ([0.0, -1.0, 1.0], 1.0),  # garbage negative reading ignored
    ],
)
def test_accumulate_sequences(readings: list[float | None], expected: float) -> None:
    """The lifetime total counts each kWh exactly once."""
    assert _total(readings) == expected


def test_accumulate_after_restart() -> None:
    """A restart in the middle continues from the restored total and last reading."""
    total, last = 0.0, None
    for reading in (0.0, 2.0, 3.0):
        total, last = accumulate(total, last, reading)
    restored = LifetimeEnergyData.from_dict(LifetimeEnergyData(total=total, last=last).as_dict())
    assert restored is not None
    assert _total([3.0, 3.5, 0.2], restored.total, restored.last) == pytest.approx(3.7)


@pytest.mark.parametrize(
    "data",
    [{"total": -1}, {"total": "x"}, {"total": True}, {}],
)
def test_bad_restore_data_is_ignored(data: dict[str, Any]) -> None:
    """Unusable stored data restarts from zero."""
    assert LifetimeEnergyData.from_dict(data) is None


def test_restore_with_bad_last() -> None:
    """A bad last reading is dropped but the total kept."""
    restored = LifetimeEnergyData.from_dict({"total": 2, "last": "x"})
    assert restored == LifetimeEnergyData(total=2.0, last=None)


def _rt(state: int | None, energy: float | None = None, power: float | None = None) -> RealtimeData:
    """Return live data with a charge state."""
    fields = dict.fromkeys(RealtimeData.__dataclass_fields__)
    fields.update(
        charge_state=state, charge_energy=energy, charge_power=power, charge_time=60, source="lan"
    )
    return RealtimeData(**fields)


def test_session_tracker_transitions() -> None:
    """Events only on real transitions: none at start, on repeats or without data."""
    tracker = SessionTracker()
    assert tracker.feed(_rt(2, 1.0, 3000)) is None  # startup while charging: no event
    assert tracker.feed(_rt(2, 1.5, 3500)) is None  # repeat
    finished = tracker.feed(_rt(1, 1.6, 0))
    assert finished is not None
    assert finished.kind == "charging_finished"
    assert (finished.energy, finished.peak_power, finished.path) == (1.6, 3500, "lan")
    assert tracker.feed(None) is None
    assert tracker.feed(_rt(None)) is None
    assert tracker.feed(_rt(1)) is None
    started = tracker.feed(_rt(2, 0.0, 7000))
    assert started is not None
    assert started.kind == "charging_started"
    assert tracker.feed(_rt(2, 0.5, 7200)) is None
    done = tracker.feed(_rt(0, None, None))
    assert done is not None
    assert (done.energy, done.peak_power, done.duration) == (0.5, 7200, 60)


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_session_events_in_home_assistant(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unplugging fires `finished` once (bus and event entity); plugging in fires `started`."""
    started = async_capture_events(hass, "v2c_cloud_charging_started")
    finished = async_capture_events(hass, "v2c_cloud_charging_finished")
    await _tick(hass, freezer, 30)
    assert started == [] and finished == []  # already charging at start: no event

    await _tick(hass, freezer, 570)  # 10 min of charging at 3680 W
    simulator.chargers[LAN_ID].unplug()
    await _tick(hass, freezer, 30)
    await _tick(hass, freezer, 30)
    assert len(finished) == 1
    event: Event = finished[0]
    assert event.data["charger_id"] == LAN_ID
    assert event.data["name"] == "Garage"
    assert event.data["path"] == "lan"
    assert event.data["peak_power"] == pytest.approx(3680)
    charged = simulator.chargers[LAN_ID].charge_energy
    assert charged > 0.5  # at least ~10 min at 3.68 kW
    assert event.data["energy"] == pytest.approx(charged, abs=0.01)  # the LAN rounds to 0.01
    assert event.data["device_id"] is not None
    state = hass.states.get("event.garage_charging_session")
    assert state is not None
    assert state.attributes["event_type"] == "charging_finished"

    simulator.chargers[LAN_ID].plug_in()
    await _tick(hass, freezer, 30)
    assert len(started) == 1
    assert hass.states.get("event.garage_charging_session").attributes["event_type"] == (
        "charging_started"
    )
    # Lifetime energy kept the first session and counts the new one on top.
    total = float(hass.states.get("sensor.garage_lifetime_energy").state)
    new_session = simulator.chargers[LAN_ID].charge_energy
    assert new_session > 0
    assert total == pytest.approx(event.data["energy"] + new_session, abs=0.01)


async def test_lifetime_energy_restored(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """After a restart the total continues from the restored value."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.garage_lifetime_energy", "120.5"),
                {"total": 120.5, "last": 0.0},
            )
        ],
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.garage_lifetime_energy").state) == 120.5
