"""Benchmark 3: setup time of a 10-charger account against a 1-charger account."""

from __future__ import annotations

from collections.abc import Iterable
import math
import statistics
import time
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import ChargerConfig, Fault, Simulator

from ._helpers import fleet, fmt_s
from ._report import note, record, summarize

REPETITIONS = 5
SIZES = (1, 10)
TARGET_RATIO = 2.0
# Network profiles: the bare loopback (CPU only), and round trips like a real installation's
# (V2C Cloud over the internet ~150 ms, a Trydan on the home Wi-Fi ~30 ms), injected as
# simulator delays. With real latency the chargers' requests overlap, which is what scales.
PROFILES = {"loopback": (0.0, 0.0), "realistic": (0.15, 0.03)}
# One untimed warm-up (imports, first platform loads), then 1 and 10 alternating.
RUNS = [("warmup", 1, "loopback")] + [
    (f"rep{rep}", size, profile)
    for profile in PROFILES
    for rep in range(1, REPETITIONS + 1)
    for size in SIZES
]
type Key = tuple[str, int]
TIMES: dict[Key, list[float]] = {(p, size): [] for p in PROFILES for size in SIZES}
PLATFORM_TIMES: dict[Key, list[float]] = {(p, size): [] for p in PROFILES for size in SIZES}
FOOTPRINT: dict[Key, str] = {}


@pytest.fixture
def chargers(request: pytest.FixtureRequest) -> list[ChargerConfig]:
    """Return the LAN fleet of this run."""
    _label, size, _profile = request.param
    return fleet(size, lan=True)


@pytest.mark.parametrize(
    "chargers",
    RUNS,
    indirect=True,
    ids=[f"{profile}-{label}-{size}" for label, size, profile in RUNS],
)
async def test_setup_time(
    hass: HomeAssistant,
    simulator: Simulator,
    chargers: list[ChargerConfig],
    mock_config_entry: MockConfigEntry,
    request: pytest.FixtureRequest,
) -> None:
    """Time one setup of the account's entry, entities and first LAN polls included."""
    _label, _size, profile = request.node.callspec.params["chargers"]
    cloud_delay, lan_delay = PROFILES[profile]
    if cloud_delay:
        simulator.faults.add(Fault(side="cloud", kind="delay", delay=cloud_delay))
    if lan_delay:
        simulator.faults.add(Fault(side="lan", kind="delay", delay=lan_delay))
    mock_config_entry.add_to_hass(hass)
    forward = hass.config_entries.async_forward_entry_setups
    platform_time: list[float] = []

    async def timed_forward(entry: ConfigEntry, platforms: Iterable[Platform | str]) -> None:
        """Time the entity platforms' setup (entity creation)."""
        started = time.perf_counter()
        await forward(entry, platforms)
        platform_time.append(time.perf_counter() - started)

    with patch.object(hass.config_entries, "async_forward_entry_setups", timed_forward):
        started = time.perf_counter()
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        elapsed = time.perf_counter() - started
    assert math.isfinite(elapsed) and elapsed > 0 and len(platform_time) == 1
    runtime = mock_config_entry.runtime_data
    size = len(chargers)
    assert len(runtime.chargers) == size
    assert all(charger.realtime.uses_lan for charger in runtime.chargers.values())
    if "warmup" in request.node.callspec.id:
        return
    TIMES[profile, size].append(elapsed)
    PLATFORM_TIMES[profile, size].append(platform_time[0])
    entities = er.async_entries_for_config_entry(er.async_get(hass), mock_config_entry.entry_id)
    sides = [r.side for r in simulator.requests]
    FOOTPRINT[profile, size] = (
        f"{sides.count('cloud')} cloud + {sides.count('lan')} LAN requests, "
        f"{len(entities)} registry entries, {len(hass.states.async_all())} states"
    )


def test_setup_ratio() -> None:
    """Compare the median setup times, per network profile."""
    if any(len(times) != REPETITIONS for times in TIMES.values()):
        pytest.skip("needs every setup run of this module")
    ratios: dict[str, float] = {}
    for profile, (cloud_delay, lan_delay) in PROFILES.items():
        medians = {size: statistics.median(TIMES[profile, size]) for size in SIZES}
        platforms = {size: statistics.median(PLATFORM_TIMES[profile, size]) for size in SIZES}
        for size in SIZES:
            record(
                "setup",
                f"{size} LAN, {profile}",
                str(REPETITIONS),
                fmt_s(medians[size]),
                fmt_s(platforms[size]),
                f"{fmt_s(min(TIMES[profile, size]))} to {fmt_s(max(TIMES[profile, size]))}",
                FOOTPRINT[profile, size],
            )
        ratio = medians[10] / medians[1]
        entity_ratio = platforms[10] / platforms[1]
        assert all(math.isfinite(x) and x > 0 for x in (ratio, entity_ratio))
        ratios[profile] = ratio
        record(
            "setup",
            f"**ratio 10 / 1, {profile}**",
            "",
            f"**{ratio:.2f}**",
            f"{entity_ratio:.2f}",
            "",
            f"cloud {cloud_delay * 1000:.0f} ms, LAN {lan_delay * 1000:.0f} ms per request",
        )
    note(
        "setup",
        "On the bare loopback the simulator answers in microseconds, so setup is pure CPU and "
        "grows with the entities created (about 44 per charger, each a registry entry and most a "
        f"state): ratio {ratios['loopback']:.2f}. With the round trips of a real installation "
        "the chargers' requests overlap (one concurrent fetch per charger, pairings once), so "
        f"ten chargers cost little more than one: ratio {ratios['realistic']:.2f}.",
    )
    summarize(
        "3. Setup time 10 chargers / 1 charger (medians, realistic latency)",
        f"{ratios['realistic']:.2f} (loopback, CPU only: {ratios['loopback']:.2f})",
        f"≤ {TARGET_RATIO:.0f}",
        ratios["realistic"] <= TARGET_RATIO,
    )
