"""Cloud call budget: the daily quota, the periodic reserve and the 429 back-off.

Pure logic, no Home Assistant imports, so every figure is unit-tested.

The automatic budget is 850 of the 1000 daily calls. Pairings are refreshed hourly, RFID lists
every 6 h and firmware every 12 h; those periodic calls are reserved first (never more than half
the budget) and plan.py spreads the rest over the chargers' reads. `base_interval` is the even
spread of one call per cycle and charger, what an account of LAN chargers gets (PROTOCOL.md §2).
The quota window is assumed to be the UTC day: V2C does not document when it resets (PROTOCOL.md
§9.7), so a `RateLimit-Reset` header, when present, wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
from typing import Final

DAY: Final = 86_400.0
AUTOMATIC_BUDGET: Final = 850
FLOOR: Final = 90.0
BACKOFF_CAP: Final = 600.0
LOW_REMAINING: Final = 150
COMMAND_RESERVE: Final = 50
PAIRINGS_EVERY: Final = 3_600.0
RFID_EVERY: Final = 6 * 3_600.0
VERSION_EVERY: Final = 12 * 3_600.0


@dataclass(frozen=True, kw_only=True)
class PeriodicPlan:
    """How often the slow-changing cloud data is refreshed."""

    pairings: float
    rfid: float
    version: float

    def calls_per_day(self, chargers: int) -> float:
        """Return the calls these refreshes cost per day."""
        return DAY / self.pairings + chargers * (DAY / self.rfid + DAY / self.version)


def periodic_plan(chargers: int) -> PeriodicPlan:
    """Return the periodic refresh plan, stretched so it never takes more than half the budget."""
    plan = PeriodicPlan(pairings=PAIRINGS_EVERY, rfid=RFID_EVERY, version=VERSION_EVERY)
    cost = plan.calls_per_day(chargers)
    limit = AUTOMATIC_BUDGET / 2
    if cost <= limit:
        return plan
    stretch = cost / limit
    return PeriodicPlan(
        pairings=PAIRINGS_EVERY * stretch,
        rfid=RFID_EVERY * stretch,
        version=VERSION_EVERY * stretch,
    )


def base_interval(cycle_cost: int, chargers: int) -> float:
    """Return the steady-state poll interval in seconds for a cycle of `cycle_cost` calls."""
    if cycle_cost <= 0:
        return FLOOR
    available = AUTOMATIC_BUDGET - periodic_plan(chargers).calls_per_day(chargers)
    return max(FLOOR, math.ceil(DAY * cycle_cost / available))


def window_end(now: datetime, reset: int | None = None) -> datetime:
    """Return when the current quota window ends (next UTC midnight unless told otherwise)."""
    if reset is not None and 0 < reset <= DAY:
        return now + timedelta(seconds=reset)
    day = now.astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)


def backoff_interval(current: float) -> float:
    """Return the interval after a 429: double the current one up to 600 s, never shorten it."""
    return max(current, min(max(current, FLOOR) * 2, BACKOFF_CAP))
