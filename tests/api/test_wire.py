"""Wire-level checks against a real HTTP server on 127.0.0.1 (no aioresponses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.v2c_cloud.api import V2CCloudClient, V2CLocalClient

from .conftest import API_KEY, DEVICE_ID


@dataclass
class Recorder:
    """What the loopback server saw."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    reply_headers: dict[str, str] = field(default_factory=dict)
    reply_text: str = "OK"


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[tuple[TestServer, Recorder]]:
    """Serve a catch-all handler on 127.0.0.1 that records each request."""
    recorder = Recorder()

    async def handler(request: web.Request) -> web.Response:
        recorder.requests.append(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "path": request.path,
                "query_string": request.query_string,
                "headers": dict(request.headers),
                "body": await request.text(),
            }
        )
        return web.Response(text=recorder.reply_text, headers=recorder.reply_headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    yield test_server, recorder
    await test_server.close()


async def test_cloud_wire_format_of_timer_and_wifi(server: tuple[TestServer, Recorder]) -> None:
    test_server, recorder = server
    recorder.reply_headers = {"RateLimit-Limit": "1000", "RateLimit-Remaining": "998"}
    async with ClientSession() as session:
        client = V2CCloudClient(
            api_key=API_KEY, session=session, base_url=str(test_server.make_url("/kong"))
        )
        await client.set_timer(DEVICE_ID, 1, "22:00", "06:00")
        await client.set_wifi(DEVICE_ID, "Home Net", "p&ss=word?/x")

    timer, wifi = recorder.requests
    assert timer["method"] == "POST"
    assert timer["path"] == "/kong/device/timer"
    assert parse_qs(timer["query_string"]) == {
        "deviceId": [DEVICE_ID],
        "timerId": ["1"],
        "timer id": ["1"],
    }
    assert timer["headers"]["apikey"] == API_KEY
    assert "Authorization" not in timer["headers"]
    assert timer["headers"]["Content-Type"] == "application/json"
    assert '"timeStart": "22:00"' in timer["body"]
    assert wifi["path"] == "/kong/device/wifi"
    assert parse_qs(wifi["query_string"]) == {
        "deviceId": [DEVICE_ID],
        "ssid": ["Home Net"],
        "password": ["p&ss=word?/x"],
    }
    assert wifi["body"] == ""
    assert client.request_count == 2
    assert client.rate_limit is not None
    assert (client.rate_limit.limit, client.rate_limit.remaining) == (1000, 998)


async def test_lan_wire_format_in_simulator_mode(server: tuple[TestServer, Recorder]) -> None:
    test_server, recorder = server
    async with ClientSession() as session:
        client = V2CLocalClient(
            host=f"127.0.0.1:{test_server.port}", session=session, allow_loopback=True
        )
        await client.write("Intensity", 16)
        recorder.reply_text = "50\n"
        assert await client.read("LightLED") == 50.0

    write, read = recorder.requests
    assert (write["method"], write["raw_path"]) == ("GET", "/write/Intensity=16")
    assert (read["method"], read["raw_path"]) == ("GET", "/read/LightLED")
    assert "apikey" not in write["headers"]
