"""The budget-aware cloud coordinator: each charger's cloud streams read when they are due."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import Pairing, V2CAuthenticationError, V2CCloudClient, V2CError, V2CRateLimitError
from .budget import (
    FLOOR,
    ChargerInput,
    Kind,
    PlanInputs,
    activity_of,
    backoff_interval,
    plan_polling,
)
from .cloud_reads import ChargerCloud, CloudReader, V2CCloudData, merge
from .const import CLOUD_CONFIRM_DELAY, DOMAIN, LOGGER
from .ledger import CallLedger, set_quota_issue
from .schedule import Fetched, Schedule, reached, retry_delay

__all__ = ["ChargerCloud", "V2CCloudCoordinator", "V2CCloudData"]

REPLAN_SETTLE = 10.0


class V2CCloudCoordinator(DataUpdateCoordinator[V2CCloudData]):
    """Poll the V2C Cloud within the daily quota, most often where something happens.

    Each charger has a live-status stream (without a working LAN) and a settings stream, each
    with its own next-due time (budget.py, schedule.py); `update_interval` is the time until the
    next one is due, so a cycle reads only what is due.
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry: ConfigEntry,
        client: V2CCloudClient,
        ledger: CallLedger,
        wants_charge_status: Callable[[str, Pairing | None], bool],
    ) -> None:
        """Create the coordinator; `wants_charge_status` tells which chargers lack a working LAN."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} cloud",
            update_interval=timedelta(seconds=FLOOR),
        )
        self.client = client
        self.ledger = ledger
        self.schedule = Schedule()
        self._reader = CloudReader(
            client=client, ledger=ledger, schedule=self.schedule, wants_live=wants_charge_status
        )
        self._backoff: float | None = None
        self._retry: float | None = None
        self._wake_at: datetime | None = None
        self._confirm_unsubs: dict[str, CALLBACK_TYPE] = {}
        self._counted = client.request_count

    async def _async_update_data(self) -> V2CCloudData:
        """Read what is due and pick when to wake next."""
        now = dt_util.utcnow()
        previous = self.data or V2CCloudData.seed(self.ledger.pairings)
        try:
            pairings, results = await self._reader.read_due(
                now, previous.pairings, probe=self._retry is not None
            )
        except V2CRateLimitError as err:
            set_quota_issue(self.hass, self.config_entry.entry_id, exhausted=True)
            interval = self.update_interval or timedelta(seconds=FLOOR)
            self._backoff, self._retry = backoff_interval(interval.total_seconds()), None
            self._set_wake(now, self._backoff)
            if self.data is None:
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="quota_exhausted"
                ) from err
            LOGGER.debug("Cloud quota exhausted; keeping the last data")
            return replace(self.data, quota_exhausted=True)
        except V2CAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except V2CError as err:
            self._backoff = None
            if reached(err):
                # The server answered with an error: the failed streams wait for their next read.
                self._retry = None
                wait = self._until_due(now)
                self._set_wake(now, wait if wait >= 1 else self.schedule.plan.shortest)
            else:
                # Never reached the server, so it cost nothing: test again soon, with one call.
                self._retry = retry_delay(self._retry, self.schedule.plan.shortest)
                self._set_wake(now, self._retry)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        finally:
            self.account(now)  # before planning: the plan counts this cycle's calls
        data = replace(self._apply(now, self.data or previous, pairings, results), updated_at=now)
        set_quota_issue(self.hass, self.config_entry.entry_id, exhausted=False)
        self._backoff = self._retry = None
        self._set_wake(now, max(self._until_due(now, data), 1.0))
        return data

    def _apply(
        self,
        now: datetime,
        data: V2CCloudData,
        pairings: dict[str, Pairing],
        results: dict[str, Fetched],
    ) -> V2CCloudData:
        """Return data with the results merged; plan again and move the streams read."""
        new = merge(data, pairings, results, now, self._reader.live(pairings))
        self._replan(now, new)
        self.schedule.mark(results, now)
        return new

    def _replan(self, now: datetime, data: V2CCloudData) -> None:
        """Plan every charger's intervals from its activity and the day's budget."""
        live = self._reader.live(data.pairings)
        snap = self.ledger.rate_limit
        plan = plan_polling(
            PlanInputs(
                now=now,
                chargers=[
                    ChargerInput(
                        device_id=d,
                        lan=d not in live,
                        activity=activity_of(c.status.charge_state if c.status else None),
                    )
                    for d, c in data.chargers.items()
                ],
                calls_today=self.ledger.calls,
                remaining=self.ledger.remaining_today(now),
                reset=snap.reset if snap is not None else None,
            )
        )
        self.schedule.replan(self._reader.streams(data.pairings), plan)

    def _until_due(self, now: datetime, data: V2CCloudData | None = None) -> float:
        """Return the seconds until the next stream is due (an empty account: the pairings)."""
        current = data if data is not None else self.data
        pairings = current.pairings if current is not None else {}
        if not pairings and current is not None:
            due = self._reader.pairings_due
            return max((due - now).total_seconds() if due else 0.0, FLOOR)
        return (self.schedule.next_due(self._reader.streams(pairings), now) - now).total_seconds()

    def _set_wake(self, now: datetime, seconds: float) -> None:
        self.update_interval = timedelta(seconds=seconds)
        self._wake_at = now + self.update_interval

    def _rewake(self, now: datetime) -> None:
        """Move the next cycle to when the next stream is due, after a plan change outside one.

        Never sooner than a few seconds (a burst of changes at start-up settles, and a pending
        confirming read goes first); never during a 429 back-off or a connection retry.
        """
        if self._backoff is not None or self._retry is not None or self.data is None:
            return
        wait = self._until_due(now)
        left = (self._wake_at - now).total_seconds() if self._wake_at is not None else None
        if wait < REPLAN_SETTLE:
            if left is not None and left <= REPLAN_SETTLE:
                return  # the next cycle is close anyway
            wait = REPLAN_SETTLE
        if left is not None and abs(left - wait) < 1:
            return
        self._set_wake(now, wait)
        if self._listeners:
            self._schedule_refresh()

    @callback
    def async_replan(self) -> None:
        """Plan again after a charger's needs changed (LAN lost or regained)."""
        if self.data is None or self.data.quota_exhausted or not self.last_update_success:
            return
        now = dt_util.utcnow()
        self._replan(now, self.data)
        self._rewake(now)

    def cloud_state(self, device_id: str) -> ChargerCloud:
        """Return what the cloud knows about one charger."""
        charger = self.data.chargers.get(device_id) if self.data is not None else None
        return charger or ChargerCloud()

    async def async_user_call[T](self, call: Callable[[V2CCloudClient], Awaitable[T]]) -> T:
        """Run a user-initiated call (command, action) and book it; errors propagate."""
        try:
            return await call(self.client)
        finally:
            self.account()

    @callback
    def account(self, now: datetime | None = None) -> None:
        """Book the calls made since the last booking."""
        made = self.client.request_count - self._counted
        self._counted = self.client.request_count
        self.ledger.record(now or dt_util.utcnow(), made, self.client.rate_limit)

    @callback
    def async_rfid_changed(self, device_id: str) -> None:
        """Read the card list again at the charger's next read (a card was added or removed)."""
        self._reader.next_rfid[device_id] = dt_util.utcnow()

    @callback
    def async_seed_from_ledger(self) -> None:
        """Use the persisted pairings while the cloud is unreachable at start-up."""
        self.data = V2CCloudData.seed(self.ledger.pairings)

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
        """Read one charger's shadow (and live status when needed) and publish it.

        Only this charger's data and next reads change: the other chargers' schedule stays.
        """
        data = self.data
        if data is None or device_id not in data.pairings or not self.last_update_success:
            # While the regular cycle fails, one charger's read must not declare the cloud back.
            return
        now = dt_util.utcnow()
        kinds: list[Kind] = (
            ["settings", "live"] if device_id in self._reader.live(data.pairings) else ["settings"]
        )
        try:
            fetched = await self._reader.charger(device_id, kinds)
        except V2CAuthenticationError:
            self.config_entry.async_start_reauth(self.hass)
            return
        except V2CError as err:
            LOGGER.debug("Confirming %s failed: %s", device_id, err)
            return
        finally:
            self.account(now)
        if not fetched.ok or self.data is None:
            return
        new = self._apply(now, self.data, self.data.pairings, {device_id: fetched})
        # Not async_set_updated_data: that would push back every other charger's reads.
        self.data = replace(new, quota_exhausted=self.data.quota_exhausted)
        self._rewake(now)
        self.async_update_listeners()

    @callback
    def async_cancel_confirms(self) -> None:
        """Cancel pending confirmations (unload)."""
        for unsub in self._confirm_unsubs.values():
            unsub()
        self._confirm_unsubs.clear()
