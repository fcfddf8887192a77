"""errors.py: every V2C and routing error becomes one translated Home Assistant error."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.v2c_cloud.api import (
    V2CAuthenticationError,
    V2CConnectionError,
    V2CRateLimitError,
    V2CResponseError,
    V2CTimeoutError,
    V2CValidationError,
)
from custom_components.v2c_cloud.charger import RouteError
from custom_components.v2c_cloud.const import DOMAIN
from custom_components.v2c_cloud.errors import ECHO_MAX, translated_errors


@pytest.mark.parametrize(
    ("raised", "kind", "key", "placeholders"),
    [
        (
            RouteError("lan_required", {"name": "Garage"}),
            HomeAssistantError,
            "lan_required",
            {"name": "Garage"},
        ),
        (V2CTimeoutError("slow"), HomeAssistantError, "cloud_command_failed", {"error": "slow"}),
        (V2CConnectionError("down"), HomeAssistantError, "cloud_command_failed", {"error": "down"}),
        (
            V2CResponseError("HTTP 500"),
            HomeAssistantError,
            "cloud_command_failed",
            {"error": "HTTP 500"},
        ),
        (V2CAuthenticationError("401"), HomeAssistantError, "auth_failed", None),
        (
            V2CValidationError(
                "no", field="amps", reason="out_of_range", placeholders={"min": "6", "max": "32"}
            ),
            ServiceValidationError,
            "out_of_range",
            {"field": "amps", "min": "6", "max": "32"},
        ),
        (
            V2CValidationError("no", field="x" * 100, reason="invalid_field"),
            ServiceValidationError,
            "invalid_field",
            {"field": "x" * (ECHO_MAX - 1) + "…"},
        ),
    ],
    ids=["route", "timeout", "connection", "response", "auth", "range", "long-field"],
)
async def test_each_error_has_one_translation(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    raised: Exception,
    kind: type[HomeAssistantError],
    key: str,
    placeholders: dict[str, str] | None,
) -> None:
    """The raised error maps to its translated class, key and placeholders, with the cause kept."""
    with pytest.raises(kind) as err, translated_errors(init_integration.runtime_data.cloud):
        raise raised
    assert type(err.value) is kind
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    assert err.value.translation_placeholders == placeholders
    assert err.value.__cause__ is raised


async def test_refused_key_starts_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An authentication error in a command starts the re-authentication of the entry."""
    with pytest.raises(HomeAssistantError), translated_errors(init_integration.runtime_data.cloud):
        raise V2CAuthenticationError("revoked", status=401)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_quota_error_names_when_it_resets(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A 429 tells when cloud commands work again, as a local HH:MM."""
    with pytest.raises(HomeAssistantError) as err, translated_errors(None):
        raise V2CRateLimitError("429", status=429)
    assert err.value.translation_key == "quota_exhausted_command"
    resume = err.value.translation_placeholders["resume"]
    assert len(resume) == 5 and resume[2] == ":"


async def test_other_errors_pass_through(hass: HomeAssistant) -> None:
    """Errors that are not V2C errors are not translated (they are bugs, not user errors)."""
    with pytest.raises(KeyError), translated_errors(None):
        raise KeyError("x")
