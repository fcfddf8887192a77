"""The table of the V2C Cloud actions aimed at chargers: schema, route and event of each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from . import services_schema as sch
from .api import PowerProfile, RfidCard, StatisticsRecord, V2CCloudClient, WifiNetwork
from .charger import CloudSetter, Command, V2CCharger, bind_value
from .const import CLOUD_CONFIRM_DELAY, HOLD_SLOW
from .services_schema import V2CServiceSchema

type Data = Mapping[str, Any]
type Result = dict[str, Any]
type CloudCommand = Callable[[V2CCloudClient, str, Data], Awaitable[None]]
type CloudRead[T] = Callable[[V2CCloudClient, str, Data], Awaitable[T]]

EVENT_WIFI_SCAN: Final = "wifi_scan"
EVENT_RFID_CARDS: Final = "rfid_cards"
EVENT_CONNECTED_STATUS: Final = "connected_status"
EVENT_POWER_PROFILES: Final = "power_profiles"
EVENT_DEVICE_STATISTICS: Final = "device_statistics"


@dataclass(frozen=True, kw_only=True)
class V2CChargerService:
    """An action run once for every targeted charger; with an event it is a query."""

    schema: V2CServiceSchema
    run: Callable[[V2CCharger, Data], Awaitable[Result | None]]
    event: str | None = None
    cloud_only: bool = False


def routed(command_fn: Callable[[Data], Command], schema: V2CServiceSchema) -> V2CChargerService:
    """Describe a command sent through the router (LAN first, cloud fallback, then refresh)."""

    async def run(charger: V2CCharger, data: Data) -> None:
        """Route the command; the router refreshes the right coordinator."""
        await charger.async_command(command_fn(data))

    return V2CChargerService(schema=schema, run=run)


def setting(
    lan_key: str, field: str, setter: CloudSetter, schema: V2CServiceSchema
) -> V2CChargerService:
    """Describe a routed setting: LAN `lan_key`=<field>, cloud `setter` as the fallback."""
    return routed(
        lambda data: Command(
            lan=(lan_key, int(data[field])), cloud=bind_value(setter, int(data[field]))
        ),
        schema,
    )


def cloud(
    call: CloudCommand,
    schema: V2CServiceSchema = sch.NO_FIELDS,
    *,
    confirm: float | None = CLOUD_CONFIRM_DELAY,
    rfid: bool = False,
) -> V2CChargerService:
    """Describe a cloud-only command; `confirm` re-reads the shadow after that many seconds.

    `rfid` commands change the card list instead, which is then re-read at the next cycle.
    """

    async def run(charger: V2CCharger, data: Data) -> None:
        """Send the command and schedule the re-read of what it changed."""
        await charger.async_cloud(lambda client, device_id: call(client, device_id, data))
        if charger.cloud is None:
            return
        if rfid:
            charger.cloud.async_rfid_changed(charger.device_id)
        if confirm is not None:
            charger.cloud.async_confirm(charger.device_id, confirm)

    return V2CChargerService(schema=schema, run=run, cloud_only=True)


def query[T](
    fetch: CloudRead[T],
    present: Callable[[T, Data], Result],
    *,
    event: str,
    schema: V2CServiceSchema = sch.NO_FIELDS,
) -> V2CChargerService:
    """Describe a cloud read whose result is returned and fired as an event."""

    async def run(charger: V2CCharger, data: Data) -> Result:
        """Read from the cloud and return the JSON-safe result."""
        value = await charger.async_cloud(lambda client, device_id: fetch(client, device_id, data))
        return present(value, data)

    return V2CChargerService(schema=schema, run=run, event=event, cloud_only=True)


# ---- JSON-safe views of the API models ---------------------------------------------------------


def _iso(value: date | None) -> str | None:
    """Return a date or datetime as ISO-8601 text."""
    return None if value is None else value.isoformat()


def _network(network: WifiNetwork) -> Result:
    """Return a scanned Wi-Fi network."""
    return {"ssid": network.ssid, "signal": network.signal, "raw": network.raw}


def _card(card: RfidCard) -> Result:
    """Return an RFID card."""
    return {"code": card.code, "tag": card.tag, "raw": card.raw}


def _profile(profile: PowerProfile) -> Result:
    """Return a power profile."""
    return {"name": profile.name, "updated_at": profile.updated_at, "raw": profile.raw}


def _session(record: StatisticsRecord) -> Result:
    """Return a charge session, energyByHour parsed to numbers, the raw record kept."""
    return {
        "start": _iso(record.start),
        "end": _iso(record.end),
        "energy": record.energy,
        "cost": record.cost,
        "energy_by_hour": record.energy_by_hour,
        "rfid_code": record.rfid_code,
        "rfid_name": record.rfid_name,
        "raw": record.raw,
    }


def date_range_view(data: Data) -> Result:
    """Return the requested date filter as ISO dates (None when open)."""
    return {
        sch.ATTR_DATE_START: _iso(data.get(sch.ATTR_DATE_START)),
        sch.ATTR_DATE_END: _iso(data.get(sch.ATTR_DATE_END)),
    }


# ---- the actions ------------------------------------------------------------------------------

CHARGER_SERVICES: Final[dict[str, V2CChargerService]] = {
    # Commands with a LAN equivalent: the entities' router.
    "start_charge": routed(
        lambda _: Command(lan=("Paused", 0), cloud=lambda c, d: c.start_charge(d)), sch.NO_FIELDS
    ),
    "pause_charge": routed(
        lambda _: Command(lan=("Paused", 1), cloud=lambda c, d: c.pause_charge(d)), sch.NO_FIELDS
    ),
    "set_charge_intensity": setting(
        "Intensity", sch.ATTR_AMPS, lambda c, d, v: c.set_intensity(d, v), sch.AMPS_SCHEMA
    ),
    "set_max_car_intensity": setting(
        "MaxIntensity",
        sch.ATTR_AMPS,
        lambda c, d, v: c.set_max_car_intensity(d, v),
        sch.AMPS_SCHEMA,
    ),
    "set_min_car_intensity": setting(
        "MinIntensity",
        sch.ATTR_AMPS,
        lambda c, d, v: c.set_min_car_intensity(d, v),
        sch.AMPS_SCHEMA,
    ),
    "set_locked": setting(
        "Locked", sch.ATTR_LOCKED, lambda c, d, v: c.set_locked(d, bool(v)), sch.LOCKED_SCHEMA
    ),
    "set_dynamic": setting(
        "Dynamic", sch.ATTR_ENABLED, lambda c, d, v: c.set_dynamic(d, bool(v)), sch.ENABLED_SCHEMA
    ),
    "set_installation_voltage": routed(
        lambda data: Command(lan=("VoltageInstallation", round(data[sch.ATTR_VOLTAGE]))),
        sch.VOLTAGE_SCHEMA,
    ),
    # Cloud-only commands.
    "set_fv_mode": cloud(
        lambda c, d, data: c.set_fv_mode(d, data[sch.ATTR_MODE]), sch.FV_MODE_SCHEMA
    ),
    "set_max_power": cloud(
        lambda c, d, data: c.set_max_power(d, data[sch.ATTR_WATTS]), sch.WATTS_SCHEMA
    ),
    "set_denka_max_power": cloud(
        lambda c, d, data: c.set_denka_max_power(d, data[sch.ATTR_WATTS]), sch.WATTS_SCHEMA
    ),
    "set_charge_stop_energy": cloud(
        lambda c, d, data: c.set_charge_stop_energy(d, data[sch.ATTR_KWH]), sch.KWH_SCHEMA
    ),
    "set_charge_stop_minutes": cloud(
        lambda c, d, data: c.set_charge_stop_minutes(d, data[sch.ATTR_MINUTES]), sch.MINUTES_SCHEMA
    ),
    "start_charge_for_energy": cloud(
        lambda c, d, data: c.start_charge_for_energy(d, data[sch.ATTR_KWH]), sch.KWH_SCHEMA
    ),
    "start_charge_for_minutes": cloud(
        lambda c, d, data: c.start_charge_for_minutes(d, data[sch.ATTR_MINUTES]), sch.MINUTES_SCHEMA
    ),
    "set_wifi_credentials": cloud(
        lambda c, d, data: c.set_wifi(d, data[sch.ATTR_SSID], data[sch.ATTR_PASSWORD]),
        sch.SET_WIFI_SCHEMA,
    ),
    "program_timer": cloud(
        lambda c, d, data: c.set_timer(
            d,
            data[sch.ATTR_TIMER_ID],
            data[sch.ATTR_START_TIME],
            data[sch.ATTR_END_TIME],
            data[sch.ATTR_ACTIVE],
            data.get(sch.ATTR_WEEKDAYS),
        ),
        sch.PROGRAM_TIMER_SCHEMA,
    ),
    # The cloud applies OCPP changes slowly (PROTOCOL.md §8.3): confirm after the long hold.
    "set_ocpp_enabled": cloud(
        lambda c, d, data: c.set_ocpp_enabled(d, data[sch.ATTR_ENABLED]),
        sch.ENABLED_SCHEMA,
        confirm=HOLD_SLOW.total_seconds(),
    ),
    "set_ocpp_id": cloud(
        lambda c, d, data: c.set_ocpp_id(d, data[sch.ATTR_OCPP_ID]), sch.OCPP_ID_SCHEMA
    ),
    "set_ocpp_address": cloud(
        lambda c, d, data: c.set_ocpp_address(d, data[sch.ATTR_OCPP_URL]), sch.OCPP_URL_SCHEMA
    ),
    "set_inverter_ip": cloud(
        lambda c, d, data: c.set_inverter_ip(d, data[sch.ATTR_IP_ADDRESS]), sch.INVERTER_IP_SCHEMA
    ),
    "trigger_update": cloud(lambda c, d, _: c.update_firmware(d)),
    # Cards and profiles are not in the shadow, so re-reading it would only spend quota.
    "register_rfid": cloud(
        lambda c, d, data: c.register_rfid(d, data[sch.ATTR_TAG]),
        sch.TAG_SCHEMA,
        confirm=None,
        rfid=True,
    ),
    "add_rfid_card": cloud(
        lambda c, d, data: c.add_rfid_card(d, data[sch.ATTR_CODE], data[sch.ATTR_TAG]),
        sch.CODE_TAG_SCHEMA,
        confirm=None,
        rfid=True,
    ),
    "update_rfid_tag": cloud(
        lambda c, d, data: c.rename_rfid_card(d, data[sch.ATTR_CODE], data[sch.ATTR_TAG]),
        sch.CODE_TAG_SCHEMA,
        confirm=None,
        rfid=True,
    ),
    "delete_rfid": cloud(
        lambda c, d, data: c.delete_rfid_card(d, data[sch.ATTR_CODE]),
        sch.CODE_SCHEMA,
        confirm=None,
        rfid=True,
    ),
    "create_power_profile": cloud(
        lambda c, d, data: c.create_power_profile(
            d, data[sch.ATTR_NAME], data[sch.ATTR_UPDATED_AT], data[sch.ATTR_PROFILE]
        ),
        sch.SAVE_PROFILE_SCHEMA,
        confirm=None,
    ),
    "update_power_profile": cloud(
        lambda c, d, data: c.update_power_profile(
            d, data[sch.ATTR_NAME], data[sch.ATTR_UPDATED_AT], data[sch.ATTR_PROFILE]
        ),
        sch.SAVE_PROFILE_SCHEMA,
        confirm=None,
    ),
    "delete_power_profile": cloud(
        lambda c, d, data: c.delete_power_profile(
            d, data[sch.ATTR_NAME], data[sch.ATTR_UPDATED_AT]
        ),
        sch.DELETE_PROFILE_SCHEMA,
        confirm=None,
    ),
    # Queries: response data and an event.
    "scan_wifi_networks": query(
        lambda c, d, _: c.wifi_networks(d),
        lambda networks, _: {"networks": [_network(n) for n in networks]},
        event=EVENT_WIFI_SCAN,
    ),
    "list_rfid_cards": query(
        lambda c, d, _: c.rfid_cards(d),
        lambda cards, _: {"cards": [_card(card) for card in cards]},
        event=EVENT_RFID_CARDS,
    ),
    "get_connected_status": query(
        lambda c, d, _: c.connected(d),
        lambda connected, _: {"connected": connected},
        event=EVENT_CONNECTED_STATUS,
    ),
    "get_power_profile": query(
        lambda c, d, data: c.power_profile(d, data[sch.ATTR_TIMESTAMP]),
        lambda profile, data: {"timestamp": data[sch.ATTR_TIMESTAMP], "profile": _profile(profile)},
        event=EVENT_POWER_PROFILES,
        schema=sch.GET_PROFILE_SCHEMA,
    ),
    "list_power_profiles": query(
        lambda c, d, _: c.power_profiles(d),
        lambda profiles, _: {"profiles": [_profile(p) for p in profiles]},
        event=EVENT_POWER_PROFILES,
    ),
    "get_device_statistics": query(
        lambda c, d, data: c.device_statistics(
            d, data.get(sch.ATTR_DATE_START), data.get(sch.ATTR_DATE_END)
        ),
        lambda records, data: {
            **date_range_view(data),
            "statistics": [_session(record) for record in records],
        },
        event=EVENT_DEVICE_STATISTICS,
        schema=sch.DEVICE_STATISTICS_SCHEMA,
    ),
}
