"""Runtime control API on loopback: faults, LAN address swaps, LAN up/down, time, cars.

Plain JSON over HTTP so a demo, a benchmark or a person with curl can steer a running simulator
(docs/development/simulator-contract.md). Requests here are not recorded and never faulted.
"""

from __future__ import annotations

from dataclasses import asdict, fields
import json
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .faults import Fault
from .wire import Handler

if TYPE_CHECKING:
    from .server import Simulator

FAULT_FIELDS: Final = frozenset(f.name for f in fields(Fault)) - {"applied", "id"}
CHARGER_ACTIONS: Final = ("plug_in", "unplug", "online", "offline")


class ControlError(Exception):
    """A refused control request: status and message for the JSON answer."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the HTTP status."""
        super().__init__(message)
        self.status = status


def _fault_view(fault: Fault) -> dict[str, Any]:
    """Return a fault as JSON."""
    return asdict(fault)


def charger_view(sim: Simulator, device_id: str) -> dict[str, Any]:
    """Return what a test or demo needs to know about one charger."""
    charger = sim.chargers[device_id]
    return {
        "device_id": device_id,
        "name": charger.name,
        "lan": charger.lan,
        "lan_host": sim.lan_host(device_id),
        "listening": sim.lan_listening(device_id),
        "connected": charger.connected,
        "car_connected": charger.car_connected,
        "charging": charger.charging,
        "charge_energy": charger.charge_energy,
        "meter": charger.meter,
    }


def state(sim: Simulator) -> dict[str, Any]:
    """Return the whole simulator state the control API exposes."""
    sim.sync()
    return {
        "time": sim.now(),
        "cloud_url": sim.cloud_url,
        "chargers": [charger_view(sim, device_id) for device_id in sim.chargers],
        "faults": [_fault_view(fault) for fault in sim.faults.active],
    }


def _object(body: str) -> dict[str, Any]:
    """Parse a JSON object body ("" = {})."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except ValueError as err:
        raise ControlError(400, f"body is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def _charger_id(sim: Simulator, device_id: object) -> str:
    """Return a known charger id or refuse."""
    if not isinstance(device_id, str) or device_id not in sim.chargers:
        raise ControlError(404, f"unknown charger {device_id!r}")
    return device_id


def _add_fault(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """Create a fault from its JSON fields."""
    unknown = set(body) - FAULT_FIELDS
    if unknown:
        raise ControlError(400, f"unknown fault fields: {', '.join(sorted(unknown))}")
    try:
        fault = Fault(**body)
    except (TypeError, ValueError) as err:
        raise ControlError(400, str(err)) from err
    return _fault_view(sim.faults.add(fault))


def _charger_action(sim: Simulator, device_id: str, action: str) -> None:
    """Apply one of CHARGER_ACTIONS."""
    charger = sim.chargers[device_id]
    if action == "plug_in":
        charger.plug_in()
    elif action == "unplug":
        charger.unplug()
    else:
        charger.set_online(action == "online")


async def _lan(sim: Simulator, parts: list[str], body: dict[str, Any]) -> Any:
    """Handle POST /lan/swap and POST /lan/<id>/close|open."""
    try:
        if parts == ["lan", "swap"]:
            first, second = _charger_id(sim, body.get("a")), _charger_id(sim, body.get("b"))
            sim.swap_lan(first, second)
            return [charger_view(sim, first), charger_view(sim, second)]
        if len(parts) == 3 and parts[2] in ("close", "open"):
            device_id = _charger_id(sim, parts[1])
            await (sim.close_lan if parts[2] == "close" else sim.open_lan)(device_id)
            return charger_view(sim, device_id)
    except ValueError as err:
        raise ControlError(409, str(err)) from err
    raise ControlError(404, "unknown LAN action")


async def route(sim: Simulator, method: str, path: str, body: str) -> tuple[int, Any]:
    """Serve one control request; return (status, JSON answer)."""
    parts = [part for part in path.split("/") if part]
    data = _object(body) if method == "POST" else {}
    match method, parts:
        case "GET", ["state"]:
            return 200, state(sim)
        case "GET", ["faults"]:
            return 200, [_fault_view(fault) for fault in sim.faults.active]
        case "POST", ["faults"]:
            return 201, _add_fault(sim, data)
        case "DELETE", ["faults"]:
            sim.faults.clear()
            return 200, []
        case "DELETE", ["faults", fault_id]:
            fault = sim.faults.get(int(fault_id)) if fault_id.isdigit() else None
            if fault is None:
                raise ControlError(404, f"no active fault {fault_id}")
            sim.faults.remove(fault)
            return 200, _fault_view(fault)
        case "POST", ["lan", *_]:
            return 200, await _lan(sim, parts, data)
        case "POST", ["advance"]:
            seconds = data.get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                raise ControlError(400, "seconds must be a number >= 0")
            sim.advance(float(seconds))
            return 200, state(sim)
        case "POST", ["chargers", device_id, action] if action in CHARGER_ACTIONS:
            _charger_action(sim, _charger_id(sim, device_id), action)
            return 200, charger_view(sim, device_id)
    raise ControlError(404, f"no control route {method} {path}")


def control_handler(sim: Simulator) -> Handler:
    """Return the request handler of the control API."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        """Answer one control request with JSON."""
        sim.track(request)
        body = await request.text()
        try:
            status, answer = await route(sim, request.method, request.path, body)
        except ControlError as err:
            status, answer = err.status, {"error": str(err)}
        return web.json_response(answer, status=status)

    return handle
