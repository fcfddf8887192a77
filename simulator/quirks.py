"""Malformed `/RealTimeData` bodies seen on real chargers (PROTOCOL.md §3.2a), on demand."""

from __future__ import annotations

import json
from typing import Any, Final, Literal, get_args

type Quirk = Literal[
    "missing_comma",
    "unquoted_version",
    "duplicate_key",
    "string_numbers",
    "enum_text",
    "two_decimals",
    "not_object",
]

QUIRKS: Final = frozenset(get_args(Quirk.__value__))
ENUM_TEXT: Final = {"SlaveError": "NO_ERROR", "SignalStatus": "Excelente"}


def _number(value: Any) -> bool:
    """Return True for a JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _member(key: str, value: Any, quirk: str) -> str:
    """Render one "key":value member with the quirk's encoding."""
    if quirk == "unquoted_version" and key == "FirmwareVersion":
        return f'"{key}":{value}'
    if quirk == "string_numbers" and _number(value):
        value = str(value)
    elif quirk == "enum_text" and key in ENUM_TEXT:
        value = ENUM_TEXT[key]
    elif quirk == "two_decimals" and _number(value):
        return f'"{key}":{value:.2f}'
    return f"{json.dumps(key)}:{json.dumps(value)}"


def garble(payload: dict[str, Any], quirk: str, suffix: str = "") -> str:
    """Return payload as a firmware with this quirk sends it (suffix: the trailing `%`)."""
    if quirk not in QUIRKS:
        raise ValueError(f"unknown quirk {quirk!r}")
    if quirk == "not_object":
        return json.dumps(list(payload.values())) + suffix
    members = [_member(key, value, quirk) for key, value in payload.items()]
    if quirk == "duplicate_key":
        # Valid JSON; a parser keeps the last one, which is the right value.
        members.insert(0, '"FirmwareVersion":"0.0.0"')
    keys = list(payload)
    if quirk == "missing_comma" and len(members) > 1:
        index = keys.index("ReadyState") if "ReadyState" in keys else min(2, len(keys) - 1)
        index = max(index, 1)
        joined = ",".join(members[:index]) + members[index]
        rest = members[index + 1 :]
        return "{" + ",".join([joined, *rest]) + "}" + suffix
    return "{" + ",".join(members) + "}" + suffix
