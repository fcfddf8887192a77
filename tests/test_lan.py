"""LAN outages: cloud fallback, unavailable LAN-only entities, one log line, repair, recovery."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.v2c_cloud.const import DOMAIN
from simulator import Fault, Simulator

from .conftest import LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let scheduled refreshes run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_lan_outage_and_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The LAN charger falls back to cloud data, raises a repair after 10 min, then recovers."""
    charger = init_integration.runtime_data.chargers[LAN_ID]
    fault = simulator.faults.add(Fault(side="lan", kind="status", status=503))
    await _tick(hass, freezer, 30)
    assert charger.realtime.lan_ok is False
    assert charger.data is not None and charger.data.source == "cloud"
    # LAN-only values go unavailable; values the cloud also has stay.
    assert hass.states.get("select.garage_phase_mode").state == "unavailable"
    assert hass.states.get("switch.garage_locked").state == "off"
    # The cloud now has to supply live status for this charger.
    assert charger.realtime.wants_charge_status()

    for _ in range(20):
        await _tick(hass, freezer, 60)
    warnings = [r for r in caplog.records if "not answering on the LAN" in r.getMessage()]
    assert len(warnings) == 1
    assert issue_registry.async_get_issue(DOMAIN, f"lan_unreachable_{LAN_ID}") is not None

    simulator.faults.remove(fault)
    await _tick(hass, freezer, 300)
    assert charger.realtime.lan_ok is True
    assert charger.data is not None and charger.data.source == "lan"
    assert hass.states.get("select.garage_phase_mode").state != "unavailable"
    assert issue_registry.async_get_issue(DOMAIN, f"lan_unreachable_{LAN_ID}") is None
    assert any("restored" in r.getMessage() for r in caplog.records)
    assert not charger.realtime.wants_charge_status()


async def test_lan_poll_fetches_realtime_and_reads(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One LAN poll is /RealTimeData plus the three /read keys, every 30 s, no cloud calls."""
    since = len(simulator.requests)
    await _tick(hass, freezer, 30)
    lan = sorted(r.path for r in simulator.requests[since:] if r.side == "lan")
    assert lan == ["/RealTimeData", "/read/ChargeMode", "/read/LightLED", "/read/LogoLED"]
    assert [r for r in simulator.requests[since:] if r.side == "cloud"] == []


async def test_failed_read_keeps_the_last_value(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A /read that fails once does not flap its entity to unknown."""
    assert hass.states.get("switch.garage_logo_led").state == "on"
    simulator.faults.add(Fault(side="lan", kind="status", status=500, path="/read", count=2))
    await _tick(hass, freezer, 30)
    assert [r.status for r in simulator.requests if r.path.startswith("/read")][-3:].count(500)
    assert hass.states.get("switch.garage_logo_led").state == "on"
    charger = init_integration.runtime_data.chargers[LAN_ID]
    assert charger.data is not None
    assert charger.data.light_led is not None
    assert charger.realtime.lan_ok is True
