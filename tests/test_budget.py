"""The cloud budget planner: figures for 1, 3 and 10 chargers, pacing and back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.v2c_cloud.budget import (
    AUTOMATIC_BUDGET,
    DAY,
    FLOOR,
    BudgetInputs,
    backoff_interval,
    base_interval,
    paced_interval,
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


def test_pacing_follows_own_count() -> None:
    """After a restart with most of today's budget spent, polling stretches."""
    noon = MIDNIGHT + timedelta(hours=12)
    fresh = paced_interval(BudgetInputs(now=noon, cycle_cost=1, chargers=1, calls_today=0))
    assert fresh == base_interval(1, 1)
    spent = paced_interval(BudgetInputs(now=noon, cycle_cost=1, chargers=1, calls_today=700))
    # 150 calls left minus 15 periodic ones over 12 h: 43 200 / 135 = 320 s.
    assert spent == 320
    broke = paced_interval(BudgetInputs(now=noon, cycle_cost=1, chargers=1, calls_today=850))
    assert broke == 12 * 3600


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [
        (500, 106),  # plenty: ignored
        (149, 515),  # 99 spendable - 15 periodic over 12 h -> ceil(43 200 / 84)
        (66, 43_200),  # 16 spendable - 15 periodic: one cycle left until the reset
        (60, 43_200),  # less than one cycle left: wait for the window to reset
    ],
)
def test_pacing_by_server_remaining(remaining: int, expected: int) -> None:
    """Below 150 remaining, the remainder minus 50 must last until the window ends."""
    noon = MIDNIGHT + timedelta(hours=12)
    inputs = BudgetInputs(now=noon, cycle_cost=1, chargers=1, calls_today=100, remaining=remaining)
    assert paced_interval(inputs) == expected


@pytest.mark.parametrize(
    ("current", "expected"),
    [(106, 212), (212, 424), (424, 600), (600, 600), (1128, 1128), (10, 180)],
)
def test_backoff(current: float, expected: float) -> None:
    """A 429 doubles the interval up to 600 s and never shortens a longer one."""
    assert backoff_interval(current) == expected
