"""The cloud coordinator inside Home Assistant: budget, 429 back-off, restarts, device changes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud import async_remove_config_entry_device
from custom_components.v2c_cloud.budget import (
    AUTOMATIC_BUDGET,
    IDLE_EVERY,
    SETTINGS_EVERY,
    Activity,
    ChargerInput,
    PlanInputs,
    base_interval,
    plan_polling,
)
from custom_components.v2c_cloud.const import DOMAIN
from simulator import ChargerConfig, Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _fleet(count: int, cloud_only: bool) -> list[ChargerConfig]:
    """Return `count` chargers, all on LAN or all cloud-only."""
    return [
        ChargerConfig(device_id=f"V2C{i:04d}X", name=f"Charger {i}", lan=not cloud_only)
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    "chargers",
    [_fleet(n, c) for n in (1, 3, 10) for c in (False, True)],
    ids=[f"{n}-{'cloud' if c else 'lan'}" for n in (1, 3, 10) for c in (False, True)],
)
async def test_interval_per_fleet(
    hass: HomeAssistant, chargers: list[ChargerConfig], init_integration: MockConfigEntry
) -> None:
    """LAN chargers share the budget for their settings; idle 4G ones are checked every 15 min."""
    count = len(chargers)
    cloud = init_integration.runtime_data.cloud
    plans = cloud.schedule.plan.chargers
    assert set(plans) == {c.device_id for c in chargers}
    for plan in plans.values():
        if chargers[0].lan:
            # Unchanged for LAN chargers: 106 s for one, 321 s for three.
            assert (plan.live, plan.settings, plan.reason) == (
                None,
                base_interval(count, count),
                "lan",
            )
        elif count <= 3:
            assert (plan.live, plan.settings, plan.reason) == (IDLE_EVERY, SETTINGS_EVERY, "idle")
        else:
            # Ten idle 4G chargers do not fit 15 min each: everything stretches alike.
            assert plan.live is not None and IDLE_EVERY < plan.live < plan.settings
    assert cloud.schedule.plan.calls_per_day() <= AUTOMATIC_BUDGET
    assert cloud.update_interval is not None
    assert cloud.update_interval.total_seconds() == pytest.approx(
        cloud.schedule.plan.shortest, abs=1
    )


async def test_regular_reads_for_an_hour(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """LAN charger: settings only, at its share; idle 4G: live every 15 min, settings every 30."""
    cloud = init_integration.runtime_data.cloud
    lan_every = cloud.schedule.plan.chargers[LAN_ID].settings
    since = len(simulator.requests)
    start = simulator.now()
    while simulator.now() - start < 3600:
        assert cloud.update_interval is not None
        await _tick(hass, freezer, cloud.update_interval.total_seconds())
    calls = Counter(
        (r.path, r.query.get("deviceId"))
        for r in simulator.requests[since:]
        if r.side == "cloud" and r.path.startswith("/device/")
    )
    # Reads at 900, 1800, 2700 and 3600 s (live) and 1800, 3600 s (settings).
    assert calls[("/device/currentstatecharge", CLOUD_ID)] == 4
    assert calls[("/device/reported", CLOUD_ID)] == 2
    assert ("/device/currentstatecharge", LAN_ID) not in calls
    assert abs(calls[("/device/reported", LAN_ID)] - 3600 / lan_every) <= 1


async def test_quota_exhausted_backs_off_and_recovers(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """429: no retry, data kept, interval doubles up to 600 s, repair raised; then recovery."""
    cloud = init_integration.runtime_data.cloud
    base = cloud.update_interval
    assert base is not None
    simulator.quota.set_used(simulator.api_key, simulator.quota.limit)

    await _tick(hass, freezer, base.total_seconds())
    assert cloud.update_interval == min(base * 2, timedelta(seconds=600))
    assert cloud.data is not None and cloud.data.quota_exhausted
    assert hass.states.get("switch.driveway_locked").state == "off"  # last data kept
    assert issue_registry.async_get_issue(DOMAIN, f"quota_exhausted_{init_integration.entry_id}")

    waits = [cloud.update_interval]
    while cloud.update_interval < timedelta(seconds=600):
        await _tick(hass, freezer, cloud.update_interval.total_seconds())
        waits.append(cloud.update_interval)
    assert waits == [min(base * 2**n, timedelta(seconds=600)) for n in range(1, len(waits) + 1)]

    simulator.quota.set_used(simulator.api_key, 0)
    await _tick(hass, freezer, 600)
    assert cloud.update_interval == base
    assert not cloud.data.quota_exhausted
    assert not issue_registry.async_get_issue(
        DOMAIN, f"quota_exhausted_{init_integration.entry_id}"
    )


async def test_low_remaining_stretches_interval(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Below 150 calls left, the rest (minus a reserve of 50) must last the day."""
    cloud = init_integration.runtime_data.cloud
    base = cloud.update_interval
    assert base is not None
    simulator.quota.set_used(simulator.api_key, simulator.quota.limit - 120)
    await _tick(hass, freezer, base.total_seconds())
    assert cloud.ledger.rate_limit is not None
    assert cloud.ledger.rate_limit.remaining is not None
    assert cloud.ledger.rate_limit.remaining < 120
    assert cloud.update_interval is not None
    assert cloud.update_interval > base * 3


async def test_call_count_survives_restart(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A restart restores today's count, so polling stays paced instead of starting afresh."""
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}",
        "data": {"day": "2026-11-26", "calls": 800, "rate_limit": None, "pairings": []},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = mock_config_entry.runtime_data
    assert runtime.ledger.calls > 800
    assert runtime.cloud.update_interval is not None
    assert runtime.cloud.update_interval.total_seconds() > 10 * base_interval(3, 2)

    made = runtime.ledger.calls
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    stored = hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"]["data"]
    assert stored["calls"] == made
    assert [p["device_id"] for p in stored["pairings"]] == [LAN_ID, CLOUD_ID]


async def test_yesterdays_count_is_dropped(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A count from an earlier day does not slow today's polling."""
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}",
        "data": {"day": "2026-11-25", "calls": 849, "rate_limit": None, "pairings": []},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = mock_config_entry.runtime_data
    assert runtime.ledger.calls < 20
    assert runtime.cloud.schedule.plan == plan_polling(
        PlanInputs(
            now=dt_util.utcnow(),
            chargers=[
                ChargerInput(device_id=LAN_ID, lan=True),
                ChargerInput(device_id=CLOUD_ID, lan=False, activity=Activity.IDLE),
            ],
            calls_today=0,
        )
    )
    assert runtime.cloud.update_interval == timedelta(
        seconds=runtime.cloud.schedule.plan.chargers[LAN_ID].settings
    )


async def test_new_charger_appears_without_reload(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A newly paired charger becomes a device with entities at the next pairings refresh."""
    simulator.add_charger(ChargerConfig(device_id="V2C0003C", name="Office", lan=True))
    await _tick(hass, freezer, 3600)
    await hass.async_block_till_done()
    assert device_registry.async_get_device(identifiers={(DOMAIN, "V2C0003C")}) is not None
    assert hass.states.get("sensor.office_charge_state") is not None
    assert "V2C0003C" in init_integration.runtime_data.chargers


async def test_removed_charger_is_removed_after_confirmation(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A charger gone from the account is removed once a second pairings answer agrees."""
    simulator.remove_charger(CLOUD_ID)
    cloud = init_integration.runtime_data.cloud
    await _tick(hass, freezer, 3600)
    assert device_registry.async_get_device(identifiers={(DOMAIN, CLOUD_ID)}) is not None
    assert cloud.update_interval is not None
    await _tick(hass, freezer, cloud.update_interval.total_seconds())
    await hass.async_block_till_done()
    assert device_registry.async_get_device(identifiers={(DOMAIN, CLOUD_ID)}) is None
    assert CLOUD_ID not in init_integration.runtime_data.chargers
    assert hass.states.get("sensor.driveway_charge_state") is None


async def test_manual_device_removal(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """A charger still on the account cannot be removed by hand; a stale device can."""
    device = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    assert device is not None
    assert not await async_remove_config_entry_device(hass, init_integration, device)
    stale = device_registry.async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "GONE")}
    )
    assert await async_remove_config_entry_device(hass, init_integration, stale)


async def test_start_skips_live_status_of_lan_chargers(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """At start-up only the 4G charger's live status is read from the cloud."""
    csc = [
        r.query["deviceId"] for r in simulator.requests if r.path == "/device/currentstatecharge"
    ]
    assert csc == [CLOUD_ID]


async def test_lan_failing_at_start_reads_live_status_from_the_cloud(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A LAN charger that does not answer at start gets its live values from the cloud at once."""
    simulator.faults.add(Fault(side="lan", kind="status", status=503))
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await _tick(hass, freezer, 1)  # the zero-delay re-read needs the frozen clock to move
    csc = [
        r.query["deviceId"] for r in simulator.requests if r.path == "/device/currentstatecharge"
    ]
    assert sorted(csc) == [LAN_ID, CLOUD_ID]
    charger = mock_config_entry.runtime_data.chargers[LAN_ID]
    assert charger.data is not None
    assert charger.data.source == "cloud"
    assert hass.states.get("sensor.garage_charge_state").state == "charging"
    # Its live status now comes from the cloud too, on the plan of an active charger.
    plan = mock_config_entry.runtime_data.cloud.schedule.plan.chargers[LAN_ID]
    assert plan.reason == "charging"
    assert plan.live is not None and plan.live < IDLE_EVERY < plan.settings
