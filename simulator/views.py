"""Cloud payloads built from the shared charger state (PROTOCOL.md §1.4, §1.5, §5)."""

from __future__ import annotations

import json
import random
from typing import Any

from .state import SimCharger


def f6(value: float) -> str:
    """Format like the service's printf %f: "1.380000"."""
    return f"{value:.6f}"


def bit(value: bool) -> str:
    """Format a flag as "0"/"1"."""
    return "1" if value else "0"


def short(value: float) -> str:
    """Format a number without a useless fraction: 46.0 -> "46", 34.5 -> "34.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def reported(charger: SimCharger) -> dict[str, str]:
    """Return the /device/reported shadow, every value a string."""
    wifi_info = {"ssid": charger.ssid, "ip": charger.ip, "static_mode": "1", "status": "0"}
    return {
        "device_id": charger.device_id,
        "deviceId": charger.device_id,
        "version": charger.firmware,
        "mac": charger.mac,
        "wifi_info": json.dumps(wifi_info, separators=(",", ":")),
        "intensity": str(charger.intensity),
        "min_car_int": str(charger.min_intensity),
        "max_car_int": str(charger.max_intensity),
        "light_led": f6(charger.light_led / 100),
        "logo_led": str(charger.logo_led),
        "contract_power": short(charger.contracted_power / 100),
        "dynamic": bit(charger.dynamic),
        "locked": bit(charger.locked),
        "pause": bit(charger.paused),
        "inst_type": str(charger.installation_type),
        "slave_type": str(charger.slave_type),
        "language": str(charger.language),
        "set_rfid": bit(charger.rfid_enabled),
        "ocpp": bit(charger.ocpp_enabled),
        "pause_dynamic": bit(charger.pause_dynamic),
        "timer": bit(charger.timer),
        "chargefvmode": str(charger.fv_mode),
        "connected": bit(charger.connected),
    }


def current_state_charge(charger: SimCharger) -> dict[str, str]:
    """Return the /device/currentstatecharge telemetry: strings, powers in kW."""
    grid = charger.house_power + charger.charge_power - charger.fv_power - charger.battery_power
    return {
        "charge_state": str(charger.charge_state),
        "power": f6(charger.charge_power / 1000),
        "energy": f6(charger.charge_energy),
        "seconds": str(int(charger.charge_time)),
        "intensity": str(charger.live_intensity),
        "house_power": f6(charger.house_power / 1000),
        "sun_power": f6(charger.fv_power / 1000),
        "battery": f6(charger.battery_power / 1000),
        "grid_power": f6(grid / 1000),
        "phases": str(charger.phases if charger.charging else 0),
        "photovoltaic_on": bit(charger.installation_type == 2),
        "error": str(charger.slave_error),
        "cp_level": f6(charger.voltage_installation),
        "voltage": f6(charger.voltage_reading),
    }


def pairing(charger: SimCharger, *, master: bool) -> dict[str, Any]:
    """Return one /pairings/me element; ip is the LAN host or "" for cloud-only."""
    return {
        "deviceId": charger.device_id,
        "tag": charger.name,
        "model": 1,
        "priceMode": 1,
        "price": 0.15,
        "coCost": 0.31,
        "latitude": 40.4168,
        "longitude": -3.7038,
        "master": master,
        "ip": charger.ip,
        "createdAt": "2024-01-01T10:00:00Z",
        "updatedAt": "2024-01-01T10:00:00Z",
    }


def version(charger: SimCharger) -> dict[str, str]:
    """Return the /version object."""
    return {"versionId": charger.firmware, "modelName": charger.model_name}


def wifi_networks(charger: SimCharger, seed: int) -> list[dict[str, str]]:
    """Return a scan result: the charger's network first, then seeded neighbours."""
    rng = random.Random(f"{seed}:{charger.device_id}:wifi")
    own = charger.ssid or "SimNet"
    networks = [{"ssid": own, "rssi": str(-40 - rng.randrange(15)), "encryption": "WPA2_PSK"}]
    for index in range(1, 4):
        networks.append(
            {
                "ssid": f"Neighbour-{index}{rng.randrange(10, 100)}",
                "rssi": str(-60 - rng.randrange(30)),
                "encryption": rng.choice(("WPA2_PSK", "WPA_WPA2_PSK", "OPEN")),
            }
        )
    return networks
