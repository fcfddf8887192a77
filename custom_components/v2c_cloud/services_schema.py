"""Field validators and schemas of the V2C Cloud actions; every rejection is translated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
import ipaddress
import json
import math
import re
from typing import Any, Final

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .api.const import (
    ENERGY_MAX_KWH,
    FV_MODE_MAX,
    INTENSITY_MAX,
    INTENSITY_MIN,
    LAN_WRITE_RANGES,
    POWER_MAX_W,
    POWER_MIN_W,
    RFID_TEXT_MAX,
    SSID_MAX_BYTES,
    TIMER_ID_MAX,
    WIFI_PASSWORD_MAX,
    WIFI_PASSWORD_MIN,
)
from .const import DOMAIN

ATTR_ACTIVE: Final = "active"
ATTR_AMPS: Final = "amps"
ATTR_CODE: Final = "code"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_DATE_END: Final = "date_end"
ATTR_DATE_START: Final = "date_start"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_ENABLED: Final = "enabled"
ATTR_END_TIME: Final = "end_time"
ATTR_IP_ADDRESS: Final = "ip_address"
ATTR_KWH: Final = "kwh"
ATTR_LOCKED: Final = "locked"
ATTR_MINUTES: Final = "minutes"
ATTR_MODE: Final = "mode"
ATTR_NAME: Final = "name"
ATTR_OCPP_ID: Final = "ocpp_id"
ATTR_OCPP_URL: Final = "ocpp_url"
ATTR_PASSWORD: Final = "password"
ATTR_PROFILE: Final = "profile"
ATTR_SSID: Final = "ssid"
ATTR_START_TIME: Final = "start_time"
ATTR_TAG: Final = "tag"
ATTR_TIMER_ID: Final = "timer_id"
ATTR_TIMESTAMP: Final = "timestamp"
ATTR_UPDATED_AT: Final = "updated_at"
ATTR_VOLTAGE: Final = "voltage"
ATTR_WATTS: Final = "watts"
ATTR_WEEKDAYS: Final = "weekdays"

# Limits of PROTOCOL.md §7, taken from the API client (api/const.py) so both check the same
# values; here they are checked before anything is sent, with translated messages.
AMPS_MIN: Final = INTENSITY_MIN
AMPS_MAX: Final = INTENSITY_MAX
WATTS_MIN: Final = POWER_MIN_W
WATTS_MAX: Final = POWER_MAX_W
VOLTAGE_MIN, VOLTAGE_MAX = LAN_WRITE_RANGES["VoltageInstallation"]
KWH_MAX: Final = int(ENERGY_MAX_KWH)
# The protocol bounds minutes only from below; a week is far beyond any charging session.
MINUTES_MAX: Final = 10080
TEXT_MAX: Final = RFID_TEXT_MAX
SSID_MAX: Final = SSID_MAX_BYTES
PASSWORD_MIN: Final = WIFI_PASSWORD_MIN
PASSWORD_MAX: Final = WIFI_PASSWORD_MAX

_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?", re.ASCII)
_WEEKDAYS = re.compile(r"[1-7]{1,7}", re.ASCII)
_DAY = re.compile(r"(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Same shape as the API client accepts: host (or [IPv6]), optional port, optional path.
_WS_URL = re.compile(
    r"wss?://(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::(?P<port>[0-9]{1,5}))?(?:/\S*)?",
    re.ASCII | re.IGNORECASE,
)

type Validator = Callable[[Any], Any]


class FieldInvalid(vol.Invalid):
    """A rejected field value, carrying the translation of the reason."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Store the translation key and its placeholders (the field is added later)."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


class V2CServiceSchema(vol.Schema):
    """A schema whose errors are translated ServiceValidationErrors instead of vol.Invalid."""

    def __call__(self, data: Any) -> Any:
        """Validate, translating the first error."""
        try:
            return super().__call__(data)  # type: ignore[no-untyped-call]
        except vol.Invalid as err:
            first = err.errors[0] if isinstance(err, vol.MultipleInvalid) else err
            raise translate_invalid(first) from err


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def translate_invalid(err: vol.Invalid) -> ServiceValidationError:
    """Turn a voluptuous error into a translated validation error naming the field."""
    field = ".".join(str(part) for part in err.path) or "data"
    if isinstance(err, FieldInvalid):
        return validation_error(err.key, field=field, **err.placeholders)
    if isinstance(err, vol.RequiredFieldInvalid):
        return validation_error("missing_field", field=field)
    if err.error_message == "extra keys not allowed":
        return validation_error("unknown_field", field=field)
    return validation_error("invalid_field", field=field)


# ---- value validators -------------------------------------------------------------------------


def _number(value: Any) -> float:
    """Return a finite number from a number or a numeric string (templates render strings)."""
    if isinstance(value, bool):
        raise FieldInvalid("not_a_number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise FieldInvalid("not_a_number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldInvalid("not_a_number")
    return float(value)


def int_range(low: int, high: int) -> Validator:
    """Return a validator of a whole number within [low, high]."""

    def validate(value: Any) -> int:
        """Check the whole number."""
        number = _number(value)
        if not number.is_integer():
            raise FieldInvalid("not_an_integer")
        if not low <= number <= high:
            raise FieldInvalid("out_of_range", min=str(low), max=str(high))
        return int(number)

    return validate


def float_range(low: float, high: float, *, above_low: bool = False) -> Validator:
    """Return a validator of a number within [low, high] (or (low, high] when `above_low`)."""

    def validate(value: Any) -> float:
        """Check the number."""
        number = _number(value)
        if above_low and not low < number <= high:
            raise FieldInvalid("above_range", min=f"{low:g}", max=f"{high:g}")
        if not low <= number <= high:
            raise FieldInvalid("out_of_range", min=f"{low:g}", max=f"{high:g}")
        return number

    return validate


def flag(value: Any) -> bool:
    """Return a boolean (true/false, on/off, 1/0, yes/no)."""
    try:
        return cv.boolean(value)
    except vol.Invalid:
        raise FieldInvalid("not_a_boolean") from None


def _has_control(value: str) -> bool:
    """Tell whether a string contains C0/C1 control characters."""
    return any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)


def text(low: int, high: int, *, strip: bool = True) -> Validator:
    """Return a validator of a string of low..high characters without control characters."""

    def validate(value: Any) -> str:
        """Check the text."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # YAML turns an all-digit id or card code into a number
        if not isinstance(value, str):
            raise FieldInvalid("text_length", min=str(low), max=str(high))
        result = value.strip() if strip else value
        if not low <= len(result) <= high or _has_control(result):
            raise FieldInvalid("text_length", min=str(low), max=str(high))
        return result

    return validate


def ssid(value: Any) -> str:
    """Return a Wi-Fi network name of 1-32 bytes (UTF-8), kept exactly as typed."""
    result: str = text(1, SSID_MAX, strip=False)(value)
    if len(result.encode()) > SSID_MAX:
        raise FieldInvalid("ssid_too_long", max=str(SSID_MAX))
    return result


def time_of_day(value: Any) -> str:
    """Return a 24 h time as HH:MM; the seconds of the UI time picker are dropped."""
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise FieldInvalid("invalid_time")
    return f"{match.group(1)}:{match.group(2)}"


def weekdays(value: Any) -> str:
    """Return distinct weekday digits, 1 (Monday) to 7 (Sunday), from "135" or [1, 3, 5]."""
    if isinstance(value, list):
        value = "".join(str(item) for item in value)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    result = value.strip() if isinstance(value, str) else ""
    if not _WEEKDAYS.fullmatch(result) or len(set(result)) != len(result):
        raise FieldInvalid("invalid_weekdays")
    return result


def day(value: Any) -> date:
    """Return a calendar date given as YYYY-MM-DD (years 1900-2099)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldInvalid("invalid_date")


def ipv4(value: Any) -> str:
    """Return a dotted IPv4 address."""
    try:
        return str(ipaddress.IPv4Address(value.strip() if isinstance(value, str) else ""))
    except ValueError:
        raise FieldInvalid("invalid_ipv4") from None


def ws_url(value: Any) -> str:
    """Return a ws:// or wss:// URL with a host, an optional port and an optional path."""
    result = value.strip() if isinstance(value, str) else ""
    match = _WS_URL.fullmatch(result)
    port = match.group("port") if match else None
    if match is None or (port is not None and not 1 <= int(port) <= 65535):
        raise FieldInvalid("invalid_url")
    return result


def timestamp(value: Any) -> str:
    """Return an ISO-8601 timestamp unchanged: it is the profile's version key."""
    if isinstance(value, datetime):
        return value.isoformat()
    result = value.strip() if isinstance(value, str) else ""
    try:
        datetime.fromisoformat(result)
    except ValueError:
        raise FieldInvalid("invalid_timestamp") from None
    if len(result) > TEXT_MAX:
        raise FieldInvalid("invalid_timestamp")
    return result


def json_object(value: Any) -> dict[str, Any]:
    """Return a JSON object, given as a mapping or as JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise FieldInvalid("invalid_object") from None
    if not isinstance(value, Mapping):
        raise FieldInvalid("invalid_object")
    result = dict(value)
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise FieldInvalid("invalid_object") from None
    return result


def device_ids(value: Any) -> list[str]:
    """Return at least one device registry id (a single id or a list)."""
    ids = value if isinstance(value, list) else [value]
    if not ids or not all(isinstance(item, str) and item for item in ids):
        raise FieldInvalid("no_device")
    return list(dict.fromkeys(ids))


def date_order(data: dict[str, Any]) -> dict[str, Any]:
    """Check that date_start is not after date_end."""
    start, end = data.get(ATTR_DATE_START), data.get(ATTR_DATE_END)
    if start is not None and end is not None and start > end:
        raise FieldInvalid(
            "date_range_reversed", date_start=start.isoformat(), date_end=end.isoformat()
        )
    return data


# ---- schemas ----------------------------------------------------------------------------------

AMPS: Final = int_range(AMPS_MIN, AMPS_MAX)
WATTS: Final = int_range(WATTS_MIN, WATTS_MAX)
MINUTES: Final = int_range(1, MINUTES_MAX)
KWH: Final = float_range(0, KWH_MAX, above_low=True)
RFID_TEXT: Final = text(1, TEXT_MAX)
DATES: Final[dict[vol.Marker, Validator]] = {
    vol.Optional(ATTR_DATE_START): day,
    vol.Optional(ATTR_DATE_END): day,
}


def charger_schema(fields: Mapping[vol.Marker, Validator] | None = None) -> V2CServiceSchema:
    """Return the schema of an action aimed at one or more chargers."""
    return V2CServiceSchema({vol.Required(ATTR_DEVICE_ID): device_ids, **(fields or {})})


NO_FIELDS: Final = charger_schema()
SET_WIFI_SCHEMA: Final = charger_schema(
    {
        vol.Required(ATTR_SSID): ssid,
        vol.Required(ATTR_PASSWORD): text(PASSWORD_MIN, PASSWORD_MAX, strip=False),
    }
)
PROGRAM_TIMER_SCHEMA: Final = charger_schema(
    {
        vol.Required(ATTR_TIMER_ID): int_range(0, TIMER_ID_MAX),
        vol.Required(ATTR_START_TIME): time_of_day,
        vol.Required(ATTR_END_TIME): time_of_day,
        vol.Optional(ATTR_ACTIVE, default=True): flag,
        vol.Optional(ATTR_WEEKDAYS): weekdays,
    }
)
ENABLED_SCHEMA: Final = charger_schema({vol.Required(ATTR_ENABLED): flag})
LOCKED_SCHEMA: Final = charger_schema({vol.Required(ATTR_LOCKED): flag})
OCPP_ID_SCHEMA: Final = charger_schema({vol.Required(ATTR_OCPP_ID): text(1, TEXT_MAX)})
OCPP_URL_SCHEMA: Final = charger_schema({vol.Required(ATTR_OCPP_URL): ws_url})
INVERTER_IP_SCHEMA: Final = charger_schema({vol.Required(ATTR_IP_ADDRESS): ipv4})
VOLTAGE_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_VOLTAGE): float_range(VOLTAGE_MIN, VOLTAGE_MAX)}
)
TAG_SCHEMA: Final = charger_schema({vol.Required(ATTR_TAG): RFID_TEXT})
CODE_TAG_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_CODE): RFID_TEXT, vol.Required(ATTR_TAG): RFID_TEXT}
)
CODE_SCHEMA: Final = charger_schema({vol.Required(ATTR_CODE): RFID_TEXT})
AMPS_SCHEMA: Final = charger_schema({vol.Required(ATTR_AMPS): AMPS})
FV_MODE_SCHEMA: Final = charger_schema({vol.Required(ATTR_MODE): int_range(0, FV_MODE_MAX)})
WATTS_SCHEMA: Final = charger_schema({vol.Required(ATTR_WATTS): WATTS})
KWH_SCHEMA: Final = charger_schema({vol.Required(ATTR_KWH): KWH})
MINUTES_SCHEMA: Final = charger_schema({vol.Required(ATTR_MINUTES): MINUTES})
SAVE_PROFILE_SCHEMA: Final = charger_schema(
    {
        vol.Required(ATTR_NAME): text(1, TEXT_MAX),
        vol.Required(ATTR_UPDATED_AT): timestamp,
        vol.Required(ATTR_PROFILE): json_object,
    }
)
DELETE_PROFILE_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_NAME): text(1, TEXT_MAX), vol.Required(ATTR_UPDATED_AT): timestamp}
)
GET_PROFILE_SCHEMA: Final = charger_schema({vol.Required(ATTR_TIMESTAMP): timestamp})
DEVICE_STATISTICS_SCHEMA: Final = V2CServiceSchema(
    vol.All({vol.Required(ATTR_DEVICE_ID): device_ids, **DATES}, date_order)
)
GLOBAL_STATISTICS_SCHEMA: Final = V2CServiceSchema(
    vol.All({vol.Optional(ATTR_CONFIG_ENTRY_ID): text(1, 64), **DATES}, date_order)
)
