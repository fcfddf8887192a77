"""The checks behind the config flow (API key, LAN charger); they fill the form's errors."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
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


def account_id(pairings: list[Pairing]) -> str:
    """Return the account's unique id: its lowest charger id (never the API key)."""
    return min(p.device_id for p in pairings).lower()


def known_chargers(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    """Return the charger ids an entry already has, as devices or in its options."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    ids = {i for device in devices for domain, i in device.identifiers if domain == DOMAIN}
    return ids | set(entry.options.get(CONF_CHARGERS, {}))


async def async_pairings(
    hass: HomeAssistant, api_key: str, base_url: str | None, errors: dict[str, str]
) -> list[Pairing]:
    """Return the pairings of a key; on failure set errors["base"] and return []."""
    try:
        session = async_get_clientsession(hass)
        client = V2CCloudClient(
            api_key=api_key, session=session, base_url=base_url or DEFAULT_BASE_URL
        )
        if pairings := await client.pairings():
            return pairings
        errors["base"] = "no_chargers"
    except (V2CAuthenticationError, V2CValidationError):
        # A key with control characters is refused before anything is sent.
        errors["base"] = "invalid_auth"
    except V2CRateLimitError:
        errors["base"] = "rate_limited"
    except V2CError as err:
        # Only the type: messages of unexpected errors could carry request details.
        LOGGER.debug("Validating the API key failed: %s", type(err).__name__)
        errors["base"] = "cannot_connect"
    except Exception:  # noqa: BLE001
        LOGGER.error("Unexpected error validating the API key")
        errors["base"] = "unknown"
    return []


async def async_probe(
    hass: HomeAssistant, host: str, allow_loopback: bool, errors: dict[str, str]
) -> str | None:
    """Return the id a LAN charger reports in /RealTimeData; on failure fill errors.

    The host must pass the LAN host rule; loopback addresses (the simulator) need allow_loopback.
    """
    try:
        session = async_get_clientsession(hass)
        client = V2CLocalClient(host=host, session=session, allow_loopback=allow_loopback)
        if device_id := (await client.realtime()).device_id:
            return device_id
        errors["base"] = "not_a_charger"
    except V2CValidationError:
        errors[CONF_HOST] = "invalid_host"
    except V2CResponseError:
        errors["base"] = "not_a_charger"
    except V2CError as err:
        LOGGER.debug("Probing the charger failed: %s", type(err).__name__)
        errors["base"] = "cannot_connect"
    return None
