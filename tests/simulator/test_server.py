"""Simulator lifecycle: ports, start/stop, add/remove chargers, records, defaults."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest

from simulator import ChargerConfig, Simulator

from .conftest import CLOUD_ONLY, LAN_A, LAN_B, START, Client, FakeClock, eventually


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refused(host: str) -> bool:
    """Return True when nothing listens on host ("ip:port")."""
    ip, port = host.split(":")
    with socket.socket() as sock:
        return sock.connect_ex((ip, int(port))) != 0


def test_default_fleet() -> None:
    sim = Simulator(chargers=3)
    assert list(sim.chargers) == ["V2C0001A", "V2C0002B", "V2C0003C"]
    assert [c.name for c in sim.chargers.values()] == ["Garage", "Driveway", "Office"]
    assert all(c.lan and not c.car_connected for c in sim.chargers.values())
    assert sim.api_key == "sim-key-0001"
    assert sim.quota.limit == 1000
    assert abs(sim.now() - time.time()) < 5
    many = Simulator(chargers=28)
    assert list(many.chargers)[26:] == ["V2C0027A", "V2C0028B"]
    assert many.chargers["V2C0009I"].name == "Charger 9"
    with pytest.raises(ValueError):
        Simulator(chargers=-1)


def test_construction_checks() -> None:
    with pytest.raises(ValueError):
        Simulator(host="0.0.0.0")
    with pytest.raises(ValueError):
        Simulator(host="192.168.1.10")
    with pytest.raises(ValueError):
        Simulator(chargers=[ChargerConfig(device_id="A"), ChargerConfig(device_id="A")])
    sim = Simulator()
    assert not sim.running
    with pytest.raises(RuntimeError):
        _ = sim.cloud_url
    assert sim.lan_host("V2C0001A") is None


async def test_fixed_ports_and_restart(clock: FakeClock) -> None:
    cloud, lan = free_port(), free_port()
    sim = Simulator(chargers=2, clock=clock)
    await sim.start(cloud_port=cloud, lan_ports=[lan])
    assert sim.cloud_url == f"http://127.0.0.1:{cloud}/kong/v2c_service"
    assert sim.lan_host("V2C0001A") == f"127.0.0.1:{lan}"
    second = sim.lan_host("V2C0002B")
    assert second is not None
    assert second not in {f"127.0.0.1:{lan}", f"127.0.0.1:{cloud}"}
    with pytest.raises(RuntimeError):
        await sim.start()
    await sim.stop()
    assert not sim.running
    assert refused(f"127.0.0.1:{cloud}")
    assert refused(f"127.0.0.1:{lan}")
    assert sim.lan_host("V2C0001A") is None
    await sim.stop()
    await sim.start(cloud_port=cloud, lan_ports=[lan])
    async with aiohttp.ClientSession() as session:
        assert (await Client(sim, session).rtd("V2C0001A"))["ID"] == "V2C0001A"
    await sim.stop()


async def test_start_failure_cleans_up(clock: FakeClock) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        sim = Simulator(chargers=2, clock=clock)
        with pytest.raises(OSError):
            await sim.start(lan_ports=[0, port])
        assert not sim.running
        assert all(charger.ip == "" for charger in sim.chargers.values())


async def test_context_manager(clock: FakeClock) -> None:
    async with Simulator(clock=clock) as sim:
        url = sim.cloud_url
        assert refused(url.split("/")[2]) is False
    assert not sim.running
    assert refused(url.split("/")[2])


async def test_add_and_remove_chargers(client: Client, sim: Simulator) -> None:
    sim.add_charger(ChargerConfig(device_id="NEW0001", name="Barn"))
    sim.add_charger(ChargerConfig(device_id="NEW0002", name="Field", lan=False))
    host = sim.lan_host("NEW0001")
    assert host is not None
    pairings = (await client.cloud("GET", "/pairings/me")).json()
    assert [(p["deviceId"], p["tag"], p["ip"]) for p in pairings[3:]] == [
        ("NEW0001", "Barn", host),
        ("NEW0002", "Field", ""),
    ]
    assert (await client.rtd("NEW0001"))["ID"] == "NEW0001"
    with pytest.raises(ValueError):
        sim.add_charger(ChargerConfig(device_id="NEW0001"))

    sim.remove_charger("NEW0001")
    sim.remove_charger(CLOUD_ONLY)
    pairings = (await client.cloud("GET", "/pairings/me")).json()
    assert [p["deviceId"] for p in pairings] == [LAN_A, LAN_B, "NEW0002"]
    assert (await client.cloud("GET", "/device/reported", deviceId="NEW0001")).status == 404
    await eventually(lambda: not sim._tasks)
    assert refused(host)
    with pytest.raises(KeyError):
        sim.remove_charger("NEW0001")


async def test_add_then_stop_at_once(sim: Simulator) -> None:
    sim.add_charger(ChargerConfig(device_id="NEW0003"))
    sim.remove_charger(LAN_B)
    await sim.stop()
    assert sim.lan_host("NEW0003") is None


async def test_request_in_flight_on_a_removed_charger_is_dropped(
    client: Client, sim: Simulator
) -> None:
    host = sim.lan_host(LAN_B)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://{host}/RealTimeData") as resp:
            assert resp.status == 200
        # The kept-alive connection outlives the charger for a moment.
        del sim.chargers[LAN_B]
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"http://{host}/RealTimeData")


async def test_add_and_remove_while_stopped(clock: FakeClock) -> None:
    sim = Simulator(chargers=1, clock=clock)
    sim.add_charger(ChargerConfig(device_id="LATE"))
    sim.remove_charger("V2C0001A")
    async with sim, aiohttp.ClientSession() as session:
        pairings = (await Client(sim, session).cloud("GET", "/pairings/me")).json()
    assert [p["deviceId"] for p in pairings] == ["LATE"]


async def test_requests_are_recorded(client: Client, sim: Simulator, clock: FakeClock) -> None:
    await client.cloud("POST", "/device/intensity", deviceId=LAN_A, value="10", body="ignored")
    clock.value += 5
    await client.cloud("GET", "/pairings/me", key="bad")
    await client.lan(LAN_B, "/write/Locked=1?x=1")
    await client.cloud("GET", "/device/wifilist", id=LAN_B)
    first, second, third, fourth = sim.requests
    assert (first.side, first.device_id, first.method, first.path) == (
        "cloud",
        LAN_A,
        "POST",
        "/device/intensity",
    )
    assert (first.query, first.body, first.status, first.time) == (
        {"deviceId": LAN_A, "value": "10"},
        "ignored",
        200,
        START,
    )
    assert (second.device_id, second.status, second.time) == (None, 401, START + 5)
    assert (third.side, third.device_id, third.path, third.status) == (
        "lan",
        LAN_B,
        "/write/Locked=1",
        200,
    )
    assert third.query == {"x": "1"}
    assert fourth.device_id == LAN_B


async def test_no_lingering_connections_after_stop(clock: FakeClock) -> None:
    sim = Simulator(chargers=1, clock=clock)
    await sim.start()
    session = aiohttp.ClientSession()
    try:
        client = Client(sim, session)
        await client.rtd("V2C0001A")
        await client.cloud("GET", "/pairings/me")
        url = sim.cloud_url
        await sim.stop()
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(url + "/pairings/me")
    finally:
        await session.close()
    current = asyncio.current_task()
    assert [task for task in asyncio.all_tasks() if task is not current] == []


async def test_add_then_remove_at_once(client: Client, sim: Simulator) -> None:
    sim.add_charger(ChargerConfig(device_id="BLINK"))
    host = sim.lan_host("BLINK")
    assert host is not None
    sim.remove_charger("BLINK")
    await eventually(lambda: not sim._tasks)
    assert refused(host)
    assert [p["deviceId"] for p in (await client.cloud("GET", "/pairings/me")).json()] == [
        LAN_A,
        LAN_B,
        CLOUD_ONLY,
    ]


async def test_stop_ends_a_half_sent_request(clock: FakeClock) -> None:
    sim = Simulator(chargers=1, clock=clock)
    await sim.start()
    host, port = sim.cloud_url.split("/")[2].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /kong/v2c_service/device/timer?deviceId=V2C0001A HTTP/1.1\r\n"
        b"Host: x\r\napikey: sim-key-0001\r\nContent-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    await eventually(lambda: bool(sim._connections))
    started = time.monotonic()
    await sim.stop()
    assert time.monotonic() - started < 2
    assert await reader.read() == b""
    writer.close()
    await writer.wait_closed()
    assert sim.requests == []


async def test_stop_cancels_a_connection_aiohttp_lost_track_of(clock: FakeClock) -> None:
    sim = Simulator(chargers=1, clock=clock)
    await sim.start()
    stuck = asyncio.get_running_loop().create_future()
    orphan = asyncio.ensure_future(stuck)
    sim._connections.add(orphan)
    await sim.stop()
    assert orphan.cancelled()
