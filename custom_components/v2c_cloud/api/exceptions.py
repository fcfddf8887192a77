"""Typed errors raised by the V2C API layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

# The reasons a value is refused: the integration's translation keys (exceptions).
type Reason = Literal[
    "not_a_number", "not_an_integer", "out_of_range", "above_range", "not_a_boolean",
    "text_length", "text_control", "text_blank", "ssid_too_long", "invalid_time",
    "invalid_weekdays", "invalid_ipv4", "ip_not_private", "invalid_url", "invalid_timestamp",
    "invalid_object", "object_too_large", "object_too_deep", "invalid_date", "date_range_reversed",
]  # fmt: skip


class V2CError(Exception):
    """Base class for every error raised by this package."""

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        """Store the message and the HTTP status (None when no response was received)."""
        super().__init__(message)
        self.status = status


class V2CConnectionError(V2CError):
    """The server could not be reached (refused, DNS, reset, client error)."""


class V2CTimeoutError(V2CConnectionError):
    """The request did not complete within the configured timeout."""


class V2CAuthenticationError(V2CError):
    """The cloud rejected the API key (HTTP 401 or 403)."""


class V2CRateLimitError(V2CError):
    """The cloud quota is exhausted (HTTP 429); never retried automatically."""


class V2CResponseError(V2CError):
    """The server answered with an error status or a payload we cannot use."""


class V2CIdentityError(V2CResponseError):
    """The LAN address answered as another charger (or, once ids were seen, without an id)."""

    def __init__(self, *, expected: str, answered: str | None) -> None:
        """Name both ids."""
        super().__init__(
            f"the address answers as charger {answered or '(no id)'}, not as {expected}"
        )
        self.expected = expected
        self.answered = answered


class V2CValidationError(V2CError, ValueError):
    """An argument is out of range; raised before any request is sent."""

    def __init__(
        self,
        message: str = "",
        *,
        field: str = "",
        constraint: str = "",
        reason: str = "invalid_field",
        placeholders: Mapping[str, str] | None = None,
    ) -> None:
        """Store the rejected argument, a hint of what is allowed and the translation key."""
        super().__init__(message)
        self.field = field
        self.constraint = constraint
        self.reason = reason
        self.placeholders = dict(placeholders or {})

    @classmethod
    def refuse(
        cls, field: str, constraint: str, reason: Reason, **placeholders: str
    ) -> V2CValidationError:
        """Build the error for a refused value; the message never echoes the value."""
        message = f"{field} refused ({reason.replace('_', ' ')}): expected {constraint}"
        return cls(
            message, field=field, constraint=constraint, reason=reason, placeholders=placeholders
        )
