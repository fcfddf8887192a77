"""Lifetime charged energy that counts only energy it can attribute to a session.

Pure logic (no Home Assistant imports), property-tested over random interleavings of LAN and
cloud readings, outages, restarts and host changes (tests/test_lifetime.py).

A reading is the session energy and session time (`ChargeTime`) the charger reports, from the LAN
(live) or the cloud (which lags: its values may be minutes old). Rules:

- Within a session the counted energy is the highest reading seen; a lower one (a lagging cloud,
  a rounding difference) adds nothing. So a switch of source never adds energy twice.
- A new session starts only when the charger says so: a source's own session time goes back (the
  live LAN's also when it is behind what a lagging source showed), or the car was seen
  disconnected (state 0) and the session time changed. A number going down on its own is never a
  new session.
- The cloud is not counted while the LAN answered in the last CLOUD_HOLDOFF seconds (a flaky LAN
  never hands the session to a lagging value).
- A reading that cannot belong to what was seen is ignored: session time running ahead of the wall
  clock (a stale cloud value of an older session, another charger's answer), energy rising faster
  than any charger can deliver, or a "new session" older than the time since the last reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

from .api import ChargeState, RealtimeData

ENERGY_NOISE: Final = 0.05
"""kWh: LAN (2 decimals) and cloud (6 decimals) values of the same moment differ by this much."""
TIME_TOLERANCE: Final = 60.0
"""Seconds: poll jitter and whole-second truncation between the charger's clock and ours."""
TIME_JITTER: Final = 5.0
"""Seconds a source's own session time may go back without being a reset (truncation)."""
MAX_POWER_KW: Final = 50.0
"""Above any Trydan (22 kW): a faster rise is not energy this charger delivered."""
CLOUD_HOLDOFF: Final = 300.0
"""Seconds after a LAN reading during which (lagging) cloud readings are not counted."""
CLOUD_LAG: Final = 600.0
"""Seconds a cloud value may be behind: what it shows was true up to this long before."""
LIVE: Final = "lan"


@dataclass(frozen=True, kw_only=True)
class Reading:
    """One session reading: energy (kWh), session time (s), charge state, source."""

    energy: float | None
    time: float | None = None
    state: int | None = None
    source: str = "lan"

    @classmethod
    def of(cls, data: RealtimeData) -> Reading:
        """Return the reading in a live-data update."""
        return cls(
            energy=data.charge_energy,
            time=data.charge_time,
            state=data.charge_state,
            source=data.source,
        )


@dataclass(frozen=True, kw_only=True)
class Lifetime:
    """The lifetime total and the current session it is following (stored across restarts)."""

    total: float = 0.0
    energy: float | None = None
    """Highest session energy counted in the current session (None: no baseline yet)."""
    time: float | None = None
    """Highest session time seen in the current session."""
    at: float | None = None
    """Wall clock (epoch s) when `time` (or the baseline) was seen."""
    energy_at: float | None = None
    """Wall clock when `energy` was reached."""
    ended: bool = False
    """The car was seen disconnected since the session started."""
    end_time: float | None = None
    """The session time the disconnected charger showed (what it keeps showing until a new one)."""
    times: dict[str, float] = field(default_factory=dict)
    """Each source's own last session time in this session (its own stream never goes back)."""
    lan_at: float | None = None
    """Wall clock of the last LAN reading: the cloud is not counted while the LAN is recent."""

    def feed(self, reading: Reading, now: float) -> Lifetime:
        """Return the state after one reading taken at wall time `now` (epoch seconds)."""
        energy, time = reading.energy, reading.time
        if energy is None or energy < 0 or (time is not None and time < 0):
            return self
        if reading.source == LIVE:
            follower = replace(self, lan_at=now)
        elif self.lan_at is not None and 0 <= now - self.lan_at < CLOUD_HOLDOFF:
            return self  # the LAN answered recently: a lagging cloud value adds nothing
        else:
            follower = self
        return follower._feed(reading, now)

    def _feed(self, reading: Reading, now: float) -> Lifetime:
        """Apply the session rules to a reading from the source being followed."""
        disconnected = reading.state == ChargeState.DISCONNECTED
        if self.energy is None:
            after = self._start(reading, now, add=False)
        elif self._is_new_session(reading):
            if not self._plausible_start(reading, now):
                return self
            after = self._start(reading, now, add=True)
        else:
            after = self._continue(reading, now)
            if after is self:
                # A rejected (stale) reading says nothing, a disconnect included.
                return self
        if disconnected and not after.ended:
            return replace(after, ended=True, end_time=reading.time)
        return after

    # ---- rules ---------------------------------------------------------------------------

    def _is_new_session(self, reading: Reading) -> bool:
        """Return True when the charger says a new session started."""
        time = reading.time
        if time is None:
            return False
        if reading.state == ChargeState.DISCONNECTED:
            # What a disconnected charger shows of the session just ended is firmware-specific
            # (some may zero the time): only a change after the first disconnect is a new one.
            return self.ended and self.end_time is not None and abs(time - self.end_time) >= 1
        own = self.times.get(reading.source)
        if own is not None and time < own - TIME_JITTER:
            return True
        if reading.source == LIVE and self.time is not None and time < self.time - TIME_JITTER:
            return True  # the live LAN is never behind a lagging source within a session
        # After a disconnect the old session is over: any other session time is a new one.
        return self.ended and self.end_time is not None and abs(time - self.end_time) >= 1

    def _plausible_start(self, reading: Reading, now: float) -> bool:
        """Return True when a new session of this age could have started since the last one."""
        assert reading.time is not None
        assert reading.energy is not None
        if self.at is not None and reading.time > now - self.at + TIME_TOLERANCE:
            return False
        return reading.energy <= _max_energy(reading.time + TIME_TOLERANCE)

    def _start(self, reading: Reading, now: float, *, add: bool) -> Lifetime:
        """Begin following a session at this reading (adding its energy when it is new)."""
        energy = reading.energy or 0.0
        seen = _seen_at(reading, now)
        return Lifetime(
            total=self.total + energy if add else self.total,
            energy=energy,
            time=reading.time,
            at=seen,
            energy_at=seen,
            times={} if reading.time is None else {reading.source: reading.time},
            lan_at=self.lan_at,
        )

    def _continue(self, reading: Reading, now: float) -> Lifetime:
        """Count a reading of the current session (only energy above what was counted)."""
        energy, time = reading.energy, reading.time
        assert energy is not None
        if self.energy is None:
            return self._start(reading, now, add=False)
        if (
            time is not None
            and self.time is not None
            and self.at is not None
            and time > self.time + (now - self.at) + TIME_TOLERANCE
        ):
            return self  # runs ahead of the wall clock: not this session's reading
        gained = energy - self.energy
        if (
            gained > 0
            and self.energy_at is not None
            and gained > _max_energy(now - self.energy_at + TIME_TOLERANCE) + ENERGY_NOISE
        ):
            return self  # faster than any charger: not energy this charger delivered
        times = dict(self.times)
        if time is not None:
            times[reading.source] = max(time, times.get(reading.source, time))
        ahead = time is not None and (self.time is None or time > self.time)
        seen = _seen_at(reading, now)
        return replace(
            self,
            total=self.total + max(gained, 0.0),
            energy=max(energy, self.energy),
            energy_at=seen if gained > 0 else self.energy_at,
            time=time if ahead else self.time,
            at=seen if ahead else self.at,
            times=times,
        )

    # ---- storage -------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form (`last` keeps the name of the earlier format)."""
        return {
            "total": self.total,
            "last": self.energy,
            "time": self.time,
            "at": self.at,
            "energy_at": self.energy_at,
            "ended": self.ended,
            "end_time": self.end_time,
            "times": dict(self.times),
            "lan_at": self.lan_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lifetime | None:
        """Restore (the earlier {total, last} form too), or None when the total is unusable."""
        total = _number(data.get("total"))
        if total is None or total < 0:
            return None
        times = data.get("times")
        return cls(
            total=total,
            energy=_number(data.get("last")),
            time=_number(data.get("time")),
            at=_number(data.get("at")),
            energy_at=_number(data.get("energy_at")),
            ended=data.get("ended") is True,
            end_time=_number(data.get("end_time")),
            times={
                str(key): number
                for key, value in (times.items() if isinstance(times, dict) else ())
                if (number := _number(value)) is not None
            },
            lan_at=_number(data.get("lan_at")),
        )


def _seen_at(reading: Reading, now: float) -> float:
    """Return when the reading's values were (at the latest) true: a cloud value may be old."""
    return now if reading.source == LIVE else now - CLOUD_LAG


def _max_energy(seconds: float) -> float:
    """Return the most energy (kWh) any charger can deliver in seconds."""
    return MAX_POWER_KW * max(seconds, 0.0) / 3600


def _number(value: Any) -> float | None:
    """Return value as a float when it is a real number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
