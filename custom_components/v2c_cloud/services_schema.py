"""Schemas of the V2C Cloud actions: the api/_validate rules adapted to voluptuous and translations.

A refusal is `V2CInvalid`, a `vol.Invalid`: Home Assistant answers it with HTTP 400 over REST and
`invalid_format` over WebSocket, without a traceback, on every supported version. Its message is
the translated English text; `translation_key` and `placeholders` are read-only properties named
as probatio's structured errors (HA 2026.11), so the same class works on voluptuous and probatio.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_exception_message
import voluptuous as vol

from .api import V2CValidationError, _validate as check, const as c
from .const import DOMAIN
from .errors import clip

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
    """An action schema: unknown fields, then each field, then the date order."""

    def __init__(self, fields: Mapping[vol.Marker, Validator]) -> None:
        """Build the schema of `fields`."""
        super().__init__(dict(fields))
        self.known = frozenset(str(marker) for marker in fields)

    def __call__(self, data: Any) -> Any:
        """Validate; every refusal is one translated V2CInvalid."""
        unknown = (
            [key for key in data if key not in self.known] if isinstance(data, Mapping) else []
        )
        if unknown:
            raise invalid("unknown_field", field=clip(unknown[0]))
        try:
            result = super().__call__(data)  # type: ignore[no-untyped-call]
            check.date_range(result.get("date_start"), result.get("date_end"), prefix="")
        except V2CValidationError as err:  # the date order, refused on date_end
            raise translate(
                V2CInvalid(str(err), err.reason, err.placeholders, ["date_end"])
            ) from None
        except vol.Invalid as err:
            raise translate(
                err.errors[0] if isinstance(err, vol.MultipleInvalid) else err
            ) from None
        return result


@dataclass(frozen=True)
class Opt:
    """An optional field of an action (with a default when `default` is not None)."""

    validator: Validator
    default: Any = None


type Field = Validator | Opt


def action_schema(fields: Mapping[str, Field], *, target: bool = True) -> V2CServiceSchema:
    """Return the schema of an action's fields; `target` adds the required `device_id`."""
    markers: dict[vol.Marker, Validator] = {vol.Required("device_id"): device_ids} if target else {}
    for name, spec in fields.items():
        if not isinstance(spec, Opt):
            markers[vol.Required(name)] = spec
        elif spec.default is None:
            markers[vol.Optional(name)] = spec.validator
        else:
            markers[vol.Optional(name, default=spec.default)] = spec.validator
    return V2CServiceSchema(markers)


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


def integer(low: int, high: int) -> Validator:
    """Return a validator of a whole number in [low, high] (numeric text accepted)."""
    return adapt(check.integer, low=low, high=high, from_text=True)


def text(low: int, high: int) -> Validator:
    """Return a validator of stripped text without control characters (numbers become text)."""
    return adapt(check.text, low=low, high=high, strip=True, from_number=True)


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
    return list(dict.fromkeys(DEVICE_ID(item) for item in ids))


DEVICE_ID: Final = text(1, check.DEVICE_ID_MAX)
AMPS: Final = integer(c.INTENSITY_MIN, c.INTENSITY_MAX)
WATTS: Final = integer(c.POWER_MIN_W, c.POWER_MAX_W)
# The protocol bounds minutes only from below; a week is far beyond any charging session.
MINUTES: Final = integer(1, 10080)
KWH: Final = adapt(check.number, low=0, high=c.ENERGY_MAX_KWH, above_low=True, from_text=True)
VOLTS_MIN, VOLTS_MAX = c.LAN_WRITE_RANGES["VoltageInstallation"]
VOLTAGE: Final = adapt(check.number, low=VOLTS_MIN, high=VOLTS_MAX, from_text=True)
FV_MODE: Final = integer(0, c.FV_MODE_MAX)
FLAG: Final = adapt(check.boolean)
SSID: Final = adapt(check.ssid)
WIFI_PASSWORD: Final = adapt(
    check.text, low=c.WIFI_PASSWORD_MIN, high=c.WIFI_PASSWORD_MAX, strip=False, secret=True
)
TIMER_ID: Final = integer(0, c.TIMER_ID_MAX)
TIME: Final = adapt(check.time_of_day)
WEEKDAYS: Final = adapt(check.weekdays)
OCPP_ID: Final = text(1, c.OCPP_ID_MAX)
OCPP_URL: Final = adapt(check.ws_url)
LAN_IPV4: Final = adapt(check.lan_ipv4)
RFID: Final = text(1, c.RFID_TEXT_MAX)
PROFILE_NAME: Final = text(1, c.PROFILE_NAME_MAX)
PROFILE: Final = adapt(check.json_object, from_text=True)
DAY: Final = adapt(check.day, from_text=True)
DATES: Final[dict[str, Field]] = {"date_start": Opt(DAY), "date_end": Opt(DAY)}
ENTRY_ID: Final = text(1, 64)
