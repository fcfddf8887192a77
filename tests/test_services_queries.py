"""Query actions: the request, the response data (keyed by charger id) and the event fired."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from simulator import ChargerConfig, Fault, Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import call, device_id, sent

PROFILE_AT = "2023-10-27T10:00:00Z"


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Return the default chargers with a few finished sessions each."""
    return [
        ChargerConfig(
            device_id=LAN_ID,
            name="Garage",
            lan=True,
            car_connected=True,
            charging=True,
            history_sessions=3,
        ),
        ChargerConfig(device_id=CLOUD_ID, name="Driveway", lan=False, history_sessions=2),
    ]


def _only(response: Any, charger_id: str) -> dict[str, Any]:
    """Return the one charger's entry of a response, checking the common keys."""
    assert isinstance(response, dict)
    assert set(response) == {charger_id}
    entry: dict[str, Any] = response[charger_id]
    assert entry["charger_id"] == charger_id
    json.dumps(response, allow_nan=False)  # JSON-safe
    return entry


async def test_scan_wifi_networks(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The scan is returned parsed (raw kept) and fired as v2c_cloud_wifi_scan; one call."""
    events = async_capture_events(hass, "v2c_cloud_wifi_scan")
    calls_before = init_integration.runtime_data.ledger.calls
    since = len(simulator.requests)
    response = await call(hass, "scan_wifi_networks", response=True)
    assert sent(simulator, since) == [("GET", "/device/wifilist", {"id": LAN_ID})]
    assert init_integration.runtime_data.ledger.calls == calls_before + 1
    result = _only(response, LAN_ID)
    assert result["device_id"] == device_id(hass, LAN_ID)
    networks = result["networks"]
    assert len(networks) == 4
    first = networks[0]
    assert first["ssid"] == simulator.chargers[LAN_ID].ssid
    assert isinstance(first["signal"], int)
    assert first["raw"]["rssi"] == str(first["signal"])
    await hass.async_block_till_done()
    assert [e.data for e in events] == [result]


async def test_list_rfid_cards(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Cards come back with code, label and the raw record; v2c_cloud_rfid_cards is fired."""
    sim = simulator.chargers[CLOUD_ID]
    sim.add_card("aa23b601", "Card A")
    sim.add_card("bb000001", "Card B")
    events = async_capture_events(hass, "v2c_cloud_rfid_cards")
    since = len(simulator.requests)
    response = await call(hass, "list_rfid_cards", chargers=(CLOUD_ID,), response=True)
    assert sent(simulator, since) == [("GET", "/device/rfid", {"deviceId": CLOUD_ID})]
    cards = _only(response, CLOUD_ID)["cards"]
    assert [(c["code"], c["tag"]) for c in cards] == [
        ("aa23b601", "Card A"),
        ("bb000001", "Card B"),
    ]
    assert "createdAt" in cards[0]["raw"]
    await hass.async_block_till_done()
    assert events[0].data["cards"] == cards
    assert events[0].data["device_id"] == device_id(hass, CLOUD_ID)


async def test_get_connected_status_for_several_chargers(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A multi-device query answers per charger id and fires one event per charger."""
    simulator.chargers[CLOUD_ID].set_online(False)
    events = async_capture_events(hass, "v2c_cloud_connected_status")
    since = len(simulator.requests)
    response = await call(hass, "get_connected_status", chargers=(LAN_ID, CLOUD_ID), response=True)
    assert sent(simulator, since) == [
        ("GET", "/device/connected", {"deviceId": LAN_ID}),
        ("GET", "/device/connected", {"deviceId": CLOUD_ID}),
    ]
    assert response == {
        LAN_ID: {"device_id": device_id(hass, LAN_ID), "charger_id": LAN_ID, "connected": True},
        CLOUD_ID: {
            "device_id": device_id(hass, CLOUD_ID),
            "charger_id": CLOUD_ID,
            "connected": False,
        },
    }
    await hass.async_block_till_done()
    assert [e.data for e in events] == [response[LAN_ID], response[CLOUD_ID]]


async def test_query_without_response_still_fires_its_event(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Response data is optional: a plain call (e.g. from a script) only fires the event."""
    events = async_capture_events(hass, "v2c_cloud_connected_status")
    assert await call(hass, "get_connected_status") is None
    await hass.async_block_till_done()
    assert events[0].data["connected"] is True


async def test_power_profiles(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Created profiles are listed and fetched by timestamp; both fire v2c_cloud_power_profiles."""
    events = async_capture_events(hass, "v2c_cloud_power_profiles")
    body = {"mode": "solar", "value": 32, "slots": [{"from": "22:00", "to": "06:00"}]}
    await call(
        hass,
        "create_power_profile",
        {"name": "Night", "updated_at": PROFILE_AT, "profile": body},
    )

    since = len(simulator.requests)
    listed = await call(hass, "list_power_profiles", response=True)
    assert sent(simulator, since) == [("GET", "/device/personalicepower/all", {"deviceId": LAN_ID})]
    profiles = _only(listed, LAN_ID)["profiles"]
    assert profiles == [
        {
            "name": "Night",
            "updated_at": PROFILE_AT,
            "raw": {"name": "Night", "updateAt": PROFILE_AT, "profile": body},
        }
    ]

    since = len(simulator.requests)
    fetched = await call(hass, "get_power_profile", {"timestamp": PROFILE_AT}, response=True)
    assert sent(simulator, since) == [
        ("GET", "/device/personalicepower/v2", {"deviceId": LAN_ID, "updateAt": PROFILE_AT})
    ]
    result = _only(fetched, LAN_ID)
    assert result["timestamp"] == PROFILE_AT
    assert result["profile"]["raw"] == body

    await hass.async_block_till_done()
    assert [e.data for e in events] == [_only(listed, LAN_ID), result]


async def test_missing_power_profile_is_a_cloud_error(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A profile the cloud does not know (404) is a translated error and fires nothing."""
    events = async_capture_events(hass, "v2c_cloud_power_profiles")
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "get_power_profile", {"timestamp": PROFILE_AT}, response=True)
    assert err.value.translation_key == "cloud_command_failed"
    await hass.async_block_till_done()
    assert events == []


async def test_device_statistics(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Sessions are returned with energyByHour parsed to numbers and the raw record kept."""
    events = async_capture_events(hass, "v2c_cloud_device_statistics")
    since = len(simulator.requests)
    response = await call(hass, "get_device_statistics", response=True)
    assert sent(simulator, since) == [("GET", "/stadistic/device", {"deviceId": LAN_ID})]
    result = _only(response, LAN_ID)
    assert result["date_start"] is None
    assert result["date_end"] is None
    sessions = result["statistics"]
    assert len(sessions) == 3
    for session in sessions:
        raw = session["raw"]
        assert session["start"] == raw["startChargeDate"]
        assert session["end"] == raw["endChargeDate"]
        assert session["energy"] == raw["energy"]
        pieces = [float(piece) for piece in raw["energyByHour"].split("|")]
        assert session["energy_by_hour"] == pieces
        assert all(isinstance(kwh, float) for kwh in session["energy_by_hour"])
    await hass.async_block_till_done()
    assert [e.data for e in events] == [result]


async def test_device_statistics_with_dates(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The date filter is sent as charge dates and echoed in the response and the event."""
    first = simulator.chargers[CLOUD_ID].statistics[0]["startChargeDate"][:10]
    events = async_capture_events(hass, "v2c_cloud_device_statistics")
    since = len(simulator.requests)
    response = await call(
        hass,
        "get_device_statistics",
        {"date_start": first, "date_end": first},
        chargers=(CLOUD_ID,),
        response=True,
    )
    assert sent(simulator, since) == [
        (
            "GET",
            "/stadistic/device",
            {"deviceId": CLOUD_ID, "chargeDateStart": first, "chargeDateEnd": first},
        )
    ]
    result = _only(response, CLOUD_ID)
    assert (result["date_start"], result["date_end"]) == (first, first)
    assert len(result["statistics"]) == 1
    await hass.async_block_till_done()
    assert events[0].data == result


async def test_global_statistics_default_entry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Without an entry the first loaded account is asked; aggregates pass through."""
    events = async_capture_events(hass, "v2c_cloud_global_statistics")
    since = len(simulator.requests)
    response = await call(hass, "get_global_statistics", chargers=None, response=True)
    assert sent(simulator, since) == [("GET", "/stadistic/global/me", {})]
    assert response is not None
    assert response["config_entry_id"] == init_integration.entry_id
    assert response["date_start"] is None
    assert response["date_end"] is None
    assert {item["deviceId"] for item in response["statistics"]} == {LAN_ID, CLOUD_ID}
    assert {item["totalCharges"] for item in response["statistics"]} == {3, 2}
    json.dumps(response, allow_nan=False)
    await hass.async_block_till_done()
    assert [e.data for e in events] == [response]


async def test_global_statistics_for_an_entry_and_dates(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An explicit entry and the end-of-charge date filter are honoured."""
    since = len(simulator.requests)
    response = await call(
        hass,
        "get_global_statistics",
        {
            "config_entry_id": init_integration.entry_id,
            "date_start": "2020-01-01",
            "date_end": "2020-01-31",
        },
        chargers=None,
        response=True,
    )
    assert sent(simulator, since) == [
        (
            "GET",
            "/stadistic/global/me",
            {"endChargeDateStart": "2020-01-01", "endChargeDateEnd": "2020-01-31"},
        )
    ]
    assert response is not None
    assert (response["date_start"], response["date_end"]) == ("2020-01-01", "2020-01-31")
    assert {item["totalCharges"] for item in response["statistics"]} == {0}


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault(side="cloud", kind="malformed"), "cloud_command_failed"),
        (Fault(side="cloud", kind="html"), "cloud_command_failed"),
        (Fault(side="cloud", kind="status", status=429), "quota_exhausted_command"),
        (Fault(side="cloud", kind="status", status=401), "auth_failed"),
    ],
)
@pytest.mark.parametrize(
    ("service", "target", "event"),
    [
        ("scan_wifi_networks", (LAN_ID,), "wifi_scan"),
        ("get_global_statistics", None, "global_statistics"),
    ],
)
async def test_query_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    fault: Fault,
    key: str,
    service: str,
    target: tuple[str, ...] | None,
    event: str,
) -> None:
    """A failed query raises a translated error and fires no event."""
    events = async_capture_events(hass, f"v2c_cloud_{event}")
    simulator.faults.add(fault)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, service, chargers=target, response=True)
    assert err.value.translation_key == key
    await hass.async_block_till_done()
    assert events == []


async def test_partial_failure_keeps_the_successful_events(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """When one charger's query fails, the others still fire their events before the error."""
    events = async_capture_events(hass, "v2c_cloud_connected_status")
    simulator.faults.add(Fault(side="cloud", kind="status", status=500, device_id=LAN_ID))
    with pytest.raises(HomeAssistantError):
        await call(hass, "get_connected_status", chargers=(LAN_ID, CLOUD_ID), response=True)
    await hass.async_block_till_done()
    assert [e.data["charger_id"] for e in events] == [CLOUD_ID]
