"""Charger configuration and the default fleet built from a charger count."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NAMES = (
    "Garage",
    "Driveway",
    "Office",
    "Carport",
    "Barn",
    "Workshop",
    "Street",
    "Basement",
)


@dataclass(kw_only=True)
class ChargerConfig:
    """Initial state of one simulated Trydan."""

    device_id: str
    name: str = "Trydan"
    lan: bool = True
    car_connected: bool = False
    charging: bool = False
    firmware: str = "2.4.6"
    intensity: int = 16
    voltage: int = 230
    phases: int = 1
    legacy_firmware: bool = False
    history_sessions: int = 0
    """Finished sessions to pre-populate in the statistics, one per past day."""


def default_device_id(index: int) -> str:
    """Return the id of the index-th (1-based) default charger: V2C0001A, V2C0002B, ..."""
    return f"V2C{index:04d}{chr(ord('A') + (index - 1) % 26)}"


def default_name(index: int) -> str:
    """Return the name of the index-th (1-based) default charger."""
    if index <= len(DEFAULT_NAMES):
        return DEFAULT_NAMES[index - 1]
    return f"Charger {index}"


def default_configs(count: int) -> list[ChargerConfig]:
    """Build count default LAN chargers, idle, with default ids and names."""
    if count < 0:
        raise ValueError("charger count must not be negative")
    return [
        ChargerConfig(device_id=default_device_id(i), name=default_name(i))
        for i in range(1, count + 1)
    ]
