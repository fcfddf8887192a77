"""Wire declarations: value converters, unit scales and the one generic reader `from_wire`.

`wire(names, convert, scale)` puts a model field's wire names (any casing; the first one present
whose value converts wins, PROTOCOL §4.1 step 2; `a.b` reads key `b` of the object, or JSON text of
one, under `a`), its converter and its unit scale next to the field. Converters return None for
what they cannot read.

Units, all converted here and nowhere else (PROTOCOL §3.2, §4.2):

* LAN powers are W; cloud powers (`power`, `house_power`, `sun_power`, `battery`, `grid_power`)
  are kW, so x1000, rounded to 2 decimals.
* Cloud `light_led` is a 0-1 fraction, LAN `LightLED` is % (x100).
* Cloud `contract_power` is W/100 (`"7"` = 700 W), LAN `ContractedPower` is W (x100).
* Cloud `cp_level` is used as the installation voltage in V; `voltage` is ignored (PROTOCOL §9.1).
* Energies are kWh and durations seconds on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
import ipaddress
import math
import string
from typing import Any

from ._http import maybe_json
from .exceptions import V2CResponseError

type Converter = Callable[[Any], Any]

TRAILING_JUNK = string.whitespace + "%"
TRUE_WORDS = frozenset({"true", "1", "yes", "on", "online", "enabled"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off", "offline", "disabled"})
_MAX_IP_DEPTH = 4
_MAX_DEPTH = 32
_ABSENT: Any = object()
_SPECS: dict[type, tuple[tuple[str, Wire, bool], ...]] = {}


def to_float(value: Any) -> float | None:
    """Return a finite float from a number or numeric string (`" 6 "`, `"50%"`), else None."""
    result: float
    if isinstance(value, bool | int | float):
        try:
            result = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str):
        try:
            result = float(value.strip().rstrip(TRAILING_JUNK))
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def to_int(value: Any) -> int | None:
    """Return an int (truncating, like the reference integration) or None."""
    number = to_float(value)
    return None if number is None else int(number)


def to_bool(value: Any) -> bool | None:
    """Return a bool from 0/1, true/false, on/off, yes/no, online/offline, enabled/disabled."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().rstrip(TRAILING_JUNK).lower()
        if word in TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    number = to_float(value)
    return None if number is None else number != 0


def to_str(value: Any) -> str | None:
    """Return a stripped non-empty string; numbers are rendered, anything else is None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # ints beyond the interpreter's digit limit
            return None
    return None


def to_datetime(value: Any) -> datetime | None:
    """Parse an ISO-8601 date/time string (naive stays naive), else None."""
    text = to_str(value) if isinstance(value, str) else None
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def model_name(value: Any) -> str | None:
    """Prettify a model name (`trydan_v2` -> `Trydan V2`); `INIT`, blanks and 0 mean unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = to_int(value)
        return f"Model {number}" if number else None
    text = to_str(value)
    if text is None or text.upper() == "INIT":
        return None
    return text.replace("_", " ").title()


def energy_by_hour(value: Any) -> list[float]:
    """Parse the pipe-separated per-hour kWh string; any bad piece voids the list."""
    if isinstance(value, str):
        pieces: list[Any] = value.split("|") if value.strip() else []
    elif isinstance(value, list):
        pieces = value
    else:
        return []
    numbers = [to_float(piece) for piece in pieces]
    if any(number is None for number in numbers):
        return []
    return [number for number in numbers if number is not None]


def ip_candidate(value: Any, depth: int = 0) -> str | None:
    """Extract an IP from a bare string, a dict or a JSON string of a dict (PROTOCOL §5.3)."""
    value = maybe_json(value)
    if isinstance(value, str):
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return None
        # Not specified by the protocol: a 0.0.0.0 placeholder must not hide the next candidate.
        return None if address.is_unspecified else str(address)
    if isinstance(value, dict) and depth < _MAX_IP_DEPTH:
        data = lower_keys(value)
        for key in ("static_ip", "ip", "address"):
            if key in data and (found := ip_candidate(data[key], depth + 1)):
                return found
    return None


def lower_keys(obj: Mapping[Any, Any]) -> dict[str, Any]:
    """Index a mapping by stripped lower-case keys; the first spelling wins."""
    result: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(key, str):
            result.setdefault(key.strip().lower(), value)
    return result


# --- unit scales (applied to the converted value) ---------------------------------------------


def kw_to_w(value: float | None) -> float | None:
    """Convert cloud kW to W, rounded to 2 decimals."""
    return None if value is None else round(value * 1000, 2)


def fraction_to_percent(value: float | None) -> int | None:
    """Convert the cloud `light_led` 0-1 fraction to %."""
    if value is None:
        return None
    # Not in the protocol: a value above 1 cannot be a fraction, so treat it as already in %.
    return round(value * 100 if value <= 1 else value)


def contract_power_to_w(value: float | None) -> int | None:
    """Convert the cloud `contract_power` (W/100, PROTOCOL §9.8 inference) to W."""
    return None if value is None else round(value * 100)


# --- declaration and reading -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Wire:
    """Where one field comes from on the wire."""

    names: tuple[str, ...]
    convert: Converter
    scale: Callable[[Any], Any] | None = None
    fallback: str | None = None  # another field's value when none of the names converts

    def read(self, data: Mapping[str, Any]) -> Any:
        """Return the scaled value of the first name present whose value converts, else None."""
        for name in self.names:
            value = _lookup(data, name)
            if value is not _ABSENT and (value := self.convert(value)) is not None:
                return self.scale(value) if self.scale else value
        return None


def wire(
    names: str | tuple[str, ...],
    convert: Converter,
    scale: Callable[[Any], Any] | None = None,
    *,
    fallback: str | None = None,
    default: Any = None,
) -> Any:
    """Declare a field read from the wire (`default=MISSING` makes it required)."""
    aliases = tuple(name.lower() for name in ((names,) if isinstance(names, str) else names))
    spec = Wire(aliases, convert, scale, fallback)
    if callable(default):
        return field(default_factory=default, metadata={"wire": spec})
    return field(default=default, metadata={"wire": spec})


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    """Return the value under a lower-case (dotted) name, or _ABSENT."""
    head, _, rest = name.partition(".")
    if head not in data:
        return _ABSENT
    if not rest:
        return data[head]
    inner = maybe_json(data[head])
    return _lookup(lower_keys(inner), rest) if isinstance(inner, dict) else _ABSENT


def _specs(cls: type[V2CModel]) -> tuple[tuple[str, Wire, bool], ...]:
    """Return (field name, wire spec, required) of each declared field of a model, cached."""
    if (specs := _SPECS.get(cls)) is None:
        specs = _SPECS[cls] = tuple(
            (f.name, f.metadata["wire"], f.default is MISSING and f.default_factory is MISSING)
            for f in fields(cls)
            if "wire" in f.metadata
        )
    return specs


def from_wire[M: V2CModel](cls: type[M], mapping: Mapping[Any, Any], **extra: Any) -> M:
    """Build a model from a wire object; an unreadable required field is a V2CResponseError."""
    data = lower_keys(mapping)
    specs = _specs(cls)
    values = {name: value for name, spec, _ in specs if (value := spec.read(data)) is not None}
    for name, spec, required in specs:
        if name not in values and spec.fallback in values:
            values[name] = values[spec.fallback]
        if required and name not in values:
            raise V2CResponseError(f"{cls.__name__} payload without {'/'.join(spec.names)}")
    build: Callable[..., M] = cls
    return build(**values, **extra)


def _json_safe(value: Any, depth: int = 0) -> Any:
    """Return a JSON-safe copy: ISO datetimes, finite floats, str keys, bounded depth."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int):
        return value
    if depth >= _MAX_DEPTH:
        return "..."
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item, depth + 1) for item in value]
    return str(value)


@dataclass(frozen=True, kw_only=True)
class V2CModel:
    """Base of every model."""

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-safe dict (datetimes ISO) for diagnostics."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}
