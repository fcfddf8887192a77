"""Property-based: generated bad values never reach the network, good values are sent as given.

Values come from hypothesis strategies (derandomized, so every run tries the same values); each
is sent through Home Assistant's service call to both simulated chargers (LAN and cloud-only).
"""

from __future__ import annotations

from collections.abc import Callable
import ipaddress
import json
from math import isfinite
from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.v2c_cloud.api import validate_lan_host
from custom_components.v2c_cloud.services_schema import V2CInvalid
from simulator import Simulator

from .conftest import CLOUD_ID, LAN_ID
from .test_services import call

TS = "2023-10-27T10:00:00Z"
REFUSED = ("Cc", "Cf", "Cs", "Zl", "Zp")
BAD_PER_CLASS = 100
GOOD_PER_CLASS = 25


def examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Return `count` values drawn by hypothesis (same values on every run)."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def _is_lan(address: ipaddress.IPv4Address) -> bool:
    try:
        validate_lan_host(str(address))
    except ValueError:
        return False
    return True


CONTROL = st.characters(categories=("Cc", "Cf", "Zl", "Zp"))
CLEAN = st.characters(exclude_categories=REFUSED)
OTHER_TYPES = st.one_of(
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def with_control(low: int = 0, high: int = 20) -> st.SearchStrategy[str]:
    """Text with at least one control/format/separator character inside."""
    return st.tuples(
        st.text(CLEAN, min_size=low, max_size=high), CONTROL, st.text(CLEAN, max_size=high)
    ).map("".join)


def bad_integer(low: int, high: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(max_value=low - 1),
        st.integers(min_value=high + 1),
        st.floats(low, high).filter(lambda f: not f.is_integer()),
        st.sampled_from([float("nan"), float("inf"), -float("inf"), True, False]),
        st.text(CLEAN, max_size=10).filter(lambda t: not _numeric(t)),
        OTHER_TYPES,
    )


def _numeric(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


BAD_BOOLEAN = st.one_of(
    st.integers().filter(lambda n: n not in (0, 1)),
    st.floats().filter(lambda f: f not in (0, 1)),
    st.text(max_size=8).filter(
        lambda t: t.strip().lower() not in {"true", "false", "on", "off", "yes", "no", "1", "0"}
    ),
    OTHER_TYPES,
)


def bad_text(high: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        with_control(),
        st.text(CLEAN, min_size=high + 1, max_size=high + 200),
        st.text(" \t", max_size=5),
        OTHER_TYPES,
    )


BAD_SSID = st.one_of(bad_text(32), st.text("é☕", min_size=17, max_size=32))
BAD_IP = st.one_of(
    st.ip_addresses(v=4).filter(lambda a: not _is_lan(a)).map(str),
    st.ip_addresses(v=6).map(str),
    st.text(max_size=20).filter(lambda t: t.count(".") != 3),
    OTHER_TYPES,
)
BAD_URL = st.one_of(
    with_control().map(lambda t: f"wss://host/{t}"),
    st.text(CLEAN, min_size=513, max_size=2000).map(lambda t: f"ws://host/{t}"),
    st.sampled_from(["http", "https", "ftp", "wsx", ""]).map(lambda s: f"{s}://host/x"),
    OTHER_TYPES,
)
BAD_JSON = st.one_of(
    st.integers(17, 100_000).map(lambda n: "[" * n),
    st.integers(17, 200).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(16_385, 40_000).map(lambda n: json.dumps({"x": "a" * n})),
    st.lists(st.integers(), max_size=3),
    st.text(max_size=10).filter(lambda t: not t.startswith("{")),
)

# class -> (action, field, bad strategy, other required fields)
BAD: dict[str, tuple[str, str, st.SearchStrategy[Any], dict[str, Any]]] = {
    "amps": ("set_charge_intensity", "amps", bad_integer(6, 32), {}),
    "watts": ("set_max_power", "watts", bad_integer(1000, 22000), {}),
    "minutes": ("start_charge_for_minutes", "minutes", bad_integer(1, 10080), {}),
    "kwh": (
        "set_charge_stop_energy",
        "kwh",
        st.one_of(
            st.floats(max_value=0),
            st.floats(min_value=1000.001),
            bad_integer(1, 1000).filter(
                lambda v: isinstance(v, bool) or not isinstance(v, int | float) or not isfinite(v)
            ),
        ),
        {},
    ),
    "voltage": (
        "set_installation_voltage",
        "voltage",
        st.one_of(
            st.floats(max_value=99.99),
            st.floats(min_value=450.01),
            BAD_BOOLEAN.filter(lambda v: not isinstance(v, int | float)),
        ),
        {},
    ),
    "boolean": ("set_ocpp_enabled", "enabled", BAD_BOOLEAN, {}),
    "ocpp_id": ("set_ocpp_id", "ocpp_id", bad_text(64), {}),
    "rfid_tag": ("register_rfid", "tag", bad_text(64), {}),
    "rfid_code": ("delete_rfid", "code", bad_text(64), {}),
    "profile_name": ("delete_power_profile", "name", bad_text(64), {"updated_at": TS}),
    "ssid": ("set_wifi_credentials", "ssid", BAD_SSID, {"password": "secret123"}),
    "ocpp_url": ("set_ocpp_address", "ocpp_url", BAD_URL, {}),
    "inverter_ip": ("set_inverter_ip", "ip_address", BAD_IP, {}),
    "profile_json": ("create_power_profile", "profile", BAD_JSON, {"name": "N", "updated_at": TS}),
    "device_id": (
        "start_charge",
        "device_id",
        st.one_of(
            st.just(""), st.text(CLEAN, min_size=65, max_size=10_000), with_control(), st.just([])
        ),
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
async def test_bad_values_are_refused_before_any_request(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, name: str
) -> None:
    """Every generated bad value is a translated vol.Invalid; no request reaches LAN or cloud."""
    action, field, strategy, extra = BAD[name]
    values = examples(strategy, BAD_PER_CLASS)
    since, refused = len(simulator.requests), 0
    for value in values:
        chargers = None if field == "device_id" else (LAN_ID, CLOUD_ID)
        with pytest.raises(vol.Invalid) as err:
            await call(hass, action, {**extra, field: value}, chargers=chargers)
        assert isinstance(err.value, V2CInvalid), (name, value)
        assert len(str(err.value)) < 300
        refused += simulator.requests[since:] == []
    print(f"\n{name}: {len(values)} bad values tried, {refused} refused before the network")
    assert refused == len(values) >= 10
    assert simulator.requests[since:] == []


def _text(low: int, high: int, *, stripped: bool = True) -> st.SearchStrategy[str]:
    text = st.text(CLEAN, min_size=low, max_size=high).filter(lambda t: bool(t.strip()))
    return text.filter(lambda t: t == t.strip()) if stripped else text


PRIVATE = st.one_of(
    st.ip_addresses(network="10.0.0.0/8"),
    st.ip_addresses(network="172.16.0.0/12"),
    st.ip_addresses(network="192.168.0.0/16"),
).map(str)
HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){0,2}", fullmatch=True)
URL = st.tuples(st.sampled_from(["ws", "wss"]), HOST, st.text("abcXYZ09-_./~", max_size=30)).map(
    lambda p: f"{p[0]}://{p[1]}/{p[2]}"
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(CLEAN, max_size=10),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)

# class -> (action, field, good strategy, other fields, what the cloud receives for a value)
GOOD: dict[
    str, tuple[str, str, st.SearchStrategy[Any], dict[str, Any], Callable[[Any, Any], bool]]
] = {
    "amps": (
        "set_charge_intensity",
        "amps",
        st.integers(6, 32),
        {},
        lambda v, r: r.query["value"] == str(v),
    ),
    "watts": (
        "set_max_power",
        "watts",
        st.integers(1000, 22000),
        {},
        lambda v, r: r.query["value"] == str(v),
    ),
    "boolean": (
        "set_ocpp_enabled",
        "enabled",
        st.booleans(),
        {},
        lambda v, r: r.query["value"] == str(int(v)),
    ),
    "ocpp_id": ("set_ocpp_id", "ocpp_id", _text(1, 64), {}, lambda v, r: r.query["value"] == v),
    "rfid": (
        "add_rfid_card",
        "code",
        _text(1, 64),
        {"tag": "Card"},
        lambda v, r: r.query["code"] == v,
    ),
    "ssid": (
        "set_wifi_credentials",
        "ssid",
        _text(1, 32, stripped=False).filter(lambda t: len(t.encode()) <= 32),
        {"password": "secret123"},
        lambda v, r: r.query["ssid"] == v,
    ),
    "password": (
        "set_wifi_credentials",
        "password",
        st.text(CLEAN, min_size=8, max_size=63),
        {"ssid": "Home"},
        lambda v, r: r.query["password"] == v,
    ),
    "ocpp_url": ("set_ocpp_address", "ocpp_url", URL, {}, lambda v, r: r.query["value"] == v),
    "inverter_ip": (
        "set_inverter_ip",
        "ip_address",
        PRIVATE,
        {},
        lambda v, r: r.query["value"] == v,
    ),
    "profile_json": (
        "create_power_profile",
        "profile",
        st.dictionaries(st.text(max_size=5), JSON_VALUE, max_size=4),
        {"name": "N", "updated_at": TS},
        lambda v, r: json.loads(r.body) == v,
    ),
}


@pytest.mark.parametrize("name", sorted(GOOD))
async def test_good_values_are_sent_exactly_as_given(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, name: str
) -> None:
    """Every generated good value is accepted and reaches the cloud unchanged."""
    action, field, strategy, extra, received = GOOD[name]
    for value in examples(strategy, GOOD_PER_CLASS):
        since = len(simulator.requests)
        await call(hass, action, {**extra, field: value}, chargers=(CLOUD_ID,))
        sent = [r for r in simulator.requests[since:] if r.side == "cloud" and r.method != "GET"]
        assert len(sent) == 1, (name, value)
        assert received(value, sent[0]), (name, value, sent[0].query, sent[0].body)
