"""One real Home Assistant (the newest release) with V2C Cloud, shared by the whole lane.

Run by `scripts/test --lane newest` (V2C_LANE=newest) in the Python 3.14 venv of
requirements_newest.txt, with --confcutdir=tests/newest: tests/conftest.py needs
pytest-homeassistant-custom-component, which cannot import on this release. Everything goes
through Home Assistant's REST and WebSocket APIs, as the frontend or a user's script would.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
import os
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from scripts.demo_api import HomeAssistantWebSocket
from scripts.demo_config import SimulatorInfo, free_port
from scripts.demo_stack import DemoStack
from simulator import ChargerConfig, Simulator
from simulator.cli import build_configs, summary

DOMAIN = "v2c_cloud"
LAN_ID = "V2C0001A"  # LAN, charging a car
IDLE_ID = "V2C0002B"  # LAN, no car
CLOUD_ID = "V2C0003C"  # cloud only (4G)
SHED_ID = "V2C0009Z"  # on the LAN but on no account: added with "Charger on my network"
# First lines of log records a test caused on purpose (a revoked key); test_z_log allows them.
LOG_ALLOWED: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run only in the newest lane; every test shares the session's event loop (one hass)."""
    skip = pytest.mark.skip(reason="the newest lane: run by `scripts/test --lane newest`")
    here = Path(__file__).parent
    for item in items:
        if here not in item.path.parents:  # the hook sees the whole session's items
            continue
        if os.environ.get("V2C_LANE") != "newest":
            item.add_marker(skip)
        elif pytest_asyncio.is_async_test(item):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sim() -> AsyncGenerator[Simulator]:
    """The fleet `scripts/demo` runs (two LAN chargers, one cloud-only), in this process."""
    simulator = Simulator(chargers=build_configs(3, None))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shed() -> AsyncGenerator[Simulator]:
    """A charger on the LAN that no account knows (its own simulator)."""
    simulator = Simulator(chargers=[ChargerConfig(device_id=SHED_ID, name="Shed")], api_key="x")
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stack(
    sim: Simulator, tmp_path_factory: pytest.TempPathFactory
) -> AsyncGenerator[DemoStack]:
    """Home Assistant with the cloud entry set up through the config flow (as scripts/demo)."""
    demo = DemoStack(
        port=free_port(),
        workdir=tmp_path_factory.mktemp("newest") / "demo",
        simulator=SimulatorInfo.from_json(summary(sim)),
    )
    await demo.start()
    yield demo
    await demo.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def ws(stack: DemoStack) -> AsyncGenerator[HomeAssistantWebSocket]:
    """An authenticated WebSocket connection (one per test)."""
    connection = await stack.websocket()
    yield connection
    await connection.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def devices(stack: DemoStack) -> dict[str, str]:
    """Return {charger id: device registry id} of the cloud entry's chargers."""
    ws = await stack.websocket()
    try:
        found = await ws.command("config/device_registry/list")
    finally:
        await ws.close()
    return {
        ident: device["id"]
        for device in found
        for domain, ident in device["identifiers"]
        if domain == DOMAIN
    }


async def call(
    ws: HomeAssistantWebSocket, service: str, data: dict[str, Any], *, response: bool = False
) -> dict[str, Any]:
    """Call a service over the WebSocket API; return the whole answer (success or error)."""
    domain, _, name = service.rpartition(".")
    fields: dict[str, Any] = {"domain": domain or DOMAIN, "service": name, "service_data": data}
    if response:
        fields["return_response"] = True
    answer: dict[str, Any] = await ws.reply(await ws.send("call_service", **fields))
    return answer


def log_lines(stack: DemoStack) -> int:
    """Return how many lines the logs have now (to find what a test added)."""
    return sum(len(p.read_text(errors="replace").splitlines()) for p in log_files(stack))


def log_files(stack: DemoStack) -> list[Path]:
    """Return every log Home Assistant wrote (the console log spans restarts)."""
    return [stack.workdir / "hass-console.log"]
