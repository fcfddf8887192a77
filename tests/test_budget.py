"""The cloud budget: figures for 1, 3 and 10 chargers, the periodic reserve and the back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2c_cloud.budget import (
    AUTOMATIC_BUDGET,
    DAY,
    FLOOR,
    backoff_interval,
    base_interval,
    periodic_plan,
    window_end,
)

MIDNIGHT = datetime(2026, 11, 26, tzinfo=UTC)

# The reference integration, measured in a real HA over a simulated day (PROTOCOL.md §2.3).
REFERENCE_GAP = {1: 260, 3: 660}


def daily_calls(chargers: int, cloud_only: int) -> float:
    """Return automatic calls per day at the planned interval."""
    cost = chargers + cloud_only
    interval = base_interval(cost, chargers)
    return DAY / interval * cost + periodic_plan(chargers).calls_per_day(chargers)


@pytest.mark.parametrize(
    ("chargers", "cloud_only", "expected"),
    [
        (1, 0, 106),
        (1, 1, 211),
        (3, 0, 321),
        (3, 3, 642),
        (10, 0, 1128),
        (10, 10, 2256),
    ],
)
def test_base_interval_figures(chargers: int, cloud_only: int, expected: int) -> None:
    """The steady interval is what the quota allows, never below the 90 s floor."""
    assert base_interval(chargers + cloud_only, chargers) == expected
    assert daily_calls(chargers, cloud_only) <= AUTOMATIC_BUDGET


@pytest.mark.parametrize("chargers", [1, 3])
def test_lan_chargers_halve_the_reference_gap(chargers: int) -> None:
    """With LAN, cloud data is at least twice as fresh as the reference integration's."""
    assert base_interval(chargers, chargers) <= REFERENCE_GAP[chargers] / 2


@pytest.mark.parametrize("chargers", [1, 2, 5, 10, 50, 100, 200, 500])
@pytest.mark.parametrize("all_cloud", [False, True])
def test_any_number_of_chargers_stays_within_budget(chargers: int, all_cloud: bool) -> None:
    """Automatic traffic stays within 850 calls a day for any account size."""
    assert daily_calls(chargers, chargers if all_cloud else 0) <= AUTOMATIC_BUDGET
    assert base_interval(chargers, chargers) >= FLOOR


def test_periodic_plan_stretches_for_huge_accounts() -> None:
    """Slow data (pairings, RFID, firmware) never takes more than half the budget."""
    assert periodic_plan(10).rfid == 6 * 3600
    huge = periodic_plan(300)
    assert huge.calls_per_day(300) == pytest.approx(AUTOMATIC_BUDGET / 2)
    assert huge.rfid > 6 * 3600


def test_floor() -> None:
    """A free cycle still waits the floor."""
    assert base_interval(0, 1) == FLOOR


def test_window_end() -> None:
    """The window ends at the next UTC midnight unless the server says otherwise."""
    noon = MIDNIGHT + timedelta(hours=12)
    assert window_end(noon) == MIDNIGHT + timedelta(days=1)
    assert window_end(noon, reset=60) == noon + timedelta(seconds=60)
    assert window_end(noon, reset=0) == MIDNIGHT + timedelta(days=1)


@pytest.mark.parametrize(
    ("current", "expected"),
    [(106, 212), (212, 424), (424, 600), (600, 600), (1128, 1128), (10, 180)],
)
def test_backoff(current: float, expected: float) -> None:
    """A 429 doubles the interval up to 600 s and never shortens a longer one."""
    assert backoff_interval(current) == expected
