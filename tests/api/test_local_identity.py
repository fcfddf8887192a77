"""The LAN client checks the `ID` of every /RealTimeData answer against the expected charger."""

from __future__ import annotations

from aiohttp import ClientSession
from aioresponses import aioresponses
import pytest

from custom_components.v2c_cloud.api import V2CLocalClient, V2CValidationError
from custom_components.v2c_cloud.api.local import V2CIdentityError

from .conftest import LAN_HOST, lan_url

BODY = '{{"ID":"{id}","ChargeState":2,"Intensity":16}}%'
NO_ID = '{"ChargeState":2,"Intensity":16}%'


def _client(session: ClientSession, *, require: bool = False) -> V2CLocalClient:
    client = V2CLocalClient(host=LAN_HOST, session=session, expected_id="V2C0001A")
    client.require_id = require
    return client


def _paths(http: aioresponses) -> list[str]:
    return [url.path for (_, url), calls in http.requests.items() for _ in calls]


async def test_own_id_passes_whatever_the_case(session: ClientSession, http: aioresponses) -> None:
    http.get(lan_url("RealTimeData"), body=BODY.format(id=" v2c0001a "))
    data = await _client(session).realtime()
    assert data.intensity == 16


async def test_another_id_is_refused_naming_both(
    session: ClientSession, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), body=BODY.format(id="V2C0002B"))
    with pytest.raises(V2CIdentityError) as err:
        await _client(session).realtime()
    assert (err.value.expected, err.value.answered) == ("V2C0001A", "V2C0002B")
    assert "V2C0001A" in str(err.value) and "V2C0002B" in str(err.value)


async def test_missing_id_only_refused_once_ids_were_seen(
    session: ClientSession, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), body=NO_ID, repeat=True)
    assert (await _client(session).realtime()).intensity == 16
    with pytest.raises(V2CIdentityError) as err:
        await _client(session, require=True).realtime()
    assert err.value.answered is None


async def test_no_expected_id_checks_nothing(session: ClientSession, http: aioresponses) -> None:
    http.get(lan_url("RealTimeData"), body=BODY.format(id="V2C0002B"))
    client = V2CLocalClient(host=LAN_HOST, session=session)
    assert (await client.realtime()).device_id == "V2C0002B"


async def test_verified_write_reads_the_id_first(
    session: ClientSession, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), body=BODY.format(id="V2C0001A"))
    http.get(lan_url("write/Paused=1"), body="OK")
    await _client(session).write("Paused", 1, verify=True)
    assert _paths(http) == ["/RealTimeData", "/write/Paused=1"]


async def test_verified_write_to_another_charger_is_not_sent(
    session: ClientSession, http: aioresponses
) -> None:
    http.get(lan_url("RealTimeData"), body=BODY.format(id="V2C0002B"))
    with pytest.raises(V2CIdentityError):
        await _client(session).write("Paused", 1, verify=True)
    assert _paths(http) == ["/RealTimeData"]


async def test_invalid_write_is_refused_before_the_identity_read(
    session: ClientSession, http: aioresponses
) -> None:
    with pytest.raises(V2CValidationError):
        await _client(session).write("Intensity", 99, verify=True)
    assert _paths(http) == []
