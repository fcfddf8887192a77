"""When each cloud stream of each charger is due next. Pure logic, no Home Assistant imports.

A stream is one charger's live status or its settings. Each has its own next-due time, so a
confirming read of one charger (after a command) moves only that charger's streams and never the
others'. A read that never reached the server (timeout, connection refused) costs no quota and
is retried sooner than a cycle: after 30 s, then doubling, at most every 85 s (and never later
than the stream's own interval), so the cloud's return is noticed within 90 s. Errors the
server answered (5xx, bad payloads) wait for the stream's next regular read, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from .plan import Plan

type Kind = Literal["live", "settings"]
type Stream = tuple[str, Kind]

# A timer may fire up to a second early (Home Assistant rounds to whole seconds).
TOLERANCE: Final = timedelta(seconds=2)
RETRY_FIRST: Final = 30.0
RETRY_CAP: Final = 85.0


def anchor(now: datetime, due: datetime | None) -> datetime:
    """Return what the next due time counts from: the due time when read just before it."""
    return due if due is not None and now < due <= now + TOLERANCE else now


def retry_delay(previous: float | None, interval: float) -> float:
    """Return the wait before re-trying a read that never reached the server."""
    delay = RETRY_FIRST if previous is None else previous * 2
    return min(delay, RETRY_CAP, max(interval, RETRY_FIRST))


@dataclass(kw_only=True)
class Schedule:
    """Next-due and last-read times of every stream."""

    due: dict[Stream, datetime] = field(default_factory=dict)
    last: dict[Stream, datetime] = field(default_factory=dict)
    retries: dict[Stream, float] = field(default_factory=dict)

    def is_due(self, stream: Stream, now: datetime) -> bool:
        """Return True when the stream should be read now (never read counts as due)."""
        due = self.due.get(stream)
        return due is None or due <= now + TOLERANCE

    def due_now(self, streams: Iterable[Stream], now: datetime) -> list[Stream]:
        """Return the streams due now, in the given order."""
        return [stream for stream in streams if self.is_due(stream, now)]

    def read(self, stream: Stream, now: datetime, interval: float) -> None:
        """Record a successful read; the next one is an interval later.

        A read a moment before it was due (timers fire up to a second early) counts from when
        it was due, so the schedule does not creep forward.
        """
        self.last[stream] = now
        self.due[stream] = anchor(now, self.due.get(stream)) + timedelta(seconds=interval)
        self.retries.pop(stream, None)

    def failed(self, stream: Stream, now: datetime, interval: float, *, reached: bool) -> float:
        """Record a failed read and return the seconds until it is tried again."""
        if reached:
            self.retries.pop(stream, None)
            delay = interval
        else:
            delay = retry_delay(self.retries.get(stream), interval)
            self.retries[stream] = delay
        self.due[stream] = now + timedelta(seconds=delay)
        return delay

    def replan(self, intervals: dict[Stream, float]) -> None:
        """Move each stream's next read to its last read plus its (new) interval.

        Streams waiting for a connection retry keep their retry time.
        """
        for stream, interval in intervals.items():
            if stream in self.retries:
                continue
            if (last := self.last.get(stream)) is not None:
                self.due[stream] = last + timedelta(seconds=interval)

    def next_due(self, streams: Iterable[Stream], now: datetime) -> datetime:
        """Return when the earliest of the streams is due (now when one was never read)."""
        return min((self.due.get(stream, now) for stream in streams), default=now)

    def forget(self, keep: Iterable[Stream]) -> None:
        """Drop every stream not in keep (a charger left the account or got its LAN back)."""
        wanted = set(keep)
        for table in (self.due, self.last, self.retries):
            for stream in [s for s in table if s not in wanted]:
                del table[stream]


def describe(plan: Plan, schedule: Schedule, device_id: str) -> dict[str, Any] | None:
    """Return one charger's polling plan: intervals, why, and when it is read next."""
    charger = plan.chargers.get(device_id)
    if charger is None:
        return None
    live, settings = (
        schedule.due.get((device_id, "live")),
        schedule.due.get((device_id, "settings")),
    )
    return {
        "live_interval": charger.live,
        "settings_interval": charger.settings,
        "reason": charger.reason,
        "pacing": plan.pacing.value,
        "next_live_read": live.isoformat() if live and charger.live is not None else None,
        "next_settings_read": settings.isoformat() if settings else None,
    }
