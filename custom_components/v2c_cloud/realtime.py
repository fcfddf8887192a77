"""One charger's live data and LAN link: its LAN API when it answers, else the cloud's data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import RealtimeData, V2CError, V2CLocalClient, realtime_from_cloud
from .api.local import V2CIdentityError
from .const import (
    DOMAIN,
    LAN_BACKOFF_EXTRA,
    LAN_OUTAGE_REPAIR_AFTER,
    LAN_REQUEST_TIMEOUT,
    LOGGER,
    MODE_LAN,
)
from .coordinator import ChargerCloud, V2CCloudCoordinator
from .helpers import is_usable_lan_host

type Relocate = Callable[[str, str], str | None]
"""Give the charger `answered` the address `host`; return the address it had before."""

READ_KEYS = ("logo_led", "light_led", "charge_mode")


class V2CRealtimeCoordinator(DataUpdateCoordinator[RealtimeData]):
    """Poll one charger's `/RealTimeData` (plus the `/read` keys) and keep its LAN link state.

    While the LAN fails (or for a cloud-path charger) the data is synthesised from the cloud
    coordinator's, which pushes it here (`async_push_cloud`).
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry: ConfigEntry,
        device_id: str,
        cloud: V2CCloudCoordinator | None,
        session: ClientSession,
        sim_mode: bool,
        interval: timedelta,
        fallback_name: str | None = None,
        relocate: Relocate = lambda _answered, _host: None,
    ) -> None:
        """Create the coordinator (`cloud` is None for a LAN-only entry); `configure` sets it up."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {device_id}",
            update_interval=interval,
            always_update=False,
        )
        self.device_id = device_id
        self.cloud = cloud
        self.base_interval = interval
        self._session, self._sim_mode = session, sim_mode
        self._fallback_name, self._relocate = fallback_name, relocate
        self.mode: str = MODE_LAN
        self.host_override: str | None = None
        self.lan_ok: bool | None = None
        self.lan_failures = 0
        self.outage_since: datetime | None = None
        self.last_lan_ip: str | None = None
        self.sends_id = False
        """The charger's LAN answers carry its `ID`: each answer and command is checked."""
        self.wrong_id: str | None = None
        """The id the LAN address answered with instead of ours, during an identity failure."""
        self._client: V2CLocalClient | None = None

    @property
    def cloud_state(self) -> ChargerCloud:
        """Return what the cloud knows about this charger."""
        return self.cloud.cloud_state(self.device_id) if self.cloud else ChargerCloud()

    @property
    def charger_name(self) -> str:
        """Return the charger's name from the account."""
        pairing = self.cloud_state.pairing
        return (pairing and pairing.name) or self._fallback_name or self.device_id

    def configure(self, *, mode: str, host: str | None) -> bool:
        """Apply the charger's options; return True when anything changed."""
        host = host or None
        if (mode, host) == (self.mode, self.host_override):
            return False
        if host != self.host_override:
            # A new or cleared override: the old address is not this charger's any more.
            self.last_lan_ip = None
        self.mode, self.host_override, self._client = mode, host, None
        self.lan_ok, self.lan_failures, self.outage_since = None, 0, None
        self.clear_lan_issue()
        return True

    # ---- the LAN client --------------------------------------------------------------------

    def lan_client(self) -> V2CLocalClient | None:
        """Return a LAN client for the first acceptable host, or None (cloud path)."""
        if self.mode != MODE_LAN or self._client is not None:
            return self._client
        cloud = self.cloud_state
        candidates: list[str | None] = (
            [self.host_override]
            if self.host_override
            else [
                self.last_lan_ip,
                cloud.reported.ip if cloud.reported else None,
                cloud.pairing.ip if cloud.pairing else None,
            ]
        )
        for host in filter(None, candidates):
            if not is_usable_lan_host(host, self._sim_mode):
                LOGGER.debug("Ignoring unusable LAN host for %s", self.device_id)
                continue
            self._client = V2CLocalClient(
                host=host,
                session=self._session,
                request_timeout=LAN_REQUEST_TIMEOUT,
                allow_loopback=self._sim_mode,
                expected_id=self.device_id,
            )
            self._client.require_id = self.sends_id
            return self._client
        return None

    @property
    def uses_lan(self) -> bool:
        """Return True when live data and commands go over the LAN."""
        return self.lan_client() is not None and self.lan_ok is not False

    def wants_charge_status(self) -> bool:
        """Return True when the cloud must supply live telemetry (no working LAN)."""
        return not (self.lan_client() is not None and self.lan_ok is True)

    async def async_write(self, client: V2CLocalClient, key: str, value: int) -> None:
        """Write one LAN keyword (identity first once the charger sends it), then refresh."""
        try:
            await client.write(key, value, verify=self.sends_id)
        except V2CIdentityError as err:
            self._failed(err)
            raise
        await self.async_refresh()

    # ---- polling ---------------------------------------------------------------------------

    async def _async_update_data(self) -> RealtimeData:
        """Return LAN data, or cloud-synthesised data while the LAN is unavailable."""
        if (client := self.lan_client()) is not None:
            try:
                data = self._keep_reads(await client.snapshot())
            except V2CError as err:
                self._failed(err)
            else:
                self._succeeded(data)
                self._set_interval()
                return data
        self._set_interval()
        if (synth := self.cloud_realtime()) is not None:
            return synth
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="no_live_data",
            translation_placeholders={"name": self.charger_name},
        )

    def cloud_realtime(self) -> RealtimeData | None:
        """Return live data synthesised from the cloud, or None without current cloud data."""
        if self.cloud is not None and not self.cloud.last_update_success:
            return None  # the cloud is down: its last values are not live data any more
        cloud = self.cloud_state
        if cloud.reported is None and cloud.status is None:
            return None
        return realtime_from_cloud(cloud.reported, cloud.status)

    def _keep_reads(self, data: RealtimeData) -> RealtimeData:
        """Keep the last LAN value of a `/read` key whose read failed this time (no flapping)."""
        previous = self.data
        if previous is None or previous.source != "lan":
            return data
        kept = {
            key: getattr(previous, key)
            for key in READ_KEYS
            if getattr(data, key) is None and getattr(previous, key) is not None
        }
        return replace(data, **kept) if kept else data

    def _set_interval(self) -> None:
        """Poll at the configured rate; back off while the LAN fails; push-only without LAN."""
        if self.lan_client() is None and self.lan_failures == 0:
            self.update_interval = None  # cloud path: the cloud coordinator pushes data
            return
        seconds = self.base_interval.total_seconds()
        if self.lan_failures:
            # Back off, but never so far that a returning LAN waits more than a poll + 30 s.
            factor = 2 ** min(self.lan_failures, 5)
            seconds = min(seconds * factor, seconds + LAN_BACKOFF_EXTRA.total_seconds())
        self.update_interval = timedelta(seconds=seconds)

    def set_base_interval(self, interval: timedelta) -> None:
        """Change the LAN poll interval (options) without a reload."""
        self.base_interval = interval
        self._set_interval()

    @callback
    def async_push_cloud(self) -> None:
        """Publish fresh cloud-synthesised data (or the cloud's outage) on the cloud path."""
        if self.uses_lan:
            return
        if (synth := self.cloud_realtime()) is None:
            # No current cloud data: the values shown would be stale, so they go unavailable.
            if self.data is not None and self.last_update_success:
                self.last_update_success = False
                self.async_update_listeners()
            return
        if synth == self.data and self.last_update_success:
            return
        # Not async_set_updated_data: that would push back the next LAN retry.
        self.data, self.last_update_success = synth, True
        self.async_update_listeners()

    # ---- link state ------------------------------------------------------------------------

    def _succeeded(self, data: RealtimeData) -> None:
        """Record a good LAN poll; log and clear the repair once after an outage."""
        if self.lan_ok is False:
            LOGGER.info("LAN connection to charger %s restored", self.charger_name)
        changed = self.lan_ok is not True
        self.lan_ok, self.lan_failures, self.outage_since, self.wrong_id = True, 0, None, None
        if data.device_id and not self.sends_id:
            # From now on an answer without an id is not trusted to be this charger's.
            self.sends_id = True
            if self._client is not None:
                self._client.require_id = True
        if changed and self.cloud is not None:
            self.cloud.async_replan()
        if data.ip:
            self.last_lan_ip = data.ip
        self.clear_lan_issue()

    def _failed(self, err: V2CError) -> None:
        """Record a failed LAN poll; log once per outage and raise a repair after 10 minutes."""
        now = dt_util.utcnow()
        self.lan_failures += 1
        wrong = err if isinstance(err, V2CIdentityError) else None
        changed = self.lan_ok is not False
        if changed:
            if wrong is not None:
                LOGGER.warning(
                    "The LAN address of charger %s (%s) answers as charger %s; "
                    "not using it, using cloud data meanwhile",
                    self.charger_name,
                    self.device_id,
                    wrong.answered or "without an id",
                )
            else:
                LOGGER.warning(
                    "Charger %s is not answering on the LAN (%s); using cloud data meanwhile",
                    self.charger_name,
                    err,
                )
            self.outage_since = now
        self.wrong_id = (wrong.answered or "?") if wrong is not None else None
        self.lan_ok = False
        if changed and self.cloud is not None:
            self.cloud.async_replan()
            if self.cloud_state.status is None:
                # Live values must now come from the cloud, which has none yet: ask at once.
                self.cloud.async_confirm(self.device_id, delay=0)
        failed_host = self._client.host if self._client is not None else None
        swapped: str | None = None
        if wrong is not None and wrong.answered and failed_host:
            # Our address now answers as another charger of ours: that is where it lives now,
            # and its old address is the first place to look for us (a swap); ids are checked.
            swapped = self._relocate(wrong.answered, failed_host)
        if not self.host_override:  # the host may have changed (DHCP): pick again next time
            self._client = None
            if self.last_lan_ip in (failed_host, None):
                self.last_lan_ip = swapped
        if self.outage_since is not None and now - self.outage_since >= LAN_OUTAGE_REPAIR_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.lan_issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="lan_wrong_charger" if self.wrong_id else "lan_unreachable",
                translation_placeholders={
                    "name": self.charger_name,
                    "device_id": self.device_id,
                    "other": self.wrong_id or "",
                },
            )

    def learn_address(self, host: str) -> None:
        """Use host next (it answered with this charger's id); an override always wins."""
        if self.host_override or self.mode != MODE_LAN:
            return
        self.last_lan_ip = host
        if self._client is not None and self._client.host != host:
            self._client = None

    @property
    def lan_issue_id(self) -> str:
        """Return the id of this charger's LAN repair issue."""
        return f"lan_unreachable_{self.device_id}"

    def clear_lan_issue(self) -> None:
        """Delete this charger's LAN repair issue."""
        ir.async_delete_issue(self.hass, DOMAIN, self.lan_issue_id)
