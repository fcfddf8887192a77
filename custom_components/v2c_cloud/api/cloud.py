"""Client for the V2C Cloud REST API (PROTOCOL §1); one call is one request, never retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiohttp import ClientSession

from . import _validate as check, const as c, normalize as parse
from ._cloud_commands import CloudCommands, Params, _device
from ._http import decode_body
from .exceptions import V2CResponseError, V2CValidationError
from .models import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    PowerProfile,
    ReportedState,
    RfidCard,
    StatisticsRecord,
    WifiNetwork,
)


class V2CCloudClient(CloudCommands):
    """Talk to the V2C Cloud with an account API key (header `apikey`)."""

    def __init__(
        self,
        *,
        api_key: str,
        session: ClientSession,
        base_url: str = c.DEFAULT_BASE_URL,
        request_timeout: float = c.CLOUD_REQUEST_TIMEOUT,
    ) -> None:
        """Store the key and the injected session; nothing is sent yet."""
        key = api_key.strip() if isinstance(api_key, str) else ""
        if not key or not key.isprintable():
            raise V2CValidationError(
                "The API key is empty or contains control characters",
                field="api_key",
                constraint="non-empty printable text",
            )
        super().__init__(
            session=session,
            base_url=base_url,
            peer="V2C Cloud",
            request_timeout=request_timeout,
            cloud=True,
            headers={"apikey": key},
        )

    def __repr__(self) -> str:
        """Describe the client without its API key."""
        return f"V2CCloudClient(base_url={self.base_url!r})"

    async def _read[T](
        self, path: str, params: Params, parse_fn: Callable[[Any], T], method: str = "GET"
    ) -> T:
        """Send a read request and parse its decoded body (204/empty -> None)."""
        reply = await self._request(method, path, params)
        try:
            data = None if reply.status == 204 else decode_body(reply.text, reply.content_type)
            return parse_fn(data)
        except V2CResponseError as err:
            raise V2CResponseError(f"{method} {path}: {err}", status=reply.status) from err

    # --- reads -------------------------------------------------------------------------------

    async def pairings(self) -> list[Pairing]:
        """Return the chargers paired with the account."""
        return await self._read("/pairings/me", {}, parse.parse_pairings)

    async def reported(self, device_id: str) -> ReportedState:
        """Return the device shadow (last reported state)."""
        return await self._read("/device/reported", _device(device_id), parse.parse_reported)

    async def charge_status(self, device_id: str) -> ChargeStatus:
        """Return the live charge telemetry (a POST although it only reads)."""
        return await self._read(
            "/device/currentstatecharge", _device(device_id), parse.parse_charge_status, "POST"
        )

    async def connected(self, device_id: str) -> bool:
        """Return whether the cloud sees the charger online (PROTOCOL §7.4)."""
        return await self._read("/device/connected", _device(device_id), parse.parse_connected)

    async def version(self, device_id: str) -> FirmwareInfo:
        """Return firmware and model metadata."""
        return await self._read("/version", _device(device_id), parse.parse_firmware)

    async def rfid_cards(self, device_id: str) -> list[RfidCard]:
        """Return the RFID cards stored on the charger."""
        return await self._read("/device/rfid", _device(device_id), parse.parse_rfid_cards)

    async def wifi_networks(self, device_id: str) -> list[WifiNetwork]:
        """Make the charger scan and return the Wi-Fi networks it sees."""
        return await self._read(
            "/device/wifilist", _device(device_id, "id"), parse.parse_wifi_networks
        )

    async def device_statistics(
        self, device_id: str, date_start: date | None = None, date_end: date | None = None
    ) -> list[StatisticsRecord]:
        """Return charge sessions (the last 5 without dates), filtered on the charge date."""
        params = _device(device_id) | check.date_range(date_start, date_end, prefix="chargeDate")
        return await self._read("/stadistic/device", params, parse.parse_statistics)

    async def global_statistics(
        self, date_start: date | None = None, date_end: date | None = None
    ) -> list[dict[str, Any]]:
        """Return account-wide aggregates (shape unknown), filtered on the end-of-charge date."""
        params = check.date_range(date_start, date_end, prefix="endChargeDate")
        return await self._read("/stadistic/global/me", params, parse.parse_global_statistics)

    async def power_profile(self, device_id: str, updated_at: str) -> PowerProfile:
        """Return one personalised power profile, keyed by its timestamp."""
        params = _device(device_id, updateAt=check.iso_timestamp(updated_at, field="updated_at"))
        return await self._read("/device/personalicepower/v2", params, parse.parse_power_profile)

    async def power_profiles(self, device_id: str) -> list[PowerProfile]:
        """Return every personalised power profile of the charger."""
        return await self._read(
            "/device/personalicepower/all", _device(device_id), parse.parse_power_profiles
        )
