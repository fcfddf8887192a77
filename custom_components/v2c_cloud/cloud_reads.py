"""What the cloud knows about the account, and how it is read: pairings, streams, periodic data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .api import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    ReportedState,
    RfidCard,
    V2CAuthenticationError,
    V2CCloudClient,
    V2CError,
    V2CRateLimitError,
)
from .budget import Kind, Stream, periodic_plan
from .const import LOGGER
from .ledger import CallLedger
from .schedule import TOLERANCE, Fetched, Schedule, anchor

VERSION_RETRY = 3_600.0
RFID_RETRY = 1_800.0
PAIRINGS_RETRY = timedelta(minutes=10)


@dataclass(frozen=True, kw_only=True)
class ChargerCloud:
    """One charger's cloud data; all None without a cloud account or before the first read."""

    pairing: Pairing | None = None
    reported: ReportedState | None = None
    status: ChargeStatus | None = None
    firmware: FirmwareInfo | None = None
    cards: list[RfidCard] | None = None
    updated: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class V2CCloudData:
    """What the cloud knows about the account: one record per paired charger."""

    chargers: dict[str, ChargerCloud] = field(default_factory=dict)
    updated_at: datetime | None = None
    """When the last regular cycle succeeded."""
    quota_exhausted: bool = False

    @classmethod
    def seed(cls, pairings: Iterable[Pairing]) -> V2CCloudData:
        """Return the data of known pairings before anything else was read."""
        return cls(chargers={p.device_id: ChargerCloud(pairing=p) for p in pairings})

    @property
    def pairings(self) -> dict[str, Pairing]:
        """Return the account's pairings by device id."""
        return {d: c.pairing for d, c in self.chargers.items() if c.pairing is not None}


async def _quietly[T](call: Awaitable[T], device_id: str) -> T | V2CError:
    """Await a read; 429 and authentication errors propagate, others are returned."""
    try:
        return await call
    except (V2CRateLimitError, V2CAuthenticationError):
        raise
    except V2CError as err:
        LOGGER.debug("Cloud read for %s failed: %s", device_id, err)
        return err


@dataclass(kw_only=True)
class CloudReader:
    """Read the account's pairings, a charger's streams, and its firmware and RFID list."""

    client: V2CCloudClient
    ledger: CallLedger
    schedule: Schedule
    wants_live: Callable[[str, Pairing | None], bool]
    """Tell which chargers lack a working LAN (their live status comes from the cloud)."""
    pairings_due: datetime | None = None
    missing: set[str] = field(default_factory=set)
    """Chargers gone from the last pairings answer: a second answer confirms the removal."""
    next_version: dict[str, datetime] = field(default_factory=dict)
    next_rfid: dict[str, datetime] = field(default_factory=dict)

    def live(self, pairings: dict[str, Pairing]) -> list[str]:
        """Return the chargers whose live status comes from the cloud."""
        return [d for d, p in pairings.items() if self.wants_live(d, p)]

    def streams(self, pairings: dict[str, Pairing]) -> list[Stream]:
        """Return every stream of the account, live ones first (they matter most)."""
        return [*((d, "live") for d in self.live(pairings)), *((d, "settings") for d in pairings)]

    async def read_due(
        self, now: datetime, cached: dict[str, Pairing], *, probe: bool
    ) -> tuple[dict[str, Pairing], dict[str, Fetched]]:
        """Read the pairings when due and every due stream; raise when every read failed.

        With `probe` (the cloud was unreachable), one call tests it first.
        """
        results: dict[str, Fetched] = {}
        probed: Stream | None = None
        if probe and (due := self.schedule.due_now(self.streams(cached), now)):
            probed = due[0]
            results[probed[0]] = await self.charger(probed[0], [probed[1]])
            self.schedule.raise_if_down(results, now)
        pairings = await self.pairings(now, cached)
        jobs: dict[str, list[Kind]] = {}
        for stream in self.schedule.due_now(self.streams(pairings), now):
            if stream != probed:
                jobs.setdefault(stream[0], []).append(stream[1])
        outcomes = await asyncio.gather(
            *(self.charger(d, kinds, now, len(pairings)) for d, kinds in jobs.items()),
            return_exceptions=True,
        )
        for device_id, outcome in zip(jobs, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            if (first := results.get(device_id)) is not None:
                outcome.status = outcome.status or first.status
                outcome.reported = outcome.reported or first.reported
            results[device_id] = outcome
        self.schedule.raise_if_down(results, now)
        return pairings, results

    async def pairings(self, now: datetime, cached: dict[str, Pairing]) -> dict[str, Pairing]:
        """Return the pairings, fetched at most hourly (or sooner to confirm a removal)."""
        if cached and self.pairings_due is not None and now + TOLERANCE < self.pairings_due:
            return cached
        try:
            fetched = await self.client.pairings()
        except V2CRateLimitError:
            raise
        except V2CError as err:
            # Some keys get 403 here yet may use /device/* (PROTOCOL.md §5.1): keep the cache.
            if not cached or (isinstance(err, V2CAuthenticationError) and err.status != 403):
                raise
            LOGGER.debug("Pairings failed (%s); using the cached list", err)
            self.pairings_due = now + PAIRINGS_RETRY
            return cached
        every = periodic_plan(max(len(fetched), 1)).pairings
        self.pairings_due = anchor(now, self.pairings_due) + timedelta(seconds=every)
        result = {p.device_id: p for p in fetched}
        gone = set(cached) - set(result)
        if unconfirmed := gone - self.missing:
            result |= {device_id: cached[device_id] for device_id in unconfirmed}
            self.pairings_due = now
        self.missing = gone
        self.ledger.remember_pairings(list(result.values()))
        return result

    async def charger(
        self, device_id: str, kinds: list[Kind], now: datetime | None = None, count: int = 1
    ) -> Fetched:
        """Read one charger's streams; with `now`, also its firmware and RFID list when due.

        `count` is the number of chargers, which stretches the periodic reads of large accounts.
        """
        result = Fetched()
        for kind in kinds:
            read: Callable[[str], Awaitable[ChargeStatus | ReportedState]] = (
                self.client.charge_status if kind == "live" else self.client.reported
            )
            got = await _quietly(read(device_id), device_id)
            if isinstance(got, V2CError):
                result.errors[kind] = got
            elif isinstance(got, ChargeStatus):
                result.status = got
            else:
                result.reported = got
        if now is not None and result.ok:
            plan = periodic_plan(max(count, 1))
            result.firmware = await self._when_due(
                self.next_version, self.client.version, device_id, now, plan.version, VERSION_RETRY
            )
            result.cards = await self._when_due(
                self.next_rfid, self.client.rfid_cards, device_id, now, plan.rfid, RFID_RETRY
            )
        return result

    @staticmethod
    async def _when_due[T](
        table: dict[str, datetime],
        read: Callable[[str], Awaitable[T]],
        device_id: str,
        now: datetime,
        every: float,
        retry: float,
    ) -> T | None:
        """Read when `table` says it is due (None: not due or failed) and set the next time."""
        if now + TOLERANCE < (due := table.get(device_id, now)):
            return None
        got = await _quietly(read(device_id), device_id)
        value = None if isinstance(got, V2CError) else got
        wait = every if value is not None else retry
        table[device_id] = anchor(now, due) + timedelta(seconds=wait)
        return value


def _newer[T](new: T | None, old: T | None) -> T | None:
    return old if new is None else new


def merge(
    data: V2CCloudData,
    pairings: dict[str, Pairing],
    results: dict[str, Fetched],
    now: datetime,
    live: Collection[str],
) -> V2CCloudData:
    """Return data with the cycle's results applied; values not read this cycle are kept.

    Chargers gone from `pairings` are dropped, and the live status of chargers outside `live`
    (their LAN works again), so a stale one is never shown when the LAN fails later.
    """
    chargers: dict[str, ChargerCloud] = {}
    for device_id, pairing in pairings.items():
        old = data.chargers.get(device_id, ChargerCloud())
        got = results.get(device_id, Fetched())
        chargers[device_id] = ChargerCloud(
            pairing=pairing,
            reported=_newer(got.reported, old.reported),
            status=_newer(got.status, old.status if device_id in live else None),
            firmware=_newer(got.firmware, old.firmware),
            cards=_newer(got.cards, old.cards),
            updated=now if got.ok else old.updated,
        )
    return replace(data, chargers=chargers, quota_exhausted=False)
