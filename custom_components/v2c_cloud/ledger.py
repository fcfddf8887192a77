"""The day's cloud call ledger, persisted so a restart does not burn extra budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store

from .api import Pairing, RateLimitSnapshot
from .const import DOMAIN, STORAGE_VERSION

SAVE_DELAY = 30


class _StoredPairing(TypedDict):
    """A pairing as persisted."""

    device_id: str
    name: str
    model: str | None
    ip: str | None


class _StoredLedger(TypedDict, total=False):
    """The persisted ledger."""

    day: str
    calls: int
    rate_limit: dict[str, Any] | None
    pairings: list[_StoredPairing]


@dataclass(kw_only=True)
class CallLedger:
    """Count today's cloud calls and remember the last quota headers and pairings."""

    hass: HomeAssistant
    entry_id: str
    day: date = field(default_factory=lambda: datetime.now(UTC).date())
    calls: int = 0
    rate_limit: RateLimitSnapshot | None = None
    pairings: list[Pairing] = field(default_factory=list)
    _store: Store[_StoredLedger] | None = None

    def __post_init__(self) -> None:
        """Create the backing store."""
        self._store = Store(self.hass, STORAGE_VERSION, f"{DOMAIN}.{self.entry_id}")

    async def async_load(self, now: datetime) -> None:
        """Restore today's count (a count from an earlier day is dropped) and the pairings."""
        assert self._store is not None
        stored = await self._store.async_load()
        if not stored:
            return
        self.pairings = [
            Pairing(
                device_id=item["device_id"],
                name=item["name"],
                model=item.get("model"),
                ip=item.get("ip"),
                raw={},
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
        today = now.astimezone(UTC).date()
        if today != self.day:
            self.day, self.calls = today, 0
        self.calls += calls
        if rate_limit is not None:
            self.rate_limit = rate_limit
        self._schedule_save()

    def remember_pairings(self, pairings: list[Pairing]) -> None:
        """Persist the pairing list when it changed (seeds a start while the cloud is down)."""
        if [(p.device_id, p.name, p.model, p.ip) for p in pairings] == [
            (p.device_id, p.name, p.model, p.ip) for p in self.pairings
        ]:
            return
        self.pairings = list(pairings)
        self._schedule_save()

    def remaining_today(self, now: datetime) -> int | None:
        """Return the server's last known remainder if it belongs to today's window."""
        snap = self.rate_limit
        if snap is None or snap.remaining is None:
            return None
        if snap.observed_at.astimezone(UTC).date() != now.astimezone(UTC).date():
            return None
        return snap.remaining

    def as_dict(self) -> dict[str, Any]:
        """Return the ledger for diagnostics."""
        return {
            "day": self.day.isoformat(),
            "calls": self.calls,
            "rate_limit": _snapshot_to_dict(self.rate_limit),
            "known_chargers": len(self.pairings),
        }

    async def async_flush(self) -> None:
        """Write the ledger now (unload), instead of waiting for the delayed save."""
        assert self._store is not None
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the persisted ledger (the entry is being removed)."""
        assert self._store is not None
        await self._store.async_remove()

    def _schedule_save(self) -> None:
        """Save a little later, coalescing bursts of updates."""
        assert self._store is not None
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> _StoredLedger:
        """Return what is persisted."""
        return {
            "day": self.day.isoformat(),
            "calls": self.calls,
            "rate_limit": _snapshot_to_dict(self.rate_limit),
            "pairings": [
                {"device_id": p.device_id, "name": p.name, "model": p.model, "ip": p.ip}
                for p in self.pairings
            ],
        }


def _snapshot_to_dict(snap: RateLimitSnapshot | None) -> dict[str, Any] | None:
    """Serialise a quota snapshot."""
    if snap is None:
        return None
    return {
        "limit": snap.limit,
        "remaining": snap.remaining,
        "reset": snap.reset,
        "observed_at": snap.observed_at.isoformat(),
    }


def _snapshot_from_dict(data: Any) -> RateLimitSnapshot | None:
    """Restore a quota snapshot, ignoring anything malformed."""
    if not isinstance(data, dict):
        return None
    try:
        observed = datetime.fromisoformat(str(data["observed_at"]))
    except (KeyError, ValueError):
        return None
    if observed.tzinfo is None:
        observed = observed.replace(tzinfo=UTC)

    def _int(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return RateLimitSnapshot(
        limit=_int(data.get("limit")),
        remaining=_int(data.get("remaining")),
        reset=_int(data.get("reset")),
        observed_at=observed,
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
