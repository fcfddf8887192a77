"""Constants for the V2C Cloud integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "v2c_cloud"
LOGGER: Final = logging.getLogger(__package__)

CONF_BASE_URL: Final = "base_url"
CONF_CHARGERS: Final = "chargers"
CONF_CHARGER: Final = "charger"
CONF_MODE: Final = "mode"

MODE_LAN: Final = "lan"
MODE_CLOUD: Final = "cloud"

DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 5
MAX_SCAN_INTERVAL: Final = 300

# A LAN-mode charger whose LAN API fails for this long raises a repair issue.
LAN_OUTAGE_REPAIR_AFTER: Final = timedelta(minutes=10)
# Consecutive LAN failures stretch the LAN poll interval by up to this: with a poll that timed out
# (LAN_REQUEST_TIMEOUT) a LAN that comes back is used again within one poll interval + 30 s.
LAN_BACKOFF_EXTRA: Final = timedelta(seconds=20)
LAN_REQUEST_TIMEOUT: Final = 10.0
CLOUD_REQUEST_TIMEOUT: Final = 15.0

# Optimistic hold after a command (PROTOCOL.md §8.7); slow cloud-only settings hold longer.
HOLD_DEFAULT: Final = timedelta(seconds=20)
HOLD_SLOW: Final = timedelta(seconds=90)
# Delay before re-reading the cloud shadow after a cloud command, so the charger has reported.
CLOUD_CONFIRM_DELAY: Final = 5.0

STORAGE_VERSION: Final = 1
