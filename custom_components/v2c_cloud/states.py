"""Vendor codes mapped to translated state keys (PROTOCOL.md §1.6 and §3.2)."""

from __future__ import annotations

from typing import Final

CHARGE_STATES: Final = {
    0: "disconnected",
    1: "connected",
    2: "charging",
    3: "ventilation_required",
    4: "cp_short_circuit",
    5: "general_fault",
}
READY_STATES: Final = {0: "not_ready", 1: "ready"}
TIMER_STATES: Final = {0: "off", 1: "on"}
# 0 means "unknown" on the charger: shown as Home Assistant's own unknown state.
SIGNAL_STATES: Final = {1: "poor", 2: "fair", 3: "good"}
SLAVE_ERRORS: Final = {
    0: "no_error",
    1: "communication",
    2: "reading",
    3: "slave",
    4: "waiting_wifi",
    5: "waiting_communication",
    6: "wrong_ip",
    7: "slave_not_found",
    8: "wrong_slave",
    9: "no_response",
    10: "clamp_not_connected",
}
SLAVE_ERROR_GROUPS: Final = (
    # Inferred (PROTOCOL.md §3.2): 21-31 = 20 + Modbus exception, 244-257 = eModbus client errors.
    (range(21, 32), "modbus_exception"),
    (range(244, 258), "modbus_client_error"),
)
INSTALLATION_TYPES: Final = {0: "single_phase", 1: "three_phase", 2: "photovoltaic"}
# The reference integration's table; 11 (MQTT) was seen on real devices.
SLAVE_TYPES: Final = {
    0: "shelly",
    1: "v2c_v2",
    2: "v2c_legacy",
    3: "huawei",
    4: "solax",
    5: "carlo_gavazzi",
    6: "growatt",
    11: "mqtt",
}
LANGUAGES: Final = {
    0: "english",
    1: "spanish",
    2: "portuguese",
    3: "french",
    4: "italian",
    5: "german",
    6: "romanian",
    7: "dutch",
    8: "danish",
    9: "catalan",
}
DYNAMIC_POWER_MODES: Final = {
    0: "timed_power_enabled",
    1: "timed_power_disabled",
    2: "exclusive_pv",
    3: "minimum_power",
    4: "grid_pv",
    5: "stop",
}
CHARGE_MODES: Final = {0: "monophasic", 1: "threephasic", 2: "mixed"}
FV_MODES: Final = {0: "pv_minimum_power", 1: "exclusive_pv", 2: "maximum_power"}


def slave_error_state(code: int | None) -> str | None:
    """Return the state key of a slave error code; unknown codes give None (unknown)."""
    if code is None:
        return None
    if code in SLAVE_ERRORS:
        return SLAVE_ERRORS[code]
    for codes, key in SLAVE_ERROR_GROUPS:
        if code in codes:
            return key
    return None


SLAVE_ERROR_OPTIONS: Final = [*SLAVE_ERRORS.values(), *(key for _, key in SLAVE_ERROR_GROUPS)]
