"""Charging-session events (only real transitions) and lifetime energy in Home Assistant."""

from __future__ import annotations

from datetime import timedelta

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
from custom_components.v2c_cloud.session import SessionTracker
from simulator import Simulator

from .conftest import LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")


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
