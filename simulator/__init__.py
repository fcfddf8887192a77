"""V2C Trydan charger and V2C Cloud simulator speaking the wire protocol of PROTOCOL.md."""

from __future__ import annotations

from .config import ChargerConfig
from .faults import Fault, FaultInjector
from .quota import QuotaTracker
from .records import RequestRecord
from .server import Simulator
from .state import SimCharger

__all__ = [
    "ChargerConfig",
    "Fault",
    "FaultInjector",
    "QuotaTracker",
    "RequestRecord",
    "SimCharger",
    "Simulator",
]
