"""When each cloud stream is due next, and what a cycle's results do to that. No HA imports.

The schedule holds the plan (budget.py) and each stream's own next-due time, so a confirming
read of one charger (after a command) moves only that charger's streams and never the others'.
A read that never reached the server (timeout, connection refused) costs no quota and is retried
sooner than a cycle: after 30 s, then doubling, at most every 85 s (and never later than the
stream's own interval), so the cloud's return is noticed within 90 s. Errors the server
answered (5xx, bad payloads) wait for the stream's next regular read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from .api import ChargeStatus, FirmwareInfo, ReportedState, RfidCard, V2CConnectionError, V2CError
from .budget import Kind, Plan, Stream

# A timer may fire up to a second early (Home Assistant rounds to whole seconds).
TOLERANCE: Final = timedelta(seconds=2)
RETRY_FIRST: Final = 30.0
RETRY_CAP: Final = 85.0


def anchor(now: datetime, due: datetime | None) -> datetime:
    """Return what the next due time counts from: the due time when read just before it.

    So a read a moment before it was due does not make the schedule creep forward.
    """
    return due if due is not None and now < due <= now + TOLERANCE else now


def retry_delay(previous: float | None, interval: float) -> float:
    """Return the wait before re-trying a read that never reached the server."""
    delay = RETRY_FIRST if previous is None else previous * 2
    return min(delay, RETRY_CAP, max(interval, RETRY_FIRST))


def reached(err: V2CError) -> bool:
    """Return True when a failed call reached the server (and may have cost quota)."""
    return not isinstance(err, V2CConnectionError)


@dataclass(kw_only=True)
class Fetched:
    """One charger's results within a cycle (None: not read or failed)."""

    reported: ReportedState | None = None
    status: ChargeStatus | None = None
    firmware: FirmwareInfo | None = None
    cards: list[RfidCard] | None = None
    errors: dict[Kind, V2CError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when at least one stream was read."""
        return self.reported is not None or self.status is not None


@dataclass(kw_only=True)
class Schedule:
    """The plan's intervals, and the next-due and last-read times of every stream."""

    plan: Plan = field(default_factory=lambda: Plan(chargers={}))
    due: dict[Stream, datetime] = field(default_factory=dict)
    last: dict[Stream, datetime] = field(default_factory=dict)
    retries: dict[Stream, float] = field(default_factory=dict)

    def due_now(self, streams: Iterable[Stream], now: datetime) -> list[Stream]:
        """Return the streams due now (never read counts as due), in the given order."""
        return [s for s in streams if (due := self.due.get(s)) is None or due <= now + TOLERANCE]

    def read(self, stream: Stream, now: datetime, interval: float) -> None:
        """Record a successful read; the next one is an interval later."""
        self.last[stream] = now
        self.due[stream] = anchor(now, self.due.get(stream)) + timedelta(seconds=interval)
        self.retries.pop(stream, None)

    def failed(self, stream: Stream, now: datetime, interval: float, *, reached: bool) -> float:
        """Record a failed read and return the seconds until it is tried again."""
        if reached:
            self.retries.pop(stream, None)
            delay = interval
        else:
            delay = self.retries[stream] = retry_delay(self.retries.get(stream), interval)
        self.due[stream] = now + timedelta(seconds=delay)
        return delay

    def replan(self, streams: Iterable[Stream], plan: Plan) -> None:
        """Drop the streams not listed; move the others' next read to last read + new interval.

        Streams waiting for a connection retry keep their retry time.
        """
        self.plan = plan
        wanted = set(streams)
        for table in (self.due, self.last, self.retries):
            for stream in [s for s in table if s not in wanted]:
                del table[stream]
        for stream in wanted - set(self.retries):
            if (last := self.last.get(stream)) is not None:
                self.due[stream] = last + timedelta(seconds=plan.interval(stream))

    def next_due(self, streams: Iterable[Stream], now: datetime) -> datetime:
        """Return when the earliest of the streams is due (now when one was never read)."""
        return min((self.due.get(stream, now) for stream in streams), default=now)

    def mark(
        self, results: dict[str, Fetched], now: datetime, *, only_answered: bool = False
    ) -> None:
        """Move the next read of every stream read or tried (`only_answered`: answered errors)."""
        for device_id, fetched in results.items():
            values: dict[Kind, object] = {"live": fetched.status, "settings": fetched.reported}
            for kind, value in values.items():
                stream: Stream = (device_id, kind)
                if value is not None and not only_answered:
                    self.read(stream, now, self.plan.interval(stream))
                elif (err := fetched.errors.get(kind)) is not None and (
                    reached(err) or not only_answered
                ):
                    self.failed(stream, now, self.plan.interval(stream), reached=reached(err))

    def raise_if_down(self, results: dict[str, Fetched], now: datetime) -> None:
        """Raise when every read failed (the cloud is down); answered errors wait for their read."""
        if results and not any(fetched.ok for fetched in results.values()):
            self.mark(results, now, only_answered=True)
            failures = [err for fetched in results.values() for err in fetched.errors.values()]
            raise next((err for err in failures if not reached(err)), failures[0])

    def describe(self, device_id: str) -> dict[str, Any] | None:
        """Return one charger's polling plan: intervals, why, and when it is read next."""
        if (charger := self.plan.chargers.get(device_id)) is None:
            return None
        live, settings = self.due.get((device_id, "live")), self.due.get((device_id, "settings"))
        return {
            "live_interval": charger.live,
            "settings_interval": charger.settings,
            "reason": charger.reason,
            "pacing": self.plan.pacing.value,
            "next_live_read": live.isoformat() if live and charger.live is not None else None,
            "next_settings_read": settings.isoformat() if settings else None,
        }
