"""Every fault kind has its effect; count, probability and filters work."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest

from simulator import ChargerConfig, Fault, FaultInjector, Simulator

from .conftest import LAN_A, LAN_B, Client, FakeClock, eventually

FAST = aiohttp.ClientTimeout(total=0.3)


async def test_delay(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="delay", delay=0.2, path="/device/reported"))
    started = time.monotonic()
    answer = await client.cloud("GET", "/device/reported", deviceId=LAN_A)
    assert time.monotonic() - started >= 0.2
    assert answer.status == 200
    assert answer.headers["RateLimit-Remaining"] == "999"
    assert answer.json()["deviceId"] == LAN_A


async def test_timeout_makes_the_client_give_up_and_stop_is_quick(clock: FakeClock) -> None:
    sim = Simulator(chargers=1, clock=clock)
    await sim.start()
    sim.faults.add(Fault(side="lan", kind="timeout", path="/RealTimeData"))
    url = f"http://{sim.lan_host('V2C0001A')}/RealTimeData"
    async with aiohttp.ClientSession(timeout=FAST) as session:
        with pytest.raises(TimeoutError):
            await session.get(url)
        pending = asyncio.ensure_future(session.get(url, timeout=aiohttp.ClientTimeout(total=10)))
        await eventually(lambda: len(sim.requests) == 2)
        started = time.monotonic()
        await sim.stop()
        assert time.monotonic() - started < 2
        with pytest.raises(aiohttp.ClientError):
            await (await asyncio.wait_for(pending, 2)).read()
    assert [r.status for r in sim.requests] == [0, 0]


async def test_status(client: Client, sim: Simulator) -> None:
    fault = sim.faults.add(
        Fault(side="cloud", kind="status", status=503, path="/device/reported", count=1)
    )
    failed = await client.cloud("GET", "/device/reported", deviceId=LAN_A)
    assert (failed.status, failed.text) == (503, "Service Unavailable")
    assert "RateLimit-Remaining" not in failed.headers
    assert (await client.cloud("GET", "/device/reported", deviceId=LAN_A)).status == 200
    assert fault.applied == 1
    assert sim.faults.active == []
    assert [r.status for r in sim.requests] == [503, 200]
    assert sim.quota.used(sim.api_key) == 2


async def test_odd_status_code(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="lan", kind="status", status=599))
    assert (await client.lan(LAN_A, "/RealTimeData")).status == 599


async def test_html(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="html"))
    answer = await client.cloud("GET", "/pairings/me")
    assert (answer.status, answer.content_type) == (502, "text/html")
    assert answer.text.startswith("<html>")


async def test_malformed(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="malformed", path="/device/reported", count=1))
    sim.faults.add(Fault(side="lan", kind="malformed", path="/RealTimeData", count=1))
    cloud = await client.cloud("GET", "/device/reported", deviceId=LAN_A)
    assert (cloud.status, cloud.content_type) == (200, "text/plain")
    assert cloud.text.startswith('{"device_id"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(cloud.text)
    lan = await client.lan(LAN_A, "/RealTimeData")
    assert lan.status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(lan.text.rstrip("%"))
    assert (await client.reported())["deviceId"] == LAN_A


async def test_missing_field(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="missing_field", field="intensity", count=1))
    assert "intensity" not in await client.reported()
    assert "intensity" in await client.reported()

    sim.faults.add(Fault(side="cloud", kind="missing_field", field="ip", path="/pairings/me"))
    pairings = (await client.cloud("GET", "/pairings/me")).json()
    assert all("ip" not in pairing and "deviceId" in pairing for pairing in pairings)

    sim.faults.add(Fault(side="lan", kind="missing_field", path="/RealTimeData"))
    assert len(await client.rtd()) == 24


async def test_missing_field_pick_follows_the_seed(clock: FakeClock) -> None:
    picks = []
    for seed in (1, 1):
        sim = Simulator(chargers=1, clock=clock, seed=seed)
        async with sim, aiohttp.ClientSession() as session:
            sim.faults.add(Fault(side="lan", kind="missing_field"))
            client = Client(sim, session)
            picks.append([set(await client.rtd("V2C0001A")) for _ in range(3)])
    assert picks[0] == picks[1]


async def test_wrong_type(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="wrong_type", field="intensity", count=1))
    retyped: dict[str, Any] = await client.reported()
    assert retyped["intensity"] == ["16"]
    sim.faults.add(Fault(side="lan", kind="wrong_type", field="ChargePower", count=1))
    assert (await client.rtd())["ChargePower"] == "n/a"

    sim.chargers[LAN_A].unplug()
    sim.faults.add(Fault(side="cloud", kind="wrong_type", field="energyByHourFv", count=1))
    stats = await client.cloud("GET", "/stadistic/device", deviceId=LAN_A)
    assert stats.json()[0]["energyByHourFv"] == 0

    await client.cloud(
        "POST",
        "/device/savepersonalicepower/v2",
        deviceId=LAN_A,
        name="p",
        updateAt="2023-10-27T10:00:00Z",
        body='{"slots":[1],"mode":"solar","on":true}',
    )
    sim.faults.add(Fault(side="cloud", kind="wrong_type", field="slots", count=1))
    sim.faults.add(Fault(side="cloud", kind="wrong_type", field="on", count=1))
    profile = await client.cloud(
        "GET", "/device/personalicepower/v2", deviceId=LAN_A, updateAt="2023-10-27T10:00:00Z"
    )
    assert profile.json() == {"slots": "n/a", "mode": "solar", "on": True}
    profile = await client.cloud(
        "GET", "/device/personalicepower/v2", deviceId=LAN_A, updateAt="2023-10-27T10:00:00Z"
    )
    assert profile.json() == {"slots": [1], "mode": "solar", "on": "n/a"}
    stored = sim.chargers[LAN_A].power_profiles["2023-10-27T10:00:00Z"]["profile"]
    assert stored == {"slots": [1], "mode": "solar", "on": True}


async def test_payload_faults_skip_replies_they_cannot_change(
    client: Client, sim: Simulator
) -> None:
    kinds: list[Any] = ["malformed", "missing_field", "wrong_type"]
    faults = [sim.faults.add(Fault(side="cloud", kind=kind)) for kind in kinds]
    assert (await client.cloud("GET", "/device/connected", deviceId=LAN_A)).text == "true"
    assert (await client.cloud("GET", "/version", deviceId="NOPE")).status == 404
    assert [fault.applied for fault in faults] == [0, 0, 0]
    sim.faults.remove(faults[0])
    assert (await client.cloud("GET", "/device/rfid", deviceId=LAN_A)).json() == []
    assert [fault.applied for fault in faults] == [0, 0, 0]
    unknown = sim.faults.add(Fault(side="lan", kind="missing_field", field="Nope"))
    assert len(await client.rtd()) == 25
    assert unknown.applied == 0


async def test_drop_lan_get(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="lan", kind="drop", path="/RealTimeData"))
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.lan(LAN_A, "/RealTimeData")
    # aiohttp retries an idempotent request once after a dropped connection.
    assert [r.status for r in sim.requests] == [0, 0]


async def test_single_drop_of_a_get_is_hidden_by_the_aiohttp_retry(
    client: Client, sim: Simulator
) -> None:
    sim.faults.add(Fault(side="lan", kind="drop", count=1))
    assert (await client.lan(LAN_A, "/RealTimeData")).status == 200
    assert [r.status for r in sim.requests] == [0, 200]


async def test_drop_cloud_post(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="cloud", kind="drop", path="/device/locked", count=1))
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")
    assert not sim.chargers[LAN_A].locked
    assert (await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")).status == 200
    assert sim.chargers[LAN_A].locked
    assert sim.quota.used(sim.api_key) == 2


async def test_non_ok_write(client: Client, sim: Simulator) -> None:
    fault = sim.faults.add(Fault(side="lan", kind="non_ok_write", count=1))
    assert len(await client.rtd()) == 25
    answer = await client.lan(LAN_A, "/write/Locked=1")
    assert (answer.status, answer.text) == (200, "ERROR")
    assert not sim.chargers[LAN_A].locked
    assert fault.applied == 1
    assert (await client.lan(LAN_A, "/write/Locked=1")).text == "OK"


async def test_write_faults_never_touch_the_cloud(client: Client, sim: Simulator) -> None:
    fault = sim.faults.add(Fault(side="cloud", kind="non_ok_write"))
    assert (await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")).text == ""
    assert fault.applied == 0


async def test_reboot(client: Client, sim: Simulator) -> None:
    fault = sim.faults.add(Fault(side="lan", kind="reboot", reboot_seconds=5, count=1))
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.lan(LAN_A, "/write/Locked=1")
    assert sim.chargers[LAN_A].locked
    assert fault.applied == 1
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.lan(LAN_A, "/RealTimeData")
    assert (await client.lan(LAN_B, "/RealTimeData")).status == 200
    sim.advance(4.9)
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.lan(LAN_A, "/RealTimeData")
    sim.advance(0.1)
    assert (await client.rtd())["Locked"] == 1
    lan_a = [r.status for r in sim.requests if r.device_id == LAN_A]
    assert lan_a == [0, 0, 0, 0, 0, 0, 200]


async def test_count(client: Client, sim: Simulator) -> None:
    fault = sim.faults.add(Fault(side="cloud", kind="status", count=2))
    statuses = [(await client.cloud("GET", "/pairings/me")).status for _ in range(4)]
    assert statuses == [500, 500, 200, 200]
    assert fault.applied == 2
    assert fault.expired
    zero = sim.faults.add(Fault(side="cloud", kind="status", count=0))
    assert (await client.cloud("GET", "/pairings/me")).status == 200
    assert zero.applied == 0


async def pattern(clock: FakeClock, seed: int, probability: float) -> list[int]:
    """Statuses of 24 /version calls under a probabilistic 500."""
    sim = Simulator(chargers=[ChargerConfig(device_id="P1")], clock=clock, seed=seed)
    async with sim, aiohttp.ClientSession() as session:
        client = Client(sim, session)
        sim.faults.add(Fault(side="cloud", kind="status", probability=probability))
        return [(await client.cloud("GET", "/version", deviceId="P1")).status for _ in range(24)]


async def test_probability_is_seeded(clock: FakeClock) -> None:
    first = await pattern(clock, 11, 0.5)
    assert first == await pattern(clock, 11, 0.5)
    assert first != await pattern(clock, 12, 0.5)
    assert 500 in first
    assert 200 in first
    assert set(await pattern(clock, 11, 0.0)) == {200}
    assert set(await pattern(clock, 11, 1.0)) == {500}


async def test_filters(client: Client, sim: Simulator) -> None:
    sim.faults.add(Fault(side="lan", kind="status", status=501, device_id=LAN_B))
    sim.faults.add(Fault(side="lan", kind="status", status=502, path="/write/Paused"))
    sim.faults.add(Fault(side="lan", kind="status", status=503, path="/read"))
    sim.faults.add(Fault(side="cloud", kind="status", status=504, path="/device/rfid"))
    sim.faults.add(Fault(side="cloud", kind="status", status=505, device_id=LAN_B))
    assert (await client.lan(LAN_B, "/RealTimeData")).status == 501
    assert (await client.lan(LAN_A, "/RealTimeData")).status == 200
    assert (await client.lan(LAN_A, "/write/Paused=1")).status == 502
    assert (await client.lan(LAN_A, "/write/PauseDynamic=1")).text == "OK"
    assert (await client.lan(LAN_A, "/read/LogoLED")).status == 503
    assert (await client.cloud("GET", "/device/rfid", deviceId=LAN_A)).status == 504
    tag = await client.cloud("POST", "/device/rfid/tag", deviceId=LAN_A, code="a1", tag="t")
    assert tag.status == 200
    assert (await client.cloud("GET", "/device/reported", deviceId=LAN_B)).status == 505
    assert (await client.cloud("POST", "/device/ocpp", id=LAN_B, value="1")).status == 505
    assert (await client.cloud("GET", "/pairings/me")).status == 200


def test_injector_api() -> None:
    injector = FaultInjector(seed=1)
    first = injector.add(Fault(side="lan", kind="drop"))
    second = injector.add(Fault(side="cloud", kind="html"))
    assert injector.active == [first, second]
    injector.remove(first)
    injector.remove(first)
    assert injector.active == [second]
    injector.clear()
    assert injector.active == []
    bad: dict[str, Any] = {"side": "lan", "kind": "drop"}
    with pytest.raises(ValueError):
        Fault(**{**bad, "kind": "explode"})
    with pytest.raises(ValueError):
        Fault(**{**bad, "side": "both"})
    with pytest.raises(ValueError):
        Fault(**bad, probability=1.5)
