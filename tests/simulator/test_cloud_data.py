"""RFID cards, power profiles and statistics round-trip through the cloud."""

from __future__ import annotations

import re

import aiohttp
import pytest

from simulator import ChargerConfig, Simulator

from .conftest import LAN_A, LAN_B, Client, FakeClock


async def test_rfid_cards_round_trip(client: Client, sim: Simulator) -> None:
    empty = await client.cloud("GET", "/device/rfid", deviceId=LAN_A)
    assert (empty.status, empty.content_type, empty.json()) == (200, "application/json", [])

    assert (await client.cloud("POST", "/device/rfid", deviceId=LAN_A, tag="Learned")).status == 200
    learned = (await client.cloud("GET", "/device/rfid", deviceId=LAN_A)).json()
    assert len(learned) == 1
    assert learned[0]["tag"] == "Learned"
    assert re.fullmatch(r"[0-9a-f]{8}", learned[0]["code"])

    added = await client.cloud("POST", "/device/rfid/tag", deviceId=LAN_A, code="aa23b601", tag="A")
    assert added.status == 200
    relabel = await client.cloud(
        "POST", "/device/rfid/tag", deviceId=LAN_A, code="aa23b601", tag="B"
    )
    assert relabel.status == 200
    cards = {c["code"]: c["tag"] for c in sim.chargers[LAN_A].rfid_cards}
    assert cards["aa23b601"] == "B"
    assert len(cards) == 2

    renamed = await client.cloud(
        "PUT", "/device/rfid/tag", deviceId=LAN_A, code="aa23b601", tag="C"
    )
    assert renamed.status == 200
    listed = (await client.cloud("GET", "/device/rfid", deviceId=LAN_A)).json()
    assert {"code": "aa23b601", "tag": "C"}.items() <= listed[1].items()

    deleted = await client.cloud("DELETE", "/device/rfid", deviceId=LAN_A, code="aa23b601")
    assert deleted.status == 200
    assert [c["tag"] for c in sim.chargers[LAN_A].rfid_cards] == ["Learned"]
    assert sim.chargers[LAN_B].rfid_cards == []


RFID_ERRORS: list[tuple[str, str, dict[str, str], int]] = [
    ("PUT", "/device/rfid/tag", {"code": "ffffffff", "tag": "x"}, 404),
    ("DELETE", "/device/rfid", {"code": "ffffffff"}, 404),
    ("POST", "/device/rfid", {}, 400),
    ("POST", "/device/rfid", {"tag": ""}, 400),
    ("POST", "/device/rfid", {"tag": "x" * 65}, 400),
    ("POST", "/device/rfid/tag", {"code": "aa"}, 400),
    ("POST", "/device/rfid/tag", {"tag": "aa"}, 400),
    ("DELETE", "/device/rfid", {}, 400),
]


async def test_rfid_errors(client: Client, sim: Simulator) -> None:
    got = [
        (await client.cloud(method, path, deviceId=LAN_A, **params)).status
        for method, path, params, _ in RFID_ERRORS
    ]
    assert got == [status for *_, status in RFID_ERRORS]
    assert sim.chargers[LAN_A].rfid_cards == []


async def test_learned_card_codes_follow_the_seed(clock: FakeClock) -> None:
    codes = []
    for _ in range(2):
        sim = Simulator(chargers=[ChargerConfig(device_id="X1")], seed=3, clock=clock)
        codes.append(sim.chargers["X1"].learn_card("t")["code"])
    other = Simulator(chargers=[ChargerConfig(device_id="X1")], seed=4, clock=clock)
    assert codes[0] == codes[1] != other.chargers["X1"].learn_card("t")["code"]


PROFILE = '{"mode":"solar","value":32,"slots":[{"from":"08:00","to":"12:00","power":3.5}]}'


async def test_power_profiles_round_trip(client: Client, sim: Simulator) -> None:
    first = "2023-10-27T10:00:00Z"
    created = await client.cloud(
        "POST",
        "/device/savepersonalicepower/v2",
        deviceId=LAN_A,
        name="Solar",
        updateAt=first,
        body=PROFILE,
    )
    assert created.status == 200
    fetched = await client.cloud(
        "GET", "/device/personalicepower/v2", deviceId=LAN_A, updateAt=first
    )
    assert fetched.status == 200
    assert fetched.json() == {
        "mode": "solar",
        "value": 32,
        "slots": [{"from": "08:00", "to": "12:00", "power": 3.5}],
    }
    second = "2023-10-28T10:00:00Z"
    updated = await client.cloud(
        "POST",
        "/device/personalicepower/v2",
        id=LAN_A,
        name="Solar",
        updateAt=second,
        body='{"mode":"grid"}',
    )
    assert updated.status == 200
    old = await client.cloud("GET", "/device/personalicepower/v2", deviceId=LAN_A, updateAt=first)
    assert old.status == 404
    new = await client.cloud("GET", "/device/personalicepower/v2", deviceId=LAN_A, updateAt=second)
    assert new.json() == {"mode": "grid"}
    again = await client.cloud(
        "POST",
        "/device/personalicepower/v2",
        id=LAN_A,
        name="Renamed",
        updateAt=second,
        body='{"mode":"night"}',
    )
    assert again.status == 200
    listed = await client.cloud("GET", "/device/personalicepower/all", deviceId=LAN_A)
    assert listed.json() == [{"name": "Renamed", "updateAt": second, "profile": {"mode": "night"}}]
    gone = await client.cloud(
        "DELETE", "/device/personalicepower/v2", deviceId=LAN_A, name="Renamed", updateAt=second
    )
    assert gone.status == 200
    assert sim.chargers[LAN_A].power_profiles == {}


PROFILE_ERRORS: list[tuple[str, str, dict[str, str], str | None, int]] = [
    ("POST", "/device/savepersonalicepower/v2", {"name": "a"}, "{}", 400),
    ("POST", "/device/savepersonalicepower/v2", {"updateAt": "2023-10-27"}, "{}", 400),
    (
        "POST",
        "/device/savepersonalicepower/v2",
        {"name": "a", "updateAt": "yesterday"},
        "{}",
        400,
    ),
    ("POST", "/device/savepersonalicepower/v2", {"name": "a", "updateAt": ""}, "{}", 400),
    (
        "POST",
        "/device/savepersonalicepower/v2",
        {"name": "a", "updateAt": "2023-10-27T10:00:00Z"},
        "[]",
        400,
    ),
    (
        "POST",
        "/device/savepersonalicepower/v2",
        {"name": "a", "updateAt": "2023-10-27T10:00:00Z"},
        "",
        400,
    ),
    (
        "POST",
        "/device/personalicepower/v2",
        {"name": "none", "updateAt": "2023-10-27T10:00:00Z"},
        "{}",
        404,
    ),
    ("GET", "/device/personalicepower/v2", {"updateAt": "2023-10-27T10:00:00Z"}, None, 404),
    ("GET", "/device/personalicepower/v2", {}, None, 400),
    (
        "DELETE",
        "/device/personalicepower/v2",
        {"name": "a", "updateAt": "2023-10-27T10:00:00Z"},
        None,
        404,
    ),
]


async def test_power_profile_errors(client: Client, sim: Simulator) -> None:
    got = []
    for method, path, params, body, _ in PROFILE_ERRORS:
        update = method == "POST" and path == "/device/personalicepower/v2"
        selector = "id" if update else "deviceId"
        answer = await client.cloud(method, path, body=body, **params, **{selector: LAN_A})
        got.append(answer.status)
    assert got == [status for *_, status in PROFILE_ERRORS]
    assert sim.chargers[LAN_A].power_profiles == {}


async def history_sim(clock: FakeClock) -> Simulator:
    """A started simulator with seven past sessions on one charger."""
    sim = Simulator(
        chargers=[
            ChargerConfig(device_id=LAN_A, history_sessions=7),
            ChargerConfig(device_id=LAN_B),
        ],
        clock=clock,
    )
    await sim.start()
    return sim


async def test_device_statistics(clock: FakeClock) -> None:
    sim = await history_sim(clock)
    try:
        async with aiohttp.ClientSession() as session:
            client = Client(sim, session)
            answer = await client.cloud("GET", "/stadistic/device", deviceId=LAN_A)
            assert answer.content_type == "application/json"
            last = answer.json()
            assert len(last) == 5
            assert [r["startChargeDate"][:10] for r in last] == [
                "2025-10-23",
                "2025-10-24",
                "2025-10-25",
                "2025-10-26",
                "2025-10-27",
            ]
            record = last[-1]
            assert record["deviceId"] == LAN_A
            assert isinstance(record["id"], int)
            assert isinstance(record["energy"], float)
            assert record["finished"] is True
            assert record["energyByHourFv"] is None
            assert record["idCharge"] == record["startChargeDate"].replace("T", " ")
            assert re.fullmatch(r"\d+\.\d(\|\d+\.\d)*", record["energyByHour"])
            hourly = [float(x) for x in record["energyByHour"].split("|")]
            assert sum(hourly) == pytest.approx(record["energy"], abs=0.05 * len(hourly))
            assert record["createdAt"].endswith(".000+00:00")

            ranged = await client.cloud(
                "GET",
                "/stadistic/device",
                deviceId=LAN_A,
                chargeDateStart="2025-10-21",
                chargeDateEnd="2025-10-22",
            )
            assert [r["startChargeDate"][:10] for r in ranged.json()] == [
                "2025-10-21",
                "2025-10-22",
            ]
            since = await client.cloud(
                "GET", "/stadistic/device", deviceId=LAN_A, chargeDateStart="2025-10-26"
            )
            assert len(since.json()) == 2
            until = await client.cloud(
                "GET",
                "/stadistic/device",
                deviceId=LAN_A,
                chargeDateEnd="2025-10-22T23:59:59.000Z",
            )
            assert len(until.json()) == 2
            bad = await client.cloud(
                "GET", "/stadistic/device", deviceId=LAN_A, chargeDateStart="22/10/2025"
            )
            assert bad.status == 400
            none = await client.cloud("GET", "/stadistic/device", deviceId=LAN_B)
            assert none.json() == []

            totals = await client.cloud("GET", "/stadistic/global/me")
            assert totals.status == 200
            by_device = {r["deviceId"]: r for r in totals.json()}
            energy = round(sum(r["energy"] for r in sim.chargers[LAN_A].statistics), 2)
            assert by_device[LAN_A]["totalCharges"] == 7
            assert by_device[LAN_A]["totalEnergy"] == pytest.approx(energy)
            assert by_device[LAN_B] == {
                "deviceId": LAN_B,
                "totalEnergy": 0,
                "totalCharges": 0,
                "energy": 0,
                "cost": 0,
            }
            window = await client.cloud(
                "GET",
                "/stadistic/global/me",
                endChargeDateStart="2025-10-27",
                endChargeDateEnd="2025-10-27",
            )
            assert {r["deviceId"]: r["totalCharges"] for r in window.json()} == {
                LAN_A: 1,
                LAN_B: 0,
            }
    finally:
        await sim.stop()
