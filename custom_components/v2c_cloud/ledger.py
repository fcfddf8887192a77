"""The day's cloud call ledger, persisted so a restart does not burn extra budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store

from .api import Pairing, RateLimitSnapshot
from .const import DOMAIN, STORAGE_VERSION

SAVE_DELAY = 30


@dataclass(kw_only=True)
class CallLedger:
    """Count today's cloud calls and remember the last quota headers and pairings."""

    hass: HomeAssistant
    entry_id: str
    day: date = field(default_factory=lambda: datetime.now(UTC).date())
    calls: int = 0
    rate_limit: RateLimitSnapshot | None = None
    pairings: list[Pairing] = field(default_factory=list)
    _store: Store[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self._store = Store(self.hass, STORAGE_VERSION, f"{DOMAIN}.{self.entry_id}")

    async def async_load(self, now: datetime) -> None:
        """Restore today's count (a count from an earlier day is dropped) and the pairings."""
        if not (stored := await self._store.async_load()):
            return
        self.pairings = [
            Pairing(
                device_id=item["device_id"],
                name=item["name"],
                model=item.get("model"),
                ip=item.get("ip"),
            )
            for item in stored.get("pairings", [])
            if isinstance(item, dict) and isinstance(item.get("device_id"), str)
        ]
        if stored.get("day") == now.astimezone(UTC).date().isoformat():
            self.day = now.astimezone(UTC).date()
            self.calls = int(stored.get("calls", 0))
            self.rate_limit = _snapshot_from_dict(stored.get("rate_limit"))

    def record(self, now: datetime, calls: int, rate_limit: RateLimitSnapshot | None) -> None:
        """Add calls made up to `now` and keep the newest quota snapshot."""
        if (today := now.astimezone(UTC).date()) != self.day:
            self.day, self.calls = today, 0
        self.calls += calls
        self.rate_limit = rate_limit or self.rate_limit
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def remember_pairings(self, pairings: list[Pairing]) -> None:
        """Persist the pairing list when it changed (seeds a start while the cloud is down)."""
        if list(map(_stored, pairings)) != list(map(_stored, self.pairings)):
            self.pairings = list(pairings)
            self._store.async_delay_save(self._data, SAVE_DELAY)

    def remaining_today(self, now: datetime) -> int | None:
        """Return the server's last known remainder if it belongs to today's window."""
        snap = self.rate_limit
        if snap is None or snap.observed_at.astimezone(UTC).date() != now.astimezone(UTC).date():
            return None
        return snap.remaining

    def as_dict(self) -> dict[str, Any]:
        """Return the ledger for diagnostics."""
        data = self._data()
        data["known_chargers"] = len(data.pop("pairings"))
        return data

    async def async_flush(self) -> None:
        """Write the ledger now (unload), instead of waiting for the delayed save."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the persisted ledger (the entry is being removed)."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "calls": self.calls,
            "rate_limit": self.rate_limit.as_dict() if self.rate_limit else None,
            "pairings": [_stored(p) for p in self.pairings],
        }


def _stored(pairing: Pairing) -> dict[str, Any]:
    return {k: v for k, v in pairing.as_dict().items() if k != "raw"}


def _snapshot_from_dict(data: Any) -> RateLimitSnapshot | None:
    """Restore a quota snapshot, ignoring anything malformed."""
    if not isinstance(data, dict):
        return None
    try:
        observed = datetime.fromisoformat(str(data["observed_at"]))
    except (KeyError, ValueError):
        return None

    def _int(key: str) -> int | None:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return RateLimitSnapshot(
        limit=_int("limit"),
        remaining=_int("remaining"),
        reset=_int("reset"),
        observed_at=observed if observed.tzinfo else observed.replace(tzinfo=UTC),
    )


def set_quota_issue(hass: HomeAssistant, entry_id: str, *, exhausted: bool) -> None:
    """Raise or clear the repair issue telling that the day's quota is used up."""
    issue_id = f"quota_exhausted_{entry_id}"
    if exhausted:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="quota_exhausted",
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
