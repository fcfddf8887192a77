"""Cloud call budget and the activity-aware polling plan. Pure logic, no Home Assistant imports.

The automatic budget is 850 of the 1000 daily calls. Pairings are refreshed hourly, RFID lists
every 6 h and firmware every 12 h; those periodic calls are reserved first (never more than half
the budget). The quota window is assumed to be the UTC day: V2C does not document when it resets
(PROTOCOL.md §9.7), so a `RateLimit-Reset` header, when present, wins.

A charger's cloud data is split into two streams (PROTOCOL.md §1.4/§1.5):
- live status (`/device/currentstatecharge`): only for chargers without a working LAN (4G);
- settings (`/device/reported`, the configuration shadow): for every charger.

The rest of the budget is spent where something happens. A 4G charger with a car connected or
charging shares it equally with the settings of LAN chargers (whose live values come from the
LAN), which gives an account of LAN chargers the even spread of `base_interval` (PROTOCOL.md §2);
an idle 4G charger (no car) is checked every 15 min so a plugged-in car is noticed; a 4G
charger's settings are re-read every 30 min (and right after a command). When even that does not
fit the budget (large accounts), every interval is stretched alike.
Pacing keeps today's rules: our own count of today's calls and, below 150 remaining, the server's
`RateLimit-Remaining` minus a command reserve must last until the quota window ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math
from typing import Final, Literal

DAY: Final = 86_400.0
AUTOMATIC_BUDGET: Final = 850
FLOOR: Final = 90.0
BACKOFF_CAP: Final = 600.0
LOW_REMAINING: Final = 150
COMMAND_RESERVE: Final = 50
PAIRINGS_EVERY: Final = 3_600.0
RFID_EVERY: Final = 6 * 3_600.0
VERSION_EVERY: Final = 12 * 3_600.0
SETTINGS_EVERY: Final = 1_800.0
IDLE_EVERY: Final = 900.0

type Kind = Literal["live", "settings"]
type Stream = tuple[str, Kind]
"""One charger's live status or its settings."""


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
    cost = PeriodicPlan(pairings=PAIRINGS_EVERY, rfid=RFID_EVERY, version=VERSION_EVERY)
    stretch = max(cost.calls_per_day(chargers) / (AUTOMATIC_BUDGET / 2), 1.0)
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


class Activity(StrEnum):
    """What a charger is doing, as far as the cloud planner is concerned."""

    CHARGING = "charging"
    CONNECTED = "car_connected"
    IDLE = "idle"
    UNKNOWN = "unknown"


class Pacing(StrEnum):
    """Which budget sets the intervals."""

    NORMAL = "normal"
    DAY_COUNT = "day_count"
    SERVER_REMAINING = "server_remaining"
    EXHAUSTED = "exhausted"


def activity_of(charge_state: int | None) -> Activity:
    """Return the activity of a charge state (0 no car, 1 car connected, 2 charging, 3-5 faults)."""
    if charge_state is None:
        return Activity.UNKNOWN
    return {0: Activity.IDLE, 2: Activity.CHARGING}.get(charge_state, Activity.CONNECTED)


@dataclass(frozen=True, kw_only=True)
class ChargerInput:
    """One charger as the planner sees it."""

    device_id: str
    lan: bool
    """True when the LAN supplies the live values: the cloud is only asked for settings."""
    activity: Activity = Activity.UNKNOWN

    @property
    def busy(self) -> bool:
        """Return True when the charger gets a share of the spare budget."""
        return self.lan or self.activity in (Activity.CHARGING, Activity.CONNECTED)


@dataclass(frozen=True, kw_only=True)
class ChargerPlan:
    """How often one charger is read from the cloud."""

    live: float | None
    """Seconds between live-status reads (None: the LAN supplies live values)."""
    settings: float
    """Seconds between settings (shadow) reads."""
    reason: str

    @property
    def shortest(self) -> float:
        """Return the shorter of the two intervals."""
        return min(self.settings, self.live) if self.live is not None else self.settings


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The intervals of every charger and what bounds them."""

    chargers: dict[str, ChargerPlan]
    pacing: Pacing = Pacing.NORMAL

    @property
    def shortest(self) -> float:
        """Return the shortest interval of the plan."""
        return min((p.shortest for p in self.chargers.values()), default=FLOOR)

    def interval(self, stream: Stream) -> float:
        """Return a stream's interval in seconds (a charger not planned yet: the shortest)."""
        plan = self.chargers.get(stream[0])
        if plan is None:
            return self.shortest
        return plan.live if stream[1] == "live" and plan.live is not None else plan.settings

    def calls_per_day(self) -> float:
        """Return the automatic calls per day at these intervals, periodic reserve included."""
        count = max(len(self.chargers), 1)
        return periodic_plan(count).calls_per_day(count) + sum(
            DAY / p.settings + (DAY / p.live if p.live is not None else 0.0)
            for p in self.chargers.values()
        )


def _allocate(chargers: Sequence[ChargerInput], budget: float, window: float) -> Plan:
    """Spend `budget` calls over `window` seconds; nothing to spend: wait for the window's end."""
    if budget < 1:
        short = idle = settings = window
    else:
        fixed = sum(
            window / SETTINGS_EVERY + (0.0 if c.busy else window / IDLE_EVERY)
            for c in chargers
            if not c.lan
        )
        busy = sum(c.busy for c in chargers)
        rest = budget - fixed
        wished = math.ceil(window * busy / rest) if busy and rest > 0 else None
        stretch = 1.0
        if rest <= 0 or (busy and (wished is None or wished > IDLE_EVERY)):
            # Not even the wished cadence fits: stretch every stream alike.
            stretch = (fixed + busy * window / IDLE_EVERY) / budget
            wished = math.ceil(IDLE_EVERY * stretch)
        short = max(FLOOR, wished or FLOOR)
        idle = max(FLOOR, math.ceil(IDLE_EVERY * stretch))
        settings = max(FLOOR, math.ceil(SETTINGS_EVERY * stretch))
    return Plan(
        chargers={
            c.device_id: ChargerPlan(live=None, settings=short, reason="lan")
            if c.lan
            else ChargerPlan(
                live=short if c.busy else idle, settings=settings, reason=c.activity.value
            )
            for c in chargers
        },
        pacing=Pacing.EXHAUSTED if budget < 1 else Pacing.NORMAL,
    )


@dataclass(frozen=True, kw_only=True)
class PlanInputs:
    """What the planner knows when it plans."""

    now: datetime
    chargers: Sequence[ChargerInput]
    calls_today: int
    remaining: int | None = None
    reset: int | None = None


def plan_polling(inputs: PlanInputs) -> Plan:
    """Return every charger's intervals: the day's plan, stretched when the budget is short."""
    chargers = list(inputs.chargers)
    count = max(len(chargers), 1)
    periodic = periodic_plan(count).calls_per_day(count)
    base = _allocate(chargers, AUTOMATIC_BUDGET - periodic, DAY)
    left = max((window_end(inputs.now, inputs.reset) - inputs.now).total_seconds(), 1.0)
    own = AUTOMATIC_BUDGET - inputs.calls_today
    spendable, pacing = float(own), Pacing.DAY_COUNT
    if inputs.remaining is not None and inputs.remaining < LOW_REMAINING:
        server = inputs.remaining - COMMAND_RESERVE
        if server < own:
            spendable, pacing = float(server), Pacing.SERVER_REMAINING
    paced = _allocate(chargers, spendable - periodic * left / DAY, left)
    if stretched := paced.pacing == Pacing.EXHAUSTED:
        pacing = Pacing.EXHAUSTED
    merged: dict[str, ChargerPlan] = {}
    for device_id, plan in base.chargers.items():
        slow = paced.chargers[device_id]
        stretched |= slow.shortest > plan.shortest or slow.settings > plan.settings
        merged[device_id] = ChargerPlan(
            live=None if plan.live is None or slow.live is None else max(plan.live, slow.live),
            settings=max(plan.settings, slow.settings),
            reason=plan.reason,
        )
    return Plan(chargers=merged, pacing=pacing if stretched else Pacing.NORMAL)
