"""Cloud response decoding, error mapping, rate-limit bookkeeping and secret hygiene."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any

from aiohttp import ClientSession
from aioresponses import aioresponses
import pytest

from custom_components.v2c_cloud.api import (
    RateLimitSnapshot,
    V2CAuthenticationError,
    V2CCloudClient,
    V2CConnectionError,
    V2CError,
    V2CRateLimitError,
    V2CResponseError,
    V2CValidationError,
)
from custom_components.v2c_cloud.api._http import (
    decode_body,
    maybe_json,
    parse_scalar_text,
    redact_query,
    scrub,
    snippet,
)

from .conftest import API_KEY, DEVICE_ID, cloud_url, load_text

# --- decoding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("   \n", None),
        ("true", True),
        ("FALSE", False),
        (" 7 ", 7),
        ("0.5", 0.5),
        ("2.4.6", "2.4.6"),
        ("Command executed successfully", "Command executed successfully"),
        ('{"a": "1"}', {"a": "1"}),
        ("[1, 2]", [1, 2]),
        ('"quoted"', "quoted"),
        ("{not json", "{not json"),
        ("1e5", "1e5"),
    ],
)
def test_parse_scalar_text(text: str, expected: Any) -> None:
    result = parse_scalar_text(text)
    assert result == expected
    assert type(result) is type(expected)


def test_decode_body_json_content_type() -> None:
    assert decode_body('{"a": 1}', "application/json") == {"a": 1}
    assert decode_body('"2.4.6"', "application/json") == "2.4.6"
    assert decode_body("  ", "application/json") is None
    assert decode_body("[1]", "application/vnd.api+json") == [1]
    with pytest.raises(V2CResponseError):
        decode_body("<html>", "application/json")


def test_maybe_json_unwraps_double_encoding_and_keeps_other_strings() -> None:
    assert maybe_json('"{\\"a\\": 1}"') == {"a": 1}
    assert maybe_json('{"a": 1}') == {"a": 1}
    assert maybe_json("2.4.6") == "2.4.6"
    assert maybe_json("{broken") == "{broken"
    assert maybe_json(5) == 5
    nested: Any = {"deep": True}
    for _ in range(4):
        nested = json.dumps(nested)
    assert maybe_json(nested) == json.dumps({"deep": True}), "decoding stops after 3 levels"


def test_redact_query_and_scrub() -> None:
    query = redact_query({"deviceId": "X", "Password": "hunter22", "APIKEY": "k", "ssid": "s"})
    assert query == "?deviceId=X&Password=%2A%2A%2A&APIKEY=%2A%2A%2A&ssid=s"
    assert redact_query({}) == ""
    assert redact_query(None) == ""
    assert scrub("a p w&d b p+w%26d c p%20w%26d", ["p w&d", ""]) == "a *** b *** c ***"
    assert scrub("GET https://h/p?password=x%2526y&a=b failed", []) == "GET https://h/p?*** failed"
    assert snippet("<html><body>Bad gateway</body></html>", []) == ""
    assert snippet("  too \n many   spaces ", []) == "too many spaces"
    assert len(snippet("x" * 500, [])) == 120


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expected"),
    [
        ("reported", load_text("reported_2_4_6.json"), "application/json", 6),
        ("reported", load_text("reported_2_4_6.json"), "text/plain", 6),
        ("reported", '"{\\"intensity\\": \\"13\\"}"', "application/json", 13),
        ("reported", '"{\\"intensity\\": \\"14\\"}"', "text/plain", 14),
    ],
)
async def test_reported_decoding_variants(
    cloud: V2CCloudClient,
    http: aioresponses,
    name: str,
    body: str,
    content_type: str,
    expected: int,
) -> None:
    http.get(cloud_url("/device/reported"), body=body, content_type=content_type)

    state = await getattr(cloud, name)(DEVICE_ID)

    assert state.intensity == expected


async def test_charge_status_double_encoded(cloud: V2CCloudClient, http: aioresponses) -> None:
    body = json.dumps(load_text("currentstatecharge_trydan.json"))
    http.post(cloud_url("/device/currentstatecharge"), body=body, content_type="application/json")

    status = await cloud.charge_status(DEVICE_ID)

    assert status.charge_power == 1380.0
    assert status.voltage_installation == 248.0


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("true", "text/plain", True),
        ("1", "text/plain", True),
        (" Online ", "text/plain", True),
        ("enabled", "text/plain", True),
        ("yes", "text/plain", True),
        ("on", "text/plain", True),
        ("false", "text/plain", False),
        ("0", "text/plain", False),
        ("offline", "text/plain", False),
        ("", "text/plain", False),
        ("2", "text/plain", False),
        ('{"online": true}', "application/json", False),
        ("true", "application/json", True),
        ('"online"', "application/json", True),
    ],
)
async def test_connected_normalisation(
    cloud: V2CCloudClient, http: aioresponses, body: str, content_type: str, expected: bool
) -> None:
    http.get(cloud_url("/device/connected"), body=body, content_type=content_type)

    assert await cloud.connected(DEVICE_ID) is expected


@pytest.mark.parametrize(
    ("status", "body", "content_type", "version", "model"),
    [
        (200, load_text("version.json"), "application/json", "2.4.6", "Trydan V2"),
        (200, '"{\\"version\\": \\"2.5.0\\"}"', "application/json", "2.5.0", None),
        (200, "2.4.6", "text/plain", "2.4.6", None),
        (200, "7", "text/plain", "7", None),
        (200, "", "text/plain", None, None),
        (204, "", "text/plain", None, None),
    ],
)
async def test_version_variants(
    cloud: V2CCloudClient,
    http: aioresponses,
    status: int,
    body: str,
    content_type: str,
    version: str | None,
    model: str | None,
) -> None:
    http.get(cloud_url("/version"), status=status, body=body, content_type=content_type)

    info = await cloud.version(DEVICE_ID)

    assert (info.version, info.model) == (version, model)


async def test_no_content_on_list_reads_is_empty(cloud: V2CCloudClient, http: aioresponses) -> None:
    http.get(cloud_url("/device/rfid"), status=204)
    http.get(cloud_url("/device/wifilist"), status=200, body="", content_type="application/json")

    assert await cloud.rfid_cards(DEVICE_ID) == []
    assert await cloud.wifi_networks(DEVICE_ID) == []


async def test_no_content_on_reported_is_a_response_error(
    cloud: V2CCloudClient, http: aioresponses
) -> None:
    http.get(cloud_url("/device/reported"), status=204)

    with pytest.raises(V2CResponseError) as err:
        await cloud.reported(DEVICE_ID)

    assert err.value.status == 204
    assert "/device/reported" in str(err.value)


# --- error mapping -----------------------------------------------------------------------------

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error", "fragment"),
    [
        (
            401,
            '{"message":"No API key found in request"}',
            "application/json",
            V2CAuthenticationError,
            "401",
        ),
        (403, '{"message":"forbidden"}', "application/json", V2CAuthenticationError, "403"),
        (429, "Too Many Requests", "text/plain", V2CRateLimitError, "429"),
        (400, "value out of range", "text/plain", V2CResponseError, "value out of range"),
        (404, "device version not found", "text/plain", V2CResponseError, "404"),
        (500, '{"message":"server exception"}', "application/json", V2CResponseError, "500"),
        (502, HTML_502, "text/html", V2CResponseError, "HTTP 502"),
        (503, "", "text/plain", V2CResponseError, "503"),
        (302, "", "text/plain", V2CResponseError, "HTTP 302"),
        (200, "{garbage", "application/json", V2CResponseError, "not valid JSON"),
        (200, HTML_502, "text/html", V2CResponseError, "expected an object"),
        (200, "[1, 2, 3]", "application/json", V2CResponseError, "expected an object"),
        (200, "42", "text/plain", V2CResponseError, "got int"),
    ],
)
async def test_status_and_body_error_mapping(
    cloud: V2CCloudClient,
    http: aioresponses,
    status: int,
    body: str,
    content_type: str,
    error: type[V2CError],
    fragment: str,
) -> None:
    http.get(cloud_url("/device/reported"), status=status, body=body, content_type=content_type)

    with pytest.raises(error) as err:
        await cloud.reported(DEVICE_ID)

    assert type(err.value) is error
    assert err.value.status == status
    assert fragment in str(err.value)
    assert "<html" not in str(err.value)
    assert cloud.request_count == 1
    assert len(http.requests) == 1


async def test_commands_ignore_the_body_and_never_retry(
    cloud: V2CCloudClient, http: aioresponses
) -> None:
    http.post(
        cloud_url("/device/reboot"), status=200, body="{not json", content_type="application/json"
    )
    http.post(cloud_url("/device/update"), status=202, body='{"message": "ok"}')
    http.post(cloud_url("/device/startcharge"), status=500)

    await cloud.reboot(DEVICE_ID)
    await cloud.update_firmware(DEVICE_ID)
    with pytest.raises(V2CResponseError):
        await cloud.start_charge(DEVICE_ID)

    assert cloud.request_count == 3
    assert sum(len(calls) for calls in http.requests.values()) == 3


# --- rate limit --------------------------------------------------------------------------------


def _snapshot(client: V2CCloudClient) -> RateLimitSnapshot | None:
    """Read the snapshot through a function so type checkers do not over-narrow it."""
    return client.rate_limit


async def test_rate_limit_headers_are_recorded(cloud: V2CCloudClient, http: aioresponses) -> None:
    before = datetime.now(UTC)
    http.post(
        cloud_url("/device/startcharge"),
        headers={
            "ratelimit-limit": "1000",
            "RateLimit-Remaining": " 873",
            "RateLimit-Reset": "3600",
        },
    )
    http.post(cloud_url("/device/pausecharge"))
    http.post(
        cloud_url("/device/reboot"),
        status=429,
        headers={"RateLimit-Limit": "1000", "RateLimit-Remaining": "0"},
    )

    assert _snapshot(cloud) is None
    await cloud.start_charge(DEVICE_ID)
    first = _snapshot(cloud)
    assert first is not None
    assert (first.limit, first.remaining, first.reset) == (1000, 873, 3600)
    assert first.observed_at.tzinfo is not None
    assert first.observed_at.utcoffset() == timedelta(0)
    assert before <= first.observed_at <= datetime.now(UTC)

    await cloud.pause_charge(DEVICE_ID)
    assert _snapshot(cloud) is first

    with pytest.raises(V2CRateLimitError):
        await cloud.reboot(DEVICE_ID)
    last = _snapshot(cloud)
    assert last is not None
    assert (last.limit, last.remaining, last.reset) == (1000, 0, None)
    assert cloud.request_count == 3


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"RateLimit-Limit": "lots"}, None),
        ({"RateLimit-Remaining": "12"}, (None, 12, None)),
        (
            {"RateLimit-Limit": "1000, 1000;w=86400", "RateLimit-Remaining": "-1"},
            (1000, None, None),
        ),
        ({"RateLimit-Reset": "60"}, (None, None, 60)),
    ],
)
def test_parse_rate_limit(headers: dict[str, str], expected: tuple[Any, ...] | None) -> None:
    snapshot = RateLimitSnapshot.from_headers(headers)
    if expected is None:
        assert snapshot is None
    else:
        assert isinstance(snapshot, RateLimitSnapshot)
        assert (snapshot.limit, snapshot.remaining, snapshot.reset) == expected


# --- secrets -----------------------------------------------------------------------------------


async def test_api_key_and_password_never_logged_or_raised(
    cloud: V2CCloudClient, http: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "s3cret-Wifi&pass"
    http.post(cloud_url("/device/wifi"), status=200)
    http.get(
        cloud_url("/device/reported"),
        status=400,
        body=f"bad key {API_KEY}",
        content_type="text/plain",
    )
    http.get(cloud_url("/pairings/me"), status=401, body=f'{{"key": "{API_KEY}"}}')
    errors: list[BaseException] = []

    await cloud.set_wifi(DEVICE_ID, "Home", password)
    for call in (
        cloud.reported(DEVICE_ID),
        cloud.pairings(),
        # Unmatched: aioresponses raises with the full URL, password included.
        cloud.set_wifi(DEVICE_ID, "Other", password),
    ):
        with pytest.raises(V2CError) as err:
            await call
        errors.append(err.value)

    assert "bad key ***" in str(errors[0])
    assert isinstance(errors[1], V2CAuthenticationError)
    assert isinstance(errors[2], V2CConnectionError)
    assert "/device/wifi?***" in str(errors[2])
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(cloud)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("password=%2A%2A%2A" in record.getMessage() for record in caplog.records)
    assert any("/device/wifi" in record.getMessage() for record in caplog.records)
    for text in texts:
        assert API_KEY not in text
        assert password not in text
        assert "s3cret-Wifi%26pass" not in text


def test_validation_error_defaults() -> None:
    err = V2CValidationError("bad")
    assert (str(err), err.field, err.constraint, err.status) == ("bad", "", "", None)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("api_key", ["", "   ", "abc\ndef", None])
def test_invalid_api_key_is_rejected_without_echo(session: ClientSession, api_key: Any) -> None:
    with pytest.raises(V2CValidationError) as err:
        V2CCloudClient(api_key=api_key, session=session)
    assert err.value.field == "api_key"
    if api_key:
        assert "abc" not in str(err.value)
