"""Property tests: arbitrary JSON or text only ever raises the typed V2C errors."""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.v2c_cloud.api import (
    RateLimitSnapshot,
    RealtimeData,
    V2CResponseError,
    V2CValidationError,
    realtime_from_cloud,
    validate_lan_host,
)
from custom_components.v2c_cloud.api._http import decode_body
from custom_components.v2c_cloud.api.normalize import (
    parse_charge_status,
    parse_connected,
    parse_firmware,
    parse_global_statistics,
    parse_pairings,
    parse_power_profile,
    parse_power_profiles,
    parse_read_value,
    parse_realtime,
    parse_reported,
    parse_rfid_cards,
    parse_statistics,
    parse_wifi_networks,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_KEYS = [
    "ID",
    "FirmwareVersion",
    "ChargeState",
    "ReadyState",
    "ChargePower",
    "ChargeEnergy",
    "ChargeTime",
    "HousePower",
    "FVPower",
    "BatteryPower",
    "VoltageInstallation",
    "SlaveError",
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
    "SSID",
    "IP",
    "SignalStatus",
    "LogoLED",
    "LightLED",
    "ChargeMode",
    "device_id",
    "deviceId",
    "version",
    "mac",
    "wifi_info",
    "wifi_static",
    "huawei_ip",
    "ip",
    "intensity",
    "min_car_int",
    "max_car_int_fb",
    "light_led",
    "logo_led",
    "contract_power",
    "pause",
    "connected",
    "charge_state",
    "power",
    "energy",
    "seconds",
    "house_power",
    "sun_power",
    "battery",
    "grid_power",
    "error",
    "cp_level",
    "phases",
    "photovoltaic_on",
    "tag",
    "model",
    "modelName",
    "code",
    "ssid",
    "rssi",
    "startChargeDate",
    "energyByHour",
    "rfidCode",
    "name",
    "updateAt",
    "versionId",
    "networks",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "1",
            "0",
            "6.000000",
            "50%",
            "",
            " ",
            "true",
            "online",
            "nan",
            "1e400",
            "-0",
            "0.0.0.0",
            "192.168.1.5",
            "fd00::1",
            '{"ip": "10.0.0.1"}',
            '"{\\"a\\": 1}"',
            "[1]",
            "2025-10-28T11:44:47",
        ]
    ),
)
keys = st.one_of(
    st.sampled_from(KNOWN_KEYS), st.sampled_from(KNOWN_KEYS).map(str.lower), st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=25,
)
json_objects = st.dictionaries(keys, json_values, max_size=12)

PARSERS: list[Callable[[Any], Any]] = [
    parse_reported,
    parse_charge_status,
    parse_pairings,
    parse_firmware,
    parse_rfid_cards,
    parse_wifi_networks,
    parse_statistics,
    parse_global_statistics,
    parse_power_profile,
    parse_power_profiles,
    parse_connected,
]


def _run_all(value: Any) -> None:
    """Feed one value to every cloud parser; only V2CResponseError may escape."""
    for parser in PARSERS:
        with contextlib.suppress(V2CResponseError):
            parser(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(json_values, json_objects, st.lists(json_objects, max_size=3)))
def test_cloud_parsers_only_raise_response_errors(value: Any) -> None:
    _run_all(value)
    try:
        encoded = json.dumps(value)
    except ValueError:
        return
    _run_all(encoded)
    _run_all(json.dumps(encoded))


@FUZZ
@given(text=st.text(max_size=60))
def test_cloud_parsers_on_raw_text(text: str) -> None:
    _run_all(text)


@FUZZ
@given(reported=json_objects, status=json_objects)
def test_synthesis_never_fails(reported: dict[str, Any], status: dict[str, Any]) -> None:
    data = realtime_from_cloud(parse_reported(reported), parse_charge_status(status))
    assert isinstance(data, RealtimeData)
    assert data.source == "cloud"


@FUZZ
@given(payload=json_objects, suffix=st.sampled_from(["", "%", "\n%\n", " ", "%%"]))
def test_realtime_accepts_any_object(payload: dict[str, Any], suffix: str) -> None:
    try:
        text = json.dumps(payload)
    except ValueError:
        return
    data = parse_realtime(text + suffix)
    assert data.source == "lan"


@FUZZ
@given(text=st.one_of(st.text(max_size=80), st.just("[" * 100_000), st.just("1" * 5000)))
def test_text_parsers_only_raise_response_errors(text: str) -> None:
    for func in (
        parse_realtime,
        parse_read_value,
        lambda t: decode_body(t, "application/json"),
        lambda t: decode_body(t, "text/plain"),
    ):
        with contextlib.suppress(V2CResponseError):
            func(text)


@FUZZ
@given(
    headers=st.dictionaries(
        st.sampled_from(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X"]),
        st.text(max_size=12),
    )
)
def test_rate_limit_headers_never_fail(headers: dict[str, str]) -> None:
    snapshot = RateLimitSnapshot.from_headers(headers)
    if snapshot is not None:
        assert snapshot.observed_at.tzinfo is not None


@FUZZ
@given(host=st.one_of(st.text(max_size=45), st.ip_addresses().map(str)), allow=st.booleans())
def test_host_rule_only_raises_validation_errors(host: str, allow: bool) -> None:
    field: str | None = None
    try:
        authority = validate_lan_host(host, allow_loopback=allow)
    except V2CValidationError as err:
        field = err.field
    else:
        assert authority
        assert "/" not in authority
        assert "@" not in authority
    assert field in (None, "host")


@FUZZ
@given(values=st.dictionaries(st.text(max_size=12), st.one_of(st.floats(), st.integers(-5, 500))))
def test_with_reads_never_fails(values: dict[str, float]) -> None:
    assert isinstance(RealtimeData().with_reads(values), RealtimeData)
