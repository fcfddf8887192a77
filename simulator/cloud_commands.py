"""Cloud command endpoints (PROTOCOL.md §1.3 charge control and configuration)."""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from . import params as p
from .endpoints import Action, Call, Endpoint, Param
from .reply import JSON, Reply, as_json, error, text

EXECUTED: Final = "Command executed successfully"
AMPS: Final = p.int_range(6, 32)
WATTS: Final = p.int_range(1, 1_000_000)
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DAYS = re.compile(r"[1-8]{1,7}")


def executed() -> Reply:
    """Answer like reboot/update do live."""
    return text(EXECUTED)


def empty() -> Reply:
    """Answer with the empty 200 body many commands use."""
    return text("")


def setter(attr: str, param: str = "value") -> Action:
    """Return an action storing the parsed param in the charger attribute attr."""

    def action(call: Call) -> Reply:
        """Store the value."""
        setattr(call.device, attr, call.args[param])
        return empty()

    return action


def _start(call: Call) -> Reply:
    """Start or resume charging."""
    call.device.paused = False
    return executed()


def _pause(call: Call) -> Reply:
    """Pause the session."""
    call.device.paused = True
    return executed()


def _start_kw(call: Call) -> Reply:
    """Start a charge that pauses once the session reaches kw kWh."""
    call.device.energy_limit = call.args["kw"]
    call.device.paused = False
    return executed()


def _start_minutes(call: Call) -> Reply:
    """Start a charge that pauses after minutes of charging."""
    call.device.minutes_limit = call.args["minutes"]
    call.device.paused = False
    return executed()


def _fv_mode(call: Call) -> Reply:
    """Set the PV mode; vendor-new documents a JSON message answer here."""
    call.device.fv_mode = call.args["value"]
    return as_json({"message": EXECUTED}, content_type=JSON)


def _wifi(call: Call) -> Reply:
    """Store new Wi-Fi credentials."""
    call.device.ssid = call.args["ssid"]
    call.device.wifi_password = call.args["password"]
    return executed()


def _timer(call: Call) -> Reply:
    """Program timer 0 or 1 from either vendor body schema."""
    body: dict[str, Any] = call.body
    start = body.get("start_time", body.get("timeStart"))
    end = body.get("end_time", body.get("timeEnd"))
    active = body.get("active", True)
    days = body.get("daysOfWeek")
    if not (isinstance(start, str) and _HHMM.fullmatch(start)):
        return error(400, "Invalid start time")
    if not (isinstance(end, str) and _HHMM.fullmatch(end)):
        return error(400, "Invalid end time")
    if not isinstance(active, bool):
        return error(400, "Invalid active flag")
    timer: dict[str, Any] = {"start_time": start, "end_time": end, "active": active}
    if days is not None:
        if not (isinstance(days, str) and _DAYS.fullmatch(days)):
            return error(400, "Invalid daysOfWeek")
        timer["daysOfWeek"] = days
    call.device.timers[call.args["timer id"]] = timer
    return executed()


def _reboot(call: Call) -> Reply:
    """Count a reboot request."""
    call.device.reboots += 1
    return executed()


def _update(call: Call) -> Reply:
    """Count a firmware-update request."""
    call.device.updates += 1
    return executed()


def _thirdparty(call: Call) -> Reply:
    """Store the third-party control mode."""
    call.device.thirdparty_mode = call.args["mode"]
    call.device.thirdparty_value = call.args["value"]
    return empty()


def _command(
    path: str,
    action: Action,
    *params: Param,
    selector: Literal["deviceId", "id"] = "deviceId",
    json_body: bool = False,
) -> Endpoint:
    """Declare a POST command endpoint."""
    return Endpoint(
        method="POST",
        path=path,
        action=action,
        selector=selector,
        params=params,
        json_body=json_body,
        needs_link=True,
    )


def _value(parse: p.Parser) -> Param:
    """Declare the usual required value parameter."""
    return Param(name="value", parse=parse)


COMMANDS: Final = (
    _command("/device/startcharge", _start),
    _command("/device/pausecharge", _pause),
    _command("/device/intensity", setter("intensity"), _value(AMPS)),
    _command("/device/locked", setter("locked"), _value(p.flag)),
    _command("/device/dynamic", setter("dynamic"), _value(p.flag)),
    _command("/device/chargefvmode", _fv_mode, _value(p.int_range(0, 2))),
    _command("/device/max_car_int", setter("max_intensity"), _value(AMPS)),
    _command("/device/min_car_int", setter("min_intensity"), _value(AMPS)),
    _command("/device/maxpower", setter("max_power"), _value(WATTS)),
    _command("/device/denka/max_power", setter("denka_max_power"), _value(WATTS)),
    _command("/device/charger_until_energy", setter("energy_limit"), _value(p.number(0, 1000))),
    _command(
        "/device/charger_until_minutes",
        setter("minutes_limit"),
        _value(p.int_range(0, 100_000)),
    ),
    _command("/device/startchargekw", _start_kw, Param(name="kw", parse=p.number(0.1, 1000))),
    _command(
        "/device/startchargeminutes",
        _start_minutes,
        Param(name="minutes", parse=p.int_range(1, 100_000)),
    ),
    _command("/device/set_rfid", setter("rfid_enabled"), _value(p.flag)),
    _command("/device/logo_led", setter("logo_led"), _value(p.int_range(0, 1))),
    _command("/device/inst_type", setter("installation_type"), _value(p.int_range(0, 2))),
    _command("/device/slave_type", setter("slave_type"), _value(p.int_range(0, 255))),
    _command("/device/language", setter("language"), _value(p.int_range(0, 9))),
    _command("/device/ocpp", setter("ocpp_enabled"), _value(p.flag), selector="id"),
    _command("/device/ocpp_id", setter("ocpp_id"), _value(p.label), selector="id"),
    _command("/device/ocpp_addr", setter("ocpp_address"), _value(p.ws_url), selector="id"),
    _command("/device/inverter_ip", setter("inverter_ip"), _value(p.ipv4), selector="id"),
    _command(
        "/device/wifi",
        _wifi,
        Param(name="ssid", parse=p.label),
        Param(name="password", parse=p.any_text),
    ),
    _command(
        "/device/timer",
        _timer,
        Param(name="timer id", parse=p.int_range(0, 1)),
        json_body=True,
    ),
    _command("/device/reboot", _reboot),
    _command("/device/update", _update),
    _command(
        "/device/thirdparty_mode",
        _thirdparty,
        Param(name="mode", parse=p.any_text),
        _value(p.any_text),
    ),
)
