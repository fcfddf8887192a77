"""Parsers for the cloud's string query parameters; each raises ValueError when invalid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
import ipaddress
import re
from typing import Any

type Parser = Callable[[str], Any]

_INT = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_WS_URL = re.compile(r"wss?://[^\s/:?#]+(:\d{1,5})?(/\S*)?")


def integer(raw: str) -> int:
    """Parse a plain decimal integer ("16"; not "16.0" nor "True")."""
    if not _INT.fullmatch(raw):
        raise ValueError(f"not an integer: {raw!r}")
    return int(raw)


def int_range(low: int, high: int) -> Parser:
    """Return a parser for integers within low..high."""

    def parse(raw: str) -> int:
        """Parse an integer within the range."""
        value = integer(raw)
        if not low <= value <= high:
            raise ValueError(f"{value} outside {low}..{high}")
        return value

    return parse


def flag(raw: str) -> bool:
    """Parse "0"/"1" as a boolean."""
    return bool(int_range(0, 1)(raw))


def number(low: float, high: float) -> Parser:
    """Return a parser for decimal numbers ("7.5", "50") within low..high."""

    def parse(raw: str) -> float:
        """Parse a decimal number within the range."""
        if not _NUMBER.fullmatch(raw):
            raise ValueError(f"not a number: {raw!r}")
        value = float(raw)
        if not low <= value <= high:
            raise ValueError(f"{value} outside {low}..{high}")
        return value

    return parse


def label(raw: str) -> str:
    """Parse a 1-64 character label (RFID code or tag, names)."""
    if not 1 <= len(raw) <= 64:
        raise ValueError("label must have 1 to 64 characters")
    return raw


def ws_url(raw: str) -> str:
    """Parse an OCPP central-system URL (ws:// or wss://)."""
    if not _WS_URL.fullmatch(raw):
        raise ValueError(f"not a ws:// or wss:// URL: {raw!r}")
    return raw


def ipv4(raw: str) -> str:
    """Parse a dotted IPv4 address."""
    return str(ipaddress.IPv4Address(raw))


def any_text(raw: str) -> str:
    """Accept any string, including an empty one."""
    return raw


def day(raw: str) -> date:
    """Parse a statistics date: YYYY-MM-DD or an ISO date-time."""
    if len(raw) == 10:
        return date.fromisoformat(raw)
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()


def timestamp(raw: str) -> str:
    """Parse an ISO-8601 timestamp (a power profile's updateAt key)."""
    if not raw:
        raise ValueError("empty timestamp")
    datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return raw
