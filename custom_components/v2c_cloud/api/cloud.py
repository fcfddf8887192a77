"""Client for the V2C Cloud REST API (PROTOCOL §1); one call is one request, never retried."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
import logging
from typing import Any

from aiohttp import ClientConnectorError, ClientError, ClientSession

from . import _validate as check
from ._http import decode_body, decode_text, parse_rate_limit, redact_query, scrub, snippet
from .const import (
    CLOUD_REQUEST_TIMEOUT,
    DEFAULT_BASE_URL,
    ENERGY_MAX_KWH,
    FV_MODE_MAX,
    INSTALLATION_TYPE_MAX,
    INT32_MAX,
    INTENSITY_MAX,
    INTENSITY_MIN,
    LANGUAGE_MAX,
    OCPP_ID_MAX,
    POWER_MAX_W,
    POWER_MIN_W,
    PROFILE_NAME_MAX,
    REDACTED_QUERY_KEYS,
    RFID_TEXT_MAX,
    TIMER_ID_MAX,
    WIFI_PASSWORD_MAX,
    WIFI_PASSWORD_MIN,
)
from .exceptions import (
    V2CAuthenticationError,
    V2CConnectionError,
    V2CRateLimitError,
    V2CResponseError,
    V2CTimeoutError,
    V2CValidationError,
)
from .models import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    PowerProfile,
    RateLimitSnapshot,
    ReportedState,
    RfidCard,
    StatisticsRecord,
    WifiNetwork,
)
from .normalize import (
    parse_charge_status,
    parse_connected,
    parse_firmware,
    parse_global_statistics,
    parse_pairings,
    parse_power_profile,
    parse_power_profiles,
    parse_reported,
    parse_rfid_cards,
    parse_statistics,
    parse_wifi_networks,
)

_LOGGER = logging.getLogger(__name__)

type Params = dict[str, str]


@dataclass(frozen=True, slots=True)
class _Reply:
    """A successful (2xx) HTTP answer."""

    status: int
    text: str
    content_type: str


def _flag(value: bool) -> str:
    """Encode a boolean the way the cloud expects it."""
    return "1" if value else "0"


def _kwh(value: float) -> str:
    """Format kWh like the reference integration (`50.0` -> `50`, `7.5` -> `7.5`)."""
    return f"{value:g}"


class V2CCloudClient:
    """Talk to the V2C Cloud with an account API key (header `apikey`)."""

    def __init__(
        self,
        *,
        api_key: str,
        session: ClientSession,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = CLOUD_REQUEST_TIMEOUT,
    ) -> None:
        """Store the key and the injected session; nothing is sent yet."""
        key = api_key.strip() if isinstance(api_key, str) else ""
        if not key or not key.isprintable():
            raise V2CValidationError(
                "The API key is empty or contains control characters",
                field="api_key",
                constraint="non-empty printable text",
            )
        self._api_key = key
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.request_timeout = request_timeout
        self.request_count = 0
        self.rate_limit: RateLimitSnapshot | None = None

    def __repr__(self) -> str:
        """Describe the client without its API key."""
        return f"V2CCloudClient(base_url={self.base_url!r})"

    # --- transport ---------------------------------------------------------------------------

    async def _send(self, method: str, path: str, params: Params, json_body: Any = None) -> _Reply:
        """Send one request and map transport failures and error statuses to typed errors."""
        secrets = [self._api_key] + [
            value for key, value in params.items() if key.lower() in REDACTED_QUERY_KEYS
        ]
        where = f"{method} {path}"
        _LOGGER.debug("V2C Cloud request %s%s", where, redact_query(params))
        self.request_count += 1
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.request(
                    method,
                    f"{self.base_url}{path}",
                    params=params,
                    json=json_body,
                    headers={"apikey": self._api_key},
                    # A redirect would carry the apikey header to wherever it points.
                    allow_redirects=False,
                ) as response,
            ):
                body = await response.read()
                status, content_type = response.status, response.content_type
                headers = response.headers
        except TimeoutError as err:
            raise V2CTimeoutError(
                f"V2C Cloud did not answer {where} within {self.request_timeout:g} s"
            ) from err
        except (ClientError, OSError) as err:
            if isinstance(err, ClientConnectorError):
                # No connection was made (refused, DNS): nothing reached the server, no quota spent.
                self.request_count -= 1
            detail = scrub(f"{type(err).__name__}: {err}", secrets)
            raise V2CConnectionError(f"Cannot reach V2C Cloud for {where}: {detail}") from err

        if (snapshot := parse_rate_limit(headers)) is not None:
            self.rate_limit = snapshot
        _LOGGER.debug("V2C Cloud answered %s with HTTP %s (%d bytes)", where, status, len(body))
        text = decode_text(body)
        if status in (401, 403):
            raise V2CAuthenticationError(
                f"V2C Cloud refused the API key for {where} (HTTP {status})", status=status
            )
        if status == 429:
            raise V2CRateLimitError(f"V2C Cloud rate limit hit on {where} (HTTP 429)", status=429)
        if status >= 300:
            excerpt = snippet(text, secrets)
            raise V2CResponseError(
                f"V2C Cloud error on {where}: HTTP {status}" + (f" {excerpt}" if excerpt else ""),
                status=status,
            )
        return _Reply(status=status, text=text, content_type=content_type)

    async def _read[T](
        self, method: str, path: str, params: Params, parse: Callable[[Any], T]
    ) -> T:
        """Send a read request and parse its decoded body (204/empty -> None)."""
        reply = await self._send(method, path, params)
        try:
            data = None if reply.status == 204 else decode_body(reply.text, reply.content_type)
            return parse(data)
        except V2CResponseError as err:
            raise V2CResponseError(f"{method} {path}: {err}", status=reply.status) from err

    async def _command(
        self, path: str, params: Params, *, method: str = "POST", json_body: Any = None
    ) -> None:
        """Send a command; any 2xx is success and the body is ignored."""
        await self._send(method, path, params, json_body)

    async def _set(
        self, path: str, device_id: str, value: str, *, selector: str = "deviceId"
    ) -> None:
        """Send a `value=` command to one device."""
        await self._command(path, _device(device_id, selector, value=value))

    # --- reads -------------------------------------------------------------------------------

    async def pairings(self) -> list[Pairing]:
        """Return the chargers paired with the account."""
        return await self._read("GET", "/pairings/me", {}, parse_pairings)

    async def reported(self, device_id: str) -> ReportedState:
        """Return the device shadow (last reported state)."""
        return await self._read("GET", "/device/reported", _device(device_id), parse_reported)

    async def charge_status(self, device_id: str) -> ChargeStatus:
        """Return the live charge telemetry (a POST although it only reads)."""
        return await self._read(
            "POST", "/device/currentstatecharge", _device(device_id), parse_charge_status
        )

    async def connected(self, device_id: str) -> bool:
        """Return whether the cloud sees the charger online (PROTOCOL §7.4)."""
        return await self._read("GET", "/device/connected", _device(device_id), parse_connected)

    async def version(self, device_id: str) -> FirmwareInfo:
        """Return firmware and model metadata."""
        return await self._read("GET", "/version", _device(device_id), parse_firmware)

    async def rfid_cards(self, device_id: str) -> list[RfidCard]:
        """Return the RFID cards stored on the charger."""
        return await self._read("GET", "/device/rfid", _device(device_id), parse_rfid_cards)

    async def wifi_networks(self, device_id: str) -> list[WifiNetwork]:
        """Make the charger scan and return the Wi-Fi networks it sees."""
        return await self._read(
            "GET", "/device/wifilist", _device(device_id, "id"), parse_wifi_networks
        )

    async def device_statistics(
        self, device_id: str, date_start: date | None = None, date_end: date | None = None
    ) -> list[StatisticsRecord]:
        """Return charge sessions (the last 5 without dates), filtered on the charge date."""
        params = _device(device_id) | check.date_range(date_start, date_end, prefix="chargeDate")
        return await self._read("GET", "/stadistic/device", params, parse_statistics)

    async def global_statistics(
        self, date_start: date | None = None, date_end: date | None = None
    ) -> list[dict[str, Any]]:
        """Return account-wide aggregates (shape unknown), filtered on the end-of-charge date."""
        params = check.date_range(date_start, date_end, prefix="endChargeDate")
        return await self._read("GET", "/stadistic/global/me", params, parse_global_statistics)

    async def power_profile(self, device_id: str, updated_at: str) -> PowerProfile:
        """Return one personalised power profile, keyed by its timestamp."""
        params = _device(device_id, updateAt=check.iso_timestamp(updated_at, field="updated_at"))
        return await self._read("GET", "/device/personalicepower/v2", params, parse_power_profile)

    async def power_profiles(self, device_id: str) -> list[PowerProfile]:
        """Return every personalised power profile of the charger."""
        return await self._read(
            "GET", "/device/personalicepower/all", _device(device_id), parse_power_profiles
        )

    # --- charge control ----------------------------------------------------------------------

    async def start_charge(self, device_id: str) -> None:
        """Start or resume charging."""
        await self._command("/device/startcharge", _device(device_id))

    async def pause_charge(self, device_id: str) -> None:
        """Pause the current session."""
        await self._command("/device/pausecharge", _device(device_id))

    async def set_intensity(self, device_id: str, amps: int) -> None:
        """Set the session's charging current setpoint (A)."""
        await self._set("/device/intensity", device_id, _amps(amps, "amps"))

    async def set_locked(self, device_id: str, locked: bool) -> None:
        """Lock or unlock the charge point."""
        await self._set("/device/locked", device_id, _flag(locked))

    async def set_dynamic(self, device_id: str, enabled: bool) -> None:
        """Turn dynamic power control (load balancing) on or off."""
        await self._set("/device/dynamic", device_id, _flag(enabled))

    async def set_fv_mode(self, device_id: str, mode: int) -> None:
        """Select the photovoltaic charging mode (0-2, see FvMode)."""
        await self._set("/device/chargefvmode", device_id, _int(mode, "mode", 0, FV_MODE_MAX))

    async def set_min_car_intensity(self, device_id: str, amps: int) -> None:
        """Set the minimum current the EV needs (A)."""
        await self._set("/device/min_car_int", device_id, _amps(amps, "amps"))

    async def set_max_car_intensity(self, device_id: str, amps: int) -> None:
        """Set the maximum current the EV accepts (A)."""
        await self._set("/device/max_car_int", device_id, _amps(amps, "amps"))

    async def set_max_power(self, device_id: str, watts: int) -> None:
        """Set the maximum power of the whole installation (W); unused by the reference."""
        await self._set("/device/maxpower", device_id, _watts(watts))

    async def set_denka_max_power(self, device_id: str, watts: int) -> None:
        """Set the maximum power (W) through the Denka endpoint (early vendor draft only)."""
        await self._set("/device/denka/max_power", device_id, _watts(watts))

    async def set_charge_stop_energy(self, device_id: str, kwh: float) -> None:
        """Stop the charge automatically after `kwh` delivered."""
        await self._set("/device/charger_until_energy", device_id, _energy(kwh))

    async def set_charge_stop_minutes(self, device_id: str, minutes: int) -> None:
        """Stop the charge automatically after `minutes`."""
        await self._set("/device/charger_until_minutes", device_id, _minutes(minutes))

    async def start_charge_for_energy(self, device_id: str, kwh: float) -> None:
        """Start a charge that stops after `kwh` delivered."""
        await self._command("/device/startchargekw", _device(device_id, kw=_energy(kwh)))

    async def start_charge_for_minutes(self, device_id: str, minutes: int) -> None:
        """Start a charge that stops after `minutes`."""
        await self._command(
            "/device/startchargeminutes", _device(device_id, minutes=_minutes(minutes))
        )

    # --- configuration -----------------------------------------------------------------------

    async def set_rfid_reader(self, device_id: str, enabled: bool) -> None:
        """Turn the RFID reader on or off."""
        await self._set("/device/set_rfid", device_id, _flag(enabled))

    async def set_logo_led(self, device_id: str, on: bool) -> None:
        """Turn the logo LED on or off."""
        await self._set("/device/logo_led", device_id, _flag(on))

    async def set_installation_type(self, device_id: str, value: int) -> None:
        """Set the installation type (0-2, see InstallationType)."""
        checked = _int(value, "value", 0, INSTALLATION_TYPE_MAX)
        await self._set("/device/inst_type", device_id, checked)

    async def set_slave_type(self, device_id: str, value: int) -> None:
        """Set the energy-meter ("slave") type; the code tables disagree (PROTOCOL §1.6)."""
        await self._set("/device/slave_type", device_id, _int(value, "value", 0, INT32_MAX))

    async def set_language(self, device_id: str, value: int) -> None:
        """Set the display language (0-9)."""
        await self._set("/device/language", device_id, _int(value, "value", 0, LANGUAGE_MAX))

    async def set_ocpp_enabled(self, device_id: str, enabled: bool) -> None:
        """Turn OCPP on or off."""
        await self._set("/device/ocpp", device_id, _flag(enabled), selector="id")

    async def set_ocpp_id(self, device_id: str, ocpp_id: str) -> None:
        """Set the OCPP charge point identifier."""
        checked = check.text(ocpp_id, field="ocpp_id", low=1, high=OCPP_ID_MAX)
        await self._set("/device/ocpp_id", device_id, checked, selector="id")

    async def set_ocpp_address(self, device_id: str, url: str) -> None:
        """Set the OCPP central system URL (ws:// or wss://)."""
        checked = check.ws_url(url, field="url")
        await self._set("/device/ocpp_addr", device_id, checked, selector="id")

    async def set_inverter_ip(self, device_id: str, ip: str) -> None:
        """Set the private IPv4 address of the linked solar inverter."""
        await self._set(
            "/device/inverter_ip", device_id, check.lan_ipv4(ip, field="ip"), selector="id"
        )

    async def set_wifi(self, device_id: str, ssid: str, password: str) -> None:
        """Set the Wi-Fi credentials (the vendor puts the password in the query string)."""
        params = _device(
            device_id,
            ssid=check.ssid(ssid),
            password=check.text(
                password,
                field="password",
                low=WIFI_PASSWORD_MIN,
                high=WIFI_PASSWORD_MAX,
                strip=False,
                secret=True,
            ),
        )
        await self._command("/device/wifi", params)

    async def set_timer(
        self,
        device_id: str,
        timer_id: int,
        start: str,
        end: str,
        active: bool = True,
        weekdays: str | None = None,
    ) -> None:
        """Program one of the two timers; end < start wraps past midnight (PROTOCOL §1.7)."""
        timer = _int(timer_id, "timer_id", 0, TIMER_ID_MAX)
        begin = check.time_of_day(start, field="start")
        finish = check.time_of_day(end, field="end")
        # The two vendor specs disagree on names, so send both (as the reference does).
        body: dict[str, Any] = {
            "start_time": begin,
            "end_time": finish,
            "timeStart": begin,
            "timeEnd": finish,
            "active": bool(active),
        }
        if weekdays is not None:
            # Only in the old vendor spec; its effect is unverified (PROTOCOL §9.5).
            body["daysOfWeek"] = check.weekdays(weekdays)
        params = _device(device_id, timerId=timer, **{"timer id": timer})
        await self._command("/device/timer", params, json_body=body)

    async def reboot(self, device_id: str) -> None:
        """Reboot the charger."""
        await self._command("/device/reboot", _device(device_id))

    async def update_firmware(self, device_id: str) -> None:
        """Make the charger search for and install the latest firmware."""
        await self._command("/device/update", _device(device_id))

    # --- RFID cards --------------------------------------------------------------------------

    async def register_rfid(self, device_id: str, tag: str) -> None:
        """Enter learning mode: the next card swiped is stored under `tag`."""
        await self._command("/device/rfid", _device(device_id, tag=_rfid(tag, "tag")))

    async def add_rfid_card(self, device_id: str, code: str, tag: str) -> None:
        """Add a card by its UID."""
        params = _device(device_id, code=_rfid(code, "code"), tag=_rfid(tag, "tag"))
        await self._command("/device/rfid/tag", params)

    async def rename_rfid_card(self, device_id: str, code: str, tag: str) -> None:
        """Rename an existing card."""
        params = _device(device_id, code=_rfid(code, "code"), tag=_rfid(tag, "tag"))
        await self._command("/device/rfid/tag", params, method="PUT")

    async def delete_rfid_card(self, device_id: str, code: str) -> None:
        """Delete a card by its UID."""
        params = _device(device_id, code=_rfid(code, "code"))
        await self._command("/device/rfid", params, method="DELETE")

    # --- power profiles ----------------------------------------------------------------------

    async def create_power_profile(
        self, device_id: str, name: str, updated_at: str, profile: dict[str, Any]
    ) -> None:
        """Create a personalised power profile (body schema undocumented, passed through)."""
        await self._save_profile(
            "/device/savepersonalicepower/v2", "deviceId", device_id, name, updated_at, profile
        )

    async def update_power_profile(
        self, device_id: str, name: str, updated_at: str, profile: dict[str, Any]
    ) -> None:
        """Update a personalised power profile."""
        await self._save_profile(
            "/device/personalicepower/v2", "id", device_id, name, updated_at, profile
        )

    async def delete_power_profile(self, device_id: str, name: str, updated_at: str) -> None:
        """Delete a personalised power profile."""
        params = _profile_params(device_id, "deviceId", name, updated_at)
        await self._command("/device/personalicepower/v2", params, method="DELETE")

    async def _save_profile(
        self,
        path: str,
        selector: str,
        device_id: str,
        name: str,
        updated_at: str,
        profile: Mapping[str, Any],
    ) -> None:
        """Create or update a profile: query name/updateAt, JSON body."""
        params = _profile_params(device_id, selector, name, updated_at)
        body = check.json_object(profile, field="profile")
        await self._command(path, params, json_body=body)


# --- parameter builders (validate first, so nothing is sent on bad input) ---------------------


def _device(device_id: str, selector: str = "deviceId", **extra: str) -> Params:
    """Return the device selector (`deviceId`, or `id` for some endpoints) plus extras."""
    return {selector: check.device_id(device_id), **extra}


def _int(value: int, field: str, low: int, high: int) -> str:
    """Validate an integer range and render it."""
    return str(check.integer(value, field=field, low=low, high=high))


def _amps(value: int, field: str) -> str:
    """Validate a current in A."""
    return _int(value, field, INTENSITY_MIN, INTENSITY_MAX)


def _watts(value: int) -> str:
    """Validate a power in W."""
    return _int(value, "watts", POWER_MIN_W, POWER_MAX_W)


def _minutes(value: int) -> str:
    """Validate a duration in minutes."""
    return _int(value, "minutes", 1, INT32_MAX)


def _energy(value: float) -> str:
    """Validate an energy in kWh and format it."""
    return _kwh(check.positive_number(value, field="kwh", high=ENERGY_MAX_KWH))


def _rfid(value: str, field: str) -> str:
    """Validate an RFID card code or label."""
    return check.text(value, field=field, low=1, high=RFID_TEXT_MAX)


def _profile_params(device_id: str, selector: str, name: str, updated_at: str) -> Params:
    """Return the query of a profile command."""
    return _device(
        device_id,
        selector,
        name=check.text(name, field="name", low=1, high=PROFILE_NAME_MAX),
        updateAt=check.iso_timestamp(updated_at, field="updated_at"),
    )
