"""Charge-session records shaped as the cloud statistics (PROTOCOL.md §1.8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

SECONDS_PER_HOUR: Final = 3600
PRICE_PER_KWH: Final = 0.15
CO2_PER_KWH: Final = 0.31


def utc(epoch: float) -> datetime:
    """Return epoch seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(epoch, UTC)


def iso_seconds(epoch: float) -> str:
    """Format as the statistics dates: 2025-10-28T11:44:47."""
    return utc(epoch).strftime("%Y-%m-%dT%H:%M:%S")


def iso_millis(epoch: float) -> str:
    """Format as the statistics audit stamps: 2025-10-28T10:44:52.000+00:00."""
    return utc(epoch).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def record_date(record: Mapping[str, Any], key: str) -> date:
    """Return the calendar date of a record's date-time field."""
    return datetime.fromisoformat(str(record[key])).date()


def session_record(
    *,
    record_id: int,
    device_id: str,
    start: float,
    end: float,
    energy: float,
    hourly: Mapping[int, float],
) -> dict[str, Any]:
    """Build one finished-session record; hourly maps UTC hour numbers to kWh."""
    hours = range(int(start // SECONDS_PER_HOUR), int(end // SECONDS_PER_HOUR) + 1)
    kwh = round(energy, 2)
    return {
        "id": record_id,
        "deviceId": device_id,
        "startChargeDate": iso_seconds(start),
        "endChargeDate": iso_seconds(end),
        "idCharge": utc(start).strftime("%Y-%m-%d %H:%M:%S"),
        "energy": kwh,
        "cost": round(kwh * PRICE_PER_KWH, 3),
        "coCost": round(kwh * CO2_PER_KWH, 3),
        "costFv": 0,
        "energyByHour": "|".join(f"{hourly.get(hour, 0.0):.1f}" for hour in hours),
        "energyByHourFv": None,
        "rfidCode": None,
        "rfidName": None,
        "message": None,
        "warning": False,
        "finished": True,
        "createdAt": iso_millis(start),
        "updatedAt": iso_millis(end),
    }


def spread_energy(start: float, end: float, power: float) -> dict[int, float]:
    """Return kWh per UTC hour for a constant power (W) between start and end."""
    hourly: dict[int, float] = {}
    moment = start
    while moment < end:
        hour = int(moment // SECONDS_PER_HOUR)
        stop = min(end, (hour + 1) * SECONDS_PER_HOUR)
        hourly[hour] = hourly.get(hour, 0.0) + power * (stop - moment) / 3_600_000
        moment = stop
    return hourly
