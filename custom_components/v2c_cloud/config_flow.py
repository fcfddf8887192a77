"""Config flow for V2C Cloud: API key, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

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
    validate_lan_host,
)
from .const import (
    CONF_BASE_URL,
    CONF_CHARGER,
    CONF_CHARGERS,
    CONF_MODE,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    MODE_CLOUD,
    MODE_LAN,
)
from .helpers import is_loopback_host, is_simulator_url
from .migration import MINOR_VERSION, VERSION
from .runtime import V2CCloudConfigEntry

_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): TextSelector()})


def account_id(pairings: list[Pairing]) -> str:
    """Return the account's unique id: its lowest charger id (never the API key)."""
    return min(p.device_id for p in pairings).lower()


async def _async_pairings(
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


async def _async_probe(
    hass: HomeAssistant, host: str, allow_loopback: bool
) -> tuple[str | None, dict[str, str]]:
    """Check a LAN address and read the charger's id from /RealTimeData.

    Loopback addresses (the simulator) are only accepted in advanced mode.
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


def _known_chargers(hass: HomeAssistant, entry_id: str, options: Mapping[str, Any]) -> set[str]:
    """Return the charger ids an entry already has."""
    registry = dr.async_get(hass)
    known = {
        device_id
        for device in dr.async_entries_for_config_entry(registry, entry_id)
        for domain, device_id in device.identifiers
        if domain == DOMAIN
    }
    return known | set(options.get(CONF_CHARGERS, {}))


class V2CCloudConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a V2C Cloud account."""

    VERSION = VERSION
    MINOR_VERSION = MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: V2CCloudConfigEntry) -> V2CCloudOptionsFlow:
        """Return the options flow."""
        return V2CCloudOptionsFlow()

    def _key_schema(self, include_url: bool) -> vol.Schema:
        """Return the API key form, with the base URL field in advanced mode."""
        fields: dict[Any, Any] = {vol.Required(CONF_API_KEY): _KEY_SELECTOR}
        if include_url and self.show_advanced_options:
            fields[vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL)] = TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            )
        return vol.Schema(fields)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose between the V2C Cloud account and a charger on the local network."""
        return self.async_show_menu(step_id="user", menu_options=["cloud", "local"])

    async def async_step_local(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add one charger by its LAN address; no cloud account needed."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            device_id, errors = await _async_probe(self.hass, host, self.show_advanced_options)
            if not errors:
                assert device_id is not None
                await self.async_set_unique_id(device_id)
                self._abort_if_unique_id_configured(updates={CONF_HOST: host})
                for entry in self._async_current_entries(include_ignore=False):
                    if device_id in _known_chargers(self.hass, entry.entry_id, entry.options):
                        return self.async_abort(reason="already_configured")
                return self.async_create_entry(title=f"Trydan {device_id}", data={CONF_HOST: host})
        return self.async_show_form(
            step_id="local",
            data_schema=self.add_suggested_values_to_schema(_HOST_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_cloud(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the API key and check it against the cloud."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            base_url = (user_input.get(CONF_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
            if not base_url.startswith(("https://", "http://")):
                errors[CONF_BASE_URL] = "invalid_url"
            else:
                url = None if base_url == DEFAULT_BASE_URL else base_url
                pairings, errors = await _async_pairings(self.hass, api_key, url)
            if not errors:
                await self.async_set_unique_id(account_id(pairings))
                self._abort_if_unique_id_configured()
                ids = {p.device_id for p in pairings}
                for entry in self._async_current_entries(include_ignore=False):
                    if ids & _known_chargers(self.hass, entry.entry_id, entry.options):
                        return self.async_abort(reason="already_configured")
                data = {CONF_API_KEY: api_key}
                if url:
                    data[CONF_BASE_URL] = url
                return self.async_create_entry(title="V2C Cloud", data=data)
        return self.async_show_form(
            step_id="cloud",
            data_schema=self.add_suggested_values_to_schema(self._key_schema(True), user_input),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start re-authentication after the cloud rejected the key."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API key of the same account."""
        return await self._async_replace_key("reauth_confirm", self._get_reauth_entry(), user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key (or a LAN-only charger's address) keeping entities and history."""
        entry = self._get_reconfigure_entry()
        if CONF_API_KEY in entry.data:
            return await self._async_replace_key("reconfigure", entry, user_input)
        return await self.async_step_reconfigure_local(user_input)

    async def async_step_reconfigure_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change a LAN-only charger's address; it must still be the same charger."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            device_id, errors = await _async_probe(self.hass, host, self.show_advanced_options)
            if not errors:
                await self.async_set_unique_id(device_id)
                self._abort_if_unique_id_mismatch(reason="wrong_charger")
                return self.async_update_reload_and_abort(entry, data_updates={CONF_HOST: host})
        return self.async_show_form(
            step_id="reconfigure_local",
            data_schema=self.add_suggested_values_to_schema(
                _HOST_SCHEMA, user_input or {CONF_HOST: entry.data[CONF_HOST]}
            ),
            errors=errors,
        )

    async def _async_replace_key(
        self, step_id: str, entry: V2CCloudConfigEntry, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Validate a replacement key; a key of another account aborts."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            pairings, errors = await _async_pairings(
                self.hass, api_key, entry.data.get(CONF_BASE_URL)
            )
            if not errors:
                ids = {p.device_id for p in pairings}
                known = _known_chargers(self.hass, entry.entry_id, entry.options)
                if not ids & known and account_id(pairings) != entry.unique_id:
                    return self.async_abort(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: api_key}
                )
        return self.async_show_form(
            step_id=step_id, data_schema=self._key_schema(False), errors=errors
        )


class V2CCloudOptionsFlow(OptionsFlow):
    """Poll interval and per-charger connection mode and LAN address."""

    def __init__(self) -> None:
        """Start with no charger selected."""
        self._options: dict[str, Any] = {}
        self._charger: str | None = None

    def _chargers(self) -> dict[str, str]:
        """Return {device id: name} of the entry's chargers."""
        entry: V2CCloudConfigEntry = self.config_entry
        runtime = getattr(entry, "runtime_data", None)
        if runtime is not None:
            return {d: c.name for d, c in runtime.chargers.items()}
        return {d: d for d in entry.options.get(CONF_CHARGERS, {})}

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose the LAN poll interval and, optionally, a charger to configure."""
        self._options = {
            CONF_SCAN_INTERVAL: self.config_entry.options.get(
                CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL
            ),
            CONF_CHARGERS: dict(self.config_entry.options.get(CONF_CHARGERS, {})),
        }
        if user_input is not None:
            self._options[CONF_SCAN_INTERVAL] = int(user_input[CONF_SCAN_INTERVAL])
            if charger := user_input.get(CONF_CHARGER):
                self._charger = charger
                return await self.async_step_charger()
            return self.async_create_entry(data=self._options)
        fields: dict[Any, Any] = {
            vol.Required(
                CONF_SCAN_INTERVAL, default=self._options[CONF_SCAN_INTERVAL]
            ): NumberSelector(
                NumberSelectorConfig(
                    min=MIN_SCAN_INTERVAL,
                    max=MAX_SCAN_INTERVAL,
                    step=1,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            )
        }
        if CONF_API_KEY in self.config_entry.data and (chargers := self._chargers()):
            fields[vol.Optional(CONF_CHARGER)] = SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=device_id, label=f"{name} ({device_id})")
                        for device_id, name in chargers.items()
                    ],
                    mode=SelectSelectorMode.DROPDOWN,
                )
            )
        return self.async_show_form(step_id="init", data_schema=vol.Schema(fields))

    async def async_step_charger(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set one charger's connection mode and optional LAN address."""
        assert self._charger is not None
        current = self._options[CONF_CHARGERS].get(self._charger, {})
        errors: dict[str, str] = {}
        if user_input is not None and CONF_MODE in user_input:
            host = (user_input.get(CONF_HOST) or "").strip()
            if host:
                sim = is_simulator_url(self.config_entry.data.get(CONF_BASE_URL))
                try:
                    validate_lan_host(host, allow_loopback=sim)
                except V2CValidationError:
                    errors[CONF_HOST] = "invalid_host"
            if not errors:
                settings: dict[str, Any] = {CONF_MODE: user_input[CONF_MODE]}
                if host:
                    settings[CONF_HOST] = host
                self._options[CONF_CHARGERS] = {
                    **self._options[CONF_CHARGERS],
                    self._charger: settings,
                }
                return self.async_create_entry(data=self._options)
        schema = vol.Schema(
            {
                vol.Required(CONF_MODE, default=current.get(CONF_MODE, MODE_LAN)): SelectSelector(
                    SelectSelectorConfig(
                        options=[MODE_LAN, MODE_CLOUD],
                        translation_key=CONF_MODE,
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                vol.Optional(CONF_HOST): TextSelector(),
            }
        )
        return self.async_show_form(
            step_id="charger",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or {CONF_HOST: current.get(CONF_HOST, "")}
            ),
            errors=errors,
            description_placeholders={"name": self._chargers().get(self._charger, self._charger)},
        )
