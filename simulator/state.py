"""Shared charger state and its lazy charging physics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import random
from typing import Any, Final

from .config import ChargerConfig
from .sessions import SECONDS_PER_HOUR, iso_millis, session_record, spread_energy

SECONDS_PER_DAY: Final = 86_400
WH_PER_KWH_SECOND: Final = 3_600_000
PHYSICS_FIELDS: Final = frozenset(
    {
        "car_connected",
        "paused",
        "locked",
        "intensity",
        "voltage_installation",
        "phases",
        "energy_limit",
        "minutes_limit",
    }
)


def _default_timers() -> dict[int, dict[str, Any]]:
    """Return the two built-in timers, unprogrammed."""
    return {
        timer_id: {"start_time": "00:00", "end_time": "00:00", "active": False}
        for timer_id in (0, 1)
    }


@dataclass(kw_only=True, eq=False)
class SimCharger:
    """The one state of a charger that both the cloud and the LAN views read and write."""

    device_id: str
    name: str
    clock: Callable[[], float] = field(repr=False)
    rng: random.Random = field(repr=False)
    lan: bool = True
    legacy_firmware: bool = False
    firmware: str = "2.4.6"
    model_name: str = "trydan_v2"
    mac: str = "28:56:2F:00:00:00"
    ssid: str = "SimNet"
    wifi_password: str = ""
    ip: str = ""
    connected: bool = True
    car_connected: bool = False
    paused: bool = False
    locked: bool = False
    dynamic: bool = False
    pause_dynamic: bool = False
    timer: bool = False
    intensity: int = 16
    min_intensity: int = 6
    max_intensity: int = 32
    dynamic_power_mode: int = 0
    contracted_power: int = 4600
    light_led: int = 100
    logo_led: int = 1
    charge_mode: int = 0
    voltage_installation: int = 230
    phases: int = 1
    signal_status: int = 3
    slave_error: int = 0
    ready_state: int = 1
    installation_type: int = 0
    slave_type: int = 0
    language: int = 0
    rfid_enabled: bool = False
    ocpp_enabled: bool = False
    ocpp_id: str = ""
    ocpp_address: str = ""
    inverter_ip: str = ""
    fv_mode: int = 0
    max_power: int = 0
    denka_max_power: int = 0
    thirdparty_mode: str = ""
    thirdparty_value: str = ""
    energy_limit: float = 0.0
    """Session kWh at which charging pauses (0 = none)."""
    minutes_limit: int = 0
    """Session charging minutes after which charging pauses (0 = none)."""
    reboots: int = 0
    updates: int = 0
    rebooting_until: float = 0.0
    timers: dict[int, dict[str, Any]] = field(default_factory=_default_timers)
    rfid_cards: list[dict[str, str]] = field(default_factory=list)
    power_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    statistics: list[dict[str, Any]] = field(default_factory=list)
    charge_energy: float = 0.0
    charge_time: float = 0.0
    meter: float = 0.0
    """Energy delivered to cars since the charger was built, kWh (never resets): the truth."""
    house_power: float = 0.0
    fv_power: float = 0.0
    battery_power: float = 0.0
    voltage_reading: float = 0.0728
    next_record_id: int = 17_000_000
    session_start: float | None = field(default=None, init=False)
    _hourly: dict[int, float] = field(default_factory=dict, init=False, repr=False)
    _synced_at: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        """Start the physics clock and the session of an already plugged car."""
        self._synced_at = self.clock()
        if self.car_connected:
            self.session_start = self._synced_at

    def __setattr__(self, name: str, value: object) -> None:
        """Bring physics up to date before a field that changes the power is written."""
        if name in PHYSICS_FIELDS and "_synced_at" in self.__dict__:
            self.sync()
        object.__setattr__(self, name, value)

    @classmethod
    def from_config(
        cls, config: ChargerConfig, *, clock: Callable[[], float], seed: int
    ) -> SimCharger:
        """Build a charger from its configuration, deterministic from seed."""
        rng = random.Random(f"{seed}:{config.device_id}")
        mac_tail = ":".join(f"{rng.randrange(256):02X}" for _ in range(3))
        three_phase = config.phases == 3
        charger = cls(
            device_id=config.device_id,
            name=config.name,
            clock=clock,
            rng=rng,
            lan=config.lan,
            legacy_firmware=config.legacy_firmware,
            firmware=config.firmware,
            mac=f"28:56:2F:{mac_tail}",
            ssid=f"SimNet-{rng.randrange(100, 1000)}" if config.lan else "",
            car_connected=config.car_connected,
            paused=config.car_connected and not config.charging,
            intensity=config.intensity,
            voltage_installation=config.voltage,
            phases=config.phases,
            charge_mode=1 if three_phase else 0,
            installation_type=1 if three_phase else 0,
            house_power=float(rng.randrange(250, 900, 10)),
            voltage_reading=0.07 + rng.randrange(60) / 10_000,
            next_record_id=rng.randrange(17_000_000, 18_000_000),
        )
        charger.add_history(config.history_sessions)
        return charger

    @property
    def charging(self) -> bool:
        """Return True while power flows to the car."""
        return self.car_connected and not self.paused and not self.locked

    @property
    def charge_power(self) -> float:
        """Return the power delivered to the car, W."""
        if not self.charging:
            return 0.0
        return float(self.intensity * self.voltage_installation * self.phases)

    @property
    def charge_state(self) -> int:
        """Return 0 no car, 1 car connected but not charging, 2 charging."""
        if not self.car_connected:
            return 0
        return 2 if self.charging else 1

    @property
    def live_intensity(self) -> int:
        """Return the current actually flowing, A."""
        return self.intensity if self.charging else 0

    def sync(self) -> None:
        """Accumulate energy and time from the last sync up to the clock's now."""
        now = self.clock()
        start = self._synced_at
        self._synced_at = now
        power = self.charge_power
        if now <= start or power <= 0:
            return
        span = now - start
        stop = False
        if self.energy_limit > 0:
            left = (self.energy_limit - self.charge_energy) * WH_PER_KWH_SECOND / power
            if left <= span:
                span, stop = max(left, 0.0), True
        if self.minutes_limit > 0:
            left = self.minutes_limit * 60 - self.charge_time
            if left <= span:
                span, stop = max(left, 0.0), True
        for hour, kwh in spread_energy(start, start + span, power).items():
            self._hourly[hour] = self._hourly.get(hour, 0.0) + kwh
        self.charge_energy += power * span / WH_PER_KWH_SECOND
        self.meter += power * span / WH_PER_KWH_SECOND
        self.charge_time += span
        if stop:
            object.__setattr__(self, "paused", True)
            object.__setattr__(self, "energy_limit", 0.0)
            object.__setattr__(self, "minutes_limit", 0)

    def plug_in(self) -> None:
        """Connect a car, starting a new session (energy and time reset)."""
        self.sync()
        if self.car_connected:
            return
        self.charge_energy = 0.0
        self.charge_time = 0.0
        self._hourly = {}
        self.session_start = self._synced_at
        object.__setattr__(self, "car_connected", True)

    def unplug(self) -> None:
        """Disconnect the car and append the finished session to the statistics."""
        self.sync()
        if not self.car_connected:
            return
        start = self.session_start if self.session_start is not None else self._synced_at
        self.statistics.append(
            session_record(
                record_id=self.next_record_id,
                device_id=self.device_id,
                start=start,
                end=self._synced_at,
                energy=self.charge_energy,
                hourly=self._hourly,
            )
        )
        self.next_record_id += 1
        self.session_start = None
        object.__setattr__(self, "car_connected", False)

    def set_online(self, online: bool) -> None:
        """Bring the charger's cloud link up or down."""
        self.connected = online

    def is_rebooting(self) -> bool:
        """Return True while the LAN refuses requests after a reboot."""
        return self.clock() < self.rebooting_until

    def add_history(self, count: int) -> None:
        """Append count finished sessions, one on each of the count past days."""
        now = self.clock()
        power = float(self.intensity * self.voltage_installation * self.phases)
        for days_back in range(count, 0, -1):
            day = (now // SECONDS_PER_DAY - days_back) * SECONDS_PER_DAY
            start = day + self.rng.randrange(8 * SECONDS_PER_HOUR, 14 * SECONDS_PER_HOUR, 60)
            energy = min(self.rng.randrange(30, 200) / 10, power * 8 / 1000)
            end = start + energy * WH_PER_KWH_SECOND / power
            self.statistics.append(
                session_record(
                    record_id=self.next_record_id,
                    device_id=self.device_id,
                    start=start,
                    end=end,
                    energy=energy,
                    hourly=spread_energy(start, end, power),
                )
            )
            self.next_record_id += 1

    def learn_card(self, tag: str) -> dict[str, str]:
        """Simulate learning mode: a card with a seeded UID is swiped and stored under tag."""
        return self.add_card(f"{self.rng.getrandbits(32):08x}", tag)

    def add_card(self, code: str, tag: str) -> dict[str, str]:
        """Store a card with UID code under the label tag."""
        card = {"code": code, "tag": tag, "createdAt": iso_millis(self.clock())}
        self.rfid_cards.append(card)
        return card

    def find_card(self, code: str) -> dict[str, str] | None:
        """Return the card with UID code, if stored."""
        return next((card for card in self.rfid_cards if card["code"] == code), None)
