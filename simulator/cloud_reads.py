"""Cloud read endpoints: pairings, shadow, telemetry, version, link, Wi-Fi scan, statistics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Final

from . import params as p, views
from .endpoints import Call, Endpoint, Param
from .reply import Reply, as_json, text
from .sessions import record_date
from .state import SimCharger

LAST_SESSIONS: Final = 5


def _pairings(call: Call) -> Reply:
    """List the account's chargers."""
    return as_json(
        [
            views.pairing(charger, master=index == 0)
            for index, charger in enumerate(call.chargers.values())
        ]
    )


def _reported(call: Call) -> Reply:
    """Return the shadow as text/plain JSON."""
    return as_json(views.reported(call.device), content_type="text/plain")


def _current_state(call: Call) -> Reply:
    """Return live telemetry as text/plain JSON."""
    return as_json(views.current_state_charge(call.device), content_type="text/plain")


def _connected(call: Call) -> Reply:
    """Return the cloud link state as a bare text boolean."""
    return text("true" if call.device.connected else "false")


def _version(call: Call) -> Reply:
    """Return firmware and model as text/plain JSON."""
    return as_json(views.version(call.device), content_type="text/plain")


def _mac(call: Call) -> Reply:
    """Return the MAC address as text."""
    return text(call.device.mac)


def _wifi_list(call: Call) -> Reply:
    """Return the networks the charger sees."""
    return as_json(views.wifi_networks(call.device, call.seed))


def _within(day: date, start: date | None, end: date | None) -> bool:
    """Return True when day lies in the optional inclusive range."""
    return (start is None or start <= day) and (end is None or day <= end)


def _device_statistics(call: Call) -> Reply:
    """Return sessions by charge date, or the last five without dates."""
    start = call.args.get("chargeDateStart")
    end = call.args.get("chargeDateEnd")
    records = sorted(call.device.statistics, key=lambda record: str(record["startChargeDate"]))
    if start is None and end is None:
        return as_json(records[-LAST_SESSIONS:])
    return as_json(
        [
            record
            for record in records
            if _within(record_date(record, "startChargeDate"), start, end)
        ]
    )


def _aggregate(charger: SimCharger, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Sum a charger's sessions into one global-statistics record."""
    chosen = list(records)
    energy = round(sum(float(record["energy"]) for record in chosen), 2)
    return {
        "deviceId": charger.device_id,
        "totalEnergy": energy,
        "totalCharges": len(chosen),
        "energy": energy,
        "cost": round(sum(float(record["cost"]) for record in chosen), 3),
    }


def _global_statistics(call: Call) -> Reply:
    """Return per-charger aggregates filtered by end-of-charge date."""
    start = call.args.get("endChargeDateStart")
    end = call.args.get("endChargeDateEnd")
    return as_json(
        [
            _aggregate(
                charger,
                (
                    record
                    for record in charger.statistics
                    if _within(record_date(record, "endChargeDate"), start, end)
                ),
            )
            for charger in call.chargers.values()
        ]
    )


def _optional_day(name: str) -> Param:
    """Declare an optional date filter."""
    return Param(name=name, parse=p.day, required=False)


READS: Final = (
    Endpoint(method="GET", path="/pairings/me", action=_pairings, selector=None),
    Endpoint(method="GET", path="/device/reported", action=_reported),
    Endpoint(method="POST", path="/device/currentstatecharge", action=_current_state),
    Endpoint(method="GET", path="/device/connected", action=_connected),
    Endpoint(method="GET", path="/version", action=_version),
    Endpoint(method="POST", path="/device/mac", action=_mac),
    Endpoint(method="GET", path="/device/wifilist", action=_wifi_list, selector="id"),
    Endpoint(
        method="GET",
        path="/stadistic/device",
        action=_device_statistics,
        params=(_optional_day("chargeDateStart"), _optional_day("chargeDateEnd")),
    ),
    Endpoint(
        method="GET",
        path="/stadistic/global/me",
        action=_global_statistics,
        selector=None,
        params=(_optional_day("endChargeDateStart"), _optional_day("endChargeDateEnd")),
    ),
)
