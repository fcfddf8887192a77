"""The table of the V2C Cloud actions aimed at chargers: what each one sends, returns and fires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Final

from . import services_schema as sch
from .api import V2CCloudClient as C
from .charger import Command, V2CCharger
from .const import CLOUD_CONFIRM_DELAY, HOLD_SLOW
from .services_schema import DATES, Field, Opt, V2CServiceSchema, action_schema

type Result = dict[str, Any]
type CloudMethod = Callable[..., Awaitable[Any]]


def json_safe(value: Any) -> Any:
    """Return a model (its as_dict), a date (ISO) or a list of them as JSON-safe data."""
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    if callable(getattr(value, "as_dict", None)):
        return value.as_dict()
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True, kw_only=True)
class V2CChargerAction:
    """An action run on every targeted charger: its fields are the cloud method's arguments.

    With `lan` it is routed (LAN write first, `cloud` as the fallback); without it, cloud-only.
    With `returns` it is a query: the result (under that key, after the fields) is returned and
    fired as `event`. Other cloud commands re-read the shadow after `confirm` seconds.
    """

    cloud: CloudMethod | None
    fields: Mapping[str, Field] = field(default_factory=dict)
    lan: str | None = None
    lan_value: int | None = None  # a fixed LAN value, else the first field's, rounded
    confirm: float | None = CLOUD_CONFIRM_DELAY
    rfid: bool = False  # the card list changed: re-read at the next cycle
    returns: str | None = None
    event: str | None = None

    @cached_property
    def schema(self) -> V2CServiceSchema:
        """Return the action's schema."""
        return action_schema(self.fields)

    async def run(self, charger: V2CCharger, data: Mapping[str, Any]) -> Result | None:
        """Send the action to one charger; return a query's result."""
        args: list[Any] = [data.get(name) for name in self.fields]
        method = self.cloud

        def send(client: C, device_id: str) -> Awaitable[Any]:
            assert method is not None
            return method(client, device_id, *args)

        if self.lan is not None:
            value = self.lan_value if self.lan_value is not None else round(args[0])
            await charger.async_command(
                Command(lan=(self.lan, value), cloud=send if method else None)
            )
            return None
        result = await charger.async_cloud(send)
        if self.returns is not None:
            return {
                **{name: json_safe(data.get(name)) for name in self.fields},
                self.returns: json_safe(result),
            }
        if charger.cloud is not None and self.rfid:
            charger.cloud.async_rfid_changed(charger.device_id)
        if charger.cloud is not None and self.confirm is not None:
            charger.cloud.async_confirm(charger.device_id, self.confirm)
        return None


A = V2CChargerAction  # one row per action below
TIMER: Final = {"timer_id": sch.TIMER_ID, "start_time": sch.TIME, "end_time": sch.TIME}
PROFILE_KEY: Final = {"name": sch.PROFILE_NAME, "updated_at": sch.timestamp}
CARD: Final = {"code": sch.RFID, "tag": sch.RFID}
SLOW: Final = HOLD_SLOW.total_seconds()  # the cloud applies OCPP changes slowly (PROTOCOL §8.3)

CHARGER_SERVICES: Final[dict[str, V2CChargerAction]] = {
    # Commands with a LAN equivalent: the entities' router.
    "start_charge": A(lan="Paused", lan_value=0, cloud=C.start_charge),
    "pause_charge": A(lan="Paused", lan_value=1, cloud=C.pause_charge),
    "set_charge_intensity": A(lan="Intensity", cloud=C.set_intensity, fields={"amps": sch.AMPS}),
    "set_max_car_intensity": A(
        lan="MaxIntensity", cloud=C.set_max_car_intensity, fields={"amps": sch.AMPS}
    ),
    "set_min_car_intensity": A(
        lan="MinIntensity", cloud=C.set_min_car_intensity, fields={"amps": sch.AMPS}
    ),
    "set_locked": A(lan="Locked", cloud=C.set_locked, fields={"locked": sch.FLAG}),
    "set_dynamic": A(lan="Dynamic", cloud=C.set_dynamic, fields={"enabled": sch.FLAG}),
    "set_installation_voltage": A(
        lan="VoltageInstallation", cloud=None, fields={"voltage": sch.VOLTAGE}
    ),
    # Cloud-only commands.
    "set_fv_mode": A(cloud=C.set_fv_mode, fields={"mode": sch.FV_MODE}),
    "set_max_power": A(cloud=C.set_max_power, fields={"watts": sch.WATTS}),
    "set_denka_max_power": A(cloud=C.set_denka_max_power, fields={"watts": sch.WATTS}),
    "set_charge_stop_energy": A(cloud=C.set_charge_stop_energy, fields={"kwh": sch.KWH}),
    "set_charge_stop_minutes": A(cloud=C.set_charge_stop_minutes, fields={"minutes": sch.MINUTES}),
    "start_charge_for_energy": A(cloud=C.start_charge_for_energy, fields={"kwh": sch.KWH}),
    "start_charge_for_minutes": A(
        cloud=C.start_charge_for_minutes, fields={"minutes": sch.MINUTES}
    ),
    "set_wifi_credentials": A(
        cloud=C.set_wifi, fields={"ssid": sch.SSID, "password": sch.WIFI_PASSWORD}
    ),
    "program_timer": A(
        cloud=C.set_timer,
        fields={**TIMER, "active": Opt(sch.FLAG, default=True), "weekdays": Opt(sch.WEEKDAYS)},
    ),
    "set_ocpp_enabled": A(cloud=C.set_ocpp_enabled, fields={"enabled": sch.FLAG}, confirm=SLOW),
    "set_ocpp_id": A(cloud=C.set_ocpp_id, fields={"ocpp_id": sch.OCPP_ID}),
    "set_ocpp_address": A(cloud=C.set_ocpp_address, fields={"ocpp_url": sch.OCPP_URL}),
    "set_inverter_ip": A(cloud=C.set_inverter_ip, fields={"ip_address": sch.LAN_IPV4}),
    "trigger_update": A(cloud=C.update_firmware),
    # Cards and profiles are not in the shadow, so re-reading it would only spend quota.
    "register_rfid": A(cloud=C.register_rfid, fields={"tag": sch.RFID}, confirm=None, rfid=True),
    "add_rfid_card": A(cloud=C.add_rfid_card, fields=CARD, confirm=None, rfid=True),
    "update_rfid_tag": A(cloud=C.rename_rfid_card, fields=CARD, confirm=None, rfid=True),
    "delete_rfid": A(cloud=C.delete_rfid_card, fields={"code": sch.RFID}, confirm=None, rfid=True),
    "create_power_profile": A(
        cloud=C.create_power_profile, fields={**PROFILE_KEY, "profile": sch.PROFILE}, confirm=None
    ),
    "update_power_profile": A(
        cloud=C.update_power_profile, fields={**PROFILE_KEY, "profile": sch.PROFILE}, confirm=None
    ),
    "delete_power_profile": A(cloud=C.delete_power_profile, fields=PROFILE_KEY, confirm=None),
    # Queries: response data and an event.
    "scan_wifi_networks": A(cloud=C.wifi_networks, returns="networks", event="wifi_scan"),
    "list_rfid_cards": A(cloud=C.rfid_cards, returns="cards", event="rfid_cards"),
    "get_connected_status": A(cloud=C.connected, returns="connected", event="connected_status"),
    "get_power_profile": A(
        cloud=C.power_profile,
        fields={"timestamp": sch.timestamp},
        returns="profile",
        event="power_profiles",
    ),
    "list_power_profiles": A(cloud=C.power_profiles, returns="profiles", event="power_profiles"),
    "get_device_statistics": A(
        cloud=C.device_statistics, fields=DATES, returns="statistics", event="device_statistics"
    ),
}
