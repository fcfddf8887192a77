"""Client for the Trydan LAN HTTP API (PROTOCOL §3): plain HTTP, no auth, GET only."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
import logging
from urllib.parse import quote

from aiohttp import ClientSession

from . import _validate as check
from ._transport import Transport
from .const import LAN_READ_KEYS, LAN_REQUEST_TIMEOUT, LAN_WRITE_KEYS, LAN_WRITE_RANGES
from .exceptions import V2CError, V2CIdentityError, V2CResponseError, V2CValidationError
from .hosts import validate_lan_host
from .models import RealtimeData
from .normalize import parse_read_value, parse_realtime

__all__ = ["V2CIdentityError", "V2CLocalClient"]  # V2CIdentityError: kept importable here

_LOGGER = logging.getLogger(__name__)


def _key(key: str, allowed: Collection[str], what: str) -> str:
    """Return the trimmed keyword if it is in the (case-sensitive) whitelist."""
    trimmed = key.strip() if isinstance(key, str) else ""
    if trimmed not in allowed:
        raise V2CValidationError(
            f"{key!r} is not a LAN {what} keyword",
            field="key",
            constraint=", ".join(sorted(allowed)),
        )
    return trimmed


class V2CLocalClient(Transport):
    """Talk to one Trydan on the LAN; the host must pass the LAN host rule."""

    def __init__(
        self,
        *,
        host: str,
        session: ClientSession,
        request_timeout: float = LAN_REQUEST_TIMEOUT,
        allow_loopback: bool = False,
        expected_id: str | None = None,
    ) -> None:
        """Validate the host (V2CValidationError if refused) and keep the injected session.

        With expected_id, every `/RealTimeData` answer whose `ID` names another charger raises
        V2CIdentityError; with require_id also one without an `ID`.
        """
        self.host = validate_lan_host(host, allow_loopback=allow_loopback)
        self.expected_id = expected_id
        self.require_id = False
        super().__init__(
            session=session,
            base_url=f"http://{self.host}",
            peer=f"Trydan at {self.host}",
            request_timeout=request_timeout,
        )

    def __repr__(self) -> str:
        """Describe the client."""
        return f"V2CLocalClient(host={self.host!r})"

    async def realtime(self) -> RealtimeData:
        """Return the live `/RealTimeData` payload."""
        data = parse_realtime((await self._request("GET", "/RealTimeData")).text)
        self._check_identity(data.device_id)
        return data

    def _check_identity(self, answered: str | None) -> None:
        """Raise V2CIdentityError when the answer is not from the expected charger."""
        expected = self.expected_id
        if expected is None:
            return
        if answered is None:
            if self.require_id:
                raise V2CIdentityError(expected=expected, answered=None)
            return
        if answered.strip().casefold() != expected.strip().casefold():
            raise V2CIdentityError(expected=expected, answered=answered)

    async def read(self, key: str) -> float:
        """Read one keyword missing from RealTimeData (LogoLED, LightLED, ChargeMode)."""
        keyword = _key(key, LAN_READ_KEYS, "read")
        reply = await self._request("GET", f"/read/{quote(keyword, safe='')}")
        return parse_read_value(reply.text)

    async def snapshot(self) -> RealtimeData:
        """Return RealTimeData merged with the three /read values; a failed read stays None."""
        data = await self.realtime()
        results = await asyncio.gather(
            *(self.read(key) for key in LAN_READ_KEYS), return_exceptions=True
        )
        values: dict[str, float] = {}
        for key, result in zip(LAN_READ_KEYS, results, strict=True):
            if isinstance(result, V2CError):
                _LOGGER.debug("Trydan /read/%s failed: %s", key, result)
            elif isinstance(result, BaseException):
                raise result
            else:
                values[key] = result
        return data.with_reads(values)

    async def write(self, key: str, value: int, *, verify: bool = False) -> None:
        """Write one whitelisted keyword; success is HTTP 200 with body `OK`.

        With verify, `/RealTimeData` is read first (after the value passed validation) and the
        write is only sent when it comes from the expected charger.
        """
        keyword = _key(key, LAN_WRITE_KEYS, "write")
        low, high = LAN_WRITE_RANGES[keyword]
        # Booleans are sent as 1/0, never as True/False (PROTOCOL §3.4).
        number = int(value) if isinstance(value, bool) else value
        checked = check.integer(number, field="value", low=low, high=high)
        path = f"/write/{quote(keyword, safe='')}={quote(str(checked), safe='')}"
        if verify:
            await self.realtime()
        reply = await self._request("GET", path)
        # pytrydan's rule; the reference ignores the body (PROTOCOL §3.4, §9.13).
        if reply.status != 200 or reply.text.strip().upper() != "OK":
            body = reply.text.strip()[:40]
            raise V2CResponseError(
                f"Trydan refused {keyword}={checked} (HTTP {reply.status}, body {body!r})",
                status=reply.status,
            )
