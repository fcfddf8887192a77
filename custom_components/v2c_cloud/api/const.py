"""Constants of the V2C cloud and LAN protocols: URLs, the charge state, whitelists and ranges."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Final

DEFAULT_BASE_URL: Final = "https://v2c.cloud/kong/v2c_service"
CLOUD_REQUEST_TIMEOUT: Final = 15.0
LAN_REQUEST_TIMEOUT: Final = 10.0


class ChargeState(IntEnum):
    """Charge state shared by the LAN and the cloud (PROTOCOL §3.2, §9.3)."""

    DISCONNECTED = 0
    CONNECTED = 1
    CHARGING = 2
    VENTILATION_REQUIRED = 3
    CP_SHORT_CIRCUIT = 4
    GENERAL_FAULT = 5


INTENSITY_MIN: Final = 6
# The real ceiling is hardware dependent (16/20/32 A, PROTOCOL §9.15); 32 is the protocol maximum.
INTENSITY_MAX: Final = 32
POWER_MIN_W: Final = 1000
POWER_MAX_W: Final = 22000
FV_MODE_MAX: Final = 2
INSTALLATION_TYPE_MAX: Final = 2
LANGUAGE_MAX: Final = 9
TIMER_ID_MAX: Final = 1
RFID_TEXT_MAX: Final = 64
OCPP_ID_MAX: Final = 64
SSID_MAX_BYTES: Final = 32
WIFI_PASSWORD_MIN: Final = 8
WIFI_PASSWORD_MAX: Final = 63
PROFILE_NAME_MAX: Final = 64
# Sanity cap for values the protocol only bounds from below; the firmware stores 32-bit ints.
INT32_MAX: Final = 2**31 - 1
# Sanity cap for kWh targets: no EV battery comes close, and it keeps the "g" format exponent-free.
ENERGY_MAX_KWH: Final = 1000.0

LAN_WRITE_RANGES: Final[Mapping[str, tuple[int, int]]] = {
    "Paused": (0, 1),
    "Locked": (0, 1),
    "Timer": (0, 1),
    "Intensity": (INTENSITY_MIN, INTENSITY_MAX),
    "MinIntensity": (INTENSITY_MIN, INTENSITY_MAX),
    "MaxIntensity": (INTENSITY_MIN, INTENSITY_MAX),
    "Dynamic": (0, 1),
    "PauseDynamic": (0, 1),
    "DynamicPowerMode": (0, 5),
    # The protocol only says "positive int" (W); the UI range is 1-22 kW.
    "ContractedPower": (POWER_MIN_W, POWER_MAX_W),
    "VoltageInstallation": (100, 450),
    "ChargeMode": (0, 2),
    "LightLED": (0, 100),
    # The device accepts only 0/1 although older docs implied 0/100 (PROTOCOL §9.9).
    "LogoLED": (0, 1),
}
LAN_WRITE_KEYS: Final[frozenset[str]] = frozenset(LAN_WRITE_RANGES)
LAN_READ_KEYS: Final = ("LogoLED", "LightLED", "ChargeMode")

REDACTED_QUERY_KEYS: Final = frozenset({"apikey", "password", "authorization"})
