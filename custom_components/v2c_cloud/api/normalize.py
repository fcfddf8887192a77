"""Payload parsing for the V2C cloud and LAN APIs, and the cloud -> LAN synthesis (PROTOCOL §4).

Field names, converters and units are declared on the models (models.py, _wire.py); this
module checks payload shapes and builds the models with `from_wire`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, Final

from ._http import maybe_json
from ._wire import (
    TRAILING_JUNK,
    TRUE_WORDS,
    V2CModel,
    Wire,
    from_wire,
    ip_candidate,
    lower_keys,
    to_float,
    to_str,
)
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

_WIFI_LIST_KEYS = ("networks", "wifilist", "wifi_list", "list", "data", "result")


def _kind(value: Any) -> str:
    """Name the JSON type of a value for error messages (never its content)."""
    return "null" if value is None else type(value).__name__


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


def _entries[M: V2CModel](items: list[Any], cls: type[M]) -> list[M]:
    """Build a model from each object entry; entries without a required field are skipped."""
    result: list[M] = []
    for item in items:
        if isinstance(item, dict):
            try:
                result.append(from_wire(cls, item, raw=item))
            except V2CResponseError:
                continue
    return result


def parse_realtime(text: str) -> RealtimeData:
    """Parse a LAN `/RealTimeData` body (trailing `%`, any key casing, numeric strings)."""
    if not isinstance(text, str):
        raise V2CResponseError(f"Unexpected RealTimeData body type {_kind(text)}")
    cleaned = text.lstrip("\ufeff").strip().rstrip(TRAILING_JUNK)
    if not cleaned:
        raise V2CResponseError("Empty RealTimeData payload")
    data = loads_realtime(cleaned)  # repairs PROTOCOL §3.2a bodies, refuses the rest
    if not isinstance(data, dict):
        raise V2CResponseError(f"Unexpected RealTimeData payload: got {_kind(data)}")
    return from_wire(RealtimeData, data, source="lan")


def parse_read_value(text: str) -> float:
    """Parse a LAN `/read/<key>` body (a bare number as text)."""
    value = to_float(text) if isinstance(text, str) else None
    if value is None:
        raise V2CResponseError("LAN /read answered with a non-numeric body")
    return value


def parse_connected(value: Any) -> bool:
    """Normalise a `/device/connected` answer (PROTOCOL §7.4): unknown shapes mean False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return False


def parse_reported(obj: Any) -> ReportedState:
    """Parse `/device/reported` (the shadow); see PROTOCOL §1.4 for the encodings."""
    raw = _as_object(obj, "reported")
    return from_wire(ReportedState, raw, raw=raw)


def parse_charge_status(obj: Any) -> ChargeStatus:
    """Parse `/device/currentstatecharge` (Trydan and "pole" variants), powers to W."""
    raw = _as_object(obj, "currentstatecharge")
    return from_wire(ChargeStatus, raw, raw=raw)


def parse_pairings(obj: Any) -> list[Pairing]:
    """Parse `/pairings/me`; entries without a device id are skipped.

    A non-empty list in which no entry has a device id is a changed or broken payload, not an
    empty account: it is refused so that the known chargers are kept.
    """
    items = _as_list(obj, "pairings")
    pairings = _entries(items, Pairing)
    if items and not pairings:
        raise V2CResponseError("pairings carry no device id")
    return pairings


def parse_firmware(obj: Any) -> FirmwareInfo:
    """Parse `/version`: an object, or a bare string/number used as the version."""
    value = maybe_json(obj)
    if value is None:
        return FirmwareInfo(raw=None)
    if isinstance(value, dict):
        return from_wire(FirmwareInfo, value, raw=value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return FirmwareInfo(version=to_str(value), raw=value)
    raise V2CResponseError(f"Unexpected version payload: got {_kind(value)}")


def parse_rfid_cards(obj: Any) -> list[RfidCard]:
    """Parse `/device/rfid`; entries without a card code are skipped."""
    return _entries(_as_list(obj, "rfid"), RfidCard)


def parse_wifi_networks(obj: Any) -> list[WifiNetwork]:
    """Parse `/device/wifilist` leniently: its shape is undocumented (PROTOCOL §9.11)."""
    value = maybe_json(obj)
    if isinstance(value, dict):
        d = lower_keys(value)
        wrapped = next((d[k] for k in _WIFI_LIST_KEYS if isinstance(d.get(k), list)), None)
        value = wrapped if wrapped is not None else [value]
    networks: list[WifiNetwork] = []
    for item in _as_list(value, "wifilist"):
        if isinstance(item, str) and (ssid := to_str(item)) is not None:
            networks.append(WifiNetwork(ssid=ssid, raw=item))  # a bare string is the SSID
        else:
            networks.extend(_entries([item], WifiNetwork))
    return networks


def parse_statistics(obj: Any) -> list[StatisticsRecord]:
    """Parse `/stadistic/device` (charge sessions); non-object entries are skipped."""
    return _entries(_as_list(obj, "statistics"), StatisticsRecord)


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
    return from_wire(PowerProfile, value, raw=value)


def parse_power_profiles(obj: Any) -> list[PowerProfile]:
    """Parse `/device/personalicepower/all`; a lone object becomes a one-element list."""
    value = maybe_json(obj)
    items = [value] if isinstance(value, dict) else _as_list(value, "power profiles")
    return [parse_power_profile(item) for item in items]


# --- cloud-only synthesis --------------------------------------------------------------------

# RealtimeData field -> cloud sources, first non-None wins. `shadow` is the reported object read
# as currentstatecharge, `live` the currentstatecharge answer, `wifi` the reported `wifi_info`.
# As in the reference, reported keys win over currentstatecharge ones for the same LAN key (so
# `Intensity` is the setpoint); LAN-only fields (ready_state, signal_status, timer, charge_mode,
# dynamic_power_mode, pause_dynamic) stay None.
FROM_CLOUD: Final[Mapping[str, tuple[str, ...]]] = {
    "device_id": ("reported.device_id",),
    "firmware": ("reported.firmware",),
    "charge_state": ("shadow.charge_state", "live.charge_state"),
    "charge_power": ("shadow.charge_power", "live.charge_power"),
    "charge_energy": ("shadow.charge_energy", "live.charge_energy"),
    "charge_time": ("shadow.charge_time", "live.charge_time"),
    "house_power": ("shadow.house_power", "live.house_power"),
    "fv_power": ("shadow.fv_power", "live.fv_power"),
    "battery_power": ("shadow.battery_power", "live.battery_power"),
    "voltage_installation": ("shadow.voltage_installation", "live.voltage_installation"),
    "slave_error": ("shadow.slave_error", "live.slave_error"),
    "paused": ("reported.paused",),
    "locked": ("reported.locked",),
    "intensity": ("reported.intensity", "live.intensity"),
    "dynamic": ("reported.dynamic",),
    "min_intensity": ("reported.min_car_intensity",),
    "max_intensity": ("reported.max_car_intensity",),
    "contracted_power": ("reported.contracted_power",),
    "ssid": ("reported.ssid",),
    "ip": ("wifi.ip", "reported.ip"),
    "logo_led": ("reported.logo_led",),
    "light_led": ("reported.light_led",),
}


def realtime_from_cloud(
    reported: ReportedState | None, status: ChargeStatus | None
) -> RealtimeData:
    """Build a LAN-shaped RealtimeData from cached cloud data (PROTOCOL §4), no extra calls."""
    if reported is None:
        # §4.1 step 1: without a shadow the reference yields an empty payload, even with csc.
        return RealtimeData(source="cloud")
    wifi_ip = Wire(("wifi_info.ip",), ip_candidate).read(lower_keys(reported.raw))
    sources: dict[str, Any] = {
        "reported": reported,
        "shadow": parse_charge_status(reported.raw) if reported.raw else ChargeStatus(),
        "live": status if status is not None else ChargeStatus(),
        "wifi": SimpleNamespace(ip=wifi_ip),
    }
    values: dict[str, Any] = {}
    for name, refs in FROM_CLOUD.items():
        for ref in refs:
            source, _, attribute = ref.partition(".")
            if (value := getattr(sources[source], attribute)) is not None:
                values[name] = value
                break
    if (energy := values.get("charge_energy")) is not None:
        values["charge_energy"] = round(energy, 2)
    return RealtimeData(**values, source="cloud")
