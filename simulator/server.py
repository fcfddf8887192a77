"""The Simulator: chargers, the cloud server and one LAN server per LAN charger."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from .clock import SimClock
from .cloud import PREFIX, cloud_handler
from .config import ChargerConfig, default_configs
from .control import control_handler
from .faults import FaultInjector
from .lan import Seat, lan_handler
from .net import Listener, bind, check_loopback
from .quota import QuotaTracker
from .records import RequestRecord
from .state import SimCharger


class Simulator:
    """V2C Cloud plus Trydan LAN servers sharing one state per charger, on loopback."""

    def __init__(
        self,
        *,
        chargers: int | Sequence[ChargerConfig] = 1,
        api_key: str = "sim-key-0001",
        quota: int = 1000,
        seed: int = 0,
        clock: Callable[[], float] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        """Build the chargers; nothing listens before start()."""
        self.api_key = api_key
        self.api_keys: set[str] = {api_key}
        self.seed = seed
        self.host = check_loopback(host)
        self._clock = SimClock(clock)
        self.quota = QuotaTracker(limit=quota, clock=self._clock.now)
        self.faults = FaultInjector(seed=seed)
        self.requests: list[RequestRecord] = []
        self.chargers: dict[str, SimCharger] = {}
        self._cloud: Listener | None = None
        self._lan: dict[str, Listener] = {}
        self._seats: dict[str, Seat] = {}
        self._closed: dict[str, int] = {}
        self._control: Listener | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connections: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()
        configs = default_configs(chargers) if isinstance(chargers, int) else chargers
        for config in configs:
            self._build(config)

    def add_api_key(self, api_key: str) -> None:
        """Accept a second key for the same account (each key has its own quota)."""
        self.api_keys.add(api_key)

    async def __aenter__(self) -> Self:
        """Start with ephemeral ports."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop everything."""
        await self.stop()

    @property
    def running(self) -> bool:
        """Return True between start() and stop()."""
        return self._cloud is not None

    @property
    def cloud_url(self) -> str:
        """Return the base URL to configure, e.g. http://127.0.0.1:8080/kong/v2c_service."""
        if self._cloud is None:
            raise RuntimeError("simulator not started")
        return f"http://{self.host}:{self._cloud.port}{PREFIX}"

    def lan_host(self, device_id: str) -> str | None:
        """Return "127.0.0.1:<port>" of a listening LAN charger, else None."""
        return self.chargers[device_id].ip or None

    def now(self) -> float:
        """Return the simulated epoch time."""
        return self._clock.now()

    def advance(self, seconds: float) -> None:
        """Move simulated time forward and bring the physics up to date."""
        self._clock.advance(seconds)
        self.sync()

    def sync(self) -> None:
        """Bring every charger's physics up to the current simulated time."""
        for charger in self.chargers.values():
            charger.sync()

    def _build(self, config: ChargerConfig) -> SimCharger:
        """Create and register a charger."""
        if config.device_id in self.chargers:
            raise ValueError(f"duplicate charger {config.device_id}")
        charger = SimCharger.from_config(config, clock=self._clock.now, seed=self.seed)
        self.chargers[config.device_id] = charger
        return charger

    @property
    def control_url(self) -> str | None:
        """Return the runtime control API's base URL (None unless started with control_port)."""
        if self._control is None:
            return None
        return f"http://{self.host}:{self._control.port}"

    def _bind_lan(self, charger: SimCharger, port: int) -> Listener:
        """Bind a charger's LAN socket and publish its host string."""
        seat = Seat(charger.device_id)
        listener = Listener(lan_handler(self, seat), bind(self.host, port))
        self._lan[charger.device_id] = listener
        self._seats[charger.device_id] = seat
        charger.ip = f"{self.host}:{listener.port}"
        return listener

    def lan_listening(self, device_id: str) -> bool:
        """Return True while the charger's LAN address accepts connections."""
        return device_id in self._lan

    def _lan_charger(self, device_id: str) -> SimCharger:
        """Return a LAN charger with a LAN address (KeyError / ValueError otherwise)."""
        charger = self.chargers[device_id]
        if not charger.lan or not self.running:
            raise ValueError(f"charger {device_id} has no LAN address")
        return charger

    async def close_lan(self, device_id: str) -> None:
        """Close the charger's LAN listener: connections are refused, its address is kept."""
        self._lan_charger(device_id)
        listener = self._lan.pop(device_id, None)
        if listener is None:
            return
        self._seats.pop(device_id, None)
        self._closed[device_id] = listener.port
        await listener.close()

    async def open_lan(self, device_id: str) -> None:
        """Listen again on the charger's LAN address after close_lan()."""
        charger = self._lan_charger(device_id)
        port = self._closed.pop(device_id, None)
        if port is None:
            return
        await self._bind_lan(charger, port).start()

    def swap_lan(self, first: str, second: str) -> None:
        """Exchange two chargers' LAN addresses (a DHCP lease moving); both must be listening.

        From now on each address answers as the other charger, and the cloud reports the new
        addresses (pairing ip, reported wifi_info.ip, /RealTimeData IP).
        """
        one, two = self._lan_charger(first), self._lan_charger(second)
        if first == second:
            raise ValueError("cannot swap a charger with itself")
        if first not in self._lan or second not in self._lan:
            raise ValueError("both chargers must be listening to swap their addresses")
        seat_one, seat_two = self._seats[first], self._seats[second]
        seat_one.device_id, seat_two.device_id = second, first
        self._seats[first], self._seats[second] = seat_two, seat_one
        self._lan[first], self._lan[second] = self._lan[second], self._lan[first]
        one.ip, two.ip = two.ip, one.ip

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run coro in a task that stop() waits for."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(
        self,
        *,
        cloud_port: int = 0,
        lan_ports: Sequence[int] | None = None,
        control_port: int | None = None,
    ) -> None:
        """Listen on 127.0.0.1: the cloud on cloud_port, LAN chargers on lan_ports in order.

        control_port (0 = any free port) also starts the runtime control API (control.py).
        """
        if self.running:
            raise RuntimeError("simulator already started")
        self._stopping = asyncio.Event()
        ports = list(lan_ports or ())
        try:
            self._cloud = Listener(cloud_handler(self), bind(self.host, cloud_port))
            await self._cloud.start()
            lan_chargers = [charger for charger in self.chargers.values() if charger.lan]
            for index, charger in enumerate(lan_chargers):
                port = ports[index] if index < len(ports) else 0
                await self._bind_lan(charger, port).start()
            if control_port is not None:
                self._control = Listener(control_handler(self), bind(self.host, control_port))
                await self._control.start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close every server and connection and end every request handler."""
        self._stopping.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        listeners = list(self._lan.values())
        if self._cloud is not None:
            listeners.append(self._cloud)
        if self._control is not None:
            listeners.append(self._control)
        self._lan.clear()
        self._seats.clear()
        self._closed.clear()
        self._cloud = None
        self._control = None
        for listener in listeners:
            await listener.close()
        for charger in self.chargers.values():
            charger.ip = ""
        # Connections the client dropped mid-request are no longer tracked by aiohttp.
        leftovers = [task for task in self._connections if not task.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            await asyncio.wait(leftovers)
        self._connections.clear()

    def add_charger(self, config: ChargerConfig) -> None:
        """Add a charger; when running, its LAN server starts listening at once."""
        charger = self._build(config)
        if self.running and charger.lan:
            self._bind_lan(charger, 0).start_soon()

    def remove_charger(self, device_id: str) -> None:
        """Remove a charger and close its LAN server."""
        del self.chargers[device_id]
        self._seats.pop(device_id, None)
        self._closed.pop(device_id, None)
        listener = self._lan.pop(device_id, None)
        if listener is not None:
            self._spawn(listener.close())

    def track(self, request: web.BaseRequest) -> None:
        """Remember the request's connection task so stop() can end it."""
        task = request.task
        if task not in self._connections:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)

    def begin(
        self,
        request: web.BaseRequest,
        *,
        side: Literal["cloud", "lan"],
        device_id: str | None,
        path: str,
        query: dict[str, str],
        body: str,
    ) -> RequestRecord:
        """Log an incoming request."""
        record = RequestRecord(
            side=side,
            device_id=device_id,
            method=request.method,
            path=path,
            query=query,
            body=body,
            time=self.now(),
        )
        self.requests.append(record)
        return record

    async def pause(self, seconds: float) -> bool:
        """Sleep for seconds; return False at once if the simulator stops meanwhile."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return True
        return False
