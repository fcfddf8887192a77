"""Helpers shared by the benchmarks: fleets, config entries, percentiles and simulated time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
import math
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.const import CONF_BASE_URL, DOMAIN
from simulator import ChargerConfig, Simulator


def fleet(count: int, *, lan: bool) -> list[ChargerConfig]:
    """Return `count` idle chargers, all on the LAN or all cloud-only (4G)."""
    return [
        ChargerConfig(device_id=f"V2C{i:04d}X", name=f"Charger {i}", lan=lan)
        for i in range(1, count + 1)
    ]


def account_entry(simulator: Simulator, options: dict[str, Any] | None = None) -> MockConfigEntry:
    """Return a config entry for the simulator's account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="V2C Cloud",
        version=3,
        minor_version=1,
        unique_id=min(simulator.chargers).lower(),
        data={CONF_API_KEY: simulator.api_key, CONF_BASE_URL: simulator.cloud_url},
        options=options or {},
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def seconds_to_next_timer(hass: HomeAssistant) -> float | None:
    """Return the seconds until the event loop's earliest pending timer (None without any)."""
    whens = [
        handle.when()
        for handle in get_scheduled_timer_handles(hass.loop)
        if isinstance(handle, asyncio.TimerHandle) and not handle.cancelled()
    ]
    return min(whens) - hass.loop.time() if whens else None


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time forward and let whatever became due run to completion."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def fmt_s(seconds: float) -> str:
    """Format a duration in seconds for the tables."""
    if seconds >= 10:
        return f"{seconds:.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


async def cloud_down(simulator: Simulator) -> int:
    """Close the simulator's cloud listener (connections refused); return its port."""
    listener = simulator._cloud
    assert listener is not None
    await listener.close()
    simulator._cloud = None
    return listener.port


async def cloud_up(simulator: Simulator, port: int) -> None:
    """Listen for the cloud again on the same port."""
    from simulator.cloud import cloud_handler
    from simulator.net import Listener, bind

    simulator._cloud = Listener(cloud_handler(simulator), bind(simulator.host, port))
    await simulator._cloud.start()


async def run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator, until: float
) -> None:
    """Move simulated time to `until` (simulator clock), timer by timer."""
    while (left := until - simulator.now()) > 0:
        due = seconds_to_next_timer(hass)
        await tick(hass, freezer, min(left, max(left if due is None else due, 0.5)))
