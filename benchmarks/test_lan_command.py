"""Benchmark 2: a LAN command until Home Assistant shows the confirmed state (real time)."""

from __future__ import annotations

import asyncio
import math
import statistics
import time

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2c_cloud.const import DEFAULT_SCAN_INTERVAL
from simulator import Simulator
from tests.conftest import LAN_ID

from ._helpers import fmt_s, percentile
from ._report import record, summarize

COMMANDS = 50
ENTITY_ID = "switch.garage_locked"
TARGET_P95 = 1.0


async def test_lan_command_latency(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Toggle the LAN charger's Locked switch and time until the new state is in HA."""
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.realtime.uses_lan
    latencies: list[float] = []
    for _ in range(COMMANDS):
        state = hass.states.get(ENTITY_ID)
        assert state is not None
        target = "off" if state.state == "on" else "on"
        confirmed = asyncio.Event()

        @callback
        def _changed(
            event: Event[EventStateChangedData],
            target: str = target,
            confirmed: asyncio.Event = confirmed,
        ) -> None:
            new = event.data["new_state"]
            if event.data["entity_id"] == ENTITY_ID and new is not None and new.state == target:
                confirmed.set()

        unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
        started = time.perf_counter()
        await hass.services.async_call(
            "switch", f"turn_{target}", {"entity_id": ENTITY_ID}, blocking=False
        )
        await asyncio.wait_for(confirmed.wait(), timeout=10)
        latencies.append(time.perf_counter() - started)
        unsub()
        assert simulator.chargers[LAN_ID].locked is (target == "on")
        assert charger.data is not None and charger.data.locked is (target == "on")
        await hass.async_block_till_done()

    assert all(math.isfinite(x) and x > 0 for x in latencies)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    record(
        "command",
        str(COMMANDS),
        fmt_s(p50),
        f"**{fmt_s(p95)}**",
        fmt_s(max(latencies)),
        f"up to {DEFAULT_SCAN_INTERVAL} s (≈{DEFAULT_SCAN_INTERVAL / 2:.0f} s on average)",
    )
    summarize(
        "2. LAN command → state in HA, p95 of 50",
        fmt_s(p95),
        f"≤ {fmt_s(TARGET_P95)} (LAN poll interval {DEFAULT_SCAN_INTERVAL} s)",
        p95 <= TARGET_P95,
    )
