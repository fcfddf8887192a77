"""Shared helpers: body decoding, JSON parsing and secret redaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import json
import re
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from .const import REDACTED_QUERY_KEYS
from .exceptions import V2CResponseError

REDACTED = "***"
_MAX_NESTED_DECODES = 3
_SNIPPET_LENGTH = 120
_QUERY = re.compile(r"\?[^\s'\"]*")


def decode_text(raw: bytes) -> str:
    """Decode a body as UTF-8 without ever failing (bad bytes become U+FFFD)."""
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def loads_json(text: str) -> Any:
    """Parse JSON, mapping every failure (including absurd nesting) to V2CResponseError."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise V2CResponseError("Response is not valid JSON") from err


def maybe_json(value: Any) -> Any:
    """Decode a JSON document serialised inside a string (possibly twice); else return as is."""
    for _ in range(_MAX_NESTED_DECODES):
        if not isinstance(value, str) or not value.strip().startswith(("{", "[", '"')):
            break
        try:
            value = loads_json(value.strip())
        except V2CResponseError:
            break
    return value


def parse_scalar_text(text: str) -> Any:
    """Interpret a text/plain body the way PROTOCOL §1.2 describes (JSON, bool, number, string)."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith(("{", "[", '"')):
        try:
            return loads_json(stripped)
        except V2CResponseError:
            pass
    lowered = stripped.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(stripped) if "." in stripped else int(stripped)
    except ValueError:
        return stripped


def decode_body(text: str, content_type: str) -> Any:
    """Decode a cloud body: JSON when declared so, otherwise the text/plain heuristics."""
    if not text.strip():
        return None
    if "json" in content_type.lower():
        return loads_json(text)
    return parse_scalar_text(text)


def redact_query(params: Mapping[str, str] | None) -> str:
    """Render `?query` for logs with secret values masked ("" without parameters)."""
    if not params:
        return ""
    masked = [
        (key, REDACTED if key.lower() in REDACTED_QUERY_KEYS else value)
        for key, value in params.items()
    ]
    return "?" + urlencode(masked)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Mask URL query strings and every secret (raw and percent-encoded) in a text."""
    text = _QUERY.sub("?" + REDACTED, text)
    for secret in secrets:
        if not secret:
            continue
        for variant in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(variant, REDACTED)
    return text


def snippet(text: str, secrets: Iterable[str]) -> str:
    """Return a short, single-line, scrubbed excerpt of a body for error messages."""
    flat = " ".join(text.split())
    if not flat or flat.startswith("<"):
        return ""
    return scrub(flat, secrets)[:_SNIPPET_LENGTH]
