"""The one transport under both clients: the same failure is the same typed error.

The cloud alone maps 401/403/429 (the LAN has no authentication) and leaves out of
`request_count` a call that never connected (it cost no quota).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import re
from typing import Any

from aiohttp import ClientConnectionError, ClientConnectorError
from aiohttp.client_reqrep import ConnectionKey
from aioresponses import CallbackResult, aioresponses
import pytest

from custom_components.v2c_cloud.api import (
    V2CAuthenticationError,
    V2CCloudClient,
    V2CConnectionError,
    V2CError,
    V2CLocalClient,
    V2CRateLimitError,
    V2CResponseError,
    V2CTimeoutError,
)

from .conftest import DEVICE_ID, LAN_HOST, cloud_url, lan_url


@dataclass
class Target:
    """One client, the URL its call requests and the call."""

    name: str
    client: V2CCloudClient | V2CLocalClient
    url: str | re.Pattern[str]
    call: Callable[[], Awaitable[Any]]
    peer: str


@pytest.fixture(params=["cloud", "lan"])
def target(request: pytest.FixtureRequest, cloud: V2CCloudClient, local: V2CLocalClient) -> Target:
    """Each client with one GET call."""
    if request.param == "cloud":
        call = lambda: cloud.reported(DEVICE_ID)  # noqa: E731
        return Target("cloud", cloud, cloud_url("/device/reported"), call, "V2C Cloud")
    return Target("lan", local, lan_url("RealTimeData"), local.realtime, LAN_HOST)


REFUSED = ClientConnectorError(
    ConnectionKey("v2c.cloud", 443, True, True, None, None, None),
    ConnectionRefusedError(111, "Connection refused"),
)


@pytest.mark.parametrize(
    ("exception", "error", "booked"),
    [
        # A timeout or a dropped connection may have reached the server: booked.
        (TimeoutError(), V2CTimeoutError, {"cloud": 1, "lan": 1}),
        # No connection was ever made: nothing reached the cloud, nothing booked there.
        (REFUSED, V2CConnectionError, {"cloud": 0, "lan": 1}),
        (ClientConnectionError("Server disconnected"), V2CConnectionError, {"cloud": 1, "lan": 1}),
        (ConnectionResetError(104, "reset"), V2CConnectionError, {"cloud": 1, "lan": 1}),
        (OSError(101, "Network is unreachable"), V2CConnectionError, {"cloud": 1, "lan": 1}),
    ],
)
async def test_transport_failures(
    target: Target,
    http: aioresponses,
    exception: Exception,
    error: type[V2CError],
    booked: dict[str, int],
) -> None:
    http.get(target.url, exception=exception)

    with pytest.raises(error) as err:
        await target.call()

    assert type(err.value) is error
    assert err.value.status is None
    assert err.value.__cause__ is exception
    assert target.peer in str(err.value)
    assert target.client.request_count == booked[target.name]


@pytest.mark.parametrize(
    ("status", "cloud_error"),
    [
        (401, V2CAuthenticationError),
        (403, V2CAuthenticationError),
        (429, V2CRateLimitError),
        (404, V2CResponseError),
        (500, V2CResponseError),
        (302, V2CResponseError),
    ],
)
async def test_error_statuses(
    target: Target, http: aioresponses, status: int, cloud_error: type[V2CError]
) -> None:
    elsewhere = "http://8.8.8.8/steal"
    http.get(target.url, status=status, headers={"Location": elsewhere})
    http.get(elsewhere, status=200, body="{}")

    with pytest.raises(V2CError) as err:
        await target.call()

    assert type(err.value) is (cloud_error if target.name == "cloud" else V2CResponseError)
    assert err.value.status == status
    assert f"HTTP {status}" in str(err.value)
    # One request, never a redirect followed (it would carry the apikey or leave the LAN host).
    ((_, url), calls), *others = http.requests.items()
    assert not others
    assert url.host != "8.8.8.8"
    assert calls[0].kwargs["allow_redirects"] is False
    assert target.client.request_count == 1


async def test_real_timeout_fires(target: Target, http: aioresponses) -> None:
    target.client.request_timeout = 0.01

    async def slow(url: Any, **kwargs: Any) -> CallbackResult:
        await asyncio.sleep(1)
        return CallbackResult(status=200, body="{}")

    http.get(target.url, callback=slow)

    with pytest.raises(V2CTimeoutError, match=r"did not answer GET /\S+ within 0.01 s"):
        await target.call()
    assert target.client.request_count == 1


async def test_unmatched_url_is_a_connection_error(target: Target) -> None:
    with aioresponses():
        with pytest.raises(V2CConnectionError) as err:
            await target.call()
    assert not isinstance(err.value, V2CTimeoutError)
