"""Charging sessions seen in the live data: start/finish transitions (lifetime.py: energy).

Pure logic (no Home Assistant imports) so every sequence of readings is unit-tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .api import ChargeState, RealtimeData


@dataclass(frozen=True, kw_only=True)
class SessionEvent:
    """A charging session started or finished."""

    kind: Literal["charging_started", "charging_finished"]
    energy: float | None
    duration: int | None
    peak_power: float | None
    path: Literal["lan", "cloud"]


class SessionTracker:
    """Turn successive live readings into session start/finish events (real transitions only)."""

    def __init__(self) -> None:
        """Start without a known state: the first reading never fires."""
        self._charging: bool | None = None
        self._peak = 0.0
        self._energy: float | None = None
        self._duration: int | None = None

    def feed(self, data: RealtimeData | None) -> SessionEvent | None:
        """Feed one reading; return an event on a start/finish transition."""
        if data is None or data.charge_state is None:
            return None
        charging = data.charge_state == ChargeState.CHARGING
        previous, self._charging = self._charging, charging
        if charging:
            if previous is not True:
                self._peak, self._energy, self._duration = 0.0, None, None
            self._peak = max(self._peak, data.charge_power or 0.0)
            self._energy = data.charge_energy if data.charge_energy is not None else self._energy
            self._duration = data.charge_time if data.charge_time is not None else self._duration
        if previous is None or previous == charging:
            return None
        if charging:
            return SessionEvent(
                kind="charging_started",
                energy=data.charge_energy,
                duration=data.charge_time,
                peak_power=data.charge_power,
                path=data.source,
            )
        energy = max((e for e in (self._energy, data.charge_energy) if e is not None), default=None)
        duration = max(
            (d for d in (self._duration, data.charge_time) if d is not None), default=None
        )
        return SessionEvent(
            kind="charging_finished",
            energy=energy,
            duration=duration,
            peak_power=self._peak,
            path=data.source,
        )
