"""Repair malformed `/RealTimeData` bodies that real firmware sends (PROTOCOL §3.2a).

What a person reading the body could repair is repaired, with one debug line naming the repairs:
a missing comma between two members, an unquoted dotted version (`"FirmwareVersion":1.6.13,`),
a duplicated key (the last one wins, as in JSON). What cannot be repaired (not an object,
truncated) stays a V2CResponseError, i.e. a failed read. Numbers sent as strings, enum text
where a number is expected (unknown for that field) and two-decimal numbers are handled by the
value converters of normalize.py.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Final

from .exceptions import V2CResponseError

_LOGGER = logging.getLogger(__name__)

MAX_BODY: Final = 16_384
"""Characters: a real body is under 1 kB; longer ones are not repaired."""
# A bare dotted version where a value is expected: :1.6.13, or :1.6.13}
_UNQUOTED_VERSION: Final = re.compile(r"(:\s*)(\d+(?:\.\d+){2,})(?=\s*[,}])")
# A member that follows a value without the comma: ...4600"ReadyState":0 or ..."Home""IP":"x"
_MISSING_COMMA: Final = re.compile(r'([0-9"el\]}])(\s*)("[A-Za-z_][A-Za-z0-9_]*"\s*:)')


def _object(text: str, duplicates: list[str]) -> Any:
    """Parse JSON, noting keys that appear twice in an object (the last one wins)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    return json.loads(text, object_pairs_hook=pairs)


def loads_realtime(text: str) -> Any:
    """Parse a `/RealTimeData` body (trailing junk already stripped), repairing what can be."""
    repairs: list[str] = []
    duplicates: list[str] = []
    try:
        data = _object(text, duplicates)
    except (ValueError, RecursionError):
        data = None
        fixed = text
        if len(text) <= MAX_BODY and text.lstrip().startswith("{"):
            fixed, versions = _UNQUOTED_VERSION.subn(r'\1"\2"', fixed)
            if versions:
                repairs.append("unquoted version")
            fixed, commas = _MISSING_COMMA.subn(r"\1,\2\3", fixed)
            if commas:
                repairs.append("missing comma")
        if not repairs:
            raise V2CResponseError("RealTimeData is not valid JSON") from None
        duplicates.clear()
        try:
            data = _object(fixed, duplicates)
        except (ValueError, RecursionError) as err:
            raise V2CResponseError("RealTimeData is not valid JSON, even repaired") from err
    if duplicates:
        repairs.append(f"duplicated {', '.join(sorted(set(duplicates)))}")
    if repairs:
        _LOGGER.debug("Repaired a malformed RealTimeData body: %s", "; ".join(repairs))
    return data
