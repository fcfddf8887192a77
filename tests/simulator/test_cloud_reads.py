"""Cloud read endpoints: methods, selectors, auth, content types and encodings."""

from __future__ import annotations

import json

import pytest

from simulator import Simulator

from .conftest import CLOUD_ONLY, LAN_A, LAN_B, Client

# Every endpoint of PROTOCOL.md §1.3, written from the protocol text (not from the simulator).
CATALOGUE: list[tuple[str, str, str | None, dict[str, str], str | None]] = [
    ("GET", "/pairings/me", None, {}, None),
    ("GET", "/device/reported", "deviceId", {}, None),
    ("POST", "/device/currentstatecharge", "deviceId", {}, None),
    ("GET", "/device/connected", "deviceId", {}, None),
    ("GET", "/version", "deviceId", {}, None),
    ("GET", "/device/rfid", "deviceId", {}, None),
    ("GET", "/device/wifilist", "id", {}, None),
    ("GET", "/stadistic/device", "deviceId", {}, None),
    ("GET", "/stadistic/global/me", None, {}, None),
    ("POST", "/device/mac", "deviceId", {}, None),
    ("POST", "/device/startcharge", "deviceId", {}, None),
    ("POST", "/device/pausecharge", "deviceId", {}, None),
    ("POST", "/device/intensity", "deviceId", {"value": "10"}, None),
    ("POST", "/device/locked", "deviceId", {"value": "1"}, None),
    ("POST", "/device/dynamic", "deviceId", {"value": "1"}, None),
    ("POST", "/device/chargefvmode", "deviceId", {"value": "2"}, None),
    ("POST", "/device/max_car_int", "deviceId", {"value": "30"}, None),
    ("POST", "/device/min_car_int", "deviceId", {"value": "8"}, None),
    ("POST", "/device/maxpower", "deviceId", {"value": "5750"}, None),
    ("POST", "/device/denka/max_power", "deviceId", {"value": "7000"}, None),
    ("POST", "/device/charger_until_energy", "deviceId", {"value": "7.5"}, None),
    ("POST", "/device/charger_until_minutes", "deviceId", {"value": "90"}, None),
    ("POST", "/device/startchargekw", "deviceId", {"kw": "50"}, None),
    ("POST", "/device/startchargeminutes", "deviceId", {"minutes": "30"}, None),
    ("POST", "/device/set_rfid", "deviceId", {"value": "1"}, None),
    ("POST", "/device/logo_led", "deviceId", {"value": "0"}, None),
    ("POST", "/device/inst_type", "deviceId", {"value": "2"}, None),
    ("POST", "/device/slave_type", "deviceId", {"value": "11"}, None),
    ("POST", "/device/language", "deviceId", {"value": "9"}, None),
    ("POST", "/device/ocpp", "id", {"value": "1"}, None),
    ("POST", "/device/ocpp_id", "id", {"value": "CP-1"}, None),
    ("POST", "/device/ocpp_addr", "id", {"value": "wss://ocpp.example:9000/path"}, None),
    ("POST", "/device/inverter_ip", "id", {"value": "192.168.1.20"}, None),
    ("POST", "/device/wifi", "deviceId", {"ssid": "Home", "password": "p&ss=w?rd"}, None),
    (
        "POST",
        "/device/timer",
        "deviceId",
        {"timer id": "1"},
        '{"start_time":"22:00","end_time":"06:00","timeStart":"22:00","timeEnd":"06:00",'
        '"active":true}',
    ),
    ("POST", "/device/reboot", "deviceId", {}, None),
    ("POST", "/device/update", "deviceId", {}, None),
    ("POST", "/device/thirdparty_mode", "deviceId", {"mode": "1", "value": "1"}, None),
    ("POST", "/device/rfid", "deviceId", {"tag": "Card A"}, None),
    ("POST", "/device/rfid/tag", "deviceId", {"code": "aa23b601", "tag": "Card A"}, None),
    ("PUT", "/device/rfid/tag", "deviceId", {"code": "aa23b601", "tag": "Card B"}, None),
    ("DELETE", "/device/rfid", "deviceId", {"code": "aa23b601"}, None),
    (
        "POST",
        "/device/savepersonalicepower/v2",
        "deviceId",
        {"name": "p", "updateAt": "2023-10-27T10:00:00Z"},
        '{"mode":"solar","value":32}',
    ),
    (
        "POST",
        "/device/personalicepower/v2",
        "id",
        {"name": "p", "updateAt": "2023-10-28T10:00:00Z"},
        '{"mode":"solar","value":16}',
    ),
    (
        "GET",
        "/device/personalicepower/v2",
        "deviceId",
        {"updateAt": "2023-10-28T10:00:00Z"},
        None,
    ),
    ("GET", "/device/personalicepower/all", "deviceId", {}, None),
    (
        "DELETE",
        "/device/personalicepower/v2",
        "deviceId",
        {"name": "p", "updateAt": "2023-10-28T10:00:00Z"},
        None,
    ),
]


async def test_every_endpoint_answers_2xx_in_catalogue_order(client: Client) -> None:
    for method, path, selector, params, body in CATALOGUE:
        query = dict(params)
        if selector is not None:
            query[selector] = LAN_A
        answer = await client.cloud(method, path, body=body, **query)
        assert answer.status == 200, (method, path, answer.text)
        assert answer.headers["RateLimit-Limit"] == "1000"


async def test_selector_is_required_and_checked(client: Client) -> None:
    problems = []
    for method, path, selector, params, body in CATALOGUE:
        if selector is None:
            continue
        other = "id" if selector == "deviceId" else "deviceId"
        missing = await client.cloud(method, path, body=body, **params)
        wrong_name = await client.cloud(method, path, body=body, **params, **{other: LAN_A})
        unknown = await client.cloud(method, path, body=body, **params, **{selector: "NOPE0000"})
        statuses = (missing.status, wrong_name.status, unknown.status)
        if statuses != (400, 400, 404) or "RateLimit-Remaining" in unknown.headers:
            problems.append((method, path, statuses))
    assert problems == []


async def test_wrong_method_is_405(client: Client) -> None:
    problems = []
    for method, path in sorted({(entry[0], entry[1]) for entry in CATALOGUE}):
        answer = await client.cloud("PATCH", path, deviceId=LAN_A, id=LAN_A)
        allowed = answer.headers.get("Allow", "")
        if answer.status != 405 or method not in allowed:
            problems.append((method, path, answer.status, allowed))
    assert problems == []


async def test_currentstatecharge_is_post_only(client: Client) -> None:
    assert (await client.cloud("GET", "/device/currentstatecharge", deviceId=LAN_A)).status == 405


@pytest.mark.parametrize("key", [None, "wrong-key", ""])
async def test_apikey_header_is_required(client: Client, sim: Simulator, key: str | None) -> None:
    answer = await client.cloud("GET", "/pairings/me", key=key)
    assert (answer.status, answer.text) == (401, "Unauthorized")
    assert "RateLimit-Remaining" not in answer.headers
    assert sim.quota.used(sim.api_key) == 0


async def test_apikey_in_query_or_bearer_is_not_accepted(client: Client, sim: Simulator) -> None:
    query = await client.cloud("GET", "/pairings/me", key=None, apikey=sim.api_key)
    bearer = await client.raw(
        "GET",
        sim.cloud_url + "/pairings/me",
        headers={"Authorization": f"Bearer {sim.api_key}"},
    )
    assert (query.status, bearer.status) == (401, 401)


async def test_unknown_paths_are_404(client: Client, sim: Simulator) -> None:
    assert (await client.cloud("GET", "/device/light_led", deviceId=LAN_A)).status == 404
    assert (await client.cloud("GET", "/device/statistic", deviceId=LAN_A)).status == 404
    outside = await client.raw(
        "GET", sim.cloud_url.replace("/kong/v2c_service", "/pairings/me"), headers={"apikey": "x"}
    )
    assert outside.status == 401
    outside = await client.raw(
        "GET",
        sim.cloud_url.replace("/kong/v2c_service", "/pairings/me"),
        headers={"apikey": sim.api_key},
    )
    assert outside.status == 404


async def test_pairings(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("GET", "/pairings/me")
    assert answer.status == 200
    assert answer.content_type == "application/json"
    pairings = answer.json()
    assert [p["deviceId"] for p in pairings] == [LAN_A, LAN_B, CLOUD_ONLY]
    assert [p["tag"] for p in pairings] == ["Garage", "Driveway", "Office"]
    assert isinstance(pairings[0]["model"], int)
    assert pairings[0]["ip"] == sim.lan_host(LAN_A)
    assert pairings[0]["ip"].startswith("127.0.0.1:")
    assert pairings[1]["ip"] == sim.lan_host(LAN_B) != pairings[0]["ip"]
    assert pairings[2]["ip"] == ""
    assert sim.lan_host(CLOUD_ONLY) is None


async def test_reported_is_text_plain_json_of_strings(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("GET", "/device/reported", deviceId=LAN_A)
    assert answer.status == 200
    assert answer.content_type == "text/plain"
    reported = answer.json()
    assert all(isinstance(value, str) for value in reported.values())
    charger = sim.chargers[LAN_A]
    assert reported["device_id"] == reported["deviceId"] == LAN_A
    assert reported["version"] == "2.4.6"
    assert reported["mac"] == charger.mac
    assert reported["mac"].startswith("28:56:2F:")
    assert reported["intensity"] == "16"
    assert (reported["min_car_int"], reported["max_car_int"]) == ("6", "32")
    assert reported["light_led"] == "1.000000"
    assert reported["logo_led"] == "1"
    assert reported["contract_power"] == "46"
    for key in ("dynamic", "locked", "pause", "set_rfid", "ocpp", "pause_dynamic", "timer"):
        assert reported[key] == "0", key
    for key in ("inst_type", "slave_type", "language", "chargefvmode"):
        assert reported[key] == "0", key
    assert reported["connected"] == "1"
    wifi = json.loads(reported["wifi_info"])
    assert wifi == {
        "ssid": charger.ssid,
        "ip": sim.lan_host(LAN_A),
        "static_mode": "1",
        "status": "0",
    }


async def test_reported_encodings_follow_state(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    charger.contracted_power = 700
    charger.light_led = 50
    assert (await client.reported())["contract_power"] == "7"
    assert (await client.reported())["light_led"] == "0.500000"
    charger.contracted_power = 3450
    assert (await client.reported())["contract_power"] == "34.5"


async def test_cloud_only_charger_has_no_ip_anywhere(client: Client) -> None:
    reported = await client.reported(CLOUD_ONLY)
    assert json.loads(reported["wifi_info"])["ip"] == ""
    assert "127.0.0.1" not in json.dumps(reported)


async def test_currentstatecharge_is_text_plain_json_in_kw(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("POST", "/device/currentstatecharge", deviceId=LAN_A)
    assert answer.content_type == "text/plain"
    csc = answer.json()
    assert all(isinstance(value, str) for value in csc.values())
    assert csc["charge_state"] == "2"
    assert csc["power"] == "3.680000"
    assert csc["intensity"] == "16"
    assert csc["phases"] == "1"
    assert csc["cp_level"] == "230.000000"
    assert 0.06 < float(csc["voltage"]) < 0.08
    assert csc["error"] == "0"
    house = sim.chargers[LAN_A].house_power
    assert csc["house_power"] == f"{house / 1000:.6f}"
    assert float(csc["grid_power"]) == pytest.approx(house / 1000 + 3.68)
    assert (csc["sun_power"], csc["battery"]) == ("0.000000", "0.000000")
    idle = await client.csc(LAN_B)
    assert (idle["charge_state"], idle["power"], idle["intensity"], idle["phases"]) == (
        "0",
        "0.000000",
        "0",
        "0",
    )


async def test_connected_is_a_text_boolean(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("GET", "/device/connected", deviceId=LAN_A)
    assert (answer.status, answer.content_type, answer.text) == (200, "text/plain", "true")
    sim.chargers[LAN_A].set_online(False)
    answer = await client.cloud("GET", "/device/connected", deviceId=LAN_A)
    assert answer.text == "false"
    assert (await client.reported())["connected"] == "0"


async def test_version_is_text_plain_json(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("GET", "/version", deviceId=LAN_A)
    assert answer.content_type == "text/plain"
    assert answer.json() == {"versionId": "2.4.6", "modelName": "trydan_v2"}
    sim.chargers[LAN_A].firmware = "2.5.0"
    assert (await client.cloud("GET", "/version", deviceId=LAN_A)).json()["versionId"] == "2.5.0"


async def test_mac_is_text(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("POST", "/device/mac", deviceId=LAN_B)
    assert (answer.content_type, answer.text) == ("text/plain", sim.chargers[LAN_B].mac)


async def test_wifilist_uses_id_and_is_deterministic(client: Client, sim: Simulator) -> None:
    answer = await client.cloud("GET", "/device/wifilist", id=LAN_A)
    networks = answer.json()
    assert answer.content_type == "application/json"
    assert len(networks) >= 2
    for network in networks:
        assert set(network) == {"ssid", "rssi", "encryption"}
        assert all(isinstance(value, str) for value in network.values())
        assert int(network["rssi"]) < 0
    assert networks[0]["ssid"] == sim.chargers[LAN_A].ssid
    again = await client.cloud("GET", "/device/wifilist", id=LAN_A)
    assert again.json() == networks
    other = await client.cloud("GET", "/device/wifilist", id=CLOUD_ONLY)
    assert other.json()[0]["ssid"] == "SimNet"


async def test_second_api_key_of_the_account(client: Client, sim: Simulator) -> None:
    """A second key works for the same account and has its own quota."""
    assert (await client.cloud("GET", "/pairings/me", key="second")).status == 401
    sim.add_api_key("second")
    answer = await client.cloud("GET", "/pairings/me", key="second")
    assert answer.status == 200
    assert sim.quota.used("second") == 1
    assert [p["deviceId"] for p in answer.json()] == list(sim.chargers)
