"""Value coercion, unit conversions and payload parsing for the V2C cloud and LAN APIs.

Units, all converted here and nowhere else (PROTOCOL §3.2, §4.2):

* LAN powers are W; cloud powers (`power`, `house_power`, `sun_power`, `battery`, `grid_power`)
  are kW, so x1000, rounded to 2 decimals.
* Cloud `light_led` is a 0-1 fraction, LAN `LightLED` is % (x100).
* Cloud `contract_power` is W/100 (`"7"` = 700 W), LAN `ContractedPower` is W (x100).
* Cloud `cp_level` is used as the installation voltage in V; `voltage` is ignored (PROTOCOL §9.1).
* Energies are kWh and durations seconds on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
import ipaddress
import math
import string
from typing import Any

from ._http import maybe_json
from .exceptions import V2CResponseError
from .models import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    PowerProfile,
    RealtimeData,
    ReportedState,
    RfidCard,
    StatisticsRecord,
    WifiNetwork,
)
from .repair import loads_realtime

_TRUE_WORDS = frozenset({"true", "1", "yes", "on", "online", "enabled"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off", "offline", "disabled"})
_TRAILING_JUNK = string.whitespace + "%"
_MAX_IP_DEPTH = 4

type Converter[T] = Callable[[Any], T | None]


# --- scalar coercion -------------------------------------------------------------------------


def to_float(value: Any) -> float | None:
    """Return a finite float from a number or numeric string (`" 6 "`, `"50%"`), else None."""
    result: float
    if isinstance(value, bool | int | float):
        try:
            result = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str):
        try:
            result = float(value.strip().rstrip(_TRAILING_JUNK))
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def to_int(value: Any) -> int | None:
    """Return an int (truncating, like the reference integration) or None."""
    number = to_float(value)
    return None if number is None else int(number)


def to_bool(value: Any) -> bool | None:
    """Return a bool from 0/1, true/false, on/off, yes/no, online/offline, enabled/disabled."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().rstrip(_TRAILING_JUNK).lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    number = to_float(value)
    return None if number is None else number != 0


def to_str(value: Any) -> str | None:
    """Return a stripped non-empty string; numbers are rendered, anything else is None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # ints beyond the interpreter's digit limit
            return None
    return None


def to_datetime(value: Any) -> datetime | None:
    """Parse an ISO-8601 date/time string (naive stays naive), else None."""
    text = to_str(value) if isinstance(value, str) else None
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_connected(value: Any) -> bool:
    """Normalise a `/device/connected` answer (PROTOCOL §7.4): unknown shapes mean False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_WORDS
    return False


# --- unit conversions ------------------------------------------------------------------------


def kw_to_w(value: float | None) -> float | None:
    """Convert cloud kW to W, rounded to 2 decimals."""
    return None if value is None else round(value * 1000, 2)


def fraction_to_percent(value: float | None) -> int | None:
    """Convert the cloud `light_led` 0-1 fraction to %."""
    if value is None:
        return None
    # Not in the protocol: a value above 1 cannot be a fraction, so treat it as already in %.
    return round(value * 100 if value <= 1 else value)


def contract_power_to_w(value: float | None) -> int | None:
    """Convert the cloud `contract_power` (W/100, PROTOCOL §9.8 inference) to W."""
    return None if value is None else round(value * 100)


def model_name(value: Any) -> str | None:
    """Prettify a model name (`trydan_v2` -> `Trydan V2`); `INIT`, blanks and 0 mean unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = to_int(value)
        return f"Model {number}" if number else None
    text = to_str(value)
    if text is None or text.upper() == "INIT":
        return None
    return text.replace("_", " ").title()


# --- payload helpers -------------------------------------------------------------------------


def _lower_keys(obj: Mapping[Any, Any]) -> dict[str, Any]:
    """Index a mapping by stripped lower-case keys; the first spelling wins."""
    result: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(key, str):
            result.setdefault(key.strip().lower(), value)
    return result


def _first[T](data: Mapping[str, Any], aliases: tuple[str, ...], convert: Converter[T]) -> T | None:
    """Return the first alias present whose value converts (PROTOCOL §4.1 step 2)."""
    for alias in aliases:
        if alias in data:
            value = convert(data[alias])
            if value is not None:
                return value
    return None


def _coalesce[T](*values: T | None) -> T | None:
    """Return the first value that is not None."""
    return next((value for value in values if value is not None), None)


def _as_object(obj: Any, what: str) -> dict[str, Any]:
    """Return a JSON object (decoding double-encoded strings) or raise V2CResponseError."""
    value = maybe_json(obj)
    if not isinstance(value, dict):
        raise V2CResponseError(f"Unexpected {what} payload: expected an object, got {_kind(value)}")
    return value


def _as_list(obj: Any, what: str) -> list[Any]:
    """Return a JSON array (None/empty body -> []) or raise V2CResponseError."""
    value = maybe_json(obj)
    if value is None:
        return []
    if not isinstance(value, list):
        raise V2CResponseError(f"Unexpected {what} payload: expected an array, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    """Name the JSON type of a value for error messages (never its content)."""
    return "null" if value is None else type(value).__name__


def _mapping(value: Any) -> dict[str, Any]:
    """Return a lower-cased dict from a dict or a JSON string of one, else an empty dict."""
    value = maybe_json(value)
    return _lower_keys(value) if isinstance(value, dict) else {}


def _ip_candidate(value: Any, depth: int = 0) -> str | None:
    """Extract an IP from a bare string, a dict or a JSON string of a dict (PROTOCOL §5.3)."""
    value = maybe_json(value)
    if isinstance(value, str):
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return None
        # Not specified by the protocol: a 0.0.0.0 placeholder must not hide the next candidate.
        return None if address.is_unspecified else str(address)
    if isinstance(value, dict) and depth < _MAX_IP_DEPTH:
        data = _lower_keys(value)
        for key in ("static_ip", "ip", "address"):
            if key in data and (found := _ip_candidate(data[key], depth + 1)):
                return found
    return None


def _reported_ip(data: Mapping[str, Any]) -> str | None:
    """Return the first good IP among the §5.3 step-1 candidates."""
    # `huawei_ip` is probably the inverter's address (PROTOCOL §9.10); kept in ref's order.
    for key in ("wifi_static", "wifi_info", "huawei_ip", "ip"):
        if key in data and (found := _ip_candidate(data[key])):
            return found
    return None


# --- LAN -------------------------------------------------------------------------------------


def parse_realtime(text: str) -> RealtimeData:
    """Parse a LAN `/RealTimeData` body (trailing `%`, any key casing, numeric strings)."""
    if not isinstance(text, str):
        raise V2CResponseError(f"Unexpected RealTimeData body type {_kind(text)}")
    cleaned = text.lstrip("\ufeff").strip().rstrip(_TRAILING_JUNK)
    if not cleaned:
        raise V2CResponseError("Empty RealTimeData payload")
    data = loads_realtime(cleaned)  # repairs PROTOCOL §3.2a bodies, refuses the rest
    if not isinstance(data, dict):
        raise V2CResponseError(f"Unexpected RealTimeData payload: got {_kind(data)}")
    d = _lower_keys(data)
    return RealtimeData(
        device_id=to_str(d.get("id")),
        firmware=to_str(d.get("firmwareversion")),
        charge_state=to_int(d.get("chargestate")),
        ready_state=to_int(d.get("readystate")),
        charge_power=to_float(d.get("chargepower")),
        charge_energy=to_float(d.get("chargeenergy")),
        charge_time=to_int(d.get("chargetime")),
        house_power=to_float(d.get("housepower")),
        fv_power=to_float(d.get("fvpower")),
        battery_power=to_float(d.get("batterypower")),
        voltage_installation=to_float(d.get("voltageinstallation")),
        slave_error=to_int(d.get("slaveerror")),
        paused=to_bool(d.get("paused")),
        locked=to_bool(d.get("locked")),
        timer=to_bool(d.get("timer")),
        intensity=to_int(d.get("intensity")),
        dynamic=to_bool(d.get("dynamic")),
        min_intensity=to_int(d.get("minintensity")),
        max_intensity=to_int(d.get("maxintensity")),
        pause_dynamic=to_bool(d.get("pausedynamic")),
        dynamic_power_mode=to_int(d.get("dynamicpowermode")),
        contracted_power=to_int(d.get("contractedpower")),
        ssid=to_str(d.get("ssid")),
        ip=to_str(d.get("ip")),
        signal_status=to_int(d.get("signalstatus")),
        # Absent on 2.4.6 (they come from /read) but used if a firmware sends them.
        logo_led=to_bool(d.get("logoled")),
        light_led=to_int(d.get("lightled")),
        charge_mode=to_int(d.get("chargemode")),
        source="lan",
    )


def parse_read_value(text: str) -> float:
    """Parse a LAN `/read/<key>` body (a bare number as text)."""
    value = to_float(text) if isinstance(text, str) else None
    if value is None:
        raise V2CResponseError("LAN /read answered with a non-numeric body")
    return value


# --- cloud -----------------------------------------------------------------------------------


def parse_reported(obj: Any) -> ReportedState:
    """Parse `/device/reported` (the shadow); see PROTOCOL §1.4 for the encodings."""
    raw = _as_object(obj, "reported")
    d = _lower_keys(raw)
    wifi = _mapping(d.get("wifi_info"))
    return ReportedState(
        raw=raw,
        device_id=_first(d, ("device_id", "deviceid"), to_str),
        firmware=_first(d, ("version", "firmware_version"), to_str),
        mac=to_str(d.get("mac")),
        ssid=to_str(wifi.get("ssid")),
        ip=_reported_ip(d),
        intensity=_first(d, ("intensity",), to_int),
        min_car_intensity=_first(d, ("min_car_int", "min_car_int_fb"), to_int),
        max_car_intensity=_first(d, ("max_car_int", "max_car_int_fb"), to_int),
        light_led=fraction_to_percent(_first(d, ("light_led",), to_float)),
        logo_led=_first(d, ("logo_led",), to_bool),
        contracted_power=contract_power_to_w(
            _first(d, ("contract_power", "contractedpower", "contracted_power"), to_float)
        ),
        dynamic=_first(d, ("dynamic",), to_bool),
        locked=_first(d, ("locked",), to_bool),
        paused=_first(d, ("pause", "paused"), to_bool),
        pause_dynamic=_first(d, ("pause_dynamic", "pausedynamic"), to_bool),
        timer=_first(d, ("timer",), to_bool),
        connected=_first(
            d, ("connected", "isconnected", "online", "is_online", "statusconnection"), to_bool
        ),
        installation_type=_first(d, ("inst_type", "installation_type"), to_int),
        slave_type=_first(d, ("slave_type",), to_int),
        language=_first(d, ("language",), to_int),
        rfid_enabled=_first(d, ("set_rfid", "rfid_enabled", "rfid"), to_bool),
        ocpp_enabled=_first(d, ("ocpp", "ocpp_enabled", "ocppactive", "ocppenabled"), to_bool),
        # The reported key for the PV mode is not documented anywhere; these names are guesses.
        fv_mode=_first(d, ("chargefvmode", "fv_mode", "fvmode"), to_int),
        charge_mode=_first(d, ("chargemode", "charge_mode"), to_int),
        dynamic_power_mode=_first(d, ("dynamicpowermode", "dynamic_power_mode"), to_int),
    )


def parse_charge_status(obj: Any) -> ChargeStatus:
    """Parse `/device/currentstatecharge` (Trydan and "pole" variants), powers to W."""
    raw = _as_object(obj, "currentstatecharge")
    d = _lower_keys(raw)
    return ChargeStatus(
        raw=raw,
        charge_state=_first(d, ("charge_state", "chargestate"), to_int),
        charge_power=kw_to_w(_first(d, ("power", "chargepower", "charge_power"), to_float)),
        charge_energy=_first(d, ("energy", "chargeenergy", "charge_energy"), to_float),
        charge_time=_first(d, ("seconds", "chargetime", "charge_time"), to_int),
        intensity=_first(d, ("intensity", "currentintensity"), to_int),
        house_power=kw_to_w(_first(d, ("house_power", "housepower"), to_float)),
        fv_power=kw_to_w(_first(d, ("sun_power", "fvpower", "fv_power"), to_float)),
        battery_power=kw_to_w(_first(d, ("battery", "batterypower", "battery_power"), to_float)),
        grid_power=kw_to_w(_first(d, ("grid_power", "gridpower"), to_float)),
        phases=_first(d, ("phases",), to_int),
        photovoltaic_on=_first(d, ("photovoltaic_on",), to_bool),
        slave_error=_first(d, ("error", "slaveerror", "slave_error"), to_int),
        # `cp_level` is the vendor's Control-Pilot level, yet it reads ~230-248 V live (§9.1).
        voltage_installation=_first(d, ("cp_level",), to_float),
    )


def parse_pairings(obj: Any) -> list[Pairing]:
    """Parse `/pairings/me`; entries without a device id are skipped.

    A non-empty list in which no entry has a device id is a changed or broken payload, not an
    empty account: it is refused so that the known chargers are kept.
    """
    pairings: list[Pairing] = []
    items = _as_list(obj, "pairings")
    for item in items:
        if not isinstance(item, dict):
            continue
        d = _lower_keys(item)
        device_id = _first(d, ("deviceid", "device_id"), to_str)
        if device_id is None:
            continue
        pairings.append(
            Pairing(
                device_id=device_id,
                name=to_str(d.get("tag")) or device_id,
                model=_first(d, ("modelname", "model_name", "model"), model_name),
                ip=_first(d, ("ip", "static_ip"), to_str),
                raw=item,
            )
        )
    if items and not pairings:
        raise V2CResponseError("pairings carry no device id")
    return pairings


def parse_firmware(obj: Any) -> FirmwareInfo:
    """Parse `/version`: an object, or a bare string/number used as the version."""
    value = maybe_json(obj)
    if value is None:
        return FirmwareInfo(raw=None)
    if isinstance(value, dict):
        d = _lower_keys(value)
        return FirmwareInfo(
            version=_first(d, ("versionid", "version", "version_id"), to_str),
            model=_first(d, ("modelname", "modelid", "commercialname"), model_name),
            raw=value,
        )
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return FirmwareInfo(version=to_str(value), raw=value)
    raise V2CResponseError(f"Unexpected version payload: got {_kind(value)}")


def parse_rfid_cards(obj: Any) -> list[RfidCard]:
    """Parse `/device/rfid`; entries without a card code are skipped."""
    cards: list[RfidCard] = []
    for item in _as_list(obj, "rfid"):
        if isinstance(item, dict):
            d = _lower_keys(item)
            code = to_str(d.get("code"))
            if code is not None:
                cards.append(RfidCard(code=code, tag=to_str(d.get("tag")), raw=item))
    return cards


_WIFI_LIST_KEYS = ("networks", "wifilist", "wifi_list", "list", "data", "result")
_WIFI_SSID_KEYS = ("ssid", "essid", "name")
_WIFI_SIGNAL_KEYS = ("signal", "rssi", "quality", "strength", "signal_strength", "level")


def parse_wifi_networks(obj: Any) -> list[WifiNetwork]:
    """Parse `/device/wifilist` leniently: its shape is undocumented (PROTOCOL §9.11)."""
    value = maybe_json(obj)
    if isinstance(value, dict):
        d = _lower_keys(value)
        wrapped = _first(d, _WIFI_LIST_KEYS, lambda v: v if isinstance(v, list) else None)
        value = wrapped if wrapped is not None else [value]
    networks: list[WifiNetwork] = []
    for item in _as_list(value, "wifilist"):
        if isinstance(item, dict):
            d = _lower_keys(item)
            ssid = _first(d, _WIFI_SSID_KEYS, to_str)
            signal = _first(d, _WIFI_SIGNAL_KEYS, to_int)
        else:
            ssid, signal = (to_str(item) if isinstance(item, str) else None), None
        if ssid is not None:
            networks.append(WifiNetwork(ssid=ssid, signal=signal, raw=item))
    return networks


def _energy_by_hour(value: Any) -> list[float]:
    """Parse the pipe-separated per-hour kWh string; any bad piece voids the list."""
    if isinstance(value, str):
        pieces: list[Any] = value.split("|") if value.strip() else []
    elif isinstance(value, list):
        pieces = value
    else:
        return []
    numbers = [to_float(piece) for piece in pieces]
    if any(number is None for number in numbers):
        return []
    return [number for number in numbers if number is not None]


def parse_statistics(obj: Any) -> list[StatisticsRecord]:
    """Parse `/stadistic/device` (charge sessions); non-object entries are skipped."""
    records: list[StatisticsRecord] = []
    for item in _as_list(obj, "statistics"):
        if not isinstance(item, dict):
            continue
        d = _lower_keys(item)
        records.append(
            StatisticsRecord(
                start=to_datetime(d.get("startchargedate")),
                end=to_datetime(d.get("endchargedate")),
                energy=to_float(d.get("energy")),
                cost=to_float(d.get("cost")),
                energy_by_hour=_energy_by_hour(d.get("energybyhour")),
                rfid_code=to_str(d.get("rfidcode")),
                rfid_name=to_str(d.get("rfidname")),
                raw=item,
            )
        )
    return records


def parse_global_statistics(obj: Any) -> list[dict[str, Any]]:
    """Pass `/stadistic/global/me` through: its shape is unknown, a lone object is wrapped."""
    value = maybe_json(obj)
    if isinstance(value, dict):
        return [value]
    return [item for item in _as_list(value, "global statistics") if isinstance(item, dict)]


def parse_power_profile(obj: Any) -> PowerProfile:
    """Parse one personalised power profile; any JSON is accepted and kept raw."""
    value = maybe_json(obj)
    if not isinstance(value, dict):
        return PowerProfile(raw=value)
    d = _lower_keys(value)
    return PowerProfile(
        name=to_str(d.get("name")),
        updated_at=_first(d, ("updateat", "updatedat", "updated_at"), to_str),
        raw=value,
    )


def parse_power_profiles(obj: Any) -> list[PowerProfile]:
    """Parse `/device/personalicepower/all`; a lone object becomes a one-element list."""
    value = maybe_json(obj)
    items = [value] if isinstance(value, dict) else _as_list(value, "power profiles")
    return [parse_power_profile(item) for item in items]


# --- cloud-only synthesis --------------------------------------------------------------------


def realtime_from_cloud(
    reported: ReportedState | None, status: ChargeStatus | None
) -> RealtimeData:
    """Build a LAN-shaped RealtimeData from cached cloud data (PROTOCOL §4), no extra calls.

    As in the reference, reported keys win over currentstatecharge ones for the same LAN key
    (so `Intensity` is the setpoint), and LAN-only fields stay None.
    """
    if reported is None:
        # §4.1 step 1: without a shadow the reference yields an empty payload, even with csc.
        return RealtimeData(source="cloud")
    shadow = parse_charge_status(reported.raw) if reported.raw else ChargeStatus()
    live = status if status is not None else ChargeStatus()
    energy = _coalesce(shadow.charge_energy, live.charge_energy)
    wifi = _mapping(_lower_keys(reported.raw).get("wifi_info"))
    return RealtimeData(
        device_id=reported.device_id,
        firmware=reported.firmware,
        charge_state=_coalesce(shadow.charge_state, live.charge_state),
        charge_power=_coalesce(shadow.charge_power, live.charge_power),
        charge_energy=None if energy is None else round(energy, 2),
        charge_time=_coalesce(shadow.charge_time, live.charge_time),
        house_power=_coalesce(shadow.house_power, live.house_power),
        fv_power=_coalesce(shadow.fv_power, live.fv_power),
        battery_power=_coalesce(shadow.battery_power, live.battery_power),
        voltage_installation=_coalesce(shadow.voltage_installation, live.voltage_installation),
        slave_error=_coalesce(shadow.slave_error, live.slave_error),
        paused=reported.paused,
        locked=reported.locked,
        intensity=_coalesce(reported.intensity, live.intensity),
        dynamic=reported.dynamic,
        min_intensity=reported.min_car_intensity,
        max_intensity=reported.max_car_intensity,
        contracted_power=reported.contracted_power,
        ssid=reported.ssid,
        ip=_coalesce(_ip_candidate(wifi.get("ip")), reported.ip),
        logo_led=reported.logo_led,
        light_led=reported.light_led,
        source="cloud",
    )
