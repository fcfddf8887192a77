"""Config flow for V2C Cloud: API key, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
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
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    MODE_CLOUD,
    MODE_LAN,
)
from .flow_checks import account_id, async_pairings, async_probe, known_chargers
from .helpers import is_loopback_host, is_simulator_url
from .migration import MINOR_VERSION, VERSION
from .runtime import V2CCloudConfigEntry

_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): TextSelector()})
# Collapsed "Advanced" sections: the simulator's API URL, a loopback LAN address (the simulator).
SECTION_ADVANCED = "advanced"
CONF_ALLOW_LOOPBACK = "allow_loopback"
_CLOUD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): _KEY_SELECTOR,
        vol.Optional(SECTION_ADVANCED, default={}): section(
            vol.Schema(
                {
                    vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.URL)
                    )
                }
            ),
            {"collapsed": True},
        ),
    }
)
_LOCAL_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TextSelector(),
        vol.Optional(SECTION_ADVANCED, default={}): section(
            vol.Schema({vol.Optional(CONF_ALLOW_LOOPBACK, default=False): bool}),
            {"collapsed": True},
        ),
    }
)


class V2CCloudConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a V2C Cloud account."""

    VERSION = VERSION
    MINOR_VERSION = MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: V2CCloudConfigEntry) -> V2CCloudOptionsFlow:
        """Return the options flow."""
        return V2CCloudOptionsFlow()

    @callback
    def _async_finish_update(
        self, entry: V2CCloudConfigEntry, data_updates: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Store new entry data and finish; the entry is reloaded with it.

        A loaded entry reloads itself from its update listener (HA 2026.12 refuses a flow that
        reloads an entry with an update listener); when no listener runs (the entry is not
        loaded, or the data did not change), the flow schedules the reload.
        """
        loaded = entry.state is ConfigEntryState.LOADED
        data = {**entry.data, **data_updates}
        if not (self.hass.config_entries.async_update_entry(entry, data=data) and loaded):
            # No listener call: not loaded, or the same key entered again (reauth after the
            # cloud came back): reload here so the entry starts over at once.
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        reason = "reconfigure_successful" if self.source == "reconfigure" else "reauth_successful"
        return self.async_abort(reason=reason)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose between the V2C Cloud account and a charger on the local network."""
        return self.async_show_menu(step_id="user", menu_options=["cloud", "local"])

    async def async_step_local(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add one charger by its LAN address; no cloud account needed."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            loopback = bool(user_input.get(SECTION_ADVANCED, {}).get(CONF_ALLOW_LOOPBACK))
            device_id, errors = await async_probe(self.hass, host, loopback)
            if not errors:
                assert device_id is not None
                await self.async_set_unique_id(device_id)
                existing = self.hass.config_entries.async_entry_for_domain_unique_id(
                    DOMAIN, device_id
                )
                # A loaded entry reloads itself from its update listener when its address changes.
                self._abort_if_unique_id_configured(
                    updates={CONF_HOST: host},
                    reload_on_update=existing is None
                    or existing.state is not ConfigEntryState.LOADED,
                )
                for entry in self._async_current_entries(include_ignore=False):
                    if device_id in known_chargers(self.hass, entry.entry_id, entry.options):
                        return self.async_abort(reason="already_configured")
                return self.async_create_entry(title=f"Trydan {device_id}", data={CONF_HOST: host})
        return self.async_show_form(
            step_id="local",
            data_schema=self.add_suggested_values_to_schema(_LOCAL_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_cloud(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the API key and check it against the cloud."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            advanced = user_input.get(SECTION_ADVANCED) or {}
            base_url = (advanced.get(CONF_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
            if not base_url.startswith(("https://", "http://")):
                errors[CONF_BASE_URL] = "invalid_url"
            else:
                url = None if base_url == DEFAULT_BASE_URL else base_url
                pairings, errors = await async_pairings(self.hass, api_key, url)
            if not errors:
                await self.async_set_unique_id(account_id(pairings))
                self._abort_if_unique_id_configured()
                ids = {p.device_id for p in pairings}
                for entry in self._async_current_entries(include_ignore=False):
                    if ids & known_chargers(self.hass, entry.entry_id, entry.options):
                        return self.async_abort(reason="already_configured")
                data = {CONF_API_KEY: api_key}
                if url:
                    data[CONF_BASE_URL] = url
                return self.async_create_entry(title="V2C Cloud", data=data)
        return self.async_show_form(
            step_id="cloud",
            data_schema=self.add_suggested_values_to_schema(_CLOUD_SCHEMA, user_input),
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
            # A simulator entry (loopback address) may move to another loopback port.
            sim = is_loopback_host(entry.data[CONF_HOST])
            device_id, errors = await async_probe(self.hass, host, sim)
            if not errors:
                await self.async_set_unique_id(device_id)
                self._abort_if_unique_id_mismatch(reason="wrong_charger")
                return self._async_finish_update(entry, {CONF_HOST: host})
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
            pairings, errors = await async_pairings(
                self.hass, api_key, entry.data.get(CONF_BASE_URL)
            )
            if not errors:
                ids = {p.device_id for p in pairings}
                known = known_chargers(self.hass, entry.entry_id, entry.options)
                if not ids & known and account_id(pairings) != entry.unique_id:
                    return self.async_abort(reason="wrong_account")
                return self._async_finish_update(entry, {CONF_API_KEY: api_key})
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): _KEY_SELECTOR}),
            errors=errors,
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
        other = ""
        if user_input is not None and CONF_MODE in user_input:
            host = (user_input.get(CONF_HOST) or "").strip()
            if host:
                sim = is_simulator_url(self.config_entry.data.get(CONF_BASE_URL))
                try:
                    validate_lan_host(host, allow_loopback=sim)
                except V2CValidationError:
                    errors[CONF_HOST] = "invalid_host"
                else:
                    # Refuse an address that answers as another charger (unreachable is fine).
                    found, _ = await async_probe(self.hass, host, sim)
                    if found and found.casefold() != self._charger.casefold():
                        errors[CONF_HOST], other = "wrong_charger", found
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
            description_placeholders={
                "name": self._chargers().get(self._charger, self._charger),
                **({"other": other} if other else {}),
            },
        )
