"""Per-charger live data: the LAN API when it answers, else synthesised from the cloud."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import RealtimeData, V2CError
from .const import DOMAIN, LAN_BACKOFF_EXTRA, LOGGER

if TYPE_CHECKING:
    from .charger import V2CCharger
    from .runtime import V2CCloudConfigEntry


class V2CRealtimeCoordinator(DataUpdateCoordinator[RealtimeData]):
    """Poll one charger's `/RealTimeData` (plus the three `/read` keys) on the LAN."""

    config_entry: V2CCloudConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry: V2CCloudConfigEntry,
        charger: V2CCharger,
        interval: timedelta,
    ) -> None:
        """Create the coordinator for one charger."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {charger.device_id}",
            update_interval=interval,
            always_update=False,
        )
        self.charger = charger
        self.base_interval = interval

    async def _async_update_data(self) -> RealtimeData:
        """Return LAN data, or cloud-synthesised data while the LAN is unavailable."""
        charger = self.charger
        client = charger.lan_client()
        if client is not None:
            try:
                data = self._keep_reads(await client.snapshot())
            except V2CError as err:
                charger.lan_failed(err)
            else:
                charger.lan_succeeded(data)
                self._set_interval()
                return data
        self._set_interval()
        if (synth := charger.cloud_realtime()) is not None:
            return synth
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="no_live_data",
            translation_placeholders={"name": charger.name},
        )

    def _keep_reads(self, data: RealtimeData) -> RealtimeData:
        """Keep the last LAN value of a `/read` key whose read failed this time (no flapping)."""
        previous = self.data
        if previous is None or previous.source != "lan":
            return data
        kept = {
            key: getattr(previous, key)
            for key in ("logo_led", "light_led", "charge_mode")
            if getattr(data, key) is None and getattr(previous, key) is not None
        }
        return replace(data, **kept) if kept else data

    def _set_interval(self) -> None:
        """Poll at the configured rate; back off while the LAN fails; push-only without LAN."""
        charger = self.charger
        if charger.lan_client() is None and charger.lan_failures == 0:
            # Cloud path: the cloud coordinator pushes fresh data; nothing to poll.
            self.update_interval = None
            return
        factor = 2 ** min(charger.lan_failures, 5)
        seconds = self.base_interval.total_seconds()
        if charger.lan_failures:
            # Back off, but never so far that a returning LAN waits more than a poll + 30 s.
            seconds = min(seconds * factor, seconds + LAN_BACKOFF_EXTRA.total_seconds())
        self.update_interval = timedelta(seconds=seconds)

    @callback
    def async_push_cloud(self) -> None:
        """Publish fresh cloud-synthesised data (or the cloud's outage) on the cloud path."""
        if self.charger.uses_lan:
            return
        synth = self.charger.cloud_realtime()
        if synth is None:
            # No current cloud data: the values shown would be stale, so they go unavailable.
            if self.data is not None and self.last_update_success:
                self.last_update_success = False
                self.async_update_listeners()
            return
        if synth == self.data and self.last_update_success:
            return
        # Not async_set_updated_data: that would push back the next LAN retry.
        self.data = synth
        self.last_update_success = True
        self.async_update_listeners()

    def set_base_interval(self, interval: timedelta) -> None:
        """Change the LAN poll interval (options) without a reload."""
        self.base_interval = interval
        self._set_interval()
