"""LAN API: RealTimeData shape, /read and /write."""

from __future__ import annotations

import json

import aiohttp
import pytest

from simulator import ChargerConfig, Simulator

from .conftest import LAN_A, LAN_B, Client, FakeClock

KEYS_246 = [
    "ID",
    "FirmwareVersion",
    "ChargeState",
    "ReadyState",
    "ChargePower",
    "ChargeEnergy",
    "SlaveError",
    "ChargeTime",
    "HousePower",
    "FVPower",
    "BatteryPower",
    "Paused",
    "Locked",
    "Timer",
    "Intensity",
    "Dynamic",
    "MinIntensity",
    "MaxIntensity",
    "PauseDynamic",
    "DynamicPowerMode",
    "ContractedPower",
    "VoltageInstallation",
    "SSID",
    "IP",
    "SignalStatus",
]


async def test_real_time_data_has_25_keys_and_a_trailing_percent(
    client: Client, sim: Simulator
) -> None:
    answer = await client.lan(LAN_A, "/RealTimeData")
    assert answer.status == 200
    assert answer.text.endswith("}%")
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)
    data = json.loads(answer.text[:-1])
    assert list(data) == KEYS_246
    assert len(data) == 25
    assert data["ID"] == LAN_A
    assert data["FirmwareVersion"] == "2.4.6"
    assert data["IP"] == sim.lan_host(LAN_A)
    assert data["SSID"] == sim.chargers[LAN_A].ssid
    assert (data["ChargeState"], data["ChargePower"], data["Intensity"]) == (2, 3680.0, 16)
    assert (data["Paused"], data["Locked"], data["ReadyState"]) == (0, 0, 1)
    assert (data["ContractedPower"], data["VoltageInstallation"]) == (4600, 230)
    for key in ("ChargeState", "Paused", "ChargeTime", "Intensity", "SignalStatus"):
        assert type(data[key]) is int, key
    for key in ("ChargeMode", "LightLED", "LogoLED"):
        assert key not in data


async def test_legacy_firmware_drops_three_keys(clock: FakeClock) -> None:
    sim = Simulator(
        chargers=[ChargerConfig(device_id="OLD1", firmware="1.6.9", legacy_firmware=True)],
        clock=clock,
    )
    async with sim, aiohttp.ClientSession() as session:
        data = await Client(sim, session).rtd("OLD1")
    assert list(data) == [
        key for key in KEYS_246 if key not in {"ReadyState", "BatteryPower", "FirmwareVersion"}
    ]
    assert len(data) == 22


async def test_read_returns_bare_text(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    charger.light_led = 55
    charger.charge_mode = 2
    expected = {"LogoLED": "1", "LightLED": "55", "ChargeMode": "2", "Intensity": "16"}
    for key, value in expected.items():
        answer = await client.lan(LAN_A, f"/read/{key}")
        assert (answer.status, answer.text) == (200, value), key
    assert (await client.lan(LAN_A, "/read/Nope")).status == 404


WRITES: list[tuple[str, str, str, object]] = [
    ("Paused", "1", "paused", True),
    ("Locked", "1", "locked", True),
    ("Timer", "1", "timer", True),
    ("Intensity", "32", "intensity", 32),
    ("MinIntensity", "10", "min_intensity", 10),
    ("MaxIntensity", "25", "max_intensity", 25),
    ("Dynamic", "1", "dynamic", True),
    ("PauseDynamic", "1", "pause_dynamic", True),
    ("DynamicPowerMode", "5", "dynamic_power_mode", 5),
    ("ContractedPower", "7000", "contracted_power", 7000),
    ("VoltageInstallation", "400", "voltage_installation", 400),
    ("ChargeMode", "2", "charge_mode", 2),
    ("LightLED", "0", "light_led", 0),
    ("LogoLED", "0", "logo_led", 0),
]
REJECTED = [
    "Intensity=5",
    "Intensity=33",
    "Intensity=16.0",
    "MinIntensity=40",
    "Paused=2",
    "Locked=True",
    "LogoLED=100",
    "LightLED=101",
    "DynamicPowerMode=6",
    "ChargeMode=3",
    "VoltageInstallation=99",
    "VoltageInstallation=451",
    "ContractedPower=0",
    "Unknown=1",
    "locked=1",
    "ChargeState=2",
    "Intensity",
    "Intensity=",
]


async def test_write_each_keyword(client: Client, sim: Simulator) -> None:
    problems = []
    for key, value, attr, expected in WRITES:
        answer = await client.lan(LAN_B, f"/write/{key}={value}")
        got = (answer.status, answer.text, getattr(sim.chargers[LAN_B], attr))
        if got != (200, "OK", expected) or getattr(sim.chargers[LAN_A], attr) == expected:
            problems.append((key, got))
    assert problems == []
    assert len(WRITES) == 14


async def test_write_rejects_with_a_non_ok_body(client: Client, sim: Simulator) -> None:
    before = vars(sim.chargers[LAN_B]).copy()
    problems = []
    for assignment in REJECTED:
        answer = await client.lan(LAN_B, f"/write/{assignment}")
        if (answer.status, answer.text) != (200, "ERROR"):
            problems.append((assignment, answer.status, answer.text))
    assert problems == []
    assert vars(sim.chargers[LAN_B]) == before


async def test_percent_encoded_write(client: Client, sim: Simulator) -> None:
    answer = await client.lan(LAN_B, "/write/%49ntensity=%32%30")
    assert answer.text == "OK"
    assert sim.chargers[LAN_B].intensity == 20


async def test_other_paths_and_methods(client: Client, sim: Simulator) -> None:
    assert (await client.lan(LAN_A, "/status")).status == 404
    post = await client.raw("POST", f"http://{sim.lan_host(LAN_A)}/RealTimeData")
    assert post.status == 405
    assert [r.side for r in sim.requests] == ["lan", "lan"]
    assert sim.requests[0].device_id == LAN_A
    assert sim.requests[0].path == "/status"
    assert sim.requests[1].status == 405
