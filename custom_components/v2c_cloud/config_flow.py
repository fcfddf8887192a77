"""Config flow for V2C Cloud: account or LAN charger, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow, section
from homeassistant.helpers import selector as sel
import voluptuous as vol

from .api import DEFAULT_BASE_URL
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

SECTION_ADVANCED = "advanced"
CONF_ALLOW_LOOPBACK = "allow_loopback"
_TEXT = sel.TextSelector()
_PASSWORD = sel.TextSelector(sel.TextSelectorConfig(type=sel.TextSelectorType.PASSWORD))
_URL = sel.TextSelector(sel.TextSelectorConfig(type=sel.TextSelectorType.URL))


def _with_advanced(schema: vol.Schema, key: str, default: Any, value: Any) -> vol.Schema:
    """Add a collapsed "Advanced" section with one field (for the simulator) to a form."""
    fields = vol.Schema({vol.Optional(key, default=default): value})
    advanced = section(fields, {"collapsed": True})
    return schema.extend({vol.Optional(SECTION_ADVANCED, default={}): advanced})


_KEY_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): _PASSWORD})
_HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): _TEXT})
_CLOUD_SCHEMA = _with_advanced(_KEY_SCHEMA, CONF_BASE_URL, DEFAULT_BASE_URL, _URL)
_LOCAL_SCHEMA = _with_advanced(_HOST_SCHEMA, CONF_ALLOW_LOOPBACK, False, bool)
_INTERVAL = sel.NumberSelector(
    sel.NumberSelectorConfig(
        min=MIN_SCAN_INTERVAL,
        max=MAX_SCAN_INTERVAL,
        unit_of_measurement="s",
        mode=sel.NumberSelectorMode.BOX,
    )
)
_MODE = sel.SelectSelector(
    sel.SelectSelectorConfig(
        options=[MODE_LAN, MODE_CLOUD], translation_key=CONF_MODE, mode=sel.SelectSelectorMode.LIST
    )
)


class V2CCloudConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a V2C Cloud account or one charger on the local network."""

    VERSION = VERSION
    MINOR_VERSION = MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: V2CCloudConfigEntry) -> V2CCloudOptionsFlow:
        """Return the options flow."""
        return V2CCloudOptionsFlow()

    def _form(self, step: str, schema: vol.Schema, values: Any, errors: Any) -> ConfigFlowResult:
        """Show a step's form with the given (or last entered) values and the errors."""
        schema = self.add_suggested_values_to_schema(schema, values)
        return self.async_show_form(step_id=step, data_schema=schema, errors=errors)

    def _abort_if_known(self, device_ids: set[str]) -> None:
        """Abort when another entry already has one of these chargers."""
        for entry in self._async_current_entries(include_ignore=False):
            if device_ids & known_chargers(self.hass, entry):
                raise AbortFlow("already_configured")

    def _async_finish_update(
        self, entry: V2CCloudConfigEntry, data_updates: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Store new entry data and finish; the entry then reloads with it.

        A loaded entry reloads from its update listener (HA 2026.12 refuses a flow that reloads
        an entry with one); if none runs (not loaded, or the same data) the flow reloads it.
        """
        loaded = entry.state is ConfigEntryState.LOADED
        data = {**entry.data, **data_updates}
        if not (self.hass.config_entries.async_update_entry(entry, data=data) and loaded):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(reason=f"{self.source}_successful")  # reauth or reconfigure

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose between the V2C Cloud account and a charger on the local network."""
        return self.async_show_menu(step_id="user", menu_options=["cloud", "local"])

    async def async_step_local(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add one charger by its LAN address; no cloud account needed."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            loopback = bool(user_input.get(SECTION_ADVANCED, {}).get(CONF_ALLOW_LOOPBACK))
            if device_id := await async_probe(self.hass, host, loopback, errors):
                existing = await self.async_set_unique_id(device_id)
                # A loaded entry reloads itself from its update listener when its address changes.
                loaded = existing is not None and existing.state is ConfigEntryState.LOADED
                self._abort_if_unique_id_configured({CONF_HOST: host}, reload_on_update=not loaded)
                self._abort_if_known({device_id})
                return self.async_create_entry(title=f"Trydan {device_id}", data={CONF_HOST: host})
        return self._form("local", _LOCAL_SCHEMA, user_input, errors)

    async def async_step_cloud(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the API key and check it against the cloud."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            advanced = user_input.get(SECTION_ADVANCED) or {}
            base_url = (advanced.get(CONF_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
            url = None if base_url == DEFAULT_BASE_URL else base_url
            if not base_url.startswith(("https://", "http://")):
                errors[CONF_BASE_URL] = "invalid_url"
            elif pairings := await async_pairings(self.hass, api_key, url, errors):
                await self.async_set_unique_id(account_id(pairings))
                self._abort_if_unique_id_configured()
                self._abort_if_known({p.device_id for p in pairings})
                data = {CONF_API_KEY: api_key} | ({CONF_BASE_URL: url} if url else {})
                return self.async_create_entry(title="V2C Cloud", data=data)
        return self._form("cloud", _CLOUD_SCHEMA, user_input, errors)

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
            loopback = is_loopback_host(entry.data[CONF_HOST])
            if device_id := await async_probe(self.hass, host, loopback, errors):
                await self.async_set_unique_id(device_id)
                self._abort_if_unique_id_mismatch(reason="wrong_charger")
                return self._async_finish_update(entry, {CONF_HOST: host})
        return self._form("reconfigure_local", _HOST_SCHEMA, user_input or entry.data, errors)

    async def _async_replace_key(
        self, step_id: str, entry: V2CCloudConfigEntry, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Validate a replacement key; a key of another account aborts."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            url = entry.data.get(CONF_BASE_URL)
            if pairings := await async_pairings(self.hass, api_key, url, errors):
                mine = {p.device_id for p in pairings} & known_chargers(self.hass, entry)
                if not mine and account_id(pairings) != entry.unique_id:
                    return self.async_abort(reason="wrong_account")
                return self._async_finish_update(entry, {CONF_API_KEY: api_key})
        return self._form(step_id, _KEY_SCHEMA, None, errors)


class V2CCloudOptionsFlow(OptionsFlow):
    """Poll interval and per-charger connection mode and LAN address."""

    _options: dict[str, Any]  # set by the init step
    _charger = ""

    def _chargers(self) -> dict[str, str]:
        """Return {device id: name} of the entry's chargers."""
        if (runtime := getattr(self.config_entry, "runtime_data", None)) is not None:
            return {d: c.name for d, c in runtime.chargers.items()}
        return {d: d for d in self.config_entry.options.get(CONF_CHARGERS, {})}

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose the LAN poll interval and, optionally, a charger to configure."""
        options = self.config_entry.options
        if user_input is not None:
            self._options = {
                CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL]),
                CONF_CHARGERS: dict(options.get(CONF_CHARGERS, {})),
            }
            self._charger = user_input.get(CONF_CHARGER, "")
            if self._charger:
                return await self.async_step_charger()
            return self.async_create_entry(data=self._options)
        interval = vol.Required(
            CONF_SCAN_INTERVAL, default=options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        )
        fields: dict[vol.Marker, Any] = {interval: _INTERVAL}
        if CONF_API_KEY in self.config_entry.data and (chargers := self._chargers()):
            choices = [
                sel.SelectOptionDict(value=d, label=f"{n} ({d})") for d, n in chargers.items()
            ]
            fields[vol.Optional(CONF_CHARGER)] = sel.SelectSelector(
                sel.SelectSelectorConfig(options=choices, mode=sel.SelectSelectorMode.DROPDOWN)
            )
        return self.async_show_form(step_id="init", data_schema=vol.Schema(fields))

    async def async_step_charger(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set one charger's connection mode and optional LAN address."""
        current = self._options[CONF_CHARGERS].get(self._charger, {})
        errors: dict[str, str] = {}
        placeholders = {"name": self._chargers().get(self._charger, self._charger)}
        if user_input is not None:
            settings = {CONF_MODE: user_input[CONF_MODE]}
            if host := (user_input.get(CONF_HOST) or "").strip():
                settings[CONF_HOST] = host
                sim = is_simulator_url(self.config_entry.data.get(CONF_BASE_URL))
                # Refuse a bad address or one that answers as another charger (unreachable is fine).
                probe_errors: dict[str, str] = {}
                found = await async_probe(self.hass, host, sim, probe_errors)
                if CONF_HOST in probe_errors:
                    errors = probe_errors
                elif found and found.casefold() != self._charger.casefold():
                    errors[CONF_HOST], placeholders["other"] = "wrong_charger", found
            if not errors:
                chargers = {**self._options[CONF_CHARGERS], self._charger: settings}
                return self.async_create_entry(data={**self._options, CONF_CHARGERS: chargers})
        mode = vol.Required(CONF_MODE, default=current.get(CONF_MODE, MODE_LAN))
        schema = vol.Schema({mode: _MODE, vol.Optional(CONF_HOST): _TEXT})
        values = user_input or {CONF_HOST: current.get(CONF_HOST, "")}
        return self.async_show_form(
            step_id="charger",
            data_schema=self.add_suggested_values_to_schema(schema, values),
            errors=errors,
            description_placeholders=placeholders,
        )
