"""Malformed /RealTimeData bodies of real firmware (PROTOCOL §3.2a): repaired or refused."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from custom_components.v2c_cloud.api import V2CResponseError
from custom_components.v2c_cloud.api.normalize import parse_realtime
from simulator.quirks import garble

BODY: dict[str, Any] = {
    "ID": "V2C0001A",
    "FirmwareVersion": "1.6.13",
    "ChargeState": 2,
    "ReadyState": 1,
    "ChargePower": 3680.5,
    "ChargeEnergy": 4.18,
    "SlaveError": 0,
    "ChargeTime": 1830,
    "Intensity": 16,
    "ContractedPower": 4600,
    "SSID": "Home",
    "IP": "192.168.1.50",
    "SignalStatus": 3,
}
LOGGER = "custom_components.v2c_cloud.api.repair"


@pytest.mark.parametrize(
    ("quirk", "repair"),
    [
        ("missing_comma", "missing comma"),
        ("unquoted_version", "unquoted version"),
        ("duplicate_key", "duplicated FirmwareVersion"),
        ("string_numbers", None),
        ("two_decimals", None),
    ],
)
def test_repairable_bodies_give_values(
    quirk: str, repair: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    """Every value comes through; one debug line names the repair (none for valid JSON)."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    data = parse_realtime(garble(BODY, quirk, "%\r\n"))
    assert data.device_id == "V2C0001A"
    assert data.firmware == "1.6.13"
    assert (data.charge_state, data.ready_state, data.charge_time) == (2, 1, 1830)
    assert data.charge_energy == pytest.approx(4.18)
    assert data.charge_power == pytest.approx(3680.5)
    assert (data.intensity, data.contracted_power, data.signal_status) == (16, 4600, 3)
    assert (data.ssid, data.ip) == ("Home", "192.168.1.50")
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    if repair is None:
        assert lines == []
    else:
        assert len(lines) == 1
        assert repair in lines[0]


def test_enum_text_is_unknown_for_that_field_only() -> None:
    """`"SlaveError":"NO_ERROR"`, `"SignalStatus":"Excelente"`: those two unknown, rest kept."""
    data = parse_realtime(garble(BODY, "enum_text", "%"))
    assert (data.slave_error, data.signal_status) == (None, None)
    assert (data.charge_state, data.intensity) == (2, 16)


def test_both_repairs_at_once(caplog: pytest.LogCaptureFixture) -> None:
    """FW 1.6.13 with a comma missing too."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    text = garble(BODY, "unquoted_version").replace(',"ReadyState"', '"ReadyState"')
    data = parse_realtime(text)
    assert (data.firmware, data.ready_state) == ("1.6.13", 1)
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(lines) == 1
    assert "unquoted version" in lines[0] and "missing comma" in lines[0]


@pytest.mark.parametrize(
    "text",
    [
        garble(BODY, "not_object", "%"),
        garble(BODY, "missing_comma")[:70],
        garble(BODY, "unquoted_version")[:-20],
        '{"ID":"V2C0001A" "ChargeState"}',
        "ERROR",
        "{" * 20_000,
        '{"ID":"V2C0001A"' + "x" * 20_000 + '"ChargeState":1}',
    ],
    ids=["not-object", "truncated", "truncated-version", "no-value", "text", "deep", "huge"],
)
def test_unrepairable_bodies_are_a_failed_read(text: str) -> None:
    """What a person could not repair either is refused."""
    with pytest.raises(V2CResponseError):
        parse_realtime(text)
