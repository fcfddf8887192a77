"""The slow-changing cloud data: pairings (hourly), firmware (12 h) and RFID lists (6 h)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .api import Pairing, V2CAuthenticationError, V2CCloudClient, V2CError, V2CRateLimitError
from .budget import periodic_plan
from .cloud_reads import Fetched, fetch_cards, fetch_firmware
from .const import LOGGER
from .ledger import CallLedger
from .schedule import TOLERANCE, anchor

VERSION_RETRY = timedelta(hours=1)
RFID_RETRY = timedelta(minutes=30)
PAIRINGS_RETRY = timedelta(minutes=10)


@dataclass(kw_only=True)
class PairingsCache:
    """Fetch the account's pairings when due; a charger gone from one answer needs a second."""

    next_due: datetime | None = None
    missing: set[str] = field(default_factory=set)

    async def get(
        self,
        client: V2CCloudClient,
        ledger: CallLedger,
        now: datetime,
        cached: dict[str, Pairing],
    ) -> dict[str, Pairing]:
        """Return the pairings, fetched at most hourly (or sooner to confirm a removal)."""
        if cached and self.next_due is not None and now + TOLERANCE < self.next_due:
            return cached
        try:
            fetched = await client.pairings()
        except V2CRateLimitError:
            raise
        except V2CError as err:
            # Some keys get 403 here yet may use /device/* (PROTOCOL.md §5.1): keep the cache.
            if not cached or (isinstance(err, V2CAuthenticationError) and err.status != 403):
                raise
            LOGGER.debug("Pairings failed (%s); using the cached list", err)
            self.next_due = now + PAIRINGS_RETRY
            return cached
        plan = periodic_plan(max(len(fetched), 1))
        self.next_due = anchor(now, self.next_due) + timedelta(seconds=plan.pairings)
        result = {p.device_id: p for p in fetched}
        gone = set(cached) - set(result)
        unconfirmed = gone - self.missing
        self.missing = gone
        for device_id in unconfirmed:
            result[device_id] = cached[device_id]
        if unconfirmed:
            self.next_due = now
        ledger.remember_pairings(list(result.values()))
        return result


@dataclass(kw_only=True)
class SlowReads:
    """Read a charger's firmware and RFID list along with its regular reads, when due."""

    next_version: dict[str, datetime] = field(default_factory=dict)
    next_rfid: dict[str, datetime] = field(default_factory=dict)

    async def add(
        self, client: V2CCloudClient, device_id: str, fetched: Fetched, now: datetime, count: int
    ) -> None:
        """Add the firmware and RFID list to `fetched` when they are due."""
        plan = periodic_plan(max(count, 1))
        if now + TOLERANCE >= (due := self.next_version.get(device_id, now)):
            fetched.firmware = await fetch_firmware(client, device_id)
            wait = timedelta(seconds=plan.version) if fetched.firmware else VERSION_RETRY
            self.next_version[device_id] = anchor(now, due) + wait
        if now + TOLERANCE >= (due := self.next_rfid.get(device_id, now)):
            fetched.cards = await fetch_cards(client, device_id)
            wait = timedelta(seconds=plan.rfid) if fetched.cards is not None else RFID_RETRY
            self.next_rfid[device_id] = anchor(now, due) + wait
