"""Every V2C Cloud command (PROTOCOL §1.5-§1.8): arguments are validated before anything is sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _validate as check, const as c
from ._transport import Transport

type Params = dict[str, str]


class CloudCommands(Transport):
    """The cloud's commands; any 2xx answer is success and its body is ignored."""

    async def _send(
        self, path: str, params: Params, method: str = "POST", body: Any = None
    ) -> None:
        """Send one command."""
        await self._request(method, path, params, body)

    async def _set(self, path: str, device_id: str, value: str, selector: str = "deviceId") -> None:
        """Send a `value=` command to one device."""
        await self._send(path, _device(device_id, selector, value=value))

    # --- charge control ----------------------------------------------------------------------

    async def start_charge(self, device_id: str) -> None:
        """Start or resume charging."""
        await self._send("/device/startcharge", _device(device_id))

    async def pause_charge(self, device_id: str) -> None:
        """Pause the current session."""
        await self._send("/device/pausecharge", _device(device_id))

    async def set_intensity(self, device_id: str, amps: int) -> None:
        """Set the session's charging current setpoint (A)."""
        await self._set("/device/intensity", device_id, _amps(amps))

    async def set_locked(self, device_id: str, locked: bool) -> None:
        """Lock or unlock the charge point."""
        await self._set("/device/locked", device_id, _flag(locked))

    async def set_dynamic(self, device_id: str, enabled: bool) -> None:
        """Turn dynamic power control (load balancing) on or off."""
        await self._set("/device/dynamic", device_id, _flag(enabled))

    async def set_fv_mode(self, device_id: str, mode: int) -> None:
        """Select the PV charging mode: 0 PV + minimum, 1 exclusive PV, 2 maximum power."""
        await self._set("/device/chargefvmode", device_id, _int(mode, "mode", 0, c.FV_MODE_MAX))

    async def set_min_car_intensity(self, device_id: str, amps: int) -> None:
        """Set the minimum current the EV needs (A)."""
        await self._set("/device/min_car_int", device_id, _amps(amps))

    async def set_max_car_intensity(self, device_id: str, amps: int) -> None:
        """Set the maximum current the EV accepts (A)."""
        await self._set("/device/max_car_int", device_id, _amps(amps))

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
        await self._send("/device/startchargekw", _device(device_id, kw=_energy(kwh)))

    async def start_charge_for_minutes(self, device_id: str, minutes: int) -> None:
        """Start a charge that stops after `minutes`."""
        await self._send(
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
        """Set the installation type: 0 single-phase, 1 three-phase, 2 photovoltaic."""
        checked = _int(value, "value", 0, c.INSTALLATION_TYPE_MAX)
        await self._set("/device/inst_type", device_id, checked)

    async def set_slave_type(self, device_id: str, value: int) -> None:
        """Set the energy-meter ("slave") type; the code tables disagree (PROTOCOL §1.6)."""
        await self._set("/device/slave_type", device_id, _int(value, "value", 0, c.INT32_MAX))

    async def set_language(self, device_id: str, value: int) -> None:
        """Set the display language (0-9)."""
        await self._set("/device/language", device_id, _int(value, "value", 0, c.LANGUAGE_MAX))

    async def set_ocpp_enabled(self, device_id: str, enabled: bool) -> None:
        """Turn OCPP on or off."""
        await self._set("/device/ocpp", device_id, _flag(enabled), "id")

    async def set_ocpp_id(self, device_id: str, ocpp_id: str) -> None:
        """Set the OCPP charge point identifier."""
        checked = check.text(ocpp_id, field="ocpp_id", low=1, high=c.OCPP_ID_MAX)
        await self._set("/device/ocpp_id", device_id, checked, "id")

    async def set_ocpp_address(self, device_id: str, url: str) -> None:
        """Set the OCPP central system URL (ws:// or wss://)."""
        checked = check.ws_url(url, field="url")
        await self._set("/device/ocpp_addr", device_id, checked, "id")

    async def set_inverter_ip(self, device_id: str, ip: str) -> None:
        """Set the private IPv4 address of the linked solar inverter."""
        await self._set("/device/inverter_ip", device_id, check.lan_ipv4(ip, field="ip"), "id")

    async def set_wifi(self, device_id: str, ssid: str, password: str) -> None:
        """Set the Wi-Fi credentials (the vendor puts the password in the query string)."""
        params = _device(
            device_id,
            ssid=check.ssid(ssid),
            password=check.text(
                password,
                field="password",
                low=c.WIFI_PASSWORD_MIN,
                high=c.WIFI_PASSWORD_MAX,
                strip=False,
                secret=True,
            ),
        )
        await self._send("/device/wifi", params)

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
        timer = _int(timer_id, "timer_id", 0, c.TIMER_ID_MAX)
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
        await self._send("/device/timer", params, body=body)

    async def reboot(self, device_id: str) -> None:
        """Reboot the charger."""
        await self._send("/device/reboot", _device(device_id))

    async def update_firmware(self, device_id: str) -> None:
        """Make the charger search for and install the latest firmware."""
        await self._send("/device/update", _device(device_id))

    # --- RFID cards --------------------------------------------------------------------------

    async def register_rfid(self, device_id: str, tag: str) -> None:
        """Enter learning mode: the next card swiped is stored under `tag`."""
        await self._send("/device/rfid", _device(device_id, tag=_rfid(tag, "tag")))

    async def add_rfid_card(self, device_id: str, code: str, tag: str) -> None:
        """Add a card by its UID."""
        params = _device(device_id, code=_rfid(code, "code"), tag=_rfid(tag, "tag"))
        await self._send("/device/rfid/tag", params)

    async def rename_rfid_card(self, device_id: str, code: str, tag: str) -> None:
        """Rename an existing card."""
        params = _device(device_id, code=_rfid(code, "code"), tag=_rfid(tag, "tag"))
        await self._send("/device/rfid/tag", params, "PUT")

    async def delete_rfid_card(self, device_id: str, code: str) -> None:
        """Delete a card by its UID."""
        params = _device(device_id, code=_rfid(code, "code"))
        await self._send("/device/rfid", params, "DELETE")

    # --- power profiles ----------------------------------------------------------------------

    async def create_power_profile(
        self, device_id: str, name: str, updated_at: str, profile: dict[str, Any]
    ) -> None:
        """Create a personalised power profile (body schema undocumented, passed through)."""
        params = _profile_params(device_id, "deviceId", name, updated_at)
        await self._send("/device/savepersonalicepower/v2", params, body=_profile(profile))

    async def update_power_profile(
        self, device_id: str, name: str, updated_at: str, profile: dict[str, Any]
    ) -> None:
        """Update a personalised power profile."""
        params = _profile_params(device_id, "id", name, updated_at)
        await self._send("/device/personalicepower/v2", params, body=_profile(profile))

    async def delete_power_profile(self, device_id: str, name: str, updated_at: str) -> None:
        """Delete a personalised power profile."""
        params = _profile_params(device_id, "deviceId", name, updated_at)
        await self._send("/device/personalicepower/v2", params, "DELETE")


# --- parameter builders (validate first, so nothing is sent on bad input) ---------------------


def _device(device_id: str, selector: str = "deviceId", **extra: str) -> Params:
    """Return the device selector (`deviceId`, or `id` for some endpoints) plus extras."""
    return {selector: check.device_id(device_id), **extra}


def _int(value: int, field: str, low: int, high: int) -> str:
    """Validate an integer range and render it."""
    return str(check.integer(value, field=field, low=low, high=high))


def _amps(value: int) -> str:
    """Validate a current in A."""
    return _int(value, "amps", c.INTENSITY_MIN, c.INTENSITY_MAX)


def _watts(value: int) -> str:
    """Validate a power in W."""
    return _int(value, "watts", c.POWER_MIN_W, c.POWER_MAX_W)


def _minutes(value: int) -> str:
    """Validate a duration in minutes."""
    return _int(value, "minutes", 1, c.INT32_MAX)


def _energy(value: float) -> str:
    """Validate an energy in kWh; format it like the reference (`50.0` -> `50`, `7.5` -> `7.5`)."""
    return f"{check.number(value, field='kwh', low=0, high=c.ENERGY_MAX_KWH, above_low=True):g}"


def _rfid(value: str, field: str) -> str:
    """Validate an RFID card code or label."""
    return check.text(value, field=field, low=1, high=c.RFID_TEXT_MAX)


def _profile_params(device_id: str, selector: str, name: str, updated_at: str) -> Params:
    """Return the query of a profile command."""
    return _device(
        device_id,
        selector,
        name=check.text(name, field="name", low=1, high=c.PROFILE_NAME_MAX),
        updateAt=check.iso_timestamp(updated_at, field="updated_at"),
    )


def _profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a profile body (schema undocumented, passed through)."""
    return check.json_object(profile, field="profile")


def _flag(value: bool) -> str:
    """Encode a boolean the way the cloud expects it."""
    return "1" if value else "0"
