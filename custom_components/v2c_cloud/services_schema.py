"""Schemas of the V2C Cloud actions: api/_validate adapted to voluptuous and translations.

Shape and range checks fail inside the schema with `V2CInvalid`, a `vol.Invalid`: Home Assistant
answers it with HTTP 400 over REST and `invalid_format` over WebSocket, without a traceback, on
every supported version. Its message is the integration's translated text (English, as HA renders
exceptions) and it carries the translation key and placeholders as `translation_key` and
`placeholders`, the names of probatio's structured errors (HA 2026.11), as read-only properties
so the same class works on voluptuous and on probatio.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_exception_message
import voluptuous as vol

from .api import V2CValidationError, _validate as check
from .api.const import (
    ENERGY_MAX_KWH,
    FV_MODE_MAX,
    INTENSITY_MAX,
    INTENSITY_MIN,
    LAN_WRITE_RANGES,
    OCPP_ID_MAX,
    POWER_MAX_W,
    POWER_MIN_W,
    PROFILE_NAME_MAX,
    RFID_TEXT_MAX,
    TIMER_ID_MAX,
    WIFI_PASSWORD_MAX,
    WIFI_PASSWORD_MIN,
)
from .const import DOMAIN
from .errors import clip

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

VOLTAGE_MIN, VOLTAGE_MAX = LAN_WRITE_RANGES["VoltageInstallation"]
# The protocol bounds minutes only from below; a week is far beyond any charging session.
MINUTES_MAX: Final = 10080

type Validator = Callable[[Any], Any]


class V2CInvalid(vol.Invalid):
    """A refused action field, carrying the translation key and placeholders of the reason."""

    def __init__(
        self,
        message: str,
        key: str,
        placeholders: Mapping[str, str],
        path: list[Any] | None = None,
    ) -> None:
        """Store the reason; `path` is only set before the field is known."""
        super().__init__(message, path)
        self._v2c_key = key
        self._v2c_placeholders = dict(placeholders)

    @property
    def translation_key(self) -> str:
        """Return the key in the `exceptions` translations."""
        return self._v2c_key

    @property
    def placeholders(self) -> dict[str, str]:
        """Return the values of the translated message."""
        return self._v2c_placeholders


def invalid(key: str, **placeholders: str) -> V2CInvalid:
    """Return a refusal whose message is the translated text (English, as HA renders it)."""
    try:
        message = async_get_exception_message(DOMAIN, key, placeholders)
    except HomeAssistantError:  # no running Home Assistant (plain schema use)
        message = key
    if message == key:
        message = f"{placeholders.get('field', 'data')}: {key.replace('_', ' ')}"
    return V2CInvalid(message, key, placeholders)


def translate(err: vol.Invalid) -> V2CInvalid:
    """Turn the first schema error into a translated refusal naming the field."""
    field = clip(".".join(str(part) for part in err.path) or "data")
    if isinstance(err, V2CInvalid):
        return invalid(err.translation_key, **{**err.placeholders, "field": field})
    if isinstance(err, vol.RequiredFieldInvalid):
        return invalid("missing_field", field=field)
    return invalid("invalid_field", field=field)


class V2CServiceSchema(vol.Schema):
    """An action schema: unknown fields, then each field, then the cross-field `check`."""

    def __init__(
        self,
        fields: Mapping[vol.Marker, Validator],
        check: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """Build the schema of `fields`."""
        super().__init__(dict(fields))
        self.known = frozenset(str(marker) for marker in fields)
        self.check = check

    def __call__(self, data: Any) -> Any:
        """Validate; every refusal is one translated V2CInvalid."""
        unknown = (
            [key for key in data if key not in self.known] if isinstance(data, Mapping) else []
        )
        if unknown:
            raise invalid("unknown_field", field=clip(unknown[0]))
        try:
            result = super().__call__(data)  # type: ignore[no-untyped-call]
            return self.check(result) if self.check else result
        except vol.Invalid as err:
            first = err.errors[0] if isinstance(err, vol.MultipleInvalid) else err
            raise translate(first) from None


# ---- field validators: the api/ rules, adapted ------------------------------------------------


def adapt(rule: Callable[..., Any], **options: Any) -> Validator:
    """Return a voluptuous validator running an api/_validate rule with `options`."""

    def validate(value: Any) -> Any:
        """Run the rule; its refusal keeps its translation key and placeholders."""
        try:
            return rule(value, field="value", **options)
        except V2CValidationError as err:
            raise V2CInvalid(str(err), err.reason, err.placeholders) from None

    return validate


def int_range(low: int, high: int) -> Validator:
    """Return a validator of a whole number in [low, high] (numeric text accepted)."""
    return adapt(check.integer, low=low, high=high, from_text=True)


def float_range(low: float, high: float, *, above_low: bool = False) -> Validator:
    """Return a validator of a number in [low, high], or (low, high] when `above_low`."""
    return adapt(check.number, low=low, high=high, above_low=above_low, from_text=True)


def text(low: int, high: int, *, strip: bool = True) -> Validator:
    """Return a validator of text without control characters (YAML numbers become text)."""
    return adapt(check.text, low=low, high=high, strip=strip, from_number=True)


def timestamp(value: Any) -> str:
    """Return an ISO-8601 timestamp unchanged: it is the profile's version key."""
    result: str = adapt(check.iso_timestamp)(
        value.isoformat() if isinstance(value, datetime) else value
    )
    return result


def device_ids(value: Any) -> list[str]:
    """Return at least one device registry id (a single id or a list), each bounded."""
    ids = value if isinstance(value, list) else [value]
    if not ids:
        raise invalid("no_device")
    return list(dict.fromkeys(ID(item) for item in ids))


def date_order(data: dict[str, Any]) -> dict[str, Any]:
    """Check that date_start is not after date_end."""
    try:
        check.date_range(data.get(ATTR_DATE_START), data.get(ATTR_DATE_END), prefix="")
    except V2CValidationError as err:
        raise V2CInvalid(str(err), err.reason, err.placeholders, [ATTR_DATE_END]) from None
    return data


ID: Final = text(1, check.DEVICE_ID_MAX)
AMPS: Final = int_range(INTENSITY_MIN, INTENSITY_MAX)
RFID_TEXT: Final = text(1, RFID_TEXT_MAX)
PROFILE_NAME: Final = text(1, PROFILE_NAME_MAX)
flag: Final = adapt(check.boolean)
ssid: Final = adapt(check.ssid)
time_of_day: Final = adapt(check.time_of_day)
weekdays: Final = adapt(check.weekdays)
day: Final = adapt(check.day, from_text=True)
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
        vol.Required(ATTR_PASSWORD): adapt(
            check.text, low=WIFI_PASSWORD_MIN, high=WIFI_PASSWORD_MAX, strip=False, secret=True
        ),
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
OCPP_ID_SCHEMA: Final = charger_schema({vol.Required(ATTR_OCPP_ID): text(1, OCPP_ID_MAX)})
OCPP_URL_SCHEMA: Final = charger_schema({vol.Required(ATTR_OCPP_URL): adapt(check.ws_url)})
INVERTER_IP_SCHEMA: Final = charger_schema({vol.Required(ATTR_IP_ADDRESS): adapt(check.lan_ipv4)})
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
WATTS_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_WATTS): int_range(POWER_MIN_W, POWER_MAX_W)}
)
KWH_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_KWH): float_range(0, ENERGY_MAX_KWH, above_low=True)}
)
MINUTES_SCHEMA: Final = charger_schema({vol.Required(ATTR_MINUTES): int_range(1, MINUTES_MAX)})
SAVE_PROFILE_SCHEMA: Final = charger_schema(
    {
        vol.Required(ATTR_NAME): PROFILE_NAME,
        vol.Required(ATTR_UPDATED_AT): timestamp,
        vol.Required(ATTR_PROFILE): adapt(check.json_object, from_text=True),
    }
)
DELETE_PROFILE_SCHEMA: Final = charger_schema(
    {vol.Required(ATTR_NAME): PROFILE_NAME, vol.Required(ATTR_UPDATED_AT): timestamp}
)
GET_PROFILE_SCHEMA: Final = charger_schema({vol.Required(ATTR_TIMESTAMP): timestamp})
DEVICE_STATISTICS_SCHEMA: Final = V2CServiceSchema(
    {vol.Required(ATTR_DEVICE_ID): device_ids, **DATES}, date_order
)
GLOBAL_STATISTICS_SCHEMA: Final = V2CServiceSchema(
    {vol.Optional(ATTR_CONFIG_ENTRY_ID): text(1, 64), **DATES}, date_order
)
