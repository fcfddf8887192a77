"""What the cloud knows about the account, and one charger's reads within a cycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from .api import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    ReportedState,
    RfidCard,
    V2CAuthenticationError,
    V2CCloudClient,
    V2CConnectionError,
    V2CError,
    V2CRateLimitError,
)
from .const import LOGGER
from .schedule import Kind, Schedule, Stream


@dataclass(frozen=True, kw_only=True)
class V2CCloudData:
    """What the cloud knows about the account's chargers."""

    pairings: dict[str, Pairing] = field(default_factory=dict)
    reported: dict[str, ReportedState] = field(default_factory=dict)
    charge_status: dict[str, ChargeStatus] = field(default_factory=dict)
    firmware: dict[str, FirmwareInfo] = field(default_factory=dict)
    rfid_cards: dict[str, list[RfidCard]] = field(default_factory=dict)
    updated_at: datetime | None = None
    """When the last regular cycle succeeded."""
    charger_updated: dict[str, datetime] = field(default_factory=dict)
    """When each charger's cloud data was last read (regular cycle or confirming read)."""
    quota_exhausted: bool = False

    def charger(self, device_id: str) -> ChargerCloud:
        """Return what the cloud knows about one charger."""
        return ChargerCloud(
            pairing=self.pairings.get(device_id),
            reported=self.reported.get(device_id),
            status=self.charge_status.get(device_id),
            firmware=self.firmware.get(device_id),
            cards=self.rfid_cards.get(device_id),
            updated=self.charger_updated.get(device_id),
        )


@dataclass(frozen=True, kw_only=True)
class ChargerCloud:
    """One charger's cloud data; all None without a cloud account or before the first read."""

    pairing: Pairing | None = None
    reported: ReportedState | None = None
    status: ChargeStatus | None = None
    firmware: FirmwareInfo | None = None
    cards: list[RfidCard] | None = None
    updated: datetime | None = None


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


def reached(err: V2CError) -> bool:
    """Return True when a failed call reached the server (and may have cost quota)."""
    return not isinstance(err, V2CConnectionError)


async def fetch(client: V2CCloudClient, device_id: str, kinds: list[Kind]) -> Fetched:
    """Read the given streams of one charger; 429 and authentication errors propagate."""
    result = Fetched()
    for kind in kinds:
        try:
            if kind == "live":
                result.status = await client.charge_status(device_id)
            else:
                result.reported = await client.reported(device_id)
        except (V2CRateLimitError, V2CAuthenticationError):
            raise
        except V2CError as err:
            LOGGER.debug("Cloud %s of %s failed: %s", kind, device_id, err)
            result.errors[kind] = err
    return result


async def fetch_firmware(client: V2CCloudClient, device_id: str) -> FirmwareInfo | None:
    """Read a charger's firmware (None when unavailable)."""
    try:
        return await client.version(device_id)
    except (V2CRateLimitError, V2CAuthenticationError):
        raise
    except V2CError as err:
        LOGGER.debug("Firmware of %s unavailable: %s", device_id, err)
        return None


async def fetch_cards(client: V2CCloudClient, device_id: str) -> list[RfidCard] | None:
    """Read a charger's RFID cards (None when unavailable)."""
    try:
        return await client.rfid_cards(device_id)
    except (V2CRateLimitError, V2CAuthenticationError):
        raise
    except V2CError as err:
        LOGGER.debug("RFID list of %s unavailable: %s", device_id, err)
        return None


def merge(
    data: V2CCloudData,
    pairings: dict[str, Pairing],
    results: dict[str, Fetched],
    now: datetime,
    live: set[str],
) -> V2CCloudData:
    """Return data with the cycle's results applied.

    Chargers gone from `pairings` are dropped, and the live status of chargers outside `live`
    (their LAN works again), so a stale one is never shown when the LAN fails later.
    """

    def keep[T](
        table: dict[str, T], wanted: set[str] | dict[str, Pairing] = pairings
    ) -> dict[str, T]:
        return {d: v for d, v in table.items() if d in wanted}

    new = replace(
        data,
        pairings=pairings,
        reported=keep(data.reported),
        charge_status=keep(data.charge_status, live),
        firmware=keep(data.firmware),
        rfid_cards=keep(data.rfid_cards),
        charger_updated=keep(data.charger_updated),
        quota_exhausted=False,
    )
    for device_id, fetched in results.items():
        if device_id not in pairings:
            continue
        if fetched.reported is not None:
            new.reported[device_id] = fetched.reported
        if fetched.status is not None:
            new.charge_status[device_id] = fetched.status
        if fetched.firmware is not None:
            new.firmware[device_id] = fetched.firmware
        if fetched.cards is not None:
            new.rfid_cards[device_id] = fetched.cards
        if fetched.ok:
            new.charger_updated[device_id] = now
    return new


def mark(
    schedule: Schedule,
    results: dict[str, Fetched],
    now: datetime,
    interval: Callable[[Stream], float],
    *,
    only_answered: bool = False,
) -> None:
    """Move the next read of every stream read or tried (`only_answered`: answered errors only)."""
    kinds: tuple[Kind, ...] = ("live", "settings")
    for device_id, fetched in results.items():
        for kind in kinds:
            stream: Stream = (device_id, kind)
            value = fetched.status if kind == "live" else fetched.reported
            if value is not None and not only_answered:
                schedule.read(stream, now, interval(stream))
            elif (err := fetched.errors.get(kind)) is not None and (
                reached(err) or not only_answered
            ):
                schedule.failed(stream, now, interval(stream), reached=reached(err))
