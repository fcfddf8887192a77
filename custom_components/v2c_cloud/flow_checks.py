"""The checks behind the config flow: validate an API key, probe a LAN charger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import (
    DEFAULT_BASE_URL,
    Pairing,
    V2CAuthenticationError,
    V2CCloudClient,
    V2CError,
    V2CLocalClient,
    V2CRateLimitError,
    V2CResponseError,
    V2CValidationError,
)
from .const import CONF_CHARGERS, DOMAIN, LOGGER
from .helpers import is_loopback_host


def account_id(pairings: list[Pairing]) -> str:
    """Return the account's unique id: its lowest charger id (never the API key)."""
    return min(p.device_id for p in pairings).lower()


async def async_pairings(
    hass: HomeAssistant, api_key: str, base_url: str | None
) -> tuple[list[Pairing], dict[str, str]]:
    """Validate a key by listing its pairings; return them or the form errors."""
    try:
        client = V2CCloudClient(
            api_key=api_key,
            session=async_get_clientsession(hass),
            base_url=base_url or DEFAULT_BASE_URL,
        )
        pairings = await client.pairings()
    except (V2CAuthenticationError, V2CValidationError):
        # A key with control characters is refused before anything is sent.
        return [], {"base": "invalid_auth"}
    except V2CRateLimitError:
        return [], {"base": "rate_limited"}
    except V2CError as err:
        # Only the type: messages of unexpected errors could carry request details.
        LOGGER.debug("Validating the API key failed: %s", type(err).__name__)
        return [], {"base": "cannot_connect"}
    except Exception:  # noqa: BLE001
        LOGGER.error("Unexpected error validating the API key")
        return [], {"base": "unknown"}
    if not pairings:
        return [], {"base": "no_chargers"}
    return pairings, {}


async def async_probe(
    hass: HomeAssistant, host: str, allow_loopback: bool
) -> tuple[str | None, dict[str, str]]:
    """Check a LAN address and read the charger's id from /RealTimeData.

    Loopback addresses (the simulator) are only accepted when allow_loopback is set.
    """
    try:
        client = V2CLocalClient(
            host=host,
            session=async_get_clientsession(hass),
            allow_loopback=allow_loopback and is_loopback_host(host),
        )
    except V2CValidationError:
        return None, {CONF_HOST: "invalid_host"}
    try:
        data = await client.realtime()
    except V2CResponseError:
        return None, {"base": "not_a_charger"}
    except V2CError as err:
        LOGGER.debug("Probing the charger failed: %s", type(err).__name__)
        return None, {"base": "cannot_connect"}
    if not data.device_id:
        return None, {"base": "not_a_charger"}
    return data.device_id, {}


def known_chargers(hass: HomeAssistant, entry_id: str, options: Mapping[str, Any]) -> set[str]:
    """Return the charger ids an entry already has."""
    registry = dr.async_get(hass)
    known = {
        device_id
        for device in dr.async_entries_for_config_entry(registry, entry_id)
        for domain, device_id in device.identifiers
        if domain == DOMAIN
    }
    return known | set(options.get(CONF_CHARGERS, {}))
