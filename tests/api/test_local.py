"""The LAN client: realtime, read, snapshot and write."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientConnectionError, ClientSession
from aioresponses import aioresponses
import pytest

from custom_components.v2c_cloud.api import (
    V2CConnectionError,
    V2CLocalClient,
    V2CResponseError,
    V2CValidationError,
)
from custom_components.v2c_cloud.api.const import LAN_READ_KEYS, LAN_WRITE_KEYS, LAN_WRITE_RANGES

from .conftest import LAN_HOST, lan_url, load_text, only_request


async def test_realtime(local: V2CLocalClient, http: aioresponses) -> None:
    http.get(
        lan_url("RealTimeData"), body=load_text("realtime_2_4_6.txt"), content_type="text/html"
    )

    data = await local.realtime()

    assert (data.device_id, data.charge_power, data.intensity, data.source) == (
        "ABC1234",
        3450.2,
        16,
        "lan",
    )
    method, url, kwargs = only_request(http)
    assert (method, str(url)) == ("GET", "http://192.168.1.50/RealTimeData")
    assert "headers" not in kwargs or not kwargs["headers"]
    assert local.request_count == 1


async def test_realtime_invalid_body(local: V2CLocalClient, http: aioresponses) -> None:
    http.get(lan_url("RealTimeData"), body="<html>busy</html>")
    with pytest.raises(V2CResponseError):
        await local.realtime()


async def test_ipv6_host_url(session: ClientSession, http: aioresponses) -> None:
    client = V2CLocalClient(host="fd00::50", session=session)
    http.get("http://[fd00::50]/read/ChargeMode", body="1")

    assert await client.read("ChargeMode") == 1.0
    assert client.host == "[fd00::50]"


@pytest.mark.parametrize(
    ("body", "expected"), [("1", 1.0), ("50%\n", 50.0), (" 0 ", 0.0), ("2.0", 2.0)]
)
async def test_read(local: V2CLocalClient, http: aioresponses, body: str, expected: float) -> None:
    http.get(lan_url("read/LightLED"), body=body, content_type="text/plain")

    assert await local.read(" LightLED ") == expected
    _, url, _ = only_request(http)
    assert str(url) == "http://192.168.1.50/read/LightLED"


@pytest.mark.parametrize("key", ["logoled", "Intensity", "ChargeMode/../x", "", None])
async def test_read_rejects_unknown_keys(
    local: V2CLocalClient, http: aioresponses, key: Any
) -> None:
    with pytest.raises(V2CValidationError) as err:
        await local.read(key)
    assert err.value.field == "key"
    assert "LogoLED" in err.value.constraint
    assert http.requests == {}
    assert local.request_count == 0


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, "ERR", V2CResponseError),
        (200, "", V2CResponseError),
        (404, "", V2CResponseError),
        (401, "", V2CResponseError),
    ],
)
async def test_read_failures(
    local: V2CLocalClient, http: aioresponses, status: int, body: str, error: type[Exception]
) -> None:
    http.get(lan_url("read/LogoLED"), status=status, body=body)
    with pytest.raises(error) as err:
        await local.read("LogoLED")
    assert type(err.value) is error


async def test_snapshot_merges_reads(local: V2CLocalClient, http: aioresponses) -> None:
    http.get(lan_url("RealTimeData"), body=load_text("realtime_2_4_6.txt"))
    http.get(lan_url("read/LogoLED"), body="1")
    http.get(lan_url("read/LightLED"), body="75")
    http.get(lan_url("read/ChargeMode"), body="2")

    data = await local.snapshot()

    assert (data.logo_led, data.light_led, data.charge_mode) == (True, 75, 2)
    assert data.intensity == 16
    assert local.request_count == 4


async def test_snapshot_with_failed_reads(local: V2CLocalClient, http: aioresponses) -> None:
    http.get(lan_url("RealTimeData"), body='{"Intensity": 8}')
    http.get(lan_url("read/LogoLED"), exception=TimeoutError())
    http.get(lan_url("read/LightLED"), status=500)
    http.get(lan_url("read/ChargeMode"), body="0")

    data = await local.snapshot()

    assert (data.logo_led, data.light_led, data.charge_mode) == (None, None, 0)
    assert data.intensity == 8


async def test_snapshot_propagates_realtime_failure(
    local: V2CLocalClient, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), exception=ClientConnectionError("refused"))

    with pytest.raises(V2CConnectionError):
        await local.snapshot()
    assert local.request_count == 1


async def test_snapshot_does_not_swallow_unexpected_errors(
    local: V2CLocalClient, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), body="{}")
    http.get(lan_url("read/LogoLED"), body="1")
    http.get(lan_url("read/LightLED"), exception=RuntimeError("bug"))
    http.get(lan_url("read/ChargeMode"), body="1")

    with pytest.raises(RuntimeError, match="bug"):
        await local.snapshot()


def test_write_whitelist_is_the_protocol_list() -> None:
    assert set(LAN_WRITE_KEYS) == {
        "VoltageInstallation",
        "ChargeMode",
        "Paused",
        "Locked",
        "Timer",
        "Intensity",
        "Dynamic",
        "MinIntensity",
        "MaxIntensity",
        "PauseDynamic",
        "LightLED",
        "LogoLED",
        "DynamicPowerMode",
        "ContractedPower",
    }
    assert LAN_READ_KEYS == ("LogoLED", "LightLED", "ChargeMode")


EXPECTED_RANGES = {
    "Paused": (0, 1),
    "Locked": (0, 1),
    "Timer": (0, 1),
    "Dynamic": (0, 1),
    "PauseDynamic": (0, 1),
    "LogoLED": (0, 1),
    "Intensity": (6, 32),
    "MinIntensity": (6, 32),
    "MaxIntensity": (6, 32),
    "DynamicPowerMode": (0, 5),
    "ChargeMode": (0, 2),
    "LightLED": (0, 100),
    "VoltageInstallation": (100, 450),
    "ContractedPower": (1000, 22000),
}
BOUNDS = [(key, value) for key, (low, high) in EXPECTED_RANGES.items() for value in (low, high)]
OUT_OF_RANGE = [
    (key, value) for key, (low, high) in EXPECTED_RANGES.items() for value in (low - 1, high + 1)
]


@pytest.mark.parametrize(("key", "value"), BOUNDS)
async def test_write_accepts_range_bounds(
    local: V2CLocalClient, http: aioresponses, key: str, value: int
) -> None:
    assert LAN_WRITE_RANGES[key] == EXPECTED_RANGES[key]
    http.get(lan_url(f"write/{key}={value}"), body="OK")

    await local.write(key, value)

    method, url, _ = only_request(http)
    assert (method, str(url)) == ("GET", f"http://{LAN_HOST}/write/{key}={value}")


@pytest.mark.parametrize(("key", "value"), OUT_OF_RANGE)
async def test_write_rejects_out_of_range(
    local: V2CLocalClient, http: aioresponses, key: str, value: int
) -> None:
    with pytest.raises(V2CValidationError) as err:
        await local.write(key, value)
    assert err.value.field == "value"
    low, high = EXPECTED_RANGES[key]
    assert err.value.constraint == f"{low}-{high}"
    assert http.requests == {}


@pytest.mark.parametrize(
    "key",
    ["intensity", "INTENSITY", "ID", "ChargeState", "Intensity=16&Locked", "Paused/", "", None, 5],
)
async def test_write_rejects_keys_outside_the_whitelist(
    local: V2CLocalClient, http: aioresponses, key: Any
) -> None:
    with pytest.raises(V2CValidationError) as err:
        await local.write(key, 1)
    assert err.value.field == "key"
    assert http.requests == {}
    assert local.request_count == 0


@pytest.mark.parametrize(("value", "sent"), [(True, "1"), (False, "0"), (1.0, "1")])
async def test_write_value_coercion(
    local: V2CLocalClient, http: aioresponses, value: Any, sent: str
) -> None:
    http.get(lan_url(f"write/Locked={sent}"), body="OK")
    await local.write(" Locked ", value)
    _, url, _ = only_request(http)
    assert str(url).endswith(f"/write/Locked={sent}")


@pytest.mark.parametrize("value", [1.5, "1", None, float("nan")])
async def test_write_rejects_non_integers(
    local: V2CLocalClient, http: aioresponses, value: Any
) -> None:
    with pytest.raises(V2CValidationError):
        await local.write("Paused", value)
    assert http.requests == {}


@pytest.mark.parametrize("body", ["OK", "ok", " OK\r\n", "Ok"])
async def test_write_ok_bodies(local: V2CLocalClient, http: aioresponses, body: str) -> None:
    http.get(lan_url("write/Intensity=16"), body=body)
    await local.write("Intensity", 16)
    assert local.request_count == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, "ERROR"),
        (200, ""),
        (200, "OK OK"),
        (204, ""),
        (201, "OK"),
        (400, "OK"),
        (500, "OK"),
        (403, "OK"),
    ],
)
async def test_write_failures(
    local: V2CLocalClient, http: aioresponses, status: int, body: str
) -> None:
    http.get(lan_url("write/Intensity=16"), status=status, body=body)

    with pytest.raises(V2CResponseError) as err:
        await local.write("Intensity", 16)

    assert err.value.status == status


@pytest.mark.parametrize("host", ["trydan.local", "8.8.8.8", "127.0.0.1", "127.0.0.1:8081"])
def test_constructor_validates_host(session: ClientSession, host: str) -> None:
    with pytest.raises(V2CValidationError):
        V2CLocalClient(host=host, session=session)


def test_constructor_simulator_mode(session: ClientSession) -> None:
    client = V2CLocalClient(host="127.0.0.1:8081", session=session, allow_loopback=True)
    assert client.host == "127.0.0.1:8081"
    assert repr(client) == "V2CLocalClient(host='127.0.0.1:8081')"
