"""Transport-neutral HTTP reply that fault injection can inspect and rewrite."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
import json
from typing import Any

TEXT = "text/plain"
JSON = "application/json"
HTML = "text/html"


@dataclass(kw_only=True)
class Reply:
    """What to answer: a text or JSON body, or dropping the connection."""

    status: int = 200
    body: Any = ""
    json_body: bool = False
    content_type: str = TEXT
    suffix: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    reboot_seconds: float = 0.0

    def render(self) -> str:
        """Serialise the body as sent on the wire."""
        if self.json_body:
            return json.dumps(self.body, separators=(",", ":")) + self.suffix
        return str(self.body)


def text(body: str, *, status: int = 200, content_type: str = TEXT) -> Reply:
    """Return a plain-text reply."""
    return Reply(status=status, body=body, content_type=content_type)


def as_json(
    payload: Any, *, content_type: str = JSON, suffix: str = "", status: int = 200
) -> Reply:
    """Return a JSON reply, sent with content_type (the service often says text/plain)."""
    return Reply(
        status=status, body=payload, json_body=True, content_type=content_type, suffix=suffix
    )


def error(status: int, message: str | None = None) -> Reply:
    """Return a text error reply, by default with the status reason phrase."""
    if message is None:
        try:
            message = HTTPStatus(status).phrase
        except ValueError:
            message = "Error"
    return text(message, status=status)
