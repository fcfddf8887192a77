"""Runtime control: LAN swap/close/open, quirky bodies, the meter, and the loopback control API."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import json
from typing import Any

import aiohttp
import pytest

from simulator import ChargerConfig, Fault, Simulator
from simulator.quirks import QUIRKS, garble

from .conftest import CLOUD_ONLY, LAN_A, LAN_B, Client, FakeClock, fleet


@pytest.fixture
async def csim(clock: FakeClock) -> AsyncGenerator[Simulator]:
    """A started three-charger simulator with its control API."""
    simulator = Simulator(chargers=fleet(), clock=clock, seed=7)
    await simulator.start(control_port=0)
    try:
        yield simulator
    finally:
        await simulator.stop()


async def _control(
    session: aiohttp.ClientSession, sim: Simulator, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    assert sim.control_url is not None
    data = None if body is None else json.dumps(body)
    async with session.request(method, sim.control_url + path, data=data) as resp:
        return resp.status, await resp.json()


async def test_swap_exchanges_addresses_everywhere(client: Client, sim: Simulator) -> None:
    host_a, host_b = sim.lan_host(LAN_A), sim.lan_host(LAN_B)
    sim.swap_lan(LAN_A, LAN_B)
    assert (sim.lan_host(LAN_A), sim.lan_host(LAN_B)) == (host_b, host_a)
    # The old address of A now answers as B, with B's id and B's new IP.
    async with client.session.get(f"http://{host_a}/RealTimeData") as resp:
        body = json.loads((await resp.text()).rstrip("%"))
    assert (body["ID"], body["IP"]) == (LAN_B, host_a)
    assert (await client.rtd(LAN_A))["ID"] == LAN_A
    # A write to the old address of A lands on B.
    async with client.session.get(f"http://{host_a}/write/Locked=1") as resp:
        assert await resp.text() == "OK"
    assert sim.chargers[LAN_B].locked
    assert not sim.chargers[LAN_A].locked
    assert [(r.device_id, r.path) for r in sim.requests if r.path.startswith("/write")] == [
        (LAN_B, "/write/Locked=1")
    ]
    assert json.loads((await client.reported(LAN_A))["wifi_info"])["ip"] == host_b
    with pytest.raises(ValueError, match="no LAN"):
        sim.swap_lan(LAN_A, CLOUD_ONLY)
    with pytest.raises(ValueError, match="itself"):
        sim.swap_lan(LAN_A, LAN_A)


async def test_close_and_open_the_lan_listener(client: Client, sim: Simulator) -> None:
    host = sim.lan_host(LAN_A)
    await sim.close_lan(LAN_A)
    assert not sim.lan_listening(LAN_A)
    assert sim.lan_host(LAN_A) == host
    with pytest.raises(aiohttp.ClientConnectorError):
        await client.lan(LAN_A, "/RealTimeData")
    with pytest.raises(ValueError, match="both chargers"):
        sim.swap_lan(LAN_A, LAN_B)
    await sim.close_lan(LAN_A)  # already closed: nothing happens
    await sim.open_lan(LAN_A)
    await sim.open_lan(LAN_A)  # already open: nothing happens
    assert sim.lan_listening(LAN_A)
    assert sim.lan_host(LAN_A) == host
    assert (await client.rtd(LAN_A))["ID"] == LAN_A


async def test_meter_counts_every_session(sim: Simulator, clock: FakeClock) -> None:
    charger = sim.chargers[LAN_A]
    clock.value += 3600
    sim.sync()
    first = charger.meter
    assert first == pytest.approx(16 * 230 / 1000)
    charger.unplug()
    charger.plug_in()
    clock.value += 1800
    sim.sync()
    assert charger.charge_energy == pytest.approx(first / 2)
    assert charger.meter == pytest.approx(first * 1.5)


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
async def test_quirk_bodies(client: Client, sim: Simulator, quirk: str) -> None:
    sim.faults.add(Fault(side="lan", kind="quirk", quirk=quirk, path="/RealTimeData", count=1))
    answer = await client.lan(LAN_A, "/RealTimeData")
    assert answer.status == 200
    assert answer.text.endswith("%")
    body = answer.text.rstrip("%")
    if quirk in ("missing_comma", "unquoted_version", "not_object"):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        assert not isinstance(parsed, dict)
    else:
        assert json.loads(body)["ID"] == LAN_A
    assert (await client.rtd(LAN_A))["ID"] == LAN_A  # count=1: the next body is clean


def test_garble_shapes() -> None:
    payload = {"ID": "X", "FirmwareVersion": "1.6.13", "ContractedPower": 4600, "ReadyState": 1}
    assert garble(payload, "missing_comma") == (
        '{"ID":"X","FirmwareVersion":"1.6.13","ContractedPower":4600"ReadyState":1}'
    )
    assert '"FirmwareVersion":1.6.13,' in garble(payload, "unquoted_version")
    assert garble(payload, "two_decimals", "%").endswith('"ReadyState":1.00}%')
    assert '"ContractedPower":"4600"' in garble(payload, "string_numbers")
    assert garble(payload, "duplicate_key").count("FirmwareVersion") == 2
    with pytest.raises(ValueError):
        garble(payload, "nonsense")
    with pytest.raises(ValueError):
        Fault(side="lan", kind="quirk", quirk="nonsense")


async def test_control_api(csim: Simulator, clock: FakeClock) -> None:
    async with aiohttp.ClientSession() as session:
        status, state = await _control(session, csim, "GET", "/state")
        assert status == 200
        assert [c["device_id"] for c in state["chargers"]] == [LAN_A, LAN_B, CLOUD_ONLY]
        assert state["chargers"][0]["listening"] is True
        assert state["chargers"][2]["lan_host"] is None

        fault = {"side": "lan", "kind": "status", "status": 503, "device_id": LAN_A}
        status, added = await _control(session, csim, "POST", "/faults", fault)
        assert (status, added["status"], added["id"]) == (201, 503, 1)
        assert csim.faults.active[0].device_id == LAN_A
        assert (await _control(session, csim, "GET", "/faults"))[1][0]["id"] == 1
        assert (await _control(session, csim, "DELETE", "/faults/1"))[0] == 200
        assert csim.faults.active == []
        assert (await _control(session, csim, "DELETE", "/faults/1"))[0] == 404
        await _control(session, csim, "POST", "/faults", {"side": "cloud", "kind": "drop"})
        assert (await _control(session, csim, "DELETE", "/faults"))[0] == 200
        assert csim.faults.active == []
        for bad in ({"side": "moon", "kind": "drop"}, {"side": "lan", "kind": "x"}, {"x": 1}):
            status, answer = await _control(session, csim, "POST", "/faults", bad)
            assert status == 400
            assert answer["error"]

        host_a, host_b = csim.lan_host(LAN_A), csim.lan_host(LAN_B)
        status, pair = await _control(session, csim, "POST", "/lan/swap", {"a": LAN_A, "b": LAN_B})
        assert status == 200
        assert [c["lan_host"] for c in pair] == [host_b, host_a]
        status, view = await _control(session, csim, "POST", f"/lan/{LAN_A}/close")
        assert (status, view["listening"]) == (200, False)
        status, _ = await _control(session, csim, "POST", "/lan/swap", {"a": LAN_A, "b": LAN_B})
        assert status == 409
        status, view = await _control(session, csim, "POST", f"/lan/{LAN_A}/open")
        assert (status, view["listening"], view["lan_host"]) == (200, True, host_b)
        assert (await _control(session, csim, "POST", f"/lan/{CLOUD_ONLY}/close"))[0] == 409
        assert (await _control(session, csim, "POST", "/lan/NOPE/close"))[0] == 404

        status, state = await _control(session, csim, "POST", "/advance", {"seconds": 3600})
        assert status == 200
        assert state["chargers"][0]["meter"] == pytest.approx(3.68)
        assert (await _control(session, csim, "POST", "/advance", {"seconds": -1}))[0] == 400
        assert (await _control(session, csim, "POST", "/advance", "x"))[0] == 400

        status, view = await _control(session, csim, "POST", f"/chargers/{LAN_A}/unplug")
        assert (status, view["car_connected"]) == (200, False)
        status, view = await _control(session, csim, "POST", f"/chargers/{LAN_B}/offline")
        assert (status, view["connected"]) == (200, False)
        assert not csim.chargers[LAN_B].connected
        assert (await _control(session, csim, "POST", f"/chargers/{LAN_B}/fly"))[0] == 404
        assert (await _control(session, csim, "GET", "/nowhere"))[0] == 404
    assert all(r.path != "/state" for r in csim.requests)


async def test_control_is_off_unless_asked(sim: Simulator) -> None:
    assert sim.control_url is None


async def test_charger_added_later_can_be_swapped(clock: FakeClock) -> None:
    sim = Simulator(chargers=[ChargerConfig(device_id=LAN_A)], clock=clock)
    await sim.start()
    try:
        sim.add_charger(ChargerConfig(device_id=LAN_B))
        host_a, host_b = sim.lan_host(LAN_A), sim.lan_host(LAN_B)
        sim.swap_lan(LAN_A, LAN_B)
        assert (sim.lan_host(LAN_A), sim.lan_host(LAN_B)) == (host_b, host_a)
    finally:
        await sim.stop()
