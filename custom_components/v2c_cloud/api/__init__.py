"""HA-agnostic clients and models for V2C Trydan chargers (V2C Cloud and LAN)."""

from __future__ import annotations

from . import _validate
from .cloud import V2CCloudClient
from .const import DEFAULT_BASE_URL, ChargeState
from .exceptions import (
    V2CAuthenticationError,
    V2CConnectionError,
    V2CError,
    V2CIdentityError,
    V2CRateLimitError,
    V2CResponseError,
    V2CTimeoutError,
    V2CValidationError,
)
from .hosts import validate_lan_host
from .local import V2CLocalClient
from .models import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    PowerProfile,
    RateLimitSnapshot,
    RealtimeData,
    ReportedState,
    RfidCard,
    StatisticsRecord,
    WifiNetwork,
)
from .normalize import realtime_from_cloud

__all__ = [
    "DEFAULT_BASE_URL",
    "ChargeState",
    "ChargeStatus",
    "FirmwareInfo",
    "Pairing",
    "PowerProfile",
    "RateLimitSnapshot",
    "RealtimeData",
    "ReportedState",
    "RfidCard",
    "StatisticsRecord",
    "V2CAuthenticationError",
    "V2CCloudClient",
    "V2CConnectionError",
    "V2CError",
    "V2CIdentityError",
    "V2CLocalClient",
    "V2CRateLimitError",
    "V2CResponseError",
    "V2CTimeoutError",
    "V2CValidationError",
    "WifiNetwork",
    "_validate",
    "realtime_from_cloud",
    "validate_lan_host",
]
