"""The budget-aware cloud coordinator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

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
from .budget import BudgetInputs, backoff_interval, base_interval, paced_interval, periodic_plan
from .const import CLOUD_CONFIRM_DELAY, DOMAIN, LOGGER
from .ledger import CallLedger

if TYPE_CHECKING:
    from .runtime import V2CCloudConfigEntry

VERSION_RETRY = timedelta(hours=1)
RFID_RETRY = timedelta(minutes=30)


@dataclass(frozen=True, kw_only=True)
class V2CCloudData:
    """What the cloud knows about the account's chargers."""

    pairings: dict[str, Pairing] = field(default_factory=dict)
    reported: dict[str, ReportedState] = field(default_factory=dict)
    charge_status: dict[str, ChargeStatus] = field(default_factory=dict)
    firmware: dict[str, FirmwareInfo] = field(default_factory=dict)
    rfid_cards: dict[str, list[RfidCard]] = field(default_factory=dict)
    updated_at: datetime | None = None
    quota_exhausted: bool = False


class _QuotaExhaustedError(Exception):
    """A 429 aborted the cycle."""


class V2CCloudCoordinator(DataUpdateCoordinator[V2CCloudData]):
    """Poll the V2C Cloud as often as the daily quota allows."""

    config_entry: V2CCloudConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry: V2CCloudConfigEntry,
        client: V2CCloudClient,
        ledger: CallLedger,
    ) -> None:
        """Create the coordinator; the first interval assumes one LAN charger."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} cloud",
            update_interval=timedelta(seconds=base_interval(1, 1)),
        )
        self.client = client
        self.ledger = ledger
        # Whether a charger needs /device/currentstatecharge (no working LAN); set by the entry.
        self.wants_charge_status: Callable[[str, Pairing | None], bool] = lambda _id, _p: True
        self._next_pairings: datetime | None = None
        self._next_version: dict[str, datetime] = {}
        self._next_rfid: dict[str, datetime] = {}
        self._missing: set[str] = set()
        self._confirm_unsubs: dict[str, CALLBACK_TYPE] = {}
        self._counted = client.request_count

    # ---- regular cycle -------------------------------------------------------------------

    async def _async_update_data(self) -> V2CCloudData:
        """Run one cycle and pick the next interval."""
        now = dt_util.utcnow()
        previous = self.data or V2CCloudData(
            pairings={p.device_id: p for p in self.ledger.pairings}
        )
        try:
            data = await self._cycle(now, previous)
        except _QuotaExhaustedError as err:
            self._account(now)
            self._set_quota_issue(True)
            interval = self.update_interval or timedelta(seconds=base_interval(1, 1))
            self.update_interval = timedelta(seconds=backoff_interval(interval.total_seconds()))
            if self.data is None:
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="quota_exhausted"
                ) from err
            LOGGER.debug("Cloud quota exhausted; keeping the last data")
            return replace(previous, quota_exhausted=True)
        except V2CAuthenticationError as err:
            self._account(now)
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except V2CError as err:
            self._account(now)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        self._account(now)
        self._set_quota_issue(False)
        self.update_interval = timedelta(seconds=self._plan(now, data))
        return data

    async def _cycle(self, now: datetime, previous: V2CCloudData) -> V2CCloudData:
        """Fetch pairings when due and every charger's state."""
        pairings = await self._pairings(now, previous.pairings)
        results = await asyncio.gather(
            *(self._charger(pairing, now, previous) for pairing in pairings.values()),
            return_exceptions=True,
        )
        data = V2CCloudData(pairings=pairings, updated_at=now)
        failures: list[V2CError] = []
        for device_id, result in zip(pairings, results, strict=True):
            if isinstance(result, V2CRateLimitError):
                raise _QuotaExhaustedError from result
            if isinstance(result, V2CAuthenticationError):
                raise result
            if isinstance(result, V2CError):
                LOGGER.debug("Cloud state of %s failed: %s", device_id, result)
                failures.append(result)
                _store(data, device_id, *_keep(previous, device_id))
            elif isinstance(result, BaseException):
                raise result
            else:
                _store(data, device_id, *result)
        if pairings and len(failures) == len(pairings):
            raise failures[0]
        return data

    async def _pairings(self, now: datetime, cached: dict[str, Pairing]) -> dict[str, Pairing]:
        """Return the pairings, fetched at most hourly (or sooner to confirm a removal)."""
        if cached and self._next_pairings is not None and now < self._next_pairings:
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
            self._next_pairings = now + timedelta(minutes=10)
            return cached
        plan = periodic_plan(max(len(fetched), 1))
        self._next_pairings = now + timedelta(seconds=plan.pairings)
        result = {p.device_id: p for p in fetched}
        # A charger missing from one answer is kept until a second answer confirms it.
        gone = set(cached) - set(result)
        unconfirmed = gone - self._missing
        self._missing = gone
        for device_id in unconfirmed:
            result[device_id] = cached[device_id]
        if unconfirmed:
            self._next_pairings = now
        self.ledger.remember_pairings(list(result.values()))
        return result

    async def _charger(
        self, pairing: Pairing, now: datetime, previous: V2CCloudData
    ) -> tuple[
        ReportedState | None, ChargeStatus | None, FirmwareInfo | None, list[RfidCard] | None
    ]:
        """Fetch one charger: shadow always, live status only without LAN, slow data when due."""
        device_id = pairing.device_id
        reported = await self.client.reported(device_id)
        status = (
            await self.client.charge_status(device_id)
            if self.wants_charge_status(device_id, pairing)
            else None
        )
        plan = periodic_plan(max(len(previous.pairings), 1))
        firmware = previous.firmware.get(device_id)
        if now >= self._next_version.get(device_id, now):
            try:
                firmware = await self.client.version(device_id)
            except (V2CRateLimitError, V2CAuthenticationError):
                raise
            except V2CError as err:
                LOGGER.debug("Firmware of %s unavailable: %s", device_id, err)
                self._next_version[device_id] = now + VERSION_RETRY
            else:
                self._next_version[device_id] = now + timedelta(seconds=plan.version)
        cards = previous.rfid_cards.get(device_id)
        if now >= self._next_rfid.get(device_id, now):
            try:
                cards = await self.client.rfid_cards(device_id)
            except (V2CRateLimitError, V2CAuthenticationError):
                raise
            except V2CError as err:
                LOGGER.debug("RFID list of %s unavailable: %s", device_id, err)
                self._next_rfid[device_id] = now + RFID_RETRY
            else:
                self._next_rfid[device_id] = now + timedelta(seconds=plan.rfid)
        return reported, status, firmware, cards

    # ---- budget --------------------------------------------------------------------------

    def cycle_cost(self, pairings: Mapping[str, Pairing] | None = None) -> int:
        """Return the calls one regular cycle costs."""
        if pairings is None:
            pairings = (self.data or V2CCloudData()).pairings
        return sum(
            1 + int(self.wants_charge_status(device_id, pairing))
            for device_id, pairing in pairings.items()
        )

    @callback
    def async_replan(self) -> None:
        """Recompute the interval after the cycle cost changed (LAN lost or regained)."""
        if self.data is None or self.data.quota_exhausted or not self.last_update_success:
            return
        self.update_interval = timedelta(seconds=self._plan(dt_util.utcnow(), self.data))

    def _plan(self, now: datetime, data: V2CCloudData) -> float:
        """Return the next interval in seconds."""
        snap = self.ledger.rate_limit
        return paced_interval(
            BudgetInputs(
                now=now,
                cycle_cost=self.cycle_cost(data.pairings),
                chargers=max(len(data.pairings), 1),
                calls_today=self.ledger.calls,
                remaining=self.ledger.remaining_today(now),
                reset=snap.reset if snap is not None else None,
            )
        )

    def _account(self, now: datetime) -> None:
        """Book the calls made since the last booking."""
        made = self.client.request_count - self._counted
        self._counted = self.client.request_count
        self.ledger.record(now, made, self.client.rate_limit)

    @callback
    def account(self) -> None:
        """Book calls made outside a cycle (commands, services)."""
        self._account(dt_util.utcnow())

    def _set_quota_issue(self, exhausted: bool) -> None:
        """Raise or clear the quota repair issue."""
        issue_id = f"quota_exhausted_{self.config_entry.entry_id}"
        if exhausted:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="quota_exhausted",
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def async_rfid_changed(self, device_id: str) -> None:
        """Read the card list again at the next cycle (a card was added, renamed or removed)."""
        self._next_rfid[device_id] = dt_util.utcnow()

    @callback
    def async_seed_from_ledger(self) -> None:
        """Use the persisted pairings while the cloud is unreachable at start-up."""
        self.data = V2CCloudData(pairings={p.device_id: p for p in self.ledger.pairings})

    # ---- targeted refresh after a cloud command ------------------------------------------

    @callback
    def async_confirm(self, device_id: str, delay: float = CLOUD_CONFIRM_DELAY) -> None:
        """Re-read one charger's shadow shortly after a cloud command (coalesced)."""
        if unsub := self._confirm_unsubs.pop(device_id, None):
            unsub()

        @callback
        def _fire(_now: datetime) -> None:
            self._confirm_unsubs.pop(device_id, None)
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh_charger(device_id), f"{DOMAIN} confirm {device_id}"
            )

        self._confirm_unsubs[device_id] = async_call_later(self.hass, delay, _fire)

    async def async_refresh_charger(self, device_id: str) -> None:
        """Fetch one charger's shadow (and live status when needed) and publish it."""
        if self.data is None or device_id not in self.data.pairings or not self.last_update_success:
            # While the regular cycle fails, one charger's read must not declare the cloud back.
            return
        now = dt_util.utcnow()
        try:
            reported = await self.client.reported(device_id)
            status = (
                await self.client.charge_status(device_id)
                if self.wants_charge_status(device_id, self.data.pairings.get(device_id))
                else None
            )
        except V2CAuthenticationError:
            self.config_entry.async_start_reauth(self.hass)
            return
        except V2CError as err:
            LOGGER.debug("Confirming %s failed: %s", device_id, err)
            return
        finally:
            self._account(now)
        data = self.data
        new = replace(
            data,
            reported={**data.reported, device_id: reported},
            charge_status={
                **{k: v for k, v in data.charge_status.items() if k != device_id},
                **({device_id: status} if status is not None else {}),
            },
            updated_at=now,
        )
        self.async_set_updated_data(new)

    @callback
    def async_cancel_confirms(self) -> None:
        """Cancel pending confirmations (unload)."""
        for unsub in self._confirm_unsubs.values():
            unsub()
        self._confirm_unsubs.clear()


def _keep(
    previous: V2CCloudData, device_id: str
) -> tuple[ReportedState | None, ChargeStatus | None, FirmwareInfo | None, list[RfidCard] | None]:
    """Return a charger's previous values (used when its fetch failed)."""
    return (
        previous.reported.get(device_id),
        previous.charge_status.get(device_id),
        previous.firmware.get(device_id),
        previous.rfid_cards.get(device_id),
    )


def _store(
    data: V2CCloudData,
    device_id: str,
    reported: ReportedState | None,
    status: ChargeStatus | None,
    firmware: FirmwareInfo | None,
    cards: list[RfidCard] | None,
) -> None:
    """Put one charger's values into the (still being built) cycle result."""
    if reported is not None:
        data.reported[device_id] = reported
    if status is not None:
        data.charge_status[device_id] = status
    if firmware is not None:
        data.firmware[device_id] = firmware
    if cards is not None:
        data.rfid_cards[device_id] = cards
