"""Argument validation shared by the clients; every failure is a V2CValidationError."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
import json
import re
from typing import Any

from .exceptions import V2CValidationError

_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?", re.ASCII)
_WEEKDAYS = re.compile(r"[1-7]{1,7}", re.ASCII)
_IPV4 = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})", re.ASCII)
_WS_URL = re.compile(
    r"wss?://(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::(?P<port>[0-9]{1,5}))?(?:/\S*)?",
    re.ASCII | re.IGNORECASE,
)


def _fail(field: str, constraint: str, message: str) -> V2CValidationError:
    """Build a validation error; messages never echo secret values."""
    return V2CValidationError(message, field=field, constraint=constraint)


def _has_control(text: str) -> bool:
    """Tell whether a string contains C0/C1 control characters."""
    return any(ord(char) < 32 or 127 <= ord(char) < 160 for char in text)


def integer(value: Any, *, field: str, low: int, high: int) -> int:
    """Return an int within [low, high]; integral floats are accepted, bools are not."""
    constraint = f"{low}-{high}"
    number: int
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _fail(field, constraint, f"{field} must be an integer in {constraint}")
    if not low <= number <= high:
        raise _fail(field, constraint, f"{field} must be in {constraint}")
    return number


def positive_number(value: Any, *, field: str, high: float) -> float:
    """Return a finite number in (0, high]."""
    constraint = f">0 and <={high:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, constraint, f"{field} must be a number {constraint}")
    number = float(value)
    if not 0 < number <= high:  # also rejects NaN
        raise _fail(field, constraint, f"{field} must be {constraint}")
    return number


def text(
    value: Any, *, field: str, low: int, high: int, strip: bool = True, secret: bool = False
) -> str:
    """Return a string of low..high characters without control characters."""
    constraint = f"{low}-{high} characters"
    if not isinstance(value, str):
        raise _fail(field, constraint, f"{field} must be a string")
    result = value.strip() if strip else value
    if not low <= len(result) <= high or _has_control(result):
        detail = "" if secret else " without control characters"
        raise _fail(field, constraint, f"{field} must have {constraint}{detail}")
    return result


def device_id(value: Any) -> str:
    """Return a non-empty device id."""
    return text(value, field="device_id", low=1, high=64)


def ssid(value: Any) -> str:
    """Return a Wi-Fi SSID of 1-32 bytes (UTF-8)."""
    result = text(value, field="ssid", low=1, high=32, strip=False)
    if len(result.encode()) > 32:
        raise _fail("ssid", "1-32 bytes", "ssid must be at most 32 bytes long")
    return result


def time_of_day(value: Any, *, field: str) -> str:
    """Return a 24 h time normalised to HH:MM (H:MM and HH:MM:SS are tolerated)."""
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _fail(field, "HH:MM 00:00-23:59", f"{field} must be a time HH:MM")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def weekdays(value: Any) -> str:
    """Return distinct weekday digits 1 (Monday) to 7 (Sunday)."""
    result = value.strip() if isinstance(value, str) else ""
    if not _WEEKDAYS.fullmatch(result) or len(set(result)) != len(result):
        raise _fail("weekdays", "distinct digits 1-7", "weekdays must be distinct digits 1-7")
    return result


def ipv4(value: Any, *, field: str) -> str:
    """Return a dotted IPv4 address with octets 0-255."""
    result = value.strip() if isinstance(value, str) else ""
    match = _IPV4.fullmatch(result)
    if match is None or any(int(octet) > 255 for octet in match.groups()):
        raise _fail(field, "dotted IPv4", f"{field} must be a dotted IPv4 address")
    return result


def ws_url(value: Any, *, field: str) -> str:
    """Return a ws:// or wss:// URL with a host, optional port and path."""
    result = value.strip() if isinstance(value, str) else ""
    match = _WS_URL.fullmatch(result)
    port = match.group("port") if match else None
    if match is None or (port is not None and not 1 <= int(port) <= 65535):
        raise _fail(field, "ws:// or wss:// URL", f"{field} must be a ws:// or wss:// URL")
    return result


def iso_timestamp(value: Any, *, field: str) -> str:
    """Return an ISO-8601 timestamp unchanged (it is the profile's version key)."""
    result = text(value, field=field, low=1, high=64)
    try:
        datetime.fromisoformat(result)
    except ValueError:
        raise _fail(field, "ISO-8601 timestamp", f"{field} must be an ISO-8601 timestamp") from None
    return result


def json_object(value: Any, *, field: str) -> dict[str, Any]:
    """Return a JSON-serialisable object."""
    if not isinstance(value, Mapping):
        raise _fail(field, "JSON object", f"{field} must be a JSON object")
    result = dict(value)
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise _fail(field, "JSON object", f"{field} must be JSON-serialisable") from None
    return result


def day(value: Any, *, field: str) -> date | None:
    """Return a date (a datetime is reduced to its date), None passes through."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise _fail(field, "date", f"{field} must be a date")
    return value


def date_range(start: Any, end: Any, *, prefix: str) -> dict[str, str]:
    """Return the statistics date query parameters (YYYY-MM-DD), checking start <= end."""
    first, last = day(start, field="date_start"), day(end, field="date_end")
    if first is not None and last is not None and first > last:
        raise _fail("date_end", "date_end >= date_start", "date_end is before date_start")
    params: dict[str, str] = {}
    if first is not None:
        params[f"{prefix}Start"] = first.isoformat()
    if last is not None:
        params[f"{prefix}End"] = last.isoformat()
    return params
