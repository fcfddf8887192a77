"""A charger's LAN link: good and failed polls, identity, addresses learned, the repair issue.

Mixed into V2CCharger (charger.py), which provides the attributes declared here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .api import RealtimeData, V2CError, V2CLocalClient
from .api.local import V2CIdentityError
from .const import DOMAIN, LAN_OUTAGE_REPAIR_AFTER, LOGGER, MODE_LAN

if TYPE_CHECKING:
    from .api import ChargeStatus
    from .coordinator import V2CCloudCoordinator
    from .runtime import V2CCloudConfigEntry


class LanLink:
    """LAN state of one charger and what a poll's outcome changes."""

    hass: HomeAssistant
    entry: V2CCloudConfigEntry
    device_id: str
    cloud: V2CCloudCoordinator | None
    mode: str
    host_override: str | None
    lan_ok: bool | None
    lan_failures: int
    outage_since: datetime | None
    last_lan_ip: str | None
    sends_id: bool
    wrong_id: str | None
    _client: V2CLocalClient | None

    @property
    def name(self) -> str:
        """Return the charger's name (V2CCharger)."""
        raise NotImplementedError

    @property
    def charge_status(self) -> ChargeStatus | None:
        """Return the last cloud live status (V2CCharger)."""
        raise NotImplementedError

    def lan_client(self) -> V2CLocalClient | None:
        """Return the LAN client (V2CCharger)."""
        raise NotImplementedError

    def lan_succeeded(self, data: RealtimeData) -> None:
        """Record a good LAN poll; log and clear the repair once after an outage."""
        if self.lan_ok is False:
            LOGGER.info("LAN connection to charger %s restored", self.name)
        changed = self.lan_ok is not True
        self.lan_ok, self.lan_failures, self.outage_since = True, 0, None
        self.wrong_id = None
        if data.device_id and not self.sends_id:
            # From now on an answer without an id is not trusted to be this charger's.
            self.sends_id = True
            if self._client is not None:
                self._client.require_id = True
        if changed and self.cloud is not None:
            self.cloud.async_replan()
        if data.ip and data.ip != self.last_lan_ip:
            self.last_lan_ip = data.ip
        self.clear_lan_issue()

    def lan_failed(self, err: V2CError) -> None:
        """Record a failed LAN poll; log once per outage and raise a repair after 10 minutes."""
        now = dt_util.utcnow()
        self.lan_failures += 1
        wrong = err if isinstance(err, V2CIdentityError) else None
        if self.lan_ok is not False:
            if wrong is not None:
                LOGGER.warning(
                    "The LAN address of charger %s (%s) answers as charger %s; "
                    "not using it, using cloud data meanwhile",
                    self.name,
                    self.device_id,
                    wrong.answered or "without an id",
                )
            else:
                LOGGER.warning(
                    "Charger %s is not answering on the LAN (%s); using cloud data meanwhile",
                    self.name,
                    err,
                )
            self.outage_since = now
        self.wrong_id = (wrong.answered or "?") if wrong is not None else None
        changed = self.lan_ok is not False
        self.lan_ok = False
        if changed and self.cloud is not None:
            self.cloud.async_replan()
            if self.charge_status is None:
                # Live values must now come from the cloud, which has none yet: ask at once.
                self.cloud.async_confirm(self.device_id, delay=0)
        failed_host = self._client.host if self._client is not None else None
        swapped: str | None = None
        if wrong is not None and wrong.answered and failed_host:
            # Our address now answers as another charger of ours: that is where it lives now,
            # and its old address is the first place to look for us (a swap); ids are checked.
            swapped = self._tell_address(wrong.answered, failed_host)
        # The host may have changed (DHCP): pick again from the candidates next time.
        if not self.host_override:
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
                translation_placeholders=(
                    {"name": self.name, "device_id": self.device_id, "other": self.wrong_id}
                    if self.wrong_id
                    else {"name": self.name}
                ),
            )

    def _tell_address(self, device_id: str, host: str) -> str | None:
        """Give another charger of this entry the address that answered with its id.

        Return the address that charger used before (None if it is not ours or had none).
        """
        runtime = getattr(self.entry, "runtime_data", None)
        chargers = runtime.chargers if runtime is not None else {}
        other = next((c for i, c in chargers.items() if i.casefold() == device_id.casefold()), None)
        if other is None or other is self:
            return None
        client = other.lan_client()
        before = client.host if client is not None else None
        other.learn_address(host)
        return before if before != host else None

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
