"""Simulated time: an injectable wall clock plus a manual forward offset."""

from __future__ import annotations

from collections.abc import Callable
import time


def _wall() -> float:
    """Return the wall clock, looked up at call time so freezegun can patch it."""
    return time.time()


class SimClock:
    """Epoch seconds from a base clock, shifted forward by advance()."""

    def __init__(self, base: Callable[[], float] | None = None) -> None:
        """Use base (default time.time) as the underlying clock."""
        self._base = base if base is not None else _wall
        self.offset = 0.0

    def now(self) -> float:
        """Return the simulated epoch time in seconds."""
        return self._base() + self.offset

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by seconds."""
        if seconds < 0:
            raise ValueError("simulated time only moves forward")
        self.offset += seconds
