"""The models' wire declarations (`from_wire`) and their JSON-safe `as_dict()`."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
import json
from typing import Any

import pytest

from custom_components.v2c_cloud.api import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    PowerProfile,
    RateLimitSnapshot,
    RealtimeData,
    ReportedState,
    RfidCard,
    StatisticsRecord,
    V2CResponseError,
    WifiNetwork,
)
from custom_components.v2c_cloud.api._wire import V2CModel, from_wire, to_int, wire

MODELS: list[V2CModel] = [
    RateLimitSnapshot(
        limit=1000, remaining=3, reset=None, observed_at=datetime(2026, 1, 2, tzinfo=UTC)
    ),
    Pairing(device_id="ABC", name="Garage", raw={"deviceId": "ABC", "nested": {"x": [1, 2.5]}}),
    FirmwareInfo(version="2.4.6", raw="2.4.6"),
    ReportedState(raw={"intensity": 16}, intensity=16, locked=True),
    ChargeStatus(raw={"power": 1.5}, charge_power=1500.0),
    RealtimeData(charge_power=float("nan"), source="cloud"),
    RfidCard(code="04A1", tag="Anna", raw={"code": "04A1"}),
    WifiNetwork(ssid="Home", signal=-60, raw=("Home", -60)),
    StatisticsRecord(start=datetime(2026, 1, 2, 22, 0), energy_by_hour=[0.5, 1.0], raw={"x": None}),
    PowerProfile(name="p", updated_at="2026-01-02T00:00:00Z", raw={"k": float("inf")}),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_as_dict_is_json_safe_and_complete(model: V2CModel) -> None:
    result = model.as_dict()

    assert set(result) == {f.name for f in fields(model)}
    json.dumps(result, allow_nan=False)  # raises on NaN/inf, datetimes or tuples as keys


def test_as_dict_values() -> None:
    record = StatisticsRecord(start=datetime(2026, 1, 2, 22, 0), raw={1: {"deep": [object]}})
    snapshot = MODELS[0].as_dict()

    assert record.as_dict()["start"] == "2026-01-02T22:00:00"
    assert record.as_dict()["raw"] == {"1": {"deep": ["<class 'object'>"]}}
    assert snapshot["observed_at"] == "2026-01-02T00:00:00+00:00"
    assert RealtimeData(charge_power=float("nan")).as_dict()["charge_power"] is None
    assert WifiNetwork(ssid="a", raw=("a", 1)).as_dict()["raw"] == ["a", 1]


def test_as_dict_bounds_nesting() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100):
        node["a"] = node = {}

    flat = json.dumps(PowerProfile(raw=deep).as_dict())

    assert '"..."' in flat
    assert flat.count("{") < 40


def test_from_wire_first_readable_name_wins_any_casing() -> None:
    status = from_wire(ChargeStatus, {"Power": "n/a", "ChargePower": "1.5", "charge_power": 9})

    assert status.charge_power == 1500.0  # scale applied after the converter
    assert status.raw == {}


def test_from_wire_dotted_name_reads_nested_json_text() -> None:
    state = from_wire(ReportedState, {"WIFI_INFO": json.dumps({"SSID": " Home "})})
    missing = from_wire(ReportedState, {"wifi_info": "not an object"})

    assert (state.ssid, missing.ssid) == ("Home", None)


def test_from_wire_required_field_and_fallback() -> None:
    pairing = from_wire(Pairing, {"device_id": "ABC"})

    assert (pairing.device_id, pairing.name) == ("ABC", "ABC")
    with pytest.raises(V2CResponseError, match="Pairing payload without deviceid/device_id"):
        from_wire(Pairing, {"tag": "Garage"})


def test_wire_declares_default_factory() -> None:
    declared = wire("x", to_int, default=list)

    assert declared.default_factory() == []
    assert declared.metadata["wire"].names == ("x",)
