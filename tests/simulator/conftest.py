"""Fixtures: a started simulator on a driven clock and a plain aiohttp client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
import pytest

from simulator import ChargerConfig, Simulator

START = 1_761_645_600.0  # 2025-10-28T10:00:00Z
LAN_A = "V2C0001A"
LAN_B = "V2C0002B"
CLOUD_ONLY = "V2C0003C"


async def eventually(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until predicate() holds, polling the event loop."""
    for _ in range(int(seconds / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the root autouse fixture: simulator tests need no Home Assistant instance."""


@pytest.fixture(autouse=True)
async def _no_event_loop_errors() -> AsyncGenerator[None]:
    """Fail a test whose event loop reported an unhandled error (no hass fixture does it here)."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    yield
    loop.set_exception_handler(previous)
    assert errors == []


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """Let the tests open sockets (pytest-socket still restricts them to 127.0.0.1)."""


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: float = START) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value


@dataclass
class Answer:
    """One HTTP response, read completely."""

    status: int
    text: str
    content_type: str
    headers: CIMultiDictProxy[str]

    def json(self) -> Any:
        import json

        return json.loads(self.text)


class Client:
    """Talk to a running simulator with a plain aiohttp session."""

    def __init__(self, sim: Simulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session

    async def raw(self, method: str, url: str, **kwargs: Any) -> Answer:
        async with self.session.request(method, url, **kwargs) as resp:
            return Answer(resp.status, await resp.text(), resp.content_type, resp.headers)

    async def cloud(
        self,
        method: str,
        path: str,
        *,
        key: str | None = "default",
        body: str | None = None,
        **params: str,
    ) -> Answer:
        headers = {} if key is None else {"apikey": self.sim.api_key if key == "default" else key}
        return await self.raw(
            method, self.sim.cloud_url + path, params=params, headers=headers, data=body
        )

    async def lan(self, device_id: str, path: str) -> Answer:
        return await self.raw("GET", f"http://{self.sim.lan_host(device_id)}{path}")

    async def rtd(self, device_id: str = LAN_A) -> dict[str, Any]:
        import json

        answer = await self.lan(device_id, "/RealTimeData")
        assert answer.status == 200
        assert answer.text.endswith("}%")
        return dict(json.loads(answer.text.rstrip("%")))

    async def reported(self, device_id: str = LAN_A) -> dict[str, str]:
        answer = await self.cloud("GET", "/device/reported", deviceId=device_id)
        assert answer.status == 200
        return dict(answer.json())

    async def csc(self, device_id: str = LAN_A) -> dict[str, str]:
        answer = await self.cloud("POST", "/device/currentstatecharge", deviceId=device_id)
        assert answer.status == 200
        return dict(answer.json())


def fleet() -> list[ChargerConfig]:
    """A charging LAN charger, an idle LAN charger and an idle cloud-only one."""
    return [
        ChargerConfig(device_id=LAN_A, name="Garage", car_connected=True, charging=True),
        ChargerConfig(device_id=LAN_B, name="Driveway"),
        ChargerConfig(device_id=CLOUD_ONLY, name="Office", lan=False),
    ]


@pytest.fixture
def clock() -> FakeClock:
    """The simulator's base clock."""
    return FakeClock()


@pytest.fixture
async def sim(clock: FakeClock) -> AsyncGenerator[Simulator]:
    """A started three-charger simulator."""
    simulator = Simulator(chargers=fleet(), clock=clock, seed=7)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


@pytest.fixture
async def client(sim: Simulator) -> AsyncGenerator[Client]:
    """A client for the simulator."""
    async with aiohttp.ClientSession() as session:
        yield Client(sim, session)
