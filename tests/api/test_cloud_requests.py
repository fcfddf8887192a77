"""Every cloud method sends exactly the documented method, path, query, body and header."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aioresponses import aioresponses
import pytest

from custom_components.v2c_cloud.api import V2CCloudClient

from .conftest import API_KEY, DEVICE_ID, cloud_url, only_request

D = DEVICE_ID
PROFILE = {"mode": "solar", "value": 32}
TS = "2023-10-27T10:00:00Z"

# (method name, args, kwargs, HTTP method, path, expected query, expected JSON body)
COMMANDS: list[Any] = [
    ("start_charge", (D,), {}, "POST", "/device/startcharge", {"deviceId": D}, None),
    ("pause_charge", (D,), {}, "POST", "/device/pausecharge", {"deviceId": D}, None),
    (
        "set_intensity",
        (D, 16),
        {},
        "POST",
        "/device/intensity",
        {"deviceId": D, "value": "16"},
        None,
    ),
    (
        "set_intensity",
        (D, 6.0),
        {},
        "POST",
        "/device/intensity",
        {"deviceId": D, "value": "6"},
        None,
    ),
    ("set_locked", (D, True), {}, "POST", "/device/locked", {"deviceId": D, "value": "1"}, None),
    ("set_locked", (D, False), {}, "POST", "/device/locked", {"deviceId": D, "value": "0"}, None),
    ("set_dynamic", (D, True), {}, "POST", "/device/dynamic", {"deviceId": D, "value": "1"}, None),
    ("set_dynamic", (D, False), {}, "POST", "/device/dynamic", {"deviceId": D, "value": "0"}, None),
    (
        "set_fv_mode",
        (D, 2),
        {},
        "POST",
        "/device/chargefvmode",
        {"deviceId": D, "value": "2"},
        None,
    ),
    (
        "set_min_car_intensity",
        (D, 6),
        {},
        "POST",
        "/device/min_car_int",
        {"deviceId": D, "value": "6"},
        None,
    ),
    (
        "set_max_car_intensity",
        (D, 32),
        {},
        "POST",
        "/device/max_car_int",
        {"deviceId": D, "value": "32"},
        None,
    ),
    (
        "set_max_power",
        (D, 5750),
        {},
        "POST",
        "/device/maxpower",
        {"deviceId": D, "value": "5750"},
        None,
    ),
    (
        "set_denka_max_power",
        (D, 22000),
        {},
        "POST",
        "/device/denka/max_power",
        {"deviceId": D, "value": "22000"},
        None,
    ),
    (
        "set_charge_stop_energy",
        (D, 50.0),
        {},
        "POST",
        "/device/charger_until_energy",
        {"deviceId": D, "value": "50"},
        None,
    ),
    (
        "set_charge_stop_energy",
        (D, 7.5),
        {},
        "POST",
        "/device/charger_until_energy",
        {"deviceId": D, "value": "7.5"},
        None,
    ),
    (
        "set_charge_stop_minutes",
        (D, 90),
        {},
        "POST",
        "/device/charger_until_minutes",
        {"deviceId": D, "value": "90"},
        None,
    ),
    (
        "start_charge_for_energy",
        (D, 12.25),
        {},
        "POST",
        "/device/startchargekw",
        {"deviceId": D, "kw": "12.25"},
        None,
    ),
    (
        "start_charge_for_energy",
        (D, 10),
        {},
        "POST",
        "/device/startchargekw",
        {"deviceId": D, "kw": "10"},
        None,
    ),
    (
        "start_charge_for_minutes",
        (D, 45),
        {},
        "POST",
        "/device/startchargeminutes",
        {"deviceId": D, "minutes": "45"},
        None,
    ),
    (
        "set_rfid_reader",
        (D, True),
        {},
        "POST",
        "/device/set_rfid",
        {"deviceId": D, "value": "1"},
        None,
    ),
    (
        "set_rfid_reader",
        (D, False),
        {},
        "POST",
        "/device/set_rfid",
        {"deviceId": D, "value": "0"},
        None,
    ),
    (
        "set_logo_led",
        (D, True),
        {},
        "POST",
        "/device/logo_led",
        {"deviceId": D, "value": "1"},
        None,
    ),
    (
        "set_logo_led",
        (D, False),
        {},
        "POST",
        "/device/logo_led",
        {"deviceId": D, "value": "0"},
        None,
    ),
    (
        "set_installation_type",
        (D, 1),
        {},
        "POST",
        "/device/inst_type",
        {"deviceId": D, "value": "1"},
        None,
    ),
    (
        "set_slave_type",
        (D, 11),
        {},
        "POST",
        "/device/slave_type",
        {"deviceId": D, "value": "11"},
        None,
    ),
    ("set_language", (D, 9), {}, "POST", "/device/language", {"deviceId": D, "value": "9"}, None),
    ("set_ocpp_enabled", (D, True), {}, "POST", "/device/ocpp", {"id": D, "value": "1"}, None),
    ("set_ocpp_enabled", (D, False), {}, "POST", "/device/ocpp", {"id": D, "value": "0"}, None),
    (
        "set_ocpp_id",
        (D, " CP-01 "),
        {},
        "POST",
        "/device/ocpp_id",
        {"id": D, "value": "CP-01"},
        None,
    ),
    (
        "set_ocpp_address",
        (D, "wss://ocpp.example.com:9000/ocpp/CP-01"),
        {},
        "POST",
        "/device/ocpp_addr",
        {"id": D, "value": "wss://ocpp.example.com:9000/ocpp/CP-01"},
        None,
    ),
    (
        "set_ocpp_address",
        (D, "ws://10.0.0.2"),
        {},
        "POST",
        "/device/ocpp_addr",
        {"id": D, "value": "ws://10.0.0.2"},
        None,
    ),
    (
        "set_inverter_ip",
        (D, "192.168.1.20"),
        {},
        "POST",
        "/device/inverter_ip",
        {"id": D, "value": "192.168.1.20"},
        None,
    ),
    (
        "set_wifi",
        (D, "Home Net", "pa ss&word=1"),
        {},
        "POST",
        "/device/wifi",
        {"deviceId": D, "ssid": "Home Net", "password": "pa ss&word=1"},
        None,
    ),
    (
        "set_timer",
        (D, 1, "22:00", "06:00"),
        {},
        "POST",
        "/device/timer",
        {"deviceId": D, "timerId": "1", "timer id": "1"},
        {
            "start_time": "22:00",
            "end_time": "06:00",
            "timeStart": "22:00",
            "timeEnd": "06:00",
            "active": True,
        },
    ),
    (
        "set_timer",
        (D, 0, "7:05", "09:30:00"),
        {"active": False, "weekdays": "12345"},
        "POST",
        "/device/timer",
        {"deviceId": D, "timerId": "0", "timer id": "0"},
        {
            "start_time": "07:05",
            "end_time": "09:30",
            "timeStart": "07:05",
            "timeEnd": "09:30",
            "active": False,
            "daysOfWeek": "12345",
        },
    ),
    ("reboot", (D,), {}, "POST", "/device/reboot", {"deviceId": D}, None),
    ("update_firmware", (D,), {}, "POST", "/device/update", {"deviceId": D}, None),
    (
        "register_rfid",
        (D, "Card A"),
        {},
        "POST",
        "/device/rfid",
        {"deviceId": D, "tag": "Card A"},
        None,
    ),
    (
        "add_rfid_card",
        (D, "aa23b601", "Card A"),
        {},
        "POST",
        "/device/rfid/tag",
        {"deviceId": D, "code": "aa23b601", "tag": "Card A"},
        None,
    ),
    (
        "rename_rfid_card",
        (D, "aa23b601", "Card B"),
        {},
        "PUT",
        "/device/rfid/tag",
        {"deviceId": D, "code": "aa23b601", "tag": "Card B"},
        None,
    ),
    (
        "delete_rfid_card",
        (D, "aa23b601"),
        {},
        "DELETE",
        "/device/rfid",
        {"deviceId": D, "code": "aa23b601"},
        None,
    ),
    (
        "create_power_profile",
        (D, "Night", TS, PROFILE),
        {},
        "POST",
        "/device/savepersonalicepower/v2",
        {"deviceId": D, "name": "Night", "updateAt": TS},
        PROFILE,
    ),
    (
        "update_power_profile",
        (D, "Night", TS, PROFILE),
        {},
        "POST",
        "/device/personalicepower/v2",
        {"id": D, "name": "Night", "updateAt": TS},
        PROFILE,
    ),
    (
        "delete_power_profile",
        (D, "Night", TS),
        {},
        "DELETE",
        "/device/personalicepower/v2",
        {"deviceId": D, "name": "Night", "updateAt": TS},
        None,
    ),
]


def _query_keys(url: Any) -> list[str]:
    """Return the sorted query keys of a recorded URL (aioresponses re-encodes the values)."""
    return sorted(url.query.keys())


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "method", "path", "query", "body"),
    COMMANDS,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(COMMANDS)],
)
async def test_command_sends_exact_request(
    cloud: V2CCloudClient,
    http: aioresponses,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    method: str,
    path: str,
    query: dict[str, str],
    body: dict[str, Any] | None,
) -> None:
    http.add(
        cloud_url(path),
        method,
        status=200,
        body="Command executed successfully",
        content_type="text/plain",
    )

    assert await getattr(cloud, name)(*args, **kwargs) is None

    sent_method, url, sent = only_request(http)
    assert sent_method == method
    assert url.scheme == "https"
    assert url.host == "v2c.cloud"
    assert url.path == f"/kong/v2c_service{path}"
    assert _query_keys(url) == sorted(query)
    assert sent["params"] == query
    assert all(isinstance(value, str) for value in sent["params"].values())
    assert sent["json"] == body
    assert sent["headers"] == {"apikey": API_KEY}
    assert sent["allow_redirects"] is False
    assert cloud.request_count == 1


def test_every_public_cloud_command_is_in_the_table() -> None:
    reads = {
        "pairings",
        "reported",
        "charge_status",
        "connected",
        "version",
        "rfid_cards",
        "wifi_networks",
        "device_statistics",
        "global_statistics",
        "power_profile",
        "power_profiles",
    }
    public = {
        name
        for name in dir(V2CCloudClient)
        if not name.startswith("_") and callable(getattr(V2CCloudClient, name))
    }
    assert public == reads | {c[0] for c in COMMANDS}


# (name, args, HTTP method, path, expected query, response body, content type, result check)
READS: list[Any] = [
    (
        "pairings",
        (),
        "GET",
        "/pairings/me",
        {},
        '[{"deviceId":"ABC1234","tag":"Garage"}]',
        "application/json",
        lambda r: [(p.device_id, p.name) for p in r] == [("ABC1234", "Garage")],
    ),
    (
        "reported",
        (D,),
        "GET",
        "/device/reported",
        {"deviceId": D},
        '{"intensity":"16"}',
        "application/json",
        lambda r: r.intensity == 16,
    ),
    (
        "charge_status",
        (D,),
        "POST",
        "/device/currentstatecharge",
        {"deviceId": D},
        '{"power":"1.5"}',
        "text/plain",
        lambda r: r.charge_power == 1500.0,
    ),
    (
        "connected",
        (D,),
        "GET",
        "/device/connected",
        {"deviceId": D},
        "true",
        "text/plain",
        lambda r: r is True,
    ),
    (
        "version",
        (D,),
        "GET",
        "/version",
        {"deviceId": D},
        "2.4.6",
        "text/plain",
        lambda r: r.version == "2.4.6" and r.model is None,
    ),
    (
        "rfid_cards",
        (D,),
        "GET",
        "/device/rfid",
        {"deviceId": D},
        '[{"code":"aa23b601","tag":"Card A"}]',
        "application/json",
        lambda r: [(c.code, c.tag) for c in r] == [("aa23b601", "Card A")],
    ),
    (
        "wifi_networks",
        (D,),
        "GET",
        "/device/wifilist",
        {"id": D},
        '[{"ssid":"Home","rssi":"-61"}]',
        "application/json",
        lambda r: [(n.ssid, n.signal) for n in r] == [("Home", -61)],
    ),
    (
        "device_statistics",
        (D,),
        "GET",
        "/stadistic/device",
        {"deviceId": D},
        "[]",
        "application/json",
        lambda r: r == [],
    ),
    (
        "device_statistics",
        (D, date(2025, 10, 1), datetime(2025, 10, 31, 23, 59)),
        "GET",
        "/stadistic/device",
        {"deviceId": D, "chargeDateStart": "2025-10-01", "chargeDateEnd": "2025-10-31"},
        '[{"energy":9.6}]',
        "application/json",
        lambda r: [s.energy for s in r] == [9.6],
    ),
    (
        "global_statistics",
        (),
        "GET",
        "/stadistic/global/me",
        {},
        "",
        "text/plain",
        lambda r: r == [],
    ),
    (
        "global_statistics",
        (date(2025, 1, 1), date(2025, 1, 31)),
        "GET",
        "/stadistic/global/me",
        {"endChargeDateStart": "2025-01-01", "endChargeDateEnd": "2025-01-31"},
        '[{"totalEnergy":120.5,"totalCharges":14}]',
        "application/json",
        lambda r: r == [{"totalEnergy": 120.5, "totalCharges": 14}],
    ),
    (
        "global_statistics",
        (None, date(2025, 1, 31)),
        "GET",
        "/stadistic/global/me",
        {"endChargeDateEnd": "2025-01-31"},
        '{"cost":3.2,"energy":20}',
        "application/json",
        lambda r: r == [{"cost": 3.2, "energy": 20}],
    ),
    (
        "power_profile",
        (D, TS),
        "GET",
        "/device/personalicepower/v2",
        {"deviceId": D, "updateAt": TS},
        '{"name":"Night","updateAt":"2023-10-27T10:00:00Z","mode":"solar"}',
        "application/json",
        lambda r: (r.name, r.updated_at, r.raw["mode"]) == ("Night", TS, "solar"),
    ),
    (
        "power_profiles",
        (D,),
        "GET",
        "/device/personalicepower/all",
        {"deviceId": D},
        '[{"name":"Night"},{"name":"Day"}]',
        "text/plain",
        lambda r: [p.name for p in r] == ["Night", "Day"],
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "method", "path", "query", "body", "content_type", "check"),
    READS,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(READS)],
)
async def test_read_sends_exact_request_and_parses(
    cloud: V2CCloudClient,
    http: aioresponses,
    name: str,
    args: tuple[Any, ...],
    method: str,
    path: str,
    query: dict[str, str],
    body: str,
    content_type: str,
    check: Any,
) -> None:
    http.add(cloud_url(path), method, status=200, body=body, content_type=content_type)

    result = await getattr(cloud, name)(*args)

    assert check(result), result
    sent_method, url, sent = only_request(http)
    assert sent_method == method
    assert url.path == f"/kong/v2c_service{path}"
    assert _query_keys(url) == sorted(query)
    assert sent["params"] == query
    assert sent["json"] is None
    assert sent["headers"] == {"apikey": API_KEY}


async def test_custom_base_url_is_used(session: Any, http: aioresponses) -> None:
    client = V2CCloudClient(
        api_key=f"  {API_KEY}\n", session=session, base_url="http://127.0.0.1:8080/cloud/"
    )
    http.post("http://127.0.0.1:8080/cloud/device/reboot?deviceId=ABC1234", status=200)

    await client.reboot(D)

    _, url, sent = only_request(http)
    assert str(url) == "http://127.0.0.1:8080/cloud/device/reboot?deviceId=ABC1234"
    assert sent["headers"] == {"apikey": API_KEY}
    assert client.base_url == "http://127.0.0.1:8080/cloud"
