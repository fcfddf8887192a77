"""Log of every request the simulator served."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NO_RESPONSE = 0
"""Status recorded when no HTTP response was sent (dropped, refused, cancelled)."""


@dataclass(kw_only=True)
class RequestRecord:
    """One request as the simulator saw it."""

    side: Literal["cloud", "lan"]
    device_id: str | None
    method: str
    path: str
    query: dict[str, str]
    body: str
    status: int = NO_RESPONSE
    time: float = 0.0
