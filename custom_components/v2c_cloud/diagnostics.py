"""Diagnostics for V2C Cloud: entry, budget and per-charger state, with secrets redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .charger import V2CCharger
from .const import DOMAIN
from .runtime import V2CCloudConfigEntry

TO_REDACT = {
    CONF_API_KEY,
    "apikey",
    "token",
    "password",
    "ssid",
    "ip",
    "IP",
    "SSID",
    "mac",
    "MAC",
    CONF_HOST,
    "host",
    "wifi_info",
    "wifi_ip",
    "wifi_static",
    "static_ip",
    "huawei_ip",
    "inverter_ip",
    "last_lan_ip",
    "lan_client_host",
    "base_url",
    "latitude",
    "longitude",
    "unique_id",
    "ocpp_addr",
    "rfidCode",
    "code",
}


def _charger(charger: V2CCharger) -> dict[str, Any]:
    """Return one charger's LAN link, live data and cloud data (the models' as_dict)."""
    lan, cloud = charger.realtime, charger.cloud_state
    models = {
        "realtime": lan.data,
        "pairing": cloud.pairing,
        "reported": cloud.reported,
        "charge_status": cloud.status,
        "firmware": cloud.firmware,
    }
    return {
        "mode": lan.mode,
        "host": lan.host_override,
        "lan_client_host": client.host if (client := lan.lan_client()) else None,
        "lan_ok": lan.lan_ok,
        "lan_failures": lan.lan_failures,
        "outage_since": lan.outage_since.isoformat() if lan.outage_since else None,
        "realtime_success": lan.last_update_success,
        **{name: model.as_dict() if model else None for name, model in models.items()},
        "cloud_plan": charger.cloud.schedule.describe(charger.device_id) if charger.cloud else None,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: V2CCloudConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for the whole account."""
    runtime = entry.runtime_data
    cloud = runtime.cloud
    return async_redact_data(
        {
            "entry": entry.as_dict(),
            "cloud": None
            if cloud is None
            else {
                "last_update_success": cloud.last_update_success,
                "update_interval": cloud.update_interval.total_seconds()
                if cloud.update_interval
                else None,
                "plan": {
                    "pacing": cloud.schedule.plan.pacing.value,
                    "calls_per_day": round(cloud.schedule.plan.calls_per_day()),
                },
                "requests_since_start": cloud.client.request_count,
                "budget": cloud.ledger.as_dict(),
            },
            "chargers": {d: _charger(c) for d, c in runtime.chargers.items()},
        },
        TO_REDACT,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: V2CCloudConfigEntry, device: dr.DeviceEntry
) -> dict[str, Any]:
    """Return diagnostics for one charger."""
    chargers = entry.runtime_data.chargers
    device_id = next(
        (ident for domain, ident in device.identifiers if domain == DOMAIN and ident in chargers),
        None,
    )
    if device_id is None:
        return {}
    return async_redact_data({"device_id": device_id, **_charger(chargers[device_id])}, TO_REDACT)
