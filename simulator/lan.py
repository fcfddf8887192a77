"""The Trydan LAN server: /RealTimeData, /read/<Key> and /write/<Key>=<Value>."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import re
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .reply import HTML, Reply, as_json, error, text
from .state import SimCharger
from .wire import Handler, respond, status_of

if TYPE_CHECKING:
    from .server import Simulator

LEGACY_MISSING: Final = ("ReadyState", "BatteryPower", "FirmwareVersion")
READ_ONLY_EXTRA: Final = {
    "LogoLED": "logo_led",
    "LightLED": "light_led",
    "ChargeMode": "charge_mode",
}
WRITABLE: Final[dict[str, tuple[str, int, int, Callable[[int], Any]]]] = {
    "Paused": ("paused", 0, 1, bool),
    "Locked": ("locked", 0, 1, bool),
    "Timer": ("timer", 0, 1, bool),
    "Intensity": ("intensity", 6, 32, int),
    "MinIntensity": ("min_intensity", 6, 32, int),
    "MaxIntensity": ("max_intensity", 6, 32, int),
    "Dynamic": ("dynamic", 0, 1, bool),
    "PauseDynamic": ("pause_dynamic", 0, 1, bool),
    "DynamicPowerMode": ("dynamic_power_mode", 0, 5, int),
    "ContractedPower": ("contracted_power", 1, 1_000_000, int),
    "VoltageInstallation": ("voltage_installation", 100, 450, int),
    "ChargeMode": ("charge_mode", 0, 2, int),
    "LightLED": ("light_led", 0, 100, int),
    "LogoLED": ("logo_led", 0, 1, int),
}
_INT = re.compile(r"-?\d+")


def real_time_data(charger: SimCharger) -> dict[str, Any]:
    """Return the 25-key RealTimeData object of firmware 2.4.6 (22 keys on legacy firmware)."""
    data: dict[str, Any] = {
        "ID": charger.device_id,
        "FirmwareVersion": charger.firmware,
        "ChargeState": charger.charge_state,
        "ReadyState": charger.ready_state,
        "ChargePower": round(charger.charge_power, 2),
        "ChargeEnergy": round(charger.charge_energy, 2),
        "SlaveError": charger.slave_error,
        "ChargeTime": int(charger.charge_time),
        "HousePower": round(charger.house_power, 2),
        "FVPower": round(charger.fv_power, 2),
        "BatteryPower": round(charger.battery_power, 2),
        "Paused": int(charger.paused),
        "Locked": int(charger.locked),
        "Timer": int(charger.timer),
        "Intensity": charger.intensity,
        "Dynamic": int(charger.dynamic),
        "MinIntensity": charger.min_intensity,
        "MaxIntensity": charger.max_intensity,
        "PauseDynamic": int(charger.pause_dynamic),
        "DynamicPowerMode": charger.dynamic_power_mode,
        "ContractedPower": charger.contracted_power,
        "VoltageInstallation": charger.voltage_installation,
        "SSID": charger.ssid,
        "IP": charger.ip,
        "SignalStatus": charger.signal_status,
    }
    if charger.legacy_firmware:
        for key in LEGACY_MISSING:
            del data[key]
    return data


def read_value(charger: SimCharger, key: str) -> str | None:
    """Return the bare text of one keyword, or None when unknown."""
    if key in READ_ONLY_EXTRA:
        return str(getattr(charger, READ_ONLY_EXTRA[key]))
    value = real_time_data(charger).get(key)
    return None if value is None else str(value)


def write_value(charger: SimCharger, assignment: str) -> bool:
    """Apply "Key=Value" when the key is writable and the value in range."""
    key, sep, raw = assignment.partition("=")
    spec = WRITABLE.get(key)
    if not sep or spec is None or not _INT.fullmatch(raw):
        return False
    attr, low, high, convert = spec
    value = int(raw)
    if not low <= value <= high:
        return False
    setattr(charger, attr, convert(value))
    return True


def dispatch(charger: SimCharger, method: str, path: str) -> Reply:
    """Serve one LAN request."""
    if method != "GET":
        return error(405)
    if path == "/RealTimeData":
        return as_json(real_time_data(charger), content_type=HTML, suffix="%")
    if path.startswith("/read/"):
        value = read_value(charger, path.removeprefix("/read/"))
        return error(404) if value is None else text(value, content_type=HTML)
    if path.startswith("/write/"):
        ok = write_value(charger, path.removeprefix("/write/"))
        return text("OK" if ok else "ERROR", content_type=HTML)
    return error(404)


@dataclass
class Seat:
    """Which charger answers on one LAN address (changes when addresses are swapped)."""

    device_id: str


def lan_handler(sim: Simulator, seat: Seat) -> Handler:
    """Return the request handler of one LAN address, answering as the charger seated there."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        """Record, answer and respond to one LAN request."""
        sim.track(request)
        device_id = seat.device_id
        body = await request.text()
        path = request.path
        record = sim.begin(
            request,
            side="lan",
            device_id=device_id,
            path=path,
            query=dict(request.query),
            body=body,
        )
        charger = sim.chargers.get(device_id)
        if charger is None or charger.is_rebooting():
            reply = Reply(drop=True)
        else:

            def run() -> Reply:
                """Serve the request with up-to-date physics."""
                sim.sync()
                return dispatch(charger, request.method, path)

            reply = await sim.faults.apply(
                side="lan", path=path, device_id=device_id, run=run, pause=sim.pause
            )
            if reply.reboot_seconds:
                charger.rebooting_until = sim.now() + reply.reboot_seconds
        record.status = status_of(reply)
        return respond(request, reply)

    return handle
