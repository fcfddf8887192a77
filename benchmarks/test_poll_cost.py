"""Benchmark 4: CPU per LAN poll inside Home Assistant, and state writes of unchanged data."""

from __future__ import annotations

import math
import time

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import ChargerConfig, Simulator

from ._report import note, record, summarize

IDLE_ID = "V2C0001A"
BUSY_ID = "V2C0002B"
POLLS = 100
WRITE_POLLS = 10
SIM_STEP = 30.0  # simulated seconds between polls (the default LAN poll interval)


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Return an idle LAN charger (no car) and a LAN charger charging a car."""
    return [
        ChargerConfig(device_id=IDLE_ID, name="Idle", lan=True),
        ChargerConfig(device_id=BUSY_ID, name="Busy", lan=True, car_connected=True, charging=True),
    ]


async def _poll(
    hass: HomeAssistant, simulator: Simulator, device_id: str, entry: MockConfigEntry
) -> float:
    """Move the simulator on, poll one charger and return the CPU seconds of the refresh."""
    charger = entry.runtime_data.chargers[device_id]
    simulator.advance(SIM_STEP)
    started = time.process_time()
    await charger.realtime.async_refresh()
    spent = time.process_time() - started
    await hass.async_block_till_done()
    assert charger.realtime.last_update_success and charger.realtime.uses_lan
    return spent


async def test_poll_cost(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Measure CPU per poll and count state writes for an idle and a charging charger."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_integration.entry_id)
    figures: dict[str, tuple[float, int]] = {}
    for device_id, label in ((IDLE_ID, "idle (no car)"), (BUSY_ID, "charging")):
        charger = init_integration.runtime_data.chargers[device_id]
        client = charger.realtime.lan_client()
        assert client is not None
        entity_ids = {
            e.entity_id
            for e in entries
            if e.unique_id.startswith(f"v2c_{device_id}_") and hass.states.get(e.entity_id)
        }
        await _poll(hass, simulator, device_id, init_integration)  # warm-up

        writes: list[str] = []

        @callback
        def _changed(
            event: Event[EventStateChangedData],
            ids: set[str] = entity_ids,
            writes: list[str] = writes,
        ) -> None:
            if event.data["entity_id"] in ids:
                writes.append(event.data["entity_id"])

        unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
        for _ in range(WRITE_POLLS):
            await _poll(hass, simulator, device_id, init_integration)
        unsub()

        cpu = [await _poll(hass, simulator, device_id, init_integration) for _ in range(POLLS)]
        raw: list[float] = []
        for _ in range(POLLS):
            simulator.advance(SIM_STEP)
            started = time.process_time()
            await client.snapshot()
            raw.append(time.process_time() - started)

        per_poll, per_http = sum(cpu) / POLLS, sum(raw) / POLLS
        assert all(math.isfinite(x) and x >= 0 for x in (*cpu, *raw)) and per_poll > 0
        record(
            "poll",
            f"{label}, {len(entity_ids)} entities",
            str(POLLS),
            f"**{per_poll * 1e6:.0f} µs**",
            f"{per_http * 1e6:.0f} µs",
            f"**{len(writes)}**",
        )
        note(
            "poll",
            f"{label}: the integration's own share (CPU per poll minus the HTTP round trip) is "
            f"≈{(per_poll - per_http) * 1e6:.0f} µs (a difference of two means, so noisy).",
        )
        if writes:
            changed = sorted({e.split(".", 1)[1] for e in writes})
            note("poll", f"{label}: states written for " + ", ".join(f"`{e}`" for e in changed))
        figures[label] = (per_poll, len(writes))

    idle_cpu, idle_writes = figures["idle (no car)"]
    busy_cpu, busy_writes = figures["charging"]
    summarize(
        "4. CPU per LAN poll per charger (idle / charging)",
        f"{idle_cpu * 1e6:.0f} µs / {busy_cpu * 1e6:.0f} µs",
        "informational (simulator's share included)",
        None,
    )
    summarize(
        "4. State writes over 10 polls of unchanged data (idle charger)",
        f"{idle_writes} (charging charger: {busy_writes})",
        "0",
        idle_writes == 0,
    )
