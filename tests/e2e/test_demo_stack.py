"""The demo stack end to end: a real `hass` process with V2C Cloud against the simulator.

The simulator runs in this process (so the test can look at the chargers' state); Home
Assistant runs as `scripts/demo` runs it (scripts/demo_stack.py). The test talks to Home
Assistant only through its REST and WebSocket APIs, as the frontend or a user's script would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import os
from pathlib import Path
import time
from typing import Any

import aiohttp
import pytest

from custom_components.v2c_cloud.binary_sensor import BINARY_SENSORS
from custom_components.v2c_cloud.number import NUMBERS
from custom_components.v2c_cloud.select import SELECTS
from custom_components.v2c_cloud.sensor import SENSORS
from custom_components.v2c_cloud.switch import SWITCHES
from scripts.demo_api import HomeAssistantWebSocket
from scripts.demo_config import PASSWORD, USERNAME, DemoError, SimulatorInfo, free_port
from scripts.demo_proc import PIDFILE, alive, group_exists, proc_start_time
from scripts.demo_stack import DemoStack
from simulator import ChargerConfig, Simulator
from simulator.cli import build_configs, summary

pytestmark = pytest.mark.e2e

LAN_ID = "V2C0001A"  # LAN, charging a car
IDLE_ID = "V2C0002B"  # LAN, no car
CLOUD_ID = "V2C0003C"  # cloud only (4G)
DOMAIN = "v2c_cloud"
# Values only the LAN API has: unavailable on a cloud-only charger by design.
LAN_ONLY = {d.key for d in (*SENSORS, *BINARY_SENSORS, *SWITCHES, *NUMBERS, *SELECTS) if d.lan_only}


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Return the fleet `python -m simulator --chargers 3` (and so scripts/demo) runs."""
    return build_configs(3, None)


async def eventually(
    read: Callable[[], Any], check: Callable[[Any], bool], seconds: float, what: str
) -> Any:
    """Poll `read()` (sync or async) until `check` holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if asyncio.iscoroutine(value):
            value = await value
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {seconds} s")
        await asyncio.sleep(0.05)


async def test_demo_stack_end_to_end(
    simulator: Simulator, tmp_path: Path, socket_enabled: None
) -> None:
    """Start the demo stack, check devices and entities, command chargers, call an action."""
    began = time.monotonic()
    stack = DemoStack(
        port=free_port(),
        workdir=tmp_path / "demo",
        simulator=SimulatorInfo.from_json(summary(simulator)),
    )
    processes: dict[str, tuple[int, str | None]] = {}
    try:
        await stack.start()
        processes = {name: (pid, proc_start_time(pid)) for name, pid in stack.pids.items()}
        assert set(processes) == {"hass"}
        await _exercise(stack, simulator)
        errors = [record for record in stack.log_records() if DOMAIN in record]
        assert not errors, "\n".join(errors)
        warnings = [
            record
            for record in stack.log_records(("WARNING",))
            if DOMAIN in record and "has not been tested by Home Assistant" not in record
        ]
        assert not warnings, "\n".join(warnings)
        await _restart_from_the_ui(stack, processes)
    finally:
        await stack.stop()

    # Nothing is left behind: hass and its process group are gone, and so is the pidfile.
    for name, (pid, start) in processes.items():
        assert not alive(pid, start), f"{name} (pid {pid}) still runs"
        assert not group_exists(pid), f"a process of {name}'s group (pgid {pid}) still runs"
    assert not (stack.workdir / PIDFILE).exists()
    print(f"e2e: started in {stack.timings}, whole test {time.monotonic() - began:.1f} s")
    assert time.monotonic() - began < 90


async def _exercise(stack: DemoStack, sim: Simulator) -> None:
    """Everything the test checks through Home Assistant's APIs."""
    # Log in as a user would (the login flow), and use that token from here on.
    tokens = await stack.login(USERNAME, PASSWORD)
    ws = await HomeAssistantWebSocket.connect(stack.session, stack.url, tokens.access_token)
    try:
        await ws.subscribe_events(f"{DOMAIN}_device_statistics")
        devices = await _devices(ws)
        entities = await _entities(ws, devices)
        await _check_states(stack, entities)
        await _flip_lan_switch(stack, sim, entities[LAN_ID]["locked"])
        await _set_cloud_number(stack, sim, entities[CLOUD_ID]["intensity_number"])
        await _call_data_action(stack, ws, devices[LAN_ID])
    finally:
        await ws.close()


async def _restart_from_the_ui(
    stack: DemoStack, processes: dict[str, tuple[int, str | None]]
) -> None:
    """`homeassistant.restart` (exit code 100): the demo starts hass again with the same config."""
    before = stack.pids["hass"]
    entry_id = stack.entry_id
    supervisor = asyncio.ensure_future(stack.supervise())
    try:
        with contextlib.suppress(DemoError, aiohttp.ClientError, TimeoutError):
            await stack.api("POST", "/api/services/homeassistant/restart", {})
        await eventually(
            lambda: (stack.restarts, stack.pids.get("hass")),
            lambda r: r[0] == 1 and r[1] not in (None, before),
            60,
            "hass started again",
        )

        async def loaded() -> bool:
            with contextlib.suppress(DemoError, aiohttp.ClientError):
                entries = await stack.api("GET", "/api/config/config_entries/entry")
                return any(e["entry_id"] == entry_id and e["state"] == "loaded" for e in entries)
            return False

        await eventually(loaded, bool, 60, "the same entry loaded after the restart")
        assert not supervisor.done()
        assert (stack.config_dir / ".storage" / "core.config_entries").is_file()
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor
    new = stack.pids["hass"]
    processes["hass (restarted)"] = (new, proc_start_time(new))
    errors = [record for record in stack.log_records() if DOMAIN in record]
    assert not errors, "\n".join(errors)


async def _devices(ws: HomeAssistantWebSocket) -> dict[str, str]:
    """Return {charger id: device registry id}, checking the three devices."""
    devices = await ws.command("config/device_registry/list")
    ours = {
        ident: device
        for device in devices
        for domain, ident in device["identifiers"]
        if domain == DOMAIN
    }
    assert set(ours) == {LAN_ID, IDLE_ID, CLOUD_ID}
    assert {d["name"] for d in ours.values()} == {"Garage", "Driveway", "Office"}
    assert {d["manufacturer"] for d in ours.values()} == {"V2C"}
    return {ident: device["id"] for ident, device in ours.items()}


async def _entities(
    ws: HomeAssistantWebSocket, devices: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Return {charger id: {description key: entity id}} from the entity registry."""
    entries = await ws.command("config/entity_registry/list")
    by_device = {device_id: charger for charger, device_id in devices.items()}
    found: dict[str, dict[str, str]] = {charger: {} for charger in devices}
    for entry in entries:
        if entry["platform"] != DOMAIN:
            continue
        charger = by_device[entry["device_id"]]
        # Unique ids are v2c_<charger id>_<description key>.
        prefix = f"v2c_{charger}_"
        assert entry["unique_id"].startswith(prefix), entry
        found[charger][entry["unique_id"].removeprefix(prefix)] = entry["entity_id"]
    for charger, keys in found.items():
        assert len(keys) >= 20, (charger, sorted(keys))
        assert {"charge_state", "locked", "intensity_number", "connected_status"} <= set(keys)
    return found


async def _check_states(stack: DemoStack, entities: dict[str, dict[str, str]]) -> None:
    """Check the states Home Assistant shows make sense for the simulated fleet."""
    states = {s["entity_id"]: s for s in await stack.api("GET", "/api/states")}

    def state(charger: str, key: str) -> str:
        return str(states[entities[charger][key]]["state"])

    assert state(LAN_ID, "charge_state") == "charging"
    assert float(state(LAN_ID, "charge_power")) == pytest.approx(16 * 230)
    assert state(IDLE_ID, "charge_state") == "disconnected"
    assert state(CLOUD_ID, "charge_state") == "disconnected"
    for charger in (LAN_ID, IDLE_ID, CLOUD_ID):
        assert state(charger, "locked") == "off"
        assert float(state(charger, "intensity_number")) == 16
        assert state(charger, "connected_status") == "on"
    assert state(CLOUD_ID, "firmware_version") == "2.4.6"
    assert state(LAN_ID, "api_calls_remaining").isdigit()
    # Everything has a value, except what only a LAN API provides on the cloud-only charger.
    unavailable = {
        (charger, key)
        for charger, keys in entities.items()
        for key, entity_id in keys.items()
        if entity_id in states and states[entity_id]["state"] == "unavailable"
    }
    assert {charger for charger, _ in unavailable} <= {CLOUD_ID}, unavailable
    assert {key for _, key in unavailable} <= LAN_ONLY, unavailable
    assert state(LAN_ID, "charge_mode") != "unavailable"


async def _flip_lan_switch(stack: DemoStack, sim: Simulator, entity_id: str) -> None:
    """Lock the LAN charger: the write goes over its LAN API and HA shows it within ~1 s."""
    charger = sim.chargers[LAN_ID]
    assert not charger.locked
    sent = time.monotonic()
    await stack.api("POST", "/api/services/switch/turn_on", {"entity_id": entity_id})
    await eventually(lambda: charger.locked, bool, 1.0, "simulated charger locked")
    assert any(
        r.side == "lan" and r.device_id == LAN_ID and "Locked" in r.path for r in sim.requests
    )
    await eventually(
        lambda: stack.api("GET", f"/api/states/{entity_id}"),
        lambda s: s["state"] == "on",
        1.0,
        "HA state of the Locked switch",
    )
    assert time.monotonic() - sent < 2.0


async def _set_cloud_number(stack: DemoStack, sim: Simulator, entity_id: str) -> None:
    """Set the cloud-only charger's current: optimistic at once, confirmed by the cloud re-read."""
    charger = sim.chargers[CLOUD_ID]
    before = len(sim.requests)
    sent = time.time()
    await stack.api("POST", "/api/services/number/set_value", {"entity_id": entity_id, "value": 10})
    # The command went to the cloud (no LAN here) and the simulated charger took it at once...
    assert charger.intensity == 10
    commands = [r for r in sim.requests[before:] if r.side == "cloud" and r.method == "POST"]
    assert commands and all(r.device_id == CLOUD_ID for r in commands)
    # ...and Home Assistant shows the new value before reading anything back (optimistic).
    shown = await stack.api("GET", f"/api/states/{entity_id}")
    assert float(shown["state"]) == 10

    def reread() -> list[Any]:
        return [
            r
            for r in sim.requests[before:]
            if r.side == "cloud"
            and r.device_id == CLOUD_ID
            and r.path == "/device/reported"
            and r.time >= sent
        ]

    # The integration re-reads that charger's shadow ~5 s after a cloud command...
    confirmed = await eventually(reread, bool, 10.0, "cloud re-read after the command")
    delay = confirmed[0].time - sent
    assert 3.0 <= delay <= 9.0, delay
    # ...and keeps showing the (now confirmed) value.
    await asyncio.sleep(0.3)
    shown = await stack.api("GET", f"/api/states/{entity_id}")
    assert float(shown["state"]) == 10


async def _call_data_action(stack: DemoStack, ws: HomeAssistantWebSocket, device_id: str) -> None:
    """Call a query action with return_response; its event arrives on the WebSocket too."""
    answer = await stack.api(
        "POST",
        f"/api/services/{DOMAIN}/get_device_statistics?return_response",
        {"device_id": [device_id]},
    )
    response = answer["service_response"][LAN_ID]
    assert response["charger_id"] == LAN_ID
    assert response["device_id"] == device_id
    assert isinstance(response["statistics"], list)
    assert len(response["statistics"]) >= 1
    event = await ws.next_event(
        lambda e: e["event_type"] == f"{DOMAIN}_device_statistics", within=5
    )
    assert event["data"]["charger_id"] == LAN_ID
    assert event["data"]["statistics"] == response["statistics"]


def test_free_port_and_process_helpers(socket_enabled: None) -> None:
    """The helpers the demo relies on to find ports and to recognise its processes."""
    port = free_port()
    assert 1024 < port < 65536
    me = proc_start_time(os.getpid())
    assert me is not None
    assert alive(os.getpid(), me)
    assert not alive(os.getpid(), "0")
