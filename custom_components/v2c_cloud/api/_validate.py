"""The one validation layer: every argument check of the clients and of the actions.

Each failure is a V2CValidationError carrying the rejected `field`, a human `constraint`, a
`reason` (the integration's translation key) and its `placeholders`. Messages never echo the
value. Rules shared by every caller:
- text refuses every control, format, surrogate and line/paragraph-separator character (Unicode
  Cc, Cf, Cs, Zl, Zp: NUL, bidi overrides...) and has a length bound, checked before anything else;
- a boolean is True/False, or one of 1/0 and true/false/on/off/yes/no (any case) from templates
  and YAML; every other number or word (2, -1, 0.5, "2") is refused;
- the inverter IP obeys the LAN host rule of hosts.py (private unicast IPv4 only);
- JSON objects are bounded in size and depth before they are parsed.
`from_text=True` (used by the actions) also accepts the strings templates render: "16" for 16,
"2025-01-31" for a date, JSON text for an object. The clients stay strict.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
import math
import re
from typing import Any, Final
import unicodedata

# Re-exported: the actions reach every check, and the reasons, through this module.
from ._validate_json import json_object as json_object  # noqa: PLC0414
from .const import SSID_MAX_BYTES
from .exceptions import Reason as Reason, V2CValidationError  # noqa: PLC0414
from .hosts import validate_lan_host

DEVICE_ID_MAX: Final = 64
OCPP_URL_MAX: Final = 512
_fail = V2CValidationError.refuse
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_TRUE: Final = frozenset({"true", "on", "yes", "1"})
_FALSE: Final = frozenset({"false", "off", "no", "0"})

_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?", re.ASCII)
_WEEKDAYS = re.compile(r"[1-7]{1,7}", re.ASCII)
_DAY = re.compile(r"(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}", re.ASCII)
_IPV4 = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})", re.ASCII)
_WS_URL = re.compile(
    r"wss?://(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::(?P<port>[0-9]{1,5}))?(?:/\S*)?",
    re.ASCII | re.IGNORECASE,
)


def has_control(text: str) -> bool:
    """Tell whether a string holds a control/format/separator character (Cc Cf Cs Zl Zp)."""
    return any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in text)


def _number(value: Any, field: str, constraint: str, from_text: bool) -> float | int:
    """Return an int or a finite float; bools, non-numbers and NaN/inf are refused."""
    if from_text and isinstance(value, str) and len(value) <= 32:
        with suppress(ValueError):
            value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, constraint, "not_a_number")
    result: float | int = value
    if isinstance(result, float) and not math.isfinite(result):
        raise _fail(field, constraint, "not_a_number")
    return result


def integer(value: Any, *, field: str, low: int, high: int, from_text: bool = False) -> int:
    """Return an int within [low, high]; integral floats are accepted, bools are not."""
    constraint = f"{low}-{high}"
    number = _number(value, field, constraint, from_text)
    if isinstance(number, float) and not number.is_integer():
        raise _fail(field, constraint, "not_an_integer")
    if not low <= number <= high:
        raise _fail(field, constraint, "out_of_range", min=str(low), max=str(high))
    return int(number)


def number(
    value: Any,
    *,
    field: str,
    low: float,
    high: float,
    above_low: bool = False,
    from_text: bool = False,
) -> float:
    """Return a finite number in [low, high], or in (low, high] when `above_low`."""
    constraint = f">{low:g} and <={high:g}" if above_low else f"{low:g}-{high:g}"
    result = float(_number(value, field, constraint, from_text))
    inside = low < result <= high if above_low else low <= result <= high
    if not inside:
        raise _fail(
            field,
            constraint,
            "above_range" if above_low else "out_of_range",
            min=f"{low:g}",
            max=f"{high:g}",
        )
    return result


def boolean(value: Any, *, field: str) -> bool:
    """Return a boolean from True/False, 1/0 or true/false/on/off/yes/no; refuse the rest."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = value.strip().lower() if isinstance(value, str) and len(value) <= 8 else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise _fail(field, "true or false", "not_a_boolean")


def text(
    value: Any,
    *,
    field: str,
    low: int,
    high: int,
    strip: bool = True,
    secret: bool = False,
    blank: bool = True,
    from_number: bool = False,
) -> str:
    """Return a string of low..high characters without control or format characters.

    `blank=False` also refuses a value of spaces only (kept unstripped); `from_number` turns
    a YAML number (an all-digit card code) into its text.
    """
    constraint = f"{low}-{high} characters" + ("" if secret else ", no control characters")
    limits = {"min": str(low), "max": str(high)}
    if from_number and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > 4 * high + 64:
        raise _fail(field, constraint, "text_length", **limits)
    if has_control(value):  # before stripping: a trailing tab or newline is refused too
        raise _fail(field, constraint, "text_control")
    result = value.strip() if strip else value
    if not low <= len(result) <= high:
        raise _fail(field, constraint, "text_length", **limits)
    if not blank and not result.strip():
        raise _fail(field, constraint, "text_blank")
    return result


def device_id(value: Any) -> str:
    """Return a non-empty device id."""
    return text(value, field="device_id", low=1, high=DEVICE_ID_MAX)


def ssid(value: Any, *, field: str = "ssid") -> str:
    """Return a Wi-Fi SSID of 1-32 bytes (UTF-8), kept exactly as typed but never blank."""
    result = text(value, field=field, low=1, high=SSID_MAX_BYTES, strip=False, blank=False)
    if len(result.encode()) > SSID_MAX_BYTES:
        raise _fail(field, f"1-{SSID_MAX_BYTES} bytes", "ssid_too_long", max=str(SSID_MAX_BYTES))
    return result


def time_of_day(value: Any, *, field: str) -> str:
    """Return a 24 h time normalised to HH:MM (H:MM and HH:MM:SS are tolerated)."""
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) and len(value) < 32 else None
    if match is None:
        raise _fail(field, "HH:MM 00:00-23:59", "invalid_time")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def weekdays(value: Any, *, field: str = "weekdays") -> str:
    """Return distinct weekday digits 1 (Monday) to 7 (Sunday), from "135", 135 or [1, 3, 5]."""
    if isinstance(value, list) and len(value) <= 7:
        value = "".join(str(item) for item in value if isinstance(item, int | str))
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    result = value.strip() if isinstance(value, str) and len(value) < 32 else ""
    if not _WEEKDAYS.fullmatch(result) or len(set(result)) != len(result):
        raise _fail(field, "distinct digits 1-7", "invalid_weekdays")
    return result


def ipv4(value: Any, *, field: str) -> str:
    """Return a dotted IPv4 address with octets 0-255, without leading zeros."""
    result = value.strip() if isinstance(value, str) and len(value) < 64 else ""
    match = _IPV4.fullmatch(result)
    if match is None or any(int(octet) > 255 for octet in match.groups()):
        raise _fail(field, "dotted IPv4", "invalid_ipv4")
    return ".".join(str(int(octet)) for octet in match.groups())


def lan_ipv4(value: Any, *, field: str) -> str:
    """Return a private unicast IPv4 address (the LAN host rule of hosts.py)."""
    result = ipv4(value, field=field)
    try:
        validate_lan_host(result)
    except V2CValidationError:
        raise _fail(field, "private unicast IPv4", "ip_not_private") from None
    return result


def ws_url(value: Any, *, field: str) -> str:
    """Return a ws:// or wss:// URL with a host, optional port and path (bounded length)."""
    constraint = f"ws:// or wss:// URL of at most {OCPP_URL_MAX} characters"
    if isinstance(value, str) and len(value) > OCPP_URL_MAX:
        raise _fail(field, constraint, "text_length", min="1", max=str(OCPP_URL_MAX))
    if isinstance(value, str) and has_control(value):
        raise _fail(field, constraint, "text_control")
    result = value.strip() if isinstance(value, str) else ""
    match = _WS_URL.fullmatch(result)
    port = match.group("port") if match else None
    if match is None or (port is not None and not 1 <= int(port) <= 65535):
        raise _fail(field, constraint, "invalid_url")
    return result


def iso_timestamp(value: Any, *, field: str) -> str:
    """Return an ISO-8601 timestamp unchanged (it is the profile's version key)."""
    result = text(value, field=field, low=1, high=64)
    try:
        datetime.fromisoformat(result)
    except ValueError:
        raise _fail(field, "ISO-8601 timestamp", "invalid_timestamp") from None
    return result


def day(value: Any, *, field: str, from_text: bool = False) -> date | None:
    """Return a date (a datetime is reduced to its date); None passes through.

    With `from_text`, "YYYY-MM-DD" (years 1900-2099) is accepted too.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if from_text and isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(field, "date", "invalid_date")


def date_range(start: Any, end: Any, *, prefix: str) -> dict[str, str]:
    """Return the statistics date query parameters (YYYY-MM-DD), checking start <= end."""
    first, last = day(start, field="date_start"), day(end, field="date_end")
    if first is not None and last is not None and first > last:
        raise _fail(
            "date_end",
            "date_end >= date_start",
            "date_range_reversed",
            date_start=first.isoformat(),
            date_end=last.isoformat(),
        )
    params: dict[str, str] = {}
    if first is not None:
        params[f"{prefix}Start"] = first.isoformat()
    if last is not None:
        params[f"{prefix}End"] = last.isoformat()
    return params
