"""Small pure pieces: simulator-URL detection, enum mapping, the optimistic hold, the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.v2c_cloud.api import RateLimitSnapshot
from custom_components.v2c_cloud.const import DOMAIN
from custom_components.v2c_cloud.entity import OptimisticHold
from custom_components.v2c_cloud.helpers import is_simulator_url
from custom_components.v2c_cloud.ledger import CallLedger
from custom_components.v2c_cloud.states import slave_error_state


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, False),
        ("", False),
        ("https://v2c.cloud/kong/v2c_service", False),
        ("http://127.0.0.1:8080/kong/v2c_service", True),
        ("http://localhost:1/x", True),
        ("http://[::1]:1/x", True),
        ("http://192.168.1.2/x", False),
    ],
)
def test_is_simulator_url(url: str | None, expected: bool) -> None:
    """Only loopback base URLs switch on simulator mode (loopback LAN hosts)."""
    assert is_simulator_url(url) is expected


@pytest.mark.parametrize(
    ("code", "state"),
    [
        (None, None),
        (0, "no_error"),
        (10, "clamp_not_connected"),
        (23, "modbus_exception"),
        (244, "modbus_client_error"),
        (11, None),
        (999, None),
    ],
)
def test_slave_error_state(code: int | None, state: str | None) -> None:
    """Known codes map to states, Modbus ranges to their group, anything else to unknown."""
    assert slave_error_state(code) == state


@pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")
async def test_optimistic_hold(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """The held value wins until confirmed or expired; expiry calls back once."""
    expired: list[bool] = []
    hold = OptimisticHold[int](timedelta(seconds=20))
    assert hold.resolve(5) == 5
    hold.start(hass, 10, lambda: expired.append(True))
    assert hold.resolve(5) == 10
    assert hold.resolve(None) == 10
    assert hold.resolve(10) == 10
    assert hold.resolve(5) == 5  # confirmed once, then released
    hold.start(hass, 12, lambda: expired.append(True))
    freezer.tick(timedelta(seconds=21))
    assert hold.resolve(5) == 5
    hold.start(hass, 13, lambda: expired.append(True))
    assert hold.resolve(12, lambda polled, held: abs(polled - held) <= 1) == 12
    hold.clear()


@pytest.mark.freeze_time("2026-11-26 08:00:00+00:00")
async def test_ledger_restore_and_day_change(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Today's count and snapshot come back; malformed parts are ignored; a new day resets."""
    now = datetime(2026, 11, 26, 8, tzinfo=UTC)
    hass_storage[f"{DOMAIN}.e1"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.e1",
        "data": {
            "day": "2026-11-26",
            "calls": 12,
            "rate_limit": {"limit": 1000, "remaining": "x", "observed_at": "2026-11-26T07:00:00"},
            "pairings": [{"device_id": "A", "name": "A"}, {"name": "no id"}, "junk"],
        },
    }
    ledger = CallLedger(hass=hass, entry_id="e1")
    await ledger.async_load(now)
    assert ledger.calls == 12
    assert [p.device_id for p in ledger.pairings] == ["A"]
    assert ledger.rate_limit is not None
    assert ledger.rate_limit.remaining is None
    assert ledger.rate_limit.observed_at.tzinfo is UTC

    ledger.record(now + timedelta(days=1), 3, None)
    assert ledger.calls == 3
    snap = RateLimitSnapshot(limit=1000, remaining=500, reset=None, observed_at=now)
    ledger.record(now + timedelta(days=1), 1, snap)
    assert ledger.remaining_today(now) == 500
    assert ledger.remaining_today(now + timedelta(days=1)) is None
    assert ledger.as_dict()["calls"] == 4

    hass_storage[f"{DOMAIN}.e2"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.e2",
        "data": {"day": "2026-11-26", "calls": 1, "rate_limit": {"observed_at": "bad"}},
    }
    other = CallLedger(hass=hass, entry_id="e2")
    await other.async_load(now)
    assert other.rate_limit is None
    assert other.remaining_today(now) is None
    await other.async_remove()
