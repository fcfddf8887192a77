"""Bounded JSON input (power profiles): size and depth are checked before anything is parsed."""

from __future__ import annotations

from collections.abc import Mapping
import json
import math
from typing import Any, Final

from .exceptions import Reason, V2CValidationError

JSON_TEXT_MAX: Final = 16384
JSON_DEPTH_MAX: Final = 16


def _json_depth_exceeded(source: str) -> bool:
    """Tell whether JSON text nests deeper than JSON_DEPTH_MAX (scanned, not parsed)."""
    depth, in_string, escaped = 0, False, False
    for char in source:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > JSON_DEPTH_MAX:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _json_problem(value: Any, depth: int) -> Reason | None:
    """Return why a decoded value is not plain JSON within JSON_DEPTH_MAX levels (None: fine)."""
    children: list[Any] = []
    if isinstance(value, Mapping | list | tuple) and depth > JSON_DEPTH_MAX:
        return "object_too_deep"  # containers count, as in the text scan
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            return "invalid_object"
        children = list(value.values())
    elif isinstance(value, list | tuple):
        children = list(value)
    elif isinstance(value, float):
        return None if math.isfinite(value) else "invalid_object"
    elif not (value is None or isinstance(value, str | int)):
        return "invalid_object"
    return next(filter(None, (_json_problem(child, depth + 1) for child in children)), None)


def json_object(value: Any, *, field: str, from_text: bool = False) -> dict[str, Any]:
    """Return a JSON object of at most JSON_TEXT_MAX characters and JSON_DEPTH_MAX levels."""
    constraint = f"JSON object, at most {JSON_TEXT_MAX} characters and {JSON_DEPTH_MAX} levels"

    def fail(reason: Reason, **placeholders: str) -> V2CValidationError:
        return V2CValidationError.refuse(field, constraint, reason, **placeholders)

    if from_text and isinstance(value, str):
        if len(value) > JSON_TEXT_MAX:
            raise fail("object_too_large", max=str(JSON_TEXT_MAX))
        if _json_depth_exceeded(value):
            raise fail("object_too_deep", max=str(JSON_DEPTH_MAX))
        try:
            value = json.loads(value)
        except ValueError:
            raise fail("invalid_object") from None
    if not isinstance(value, Mapping):
        raise fail("invalid_object")
    if problem := _json_problem(value, 1):  # its recursion is bounded by JSON_DEPTH_MAX
        raise fail(problem, max=str(JSON_DEPTH_MAX))
    if len(json.dumps(value, allow_nan=False)) > JSON_TEXT_MAX:
        raise fail("object_too_large", max=str(JSON_TEXT_MAX))
    return dict(value)
