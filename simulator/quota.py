"""Per-API-key daily call quota over UTC-day windows of the simulator clock."""

from __future__ import annotations

from collections.abc import Callable

SECONDS_PER_DAY = 86_400


class QuotaTracker:
    """Count cloud calls per API key; the count resets at each UTC midnight."""

    def __init__(self, *, limit: int, clock: Callable[[], float]) -> None:
        """Allow limit calls per key and UTC day of clock."""
        if limit < 0:
            raise ValueError("quota limit must not be negative")
        self.limit = limit
        self._clock = clock
        self._counts: dict[str, tuple[int, int]] = {}

    def _today(self) -> int:
        """Return the UTC day number of the clock."""
        return int(self._clock() // SECONDS_PER_DAY)

    def used(self, api_key: str) -> int:
        """Return the calls api_key made in the current UTC day."""
        day, count = self._counts.get(api_key, (self._today(), 0))
        return count if day == self._today() else 0

    def remaining(self, api_key: str) -> int:
        """Return the calls api_key has left today."""
        return max(self.limit - self.used(api_key), 0)

    def set_used(self, api_key: str, count: int) -> None:
        """Pretend api_key already made count calls today."""
        if count < 0:
            raise ValueError("used count must not be negative")
        self._counts[api_key] = (self._today(), count)

    def consume(self, api_key: str) -> bool:
        """Count one call; return False when it exceeds the daily limit."""
        count = self.used(api_key) + 1
        self._counts[api_key] = (self._today(), count)
        return count <= self.limit
