"""Cloud commands: parameters, validation, answers and their effect on the charger."""

from __future__ import annotations

from typing import Any

from simulator import Simulator

from .conftest import LAN_A, LAN_B, Client

EXECUTED = "Command executed successfully"


SETTERS: list[tuple[str, str, dict[str, str], str, Any]] = [
    ("/device/intensity", "deviceId", {"value": "24"}, "intensity", 24),
    ("/device/locked", "deviceId", {"value": "1"}, "locked", True),
    ("/device/dynamic", "deviceId", {"value": "1"}, "dynamic", True),
    ("/device/chargefvmode", "deviceId", {"value": "1"}, "fv_mode", 1),
    ("/device/max_car_int", "deviceId", {"value": "20"}, "max_intensity", 20),
    ("/device/min_car_int", "deviceId", {"value": "7"}, "min_intensity", 7),
    ("/device/maxpower", "deviceId", {"value": "5750"}, "max_power", 5750),
    ("/device/denka/max_power", "deviceId", {"value": "22000"}, "denka_max_power", 22000),
    ("/device/charger_until_energy", "deviceId", {"value": "7.5"}, "energy_limit", 7.5),
    ("/device/charger_until_minutes", "deviceId", {"value": "45"}, "minutes_limit", 45),
    ("/device/set_rfid", "deviceId", {"value": "1"}, "rfid_enabled", True),
    ("/device/logo_led", "deviceId", {"value": "0"}, "logo_led", 0),
    ("/device/inst_type", "deviceId", {"value": "2"}, "installation_type", 2),
    ("/device/slave_type", "deviceId", {"value": "11"}, "slave_type", 11),
    ("/device/language", "deviceId", {"value": "9"}, "language", 9),
    ("/device/ocpp", "id", {"value": "1"}, "ocpp_enabled", True),
    ("/device/ocpp_id", "id", {"value": "CP-0042"}, "ocpp_id", "CP-0042"),
    ("/device/ocpp_addr", "id", {"value": "ws://10.0.0.2:9000/ocpp"}, "ocpp_address", None),
    ("/device/inverter_ip", "id", {"value": "192.168.1.20"}, "inverter_ip", "192.168.1.20"),
    ("/device/thirdparty_mode", "deviceId", {"mode": "2", "value": "x"}, "thirdparty_mode", "2"),
]


async def test_setters_change_the_charger(client: Client, sim: Simulator) -> None:
    problems = []
    for path, selector, params, attr, expected in SETTERS:
        answer = await client.cloud("POST", path, **params, **{selector: LAN_B})
        value = expected if expected is not None else params["value"]
        got = (
            answer.status,
            "RateLimit-Remaining" in answer.headers,
            getattr(sim.chargers[LAN_B], attr),
        )
        if got != (200, True, value) or getattr(sim.chargers[LAN_A], attr) == value:
            problems.append((path, got))
    assert problems == []


INVALID: list[tuple[str, dict[str, str]]] = [
    ("/device/intensity", {"value": "5"}),
    ("/device/intensity", {"value": "33"}),
    ("/device/intensity", {"value": "16.0"}),
    ("/device/intensity", {"value": "abc"}),
    ("/device/intensity", {"amps": "16"}),
    ("/device/locked", {"value": "2"}),
    ("/device/locked", {"value": "True"}),
    ("/device/dynamic", {"value": "true"}),
    ("/device/chargefvmode", {"value": "3"}),
    ("/device/max_car_int", {"value": "40"}),
    ("/device/min_car_int", {"value": "0"}),
    ("/device/maxpower", {"value": "0"}),
    ("/device/charger_until_energy", {"value": "-1"}),
    ("/device/charger_until_energy", {"value": "1e3"}),
    ("/device/charger_until_minutes", {"value": "1.5"}),
    ("/device/startchargekw", {"value": "10"}),
    ("/device/startchargekw", {"kw": "0"}),
    ("/device/startchargeminutes", {"value": "10"}),
    ("/device/startchargeminutes", {"minutes": "0"}),
    ("/device/set_rfid", {"value": ""}),
    ("/device/logo_led", {"value": "100"}),
    ("/device/inst_type", {"value": "3"}),
    ("/device/slave_type", {"value": "-1"}),
    ("/device/language", {"value": "10"}),
    ("/device/wifi", {"ssid": "Home"}),
    ("/device/wifi", {"ssid": "", "password": "x"}),
    ("/device/thirdparty_mode", {"mode": "1"}),
]
INVALID_BY_ID: list[tuple[str, str]] = [
    ("/device/ocpp", "yes"),
    ("/device/ocpp_id", ""),
    ("/device/ocpp_id", "x" * 65),
    ("/device/ocpp_addr", "http://central.example"),
    ("/device/ocpp_addr", "ws://"),
    ("/device/inverter_ip", "256.1.1.1"),
    ("/device/inverter_ip", "inverter.local"),
]


async def test_invalid_values_are_400(client: Client, sim: Simulator) -> None:
    requests = [(path, {"deviceId": LAN_B, **params}) for path, params in INVALID]
    requests += [(path, {"id": LAN_B, "value": value}) for path, value in INVALID_BY_ID]
    problems = []
    for path, params in requests:
        before = vars(sim.chargers[LAN_B]).copy()
        answer = await client.cloud("POST", path, **params)
        if (
            answer.status != 400
            or "RateLimit-Remaining" in answer.headers
            or vars(sim.chargers[LAN_B]) != before
        ):
            problems.append((path, params, answer.status))
    assert problems == []


async def test_command_answers(client: Client) -> None:
    start = await client.cloud("POST", "/device/startcharge", deviceId=LAN_A)
    assert (start.status, start.content_type, start.text) == (200, "text/plain", EXECUTED)
    for path in ("/device/reboot", "/device/update", "/device/pausecharge"):
        assert (await client.cloud("POST", path, deviceId=LAN_A)).text == EXECUTED
    setter = await client.cloud("POST", "/device/intensity", deviceId=LAN_A, value="10")
    assert (setter.status, setter.content_type, setter.text) == (200, "text/plain", "")
    fv = await client.cloud("POST", "/device/chargefvmode", deviceId=LAN_A, value="0")
    assert fv.content_type == "application/json"
    assert fv.json() == {"message": EXECUTED}


async def test_start_and_pause(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    await client.cloud("POST", "/device/pausecharge", deviceId=LAN_A)
    assert charger.paused
    await client.cloud("POST", "/device/startcharge", deviceId=LAN_A)
    assert not charger.paused


async def test_start_for_energy_and_minutes(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    charger.paused = True
    await client.cloud("POST", "/device/startchargekw", deviceId=LAN_A, kw="7.5")
    assert (charger.paused, charger.energy_limit) == (False, 7.5)
    charger.paused = True
    await client.cloud("POST", "/device/startchargeminutes", deviceId=LAN_A, minutes="30")
    assert (charger.paused, charger.minutes_limit) == (False, 30)


async def test_reboot_and_update_are_counted(client: Client, sim: Simulator) -> None:
    await client.cloud("POST", "/device/reboot", deviceId=LAN_B)
    await client.cloud("POST", "/device/update", deviceId=LAN_B)
    await client.cloud("POST", "/device/update", deviceId=LAN_B)
    assert (sim.chargers[LAN_B].reboots, sim.chargers[LAN_B].updates) == (1, 2)


async def test_wifi_password_travels_in_the_query(client: Client, sim: Simulator) -> None:
    answer = await client.cloud(
        "POST", "/device/wifi", deviceId=LAN_A, ssid="Home Net", password="p&ss=w?rd"
    )
    assert answer.status == 200
    charger = sim.chargers[LAN_A]
    assert (charger.ssid, charger.wifi_password) == ("Home Net", "p&ss=w?rd")
    assert (await client.rtd())["SSID"] == "Home Net"
    [record] = [r for r in sim.requests if r.path == "/device/wifi"]
    assert record.query["password"] == "p&ss=w?rd"


async def test_commands_fail_while_the_cloud_link_is_down(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    charger.set_online(False)
    answer = await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")
    assert answer.status == 500
    assert not charger.locked
    assert (await client.cloud("GET", "/device/reported", deviceId=LAN_A)).status == 200
    charger.set_online(True)
    assert (await client.cloud("POST", "/device/locked", deviceId=LAN_A, value="1")).status == 200
    assert charger.locked


UNION = (
    '{"start_time":"22:00","end_time":"06:00","timeStart":"22:00","timeEnd":"06:00","active":true}'
)


async def test_timer_takes_the_spaced_parameter_and_either_body(
    client: Client, sim: Simulator
) -> None:
    url = sim.cloud_url + "/device/timer?deviceId=" + LAN_A
    headers = {"apikey": sim.api_key}
    plus = await client.raw("POST", url + "&timer+id=1", headers=headers, data=UNION)
    assert (plus.status, plus.text) == (200, EXECUTED)
    timers = sim.chargers[LAN_A].timers
    assert timers[1] == {"start_time": "22:00", "end_time": "06:00", "active": True}
    old = '{"timeStart":"08:15","timeEnd":"09:00","active":false,"daysOfWeek":"12345"}'
    spaced = await client.raw("POST", url + "&timer%20id=0", headers=headers, data=old)
    assert spaced.status == 200
    assert timers[0] == {
        "start_time": "08:15",
        "end_time": "09:00",
        "active": False,
        "daysOfWeek": "12345",
    }
    new = await client.cloud(
        "POST",
        "/device/timer",
        deviceId=LAN_A,
        body='{"start_time":"01:00","end_time":"02:00"}',
        **{"timer id": "0"},
    )
    assert new.status == 200
    assert timers[0] == {"start_time": "01:00", "end_time": "02:00", "active": True}


BAD_TIMERS: list[tuple[dict[str, str], str]] = [
    ({"timerId": "1"}, UNION),
    ({"timer id": "2"}, UNION),
    ({"timer id": "1"}, "not json"),
    ({"timer id": "1"}, "[1, 2]"),
    ({"timer id": "1"}, '{"start_time":"24:00","end_time":"06:00"}'),
    ({"timer id": "1"}, '{"start_time":"22:00","end_time":"6:00"}'),
    ({"timer id": "1"}, '{"end_time":"06:00"}'),
    ({"timer id": "1"}, '{"start_time":"22:00","end_time":"06:00","active":"yes"}'),
    ({"timer id": "1"}, '{"start_time":"22:00","end_time":"06:00","daysOfWeek":"90"}'),
    ({"timer id": "1"}, '{"start_time":"22:00","end_time":"06:00","daysOfWeek":12}'),
]


async def test_timer_rejects_bad_requests(client: Client, sim: Simulator) -> None:
    before = {key: dict(value) for key, value in sim.chargers[LAN_A].timers.items()}
    problems = []
    for params, body in BAD_TIMERS:
        answer = await client.cloud("POST", "/device/timer", deviceId=LAN_A, body=body, **params)
        if answer.status != 400:
            problems.append((params, body, answer.status))
    assert problems == []
    assert sim.chargers[LAN_A].timers == before
