"""One charger at runtime: its device, its session events and the router of its commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo

from .api import RealtimeData, V2CCloudClient, V2CError, V2CValidationError
from .const import DOMAIN, LOGGER, MODE_LAN
from .coordinator import ChargerCloud, V2CCloudCoordinator
from .helpers import entry_device
from .realtime import V2CRealtimeCoordinator
from .session import SessionEvent, SessionTracker

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


class RouteError(Exception):
    """A command found no path to the charger (a translation key of the `exceptions`)."""

    def __init__(self, key: str, placeholders: Mapping[str, str], cause: str = "") -> None:
        """Store the translation key and its placeholders."""
        super().__init__(cause or key)
        self.key = key
        self.placeholders = dict(placeholders)


class V2CCharger:
    """A charger: device data for the registry, session events, and LAN-first command routing."""

    def __init__(
        self, hass: HomeAssistant, *, entry_id: str, realtime: V2CRealtimeCoordinator
    ) -> None:
        """Wrap the charger's live-data coordinator (which owns its LAN link)."""
        self.hass = hass
        self.entry_id = entry_id
        self.realtime = realtime
        self.device_id = realtime.device_id
        self.cloud: V2CCloudCoordinator | None = realtime.cloud
        self.session = SessionTracker()
        self.session_listeners: list[Callable[[SessionEvent], None]] = []
        self._unsub: CALLBACK_TYPE = realtime.async_add_listener(self._async_realtime_updated)

    async def async_shutdown(self) -> None:
        """Stop polling and listening (unload or removal)."""
        self._unsub()
        await self.realtime.async_shutdown()

    @callback
    def _async_realtime_updated(self) -> None:
        """Fire session events on real charge-state transitions (never during an outage)."""
        if not self.realtime.last_update_success:
            return
        if (event := self.session.feed(self.realtime.data)) is None:
            return
        device = entry_device(self.hass, self.entry_id, self.device_id)
        figures = {
            "energy": event.energy,
            "duration": event.duration,
            "peak_power": event.peak_power,
            "path": event.path,
        }
        self.hass.bus.async_fire(
            f"{DOMAIN}_{event.kind}",
            {
                "device_id": device.id if device else None,
                "charger_id": self.device_id,
                "name": self.name,
                **figures,
            },
        )
        for listener in list(self.session_listeners):
            listener(event)

    # ---- what the charger is ---------------------------------------------------------------

    @property
    def data(self) -> RealtimeData | None:
        """Return the live data (LAN or synthesised from the cloud)."""
        return self.realtime.data

    @property
    def cloud_state(self) -> ChargerCloud:
        """Return what the cloud knows about the charger."""
        return self.realtime.cloud_state

    @property
    def name(self) -> str:
        """Return the charger's name from the account."""
        return self.realtime.charger_name

    @property
    def firmware(self) -> str | None:
        """Return the firmware version, LAN first."""
        cloud = self.cloud_state
        return (
            (self.data and self.data.firmware)
            or (cloud.firmware and cloud.firmware.version)
            or (cloud.reported and cloud.reported.firmware)
            or None
        )

    def device_info(self) -> DeviceInfo:
        """Return the device registry entry for this charger."""
        cloud = self.cloud_state
        info = DeviceInfo(
            identifiers={(DOMAIN, self.device_id)},
            manufacturer="V2C",
            model=(cloud.firmware and cloud.firmware.model)
            or (cloud.pairing and cloud.pairing.model)
            or "Trydan",
            name=self.name,
            serial_number=self.device_id,
            sw_version=self.firmware,
        )
        if self.realtime.mode == MODE_LAN and (client := self.realtime.lan_client()) is not None:
            info["configuration_url"] = f"http://{client.host}"
        return info

    # ---- commands --------------------------------------------------------------------------

    async def async_command(self, command: Command) -> Path:
        """Send a command: LAN first when it works, else the cloud; confirm the new state."""
        lan_error: V2CError | None = None
        client = self.realtime.lan_client() if command.lan is not None else None
        # A LAN known to be down is skipped when the cloud can do the job.
        if client is not None and (self.realtime.lan_ok is not False or command.cloud is None):
            assert command.lan is not None
            key, value = command.lan
            try:
                await self.realtime.async_write(client, key, value)
            except V2CValidationError:
                raise
            except V2CError as err:
                lan_error = err
                LOGGER.debug("LAN write %s to %s failed: %s", key, self.device_id, err)
            else:
                LOGGER.debug("Command %s=%s sent to %s over the LAN", key, value, self.device_id)
                return "lan"
        if command.cloud is not None and self.cloud is not None:
            await self.async_cloud(command.cloud)
            LOGGER.debug("Command sent to %s through the cloud", self.device_id)
            self.cloud.async_confirm(self.device_id)
            return "cloud"
        if lan_error is not None:
            raise RouteError(
                "lan_command_failed", {"name": self.name, "error": str(lan_error)}, str(lan_error)
            ) from lan_error
        raise RouteError("lan_required", {"name": self.name})

    async def async_cloud[T](self, call: Callable[[V2CCloudClient, str], Awaitable[T]]) -> T:
        """Run a cloud call for this charger and book it; V2C errors propagate."""
        if self.cloud is None:
            raise RouteError("cloud_required", {"name": self.name})
        return await self.cloud.async_user_call(lambda client: call(client, self.device_id))
