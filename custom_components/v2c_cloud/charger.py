"""One charger at runtime: where its data comes from and how commands reach it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from aiohttp import ClientSession
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from .api import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    RealtimeData,
    ReportedState,
    V2CAuthenticationError,
    V2CCloudClient,
    V2CError,
    V2CLocalClient,
    V2CRateLimitError,
    V2CValidationError,
    realtime_from_cloud,
)
from .api.local import V2CIdentityError
from .budget import window_end
from .const import DOMAIN, LAN_REQUEST_TIMEOUT, LOGGER, MODE_LAN
from .helpers import entry_device, is_usable_lan_host
from .lan_link import LanLink
from .session import SessionEvent, SessionTracker

if TYPE_CHECKING:
    from .coordinator import V2CCloudCoordinator, V2CCloudData
    from .realtime import V2CRealtimeCoordinator
    from .runtime import V2CCloudConfigEntry

type CloudCall = Callable[[V2CCloudClient, str], Awaitable[None]]
type CloudSetter = Callable[[V2CCloudClient, str, int], Awaitable[None]]
type Path = Literal["lan", "cloud"]


def bind_value(setter: CloudSetter, value: int) -> CloudCall:
    """Return a cloud call that sends `value` with `setter`."""
    return lambda client, device_id: setter(client, device_id, value)


@dataclass(frozen=True, kw_only=True)
class Command:
    """A command with its LAN write and/or cloud equivalent."""

    lan: tuple[str, int] | None = None
    cloud: CloudCall | None = None


class V2CCharger(LanLink):
    """Runtime state of one charger: LAN client, data sources and the command router."""

    realtime: V2CRealtimeCoordinator

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry: V2CCloudConfigEntry,
        device_id: str,
        cloud: V2CCloudCoordinator | None,
        session: ClientSession,
        sim_mode: bool,
        fallback_name: str | None = None,
    ) -> None:
        """Create the charger (`cloud` is None for a LAN-only entry); `configure` sets its mode."""
        self.hass = hass
        self.entry = entry
        self.device_id = device_id
        self.cloud = cloud
        self._fallback_name = fallback_name
        self._session = session
        self._sim_mode = sim_mode
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
        self.session = SessionTracker()
        self.session_listeners: list[Callable[[SessionEvent], None]] = []
        self._unsubs: list[CALLBACK_TYPE] = []

    def attach(self, realtime: V2CRealtimeCoordinator) -> None:
        """Attach the live-data coordinator and follow its updates for session events."""
        self.realtime = realtime
        self._unsubs.append(realtime.async_add_listener(self._async_realtime_updated))

    async def async_shutdown(self) -> None:
        """Stop polling and listening (unload or removal)."""
        while self._unsubs:
            self._unsubs.pop()()
        await self.realtime.async_shutdown()

    @callback
    def _async_realtime_updated(self) -> None:
        """Fire session events on real charge-state transitions (never during an outage)."""
        if not self.realtime.last_update_success:
            return
        event = self.session.feed(self.realtime.data)
        if event is None:
            return
        device = entry_device(self.hass, self.entry.entry_id, self.device_id)
        self.hass.bus.async_fire(
            f"{DOMAIN}_{event.kind}",
            {
                "device_id": device.id if device else None,
                "charger_id": self.device_id,
                "name": self.name,
                "energy": event.energy,
                "duration": event.duration,
                "peak_power": event.peak_power,
                "path": event.path,
            },
        )
        for listener in list(self.session_listeners):
            listener(event)

    # ---- configuration -------------------------------------------------------------------

    def configure(self, *, mode: str, host: str | None) -> bool:
        """Apply the charger's options; return True when anything changed."""
        host = host or None
        if (mode, host) == (self.mode, self.host_override):
            return False
        if host != self.host_override:
            # A new or cleared override: the old address is not this charger's any more.
            self.last_lan_ip = None
        self.mode, self.host_override = mode, host
        self._client = None
        self.lan_ok, self.lan_failures, self.outage_since = None, 0, None
        self.clear_lan_issue()
        return True

    # ---- cloud views ---------------------------------------------------------------------

    @property
    def _cloud_data(self) -> V2CCloudData | None:
        """Return the cloud coordinator's data (None for LAN-only entries)."""
        return self.cloud.data if self.cloud is not None else None

    @property
    def pairing(self) -> Pairing | None:
        """Return the charger's pairing."""
        data = self._cloud_data
        return data.pairings.get(self.device_id) if data else None

    @property
    def reported(self) -> ReportedState | None:
        """Return the last cloud shadow."""
        data = self._cloud_data
        return data.reported.get(self.device_id) if data else None

    @property
    def charge_status(self) -> ChargeStatus | None:
        """Return the last cloud live status (only fetched while LAN is not in use)."""
        data = self._cloud_data
        return data.charge_status.get(self.device_id) if data else None

    @property
    def firmware_info(self) -> FirmwareInfo | None:
        """Return the last `/version` answer."""
        data = self._cloud_data
        return data.firmware.get(self.device_id) if data else None

    @property
    def data(self) -> RealtimeData | None:
        """Return the live data (LAN or synthesised from the cloud)."""
        return self.realtime.data

    @property
    def name(self) -> str:
        """Return the charger's name from the account."""
        pairing = self.pairing
        if pairing and pairing.name:
            return pairing.name
        return self._fallback_name or self.device_id

    @property
    def model(self) -> str:
        """Return the model name."""
        info, pairing = self.firmware_info, self.pairing
        return (info and info.model) or (pairing and pairing.model) or "Trydan"

    @property
    def firmware(self) -> str | None:
        """Return the firmware version, LAN first."""
        data = self.data
        if data is not None and data.firmware:
            return data.firmware
        info, reported = self.firmware_info, self.reported
        return (info and info.version) or (reported and reported.firmware) or None

    def device_info(self) -> DeviceInfo:
        """Return the device registry entry for this charger."""
        info = DeviceInfo(
            identifiers={(DOMAIN, self.device_id)},
            manufacturer="V2C",
            model=self.model,
            name=self.name,
            serial_number=self.device_id,
            sw_version=self.firmware,
        )
        if self.mode == MODE_LAN and (client := self.lan_client()) is not None:
            info["configuration_url"] = f"http://{client.host}"
        return info

    # ---- LAN -----------------------------------------------------------------------------

    def _host_candidates(self) -> list[str]:
        """Return LAN hosts in preference order: override, last LAN IP, cloud IPs."""
        if self.host_override:
            return [self.host_override]
        reported, pairing = self.reported, self.pairing
        candidates = [
            self.last_lan_ip,
            reported.ip if reported else None,
            pairing.ip if pairing else None,
        ]
        return [c for c in candidates if c]

    def lan_client(self) -> V2CLocalClient | None:
        """Return a LAN client for the first acceptable host, or None (cloud path)."""
        if self.mode != MODE_LAN:
            return None
        if self._client is not None:
            return self._client
        for host in self._host_candidates():
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

    def cloud_realtime(self) -> RealtimeData | None:
        """Return live data synthesised from the cloud, or None without current cloud data."""
        if self.cloud is not None and not self.cloud.last_update_success:
            # The cloud is down: its last values are not live data any more.
            return None
        reported, status = self.reported, self.charge_status
        if reported is None and status is None:
            return None
        return realtime_from_cloud(reported, status)

    # ---- commands ------------------------------------------------------------------------

    async def async_command(self, command: Command) -> Path:
        """Send a command: LAN first when it works, else the cloud; confirm the new state."""
        lan_error: V2CError | None = None
        client = self.lan_client() if command.lan is not None else None
        # A LAN known to be down is skipped when the cloud can do the job.
        if (
            client is not None
            and command.lan is not None
            and (self.lan_ok is not False or command.cloud is None)
        ):
            key, value = command.lan
            try:
                # Identity first when the firmware sends it: the address may have moved (DHCP).
                await client.write(key, value, verify=self.sends_id)
            except V2CValidationError as err:
                raise _invalid(err) from err
            except V2CIdentityError as err:
                lan_error = err
                self.lan_failed(err)
            except V2CError as err:
                lan_error = err
                LOGGER.debug("LAN write %s to %s failed: %s", key, self.device_id, err)
            else:
                LOGGER.debug("Command %s=%s sent to %s over the LAN", key, value, self.device_id)
                await self.realtime.async_refresh()
                return "lan"
        if command.cloud is not None and self.cloud is not None:
            await self.async_cloud(command.cloud)
            LOGGER.debug("Command sent to %s through the cloud", self.device_id)
            self.cloud.async_confirm(self.device_id)
            return "cloud"
        if lan_error is not None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="lan_command_failed",
                translation_placeholders={"name": self.name, "error": str(lan_error)},
            ) from lan_error
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="lan_required",
            translation_placeholders={"name": self.name},
        )

    async def async_cloud[T](self, call: Callable[[V2CCloudClient, str], Awaitable[T]]) -> T:
        """Run a cloud call for this charger, translating errors for the user."""
        if self.cloud is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="cloud_required",
                translation_placeholders={"name": self.name},
            )
        return await async_cloud_call(self.cloud, self.entry, lambda c: call(c, self.device_id))


async def async_cloud_call[T](
    cloud: V2CCloudCoordinator,
    entry: V2CCloudConfigEntry,
    call: Callable[[V2CCloudClient], Awaitable[T]],
) -> T:
    """Run a user-initiated cloud call, book it, and translate its errors."""
    try:
        return await call(cloud.client)
    except V2CValidationError as err:
        raise _invalid(err) from err
    except V2CAuthenticationError as err:
        entry.async_start_reauth(cloud.hass)
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="auth_failed") from err
    except V2CRateLimitError as err:
        snap = cloud.client.rate_limit
        resume = window_end(dt_util.utcnow(), snap.reset if snap else None)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="quota_exhausted_command",
            translation_placeholders={"resume": dt_util.as_local(resume).strftime("%H:%M")},
        ) from err
    except V2CError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cloud_command_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    finally:
        cloud.account()


def _invalid(err: V2CValidationError) -> ServiceValidationError:
    """Translate a rejected value."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_value",
        translation_placeholders={"field": err.field, "constraint": err.constraint},
    )
