"""The one HTTP transport of both clients: a 2xx reply, or a typed error with secrets scrubbed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
from typing import Any

from aiohttp import ClientConnectorError, ClientError, ClientSession

from ._http import decode_text, redact_query, scrub, snippet
from .const import REDACTED_QUERY_KEYS
from .exceptions import (
    V2CAuthenticationError,
    V2CConnectionError,
    V2CRateLimitError,
    V2CResponseError,
    V2CTimeoutError,
)
from .models import RateLimitSnapshot

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful (2xx) HTTP answer."""

    status: int
    text: str
    content_type: str


class Transport:
    """Send one request per call: never retried, redirects never followed, failures typed.

    With `cloud`, 401/403 are authentication errors, 429 the rate limit, RateLimit-* headers are
    kept, and a call that never connected (refused, DNS) is not booked: it cost no quota.
    """

    def __init__(
        self,
        *,
        session: ClientSession,
        base_url: str,
        peer: str,
        request_timeout: float,
        cloud: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Keep the injected session; nothing is sent yet."""
        self._session = session
        self.base_url = base_url.rstrip("/")
        self._peer = peer
        self._cloud = cloud
        self._headers = headers
        self.request_timeout = request_timeout
        self.request_count = 0
        self.rate_limit: RateLimitSnapshot | None = None

    async def _request(
        self, method: str, path: str, params: dict[str, str] | None = None, json: Any = None
    ) -> Reply:
        """Send one request and map transport failures and error statuses to typed errors."""
        secrets = [*(self._headers or {}).values()] + [
            value for key, value in (params or {}).items() if key.lower() in REDACTED_QUERY_KEYS
        ]
        peer, where = self._peer, f"{method} {path}"
        _LOGGER.debug("%s request %s%s", peer, where, redact_query(params))
        self.request_count += 1
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.request(
                    method,
                    f"{self.base_url}{path}",
                    params=params,
                    json=json,
                    headers=self._headers,
                    # A redirect would carry the apikey header (or leave the vetted LAN host).
                    allow_redirects=False,
                ) as response,
            ):
                body = await response.read()
                status, content_type = response.status, response.content_type
                headers = response.headers
        except TimeoutError as err:
            raise V2CTimeoutError(
                f"{peer} did not answer {where} within {self.request_timeout:g} s"
            ) from err
        except (ClientError, OSError) as err:
            if self._cloud and isinstance(err, ClientConnectorError):
                # No connection was made (refused, DNS): nothing reached the server, no quota spent.
                self.request_count -= 1
            detail = scrub(f"{type(err).__name__}: {err}", secrets)
            raise V2CConnectionError(f"Cannot reach {peer} for {where}: {detail}") from err

        if self._cloud and (snapshot := RateLimitSnapshot.from_headers(headers)) is not None:
            self.rate_limit = snapshot
        _LOGGER.debug("%s answered %s with HTTP %s (%d bytes)", peer, where, status, len(body))
        text = decode_text(body)
        # There is no authentication on the LAN, so 401/403 are plain error statuses there.
        if self._cloud and status in (401, 403):
            raise V2CAuthenticationError(
                f"{peer} refused the API key for {where} (HTTP {status})", status=status
            )
        if self._cloud and status == 429:
            raise V2CRateLimitError(f"{peer} rate limit hit on {where} (HTTP 429)", status=429)
        if status >= 300:
            excerpt = snippet(text, secrets)
            raise V2CResponseError(
                f"{peer} error on {where}: HTTP {status}" + (f" {excerpt}" if excerpt else ""),
                status=status,
            )
        return Reply(status=status, text=text, content_type=content_type)
