"""The one validation layer (api/_validate.py): its rules, reasons and placeholders."""

from __future__ import annotations

from datetime import date, datetime
import json
from typing import Any
import unicodedata

from hypothesis import given, strategies as st
import pytest

from custom_components.v2c_cloud.api import V2CValidationError, _validate as check

REFUSED = ("Cc", "Cf", "Cs", "Zl", "Zp")


def reason(rule: Any, value: Any, **options: Any) -> str:
    """Return the reason a rule refuses a value."""
    with pytest.raises(V2CValidationError) as err:
        rule(value, **options)
    assert isinstance(err.value, ValueError)
    return err.value.reason


@given(st.text(st.characters(exclude_categories=REFUSED), min_size=1, max_size=64))
def test_clean_text_is_kept_exactly(value: str) -> None:
    """Text without refused characters passes unchanged when not stripped."""
    assert check.text(value, field="f", low=1, high=64, strip=False) == value


@given(
    st.text(max_size=10),
    st.characters(categories=REFUSED),
    st.text(max_size=10),
)
def test_any_control_or_format_character_is_refused(before: str, bad: str, after: str) -> None:
    """One control/format/separator character anywhere (even at the ends) is refused."""
    assert unicodedata.category(bad) in REFUSED
    assert reason(check.text, before + bad + after, field="f", low=0, high=64) == "text_control"


@pytest.mark.parametrize("char", ["\x00", "\t", "\n", "\x7f", "\x85", "\u200b", "\u2028"])
def test_named_control_characters(char: str) -> None:
    """NUL, tab, newline, DEL, NEL, zero-width space, line separator."""
    assert reason(check.text, f"a{char}b", field="f", low=1, high=9) == "text_control"


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidi_controls(char: str) -> None:
    """Every bidirectional embedding, override and isolate is refused."""
    assert reason(check.text, f"Card{char}", field="tag", low=1, high=64) == "text_control"


def test_length_bound_is_checked_first_and_placeholders() -> None:
    """A huge value is refused by its length, with min/max placeholders."""
    with pytest.raises(V2CValidationError) as err:
        check.text("a" * 100_000, field="tag", low=1, high=64)
    assert (err.value.reason, err.value.placeholders) == ("text_length", {"min": "1", "max": "64"})
    assert "a" * 65 not in str(err.value)
    assert reason(check.ssid, "   ") == "text_blank"
    assert check.ssid(" a ") == " a "


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (1, True), (0, False), (" ON ", True), ("no", False)],
)
def test_booleans_accepted(value: Any, expected: bool) -> None:
    assert check.boolean(value, field="enabled") is expected


@pytest.mark.parametrize("value", [2, -1, 0.5, 1.0, "2", "enable", "", None, [True]])
def test_booleans_refused(value: Any) -> None:
    assert reason(check.boolean, value, field="enabled") == "not_a_boolean"


@pytest.mark.parametrize(
    "value", ["8.8.8.8", "127.0.0.1", "169.254.1.1", "224.0.0.1", "255.255.255.255", "0.0.0.0"]
)
def test_inverter_ip_follows_the_lan_host_rule(value: str) -> None:
    assert reason(check.lan_ipv4, value, field="ip") == "ip_not_private"


def test_inverter_ip_private_and_normalised() -> None:
    assert check.lan_ipv4(" 192.168.001.040 ", field="ip") == "192.168.1.40"
    assert check.lan_ipv4("172.16.0.9", field="ip") == "172.16.0.9"
    assert reason(check.lan_ipv4, "fd00::1", field="ip") == "invalid_ipv4"


def test_json_bounds_before_parsing() -> None:
    """Size and depth are checked on the text, so no RecursionError can happen."""
    assert reason(check.json_object, "[" * 100_000, field="p", from_text=True) == "object_too_large"
    assert reason(check.json_object, "[" * 1000, field="p", from_text=True) == "object_too_deep"
    deep = '{"a":' * 17 + "1" + "}" * 17
    assert reason(check.json_object, deep, field="p", from_text=True) == "object_too_deep"
    ok = '{"a":' * 16 + "1" + "}" * 16
    assert check.json_object(ok, field="p", from_text=True)["a"]
    # Brackets and escaped quotes inside strings do not count as nesting.
    tricky = json.dumps({"x": "[" * 50 + '\\"{' * 20})
    assert check.json_object(tricky, field="p", from_text=True) == json.loads(tricky)
    assert reason(check.json_object, "[1]", field="p", from_text=True) == "invalid_object"
    assert (
        reason(check.json_object, '{"a": 1}', field="p") == "invalid_object"
    )  # text: actions only
    assert reason(check.json_object, {"a": float("nan")}, field="p") == "invalid_object"
    assert reason(check.json_object, {1: "a"}, field="p") == "invalid_object"
    big = {"x": "a" * 20_000}
    assert reason(check.json_object, big, field="p") == "object_too_large"


def test_ocpp_url_bounds() -> None:
    url = "wss://host/"
    assert reason(check.ws_url, url + "a" * 600, field="url") == "text_length"
    assert reason(check.ws_url, url + "\x00", field="url") == "text_control"
    assert reason(check.ws_url, url + "\u202e", field="url") == "text_control"
    assert check.ws_url(" ws://10.0.0.2:8080/ocpp ", field="url") == "ws://10.0.0.2:8080/ocpp"


def test_numbers_from_text_only_when_asked() -> None:
    assert check.integer("16", field="amps", low=6, high=32, from_text=True) == 16
    assert reason(check.integer, "16", field="amps", low=6, high=32) == "not_a_number"
    assert reason(check.integer, "1e400", field="amps", low=6, high=32, from_text=True) == (
        "not_a_number"
    )
    assert check.number("0.5", field="kwh", low=0, high=1, above_low=True, from_text=True) == 0.5


def test_every_reason_is_a_translation_key() -> None:
    """Each Reason has an English message (the integration translates them all)."""
    from pathlib import Path

    strings = Path(check.__file__).parents[1] / "strings.json"
    exceptions = json.loads(strings.read_text())["exceptions"]
    assert set(check.Reason.__value__.__args__) <= set(exceptions)


@pytest.mark.parametrize(
    ("rule", "value", "options", "expected"),
    [
        (check.text, 123456, {"from_number": True}, "123456"),
        (check.weekdays, [1, 3, 5], {}, "135"),
        (check.weekdays, 246, {}, "246"),
        (check.day, datetime(2026, 1, 31, 12, 0), {}, date(2026, 1, 31)),
        (check.day, date(2026, 1, 31), {}, date(2026, 1, 31)),
        (check.day, " 2026-01-31 ", {"from_text": True}, date(2026, 1, 31)),
        (check.json_object, '{"a": [1, 2.5, null]}', {"from_text": True}, {"a": [1, 2.5, None]}),
    ],
)
def test_action_inputs_accepted(
    rule: Any, value: Any, options: dict[str, Any], expected: Any
) -> None:
    """The shapes templates and YAML produce are turned into the clients' values."""
    limits = {"low": 1, "high": 64} if rule is check.text else {}
    assert rule(value, field="f", **limits, **options) == expected


@pytest.mark.parametrize(
    ("rule", "value", "options", "expected"),
    [
        (check.day, "2026-02-30", {"from_text": True}, "invalid_date"),
        (check.day, "2026-01-31", {}, "invalid_date"),
        (check.json_object, '{"a": ', {"from_text": True}, "invalid_object"),
        (check.json_object, {1: "non-string key"}, {}, "invalid_object"),
        (check.json_object, {"a": float("nan")}, {}, "invalid_object"),
        (check.json_object, {"a": {1, 2}}, {}, "invalid_object"),
        (check.json_object, json.loads('{"a":' * 20 + "1" + "}" * 20), {}, "object_too_deep"),
    ],
)
def test_action_inputs_refused(
    rule: Any, value: Any, options: dict[str, Any], expected: str
) -> None:
    """Impossible dates and non-JSON values are refused with their reason."""
    assert reason(rule, value, field="f", **options) == expected
