"""One state per charger: LAN writes show in the cloud and cloud commands on the LAN."""

from __future__ import annotations

from simulator import Simulator

from .conftest import LAN_A, LAN_B, Client

LAN_TO_CLOUD = [
    ("Locked=1", "locked", "1"),
    ("Paused=1", "pause", "1"),
    ("Dynamic=1", "dynamic", "1"),
    ("Intensity=20", "intensity", "20"),
    ("MinIntensity=8", "min_car_int", "8"),
    ("MaxIntensity=24", "max_car_int", "24"),
    ("LightLED=50", "light_led", "0.500000"),
    ("LogoLED=0", "logo_led", "0"),
    ("ContractedPower=700", "contract_power", "7"),
    ("PauseDynamic=1", "pause_dynamic", "1"),
    ("Timer=1", "timer", "1"),
]


async def test_lan_write_shows_in_cloud_reported(client: Client) -> None:
    problems = []
    for write, key, expected in LAN_TO_CLOUD:
        before = (await client.reported(LAN_B))[key]
        written = (await client.lan(LAN_B, f"/write/{write}")).text
        after = (await client.reported(LAN_B))[key]
        if before == expected or written != "OK" or after != expected:
            problems.append((write, before, written, after))
    assert problems == []


async def test_lan_pause_shows_in_currentstatecharge(client: Client) -> None:
    assert (await client.csc())["charge_state"] == "2"
    await client.lan(LAN_A, "/write/Paused=1")
    csc = await client.csc()
    assert (csc["charge_state"], csc["power"]) == ("1", "0.000000")


CLOUD_TO_LAN: list[tuple[str, dict[str, str], str, int]] = [
    ("/device/intensity", {"deviceId": LAN_A, "value": "10"}, "Intensity", 10),
    ("/device/locked", {"deviceId": LAN_A, "value": "1"}, "Locked", 1),
    ("/device/dynamic", {"deviceId": LAN_A, "value": "1"}, "Dynamic", 1),
    ("/device/pausecharge", {"deviceId": LAN_A}, "Paused", 1),
    ("/device/min_car_int", {"deviceId": LAN_A, "value": "9"}, "MinIntensity", 9),
    ("/device/max_car_int", {"deviceId": LAN_A, "value": "20"}, "MaxIntensity", 20),
]


async def test_cloud_command_shows_in_real_time_data(client: Client) -> None:
    problems = []
    for path, params, key, expected in CLOUD_TO_LAN:
        before = (await client.rtd())[key]
        status = (await client.cloud("POST", path, **params)).status
        after = (await client.rtd())[key]
        if before == expected or status != 200 or after != expected:
            problems.append((path, before, status, after))
    assert problems == []


async def test_cloud_pause_and_lock_stop_the_power_on_the_lan(
    client: Client, sim: Simulator
) -> None:
    await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")
    data = await client.rtd()
    assert (data["ChargeState"], data["ChargePower"]) == (1, 0.0)
    await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="0")
    assert (await client.rtd())["ChargeState"] == 2
    await client.cloud("POST", "/device/pausecharge", deviceId=LAN_A)
    assert (await client.rtd())["ChargeState"] == 1
    await client.cloud("POST", "/device/startcharge", deviceId=LAN_A)
    assert (await client.rtd())["ChargePower"] == 3680.0


async def test_cloud_logo_led_shows_in_lan_read(client: Client) -> None:
    await client.cloud("POST", "/device/logo_led", deviceId=LAN_A, value="0")
    assert (await client.lan(LAN_A, "/read/LogoLED")).text == "0"
