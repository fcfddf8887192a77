"""Run the demo stack: the V2C simulator and a real Home Assistant with this integration set up.

`scripts/demo` runs it (scripts/demo_cli.py); `scripts/screenshots`, tests/e2e and tests/newest
use `DemoStack` as a library. Everything listens on 127.0.0.1 only. Home Assistant gets a
throw-away configuration directory (`<workdir>/config`, scripts/demo_config.py) with
`custom_components/v2c_cloud` symlinked to the repository, is onboarded over HTTP with a demo
user, and gets the integration through the real config-flow REST API (scripts/demo_api.py),
pointed at the simulator. Unless `fresh`, a later start with the same port and fleet keeps that
configuration (the simulator comes back on the same ports); Home Assistant restarted from its UI
(exit code 100) is started again by `supervise()`. The processes: scripts/demo_proc.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
import json
from pathlib import Path
import sys
import time
from typing import Any, Self

import aiohttp

from scripts.demo_api import HomeAssistantAPI, HomeAssistantWebSocket, Tokens
from scripts.demo_config import (
    DEFAULT_PORT,
    DEFAULT_WORKDIR,
    DISPLAY_NAME,
    DOMAIN,
    HOST,
    PASSWORD,
    RESTART_EXIT_CODE,
    ROOT,
    START_TIMEOUT,
    USERNAME,
    DemoError,
    Json,
    Log,
    SimulatorInfo,
    free_block,
    kept_setup,
    log_records,
    log_tail,
    port_in_use,
    save_setup,
    write_config,
)
from scripts.demo_proc import HASS_STOP_TIMEOUT, Processes


class DemoStack:
    """The simulator and a real Home Assistant with V2C Cloud set up, all on 127.0.0.1.

    `start()` runs every step (an instance starts once); `stop()` ends every process we started.
    Pass `simulator=` to use a simulator that is already running (e.g. in-process in a test);
    otherwise `python -m simulator --chargers N --json` is started as well. `owner_is_cli`: this
    process is the demo's orchestrator, which a later start in the same workdir asks to stop.
    """

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        chargers: int = 3,
        workdir: Path = DEFAULT_WORKDIR,
        simulator: SimulatorInfo | None = None,
        python: str | None = None,
        log: Log | None = None,
        owner_is_cli: bool = False,
        fresh: bool = True,
    ) -> None:
        """Describe the stack; nothing starts before start()."""
        if not 1 <= port <= 65535:
            raise DemoError(f"invalid port {port}")
        if chargers < 1:
            raise DemoError("--chargers must be at least 1")
        self.port = port
        self.chargers = chargers
        self.workdir = workdir.resolve()
        self.url = f"http://{HOST}:{port}"  # Home Assistant's base URL
        self.config_dir = self.workdir / "config"  # Home Assistant's configuration directory
        self.hass_log = self.config_dir / "home-assistant.log"
        self.simulator = simulator
        self.python = python or sys.executable
        self._log: Log = log or (lambda _msg: None)
        self._external_simulator = simulator is not None
        self.fresh = fresh
        self.resumed = False
        self.restarts = 0
        self.processes = Processes(self.workdir, owner=owner_is_cli)
        self._ha: HomeAssistantAPI | None = None
        self._sim_ports: dict[str, int] = {}
        self.entry_id: str | None = None
        self.timings: dict[str, float] = {}

    @property
    def pids(self) -> dict[str, int]:
        """Return the pids of the processes we started, by name."""
        return self.processes.pids

    @property
    def ha(self) -> HomeAssistantAPI:
        """Return Home Assistant's API client (after start)."""
        if self._ha is None:
            raise DemoError("the stack is not started")
        return self._ha

    @property
    def session(self) -> aiohttp.ClientSession:
        """Return the HTTP session (after start)."""
        return self.ha.session

    @property
    def tokens(self) -> Tokens | None:
        """Return the demo user's tokens (after start)."""
        return self._ha.tokens if self._ha else None

    # ---- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Start the stack."""
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Stop the stack."""
        await self.stop()

    async def start(self) -> None:
        """Start everything, onboard, add the integration; stop what started if a step fails."""
        began = time.monotonic()
        try:
            await asyncio.wait_for(self._start(began), START_TIMEOUT)
        except TimeoutError as err:
            await self.stop()
            raise DemoError(
                f"the demo did not start within {START_TIMEOUT:.0f} s; Home Assistant's log "
                f"({self.hass_log}) ends with:\n{log_tail(self.hass_log)}"
            ) from err
        except BaseException:
            await self.stop()
            raise

    async def _start(self, began: float) -> None:
        """Run the start-up steps in order."""

        def mark(step: str) -> None:
            self.timings[step] = round(time.monotonic() - began, 2)

        await asyncio.to_thread(self.processes.stop_previous, self._log)
        if port_in_use(self.port):
            raise DemoError(
                f"port {self.port} on {HOST} is already in use. Stop what listens there "
                f"(`ss -ltnp 'sport = :{self.port}'` shows it) or pick another one with --port."
            )
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self._ha = HomeAssistantAPI(session, self.url)
        kept = None
        if not self.fresh and not self._external_simulator:
            kept = kept_setup(self.workdir, self.config_dir, self.port, self.chargers, self.python)
        self.resumed = kept is not None
        write_config(self.workdir, self.config_dir, self.port, keep=self.resumed)
        if self.simulator is None:
            self._log(f"Starting the simulator with {self.chargers} chargers...")
            self.simulator = await self._start_simulator(kept)
            mark("simulator")
        self._log(f"Starting Home Assistant on {self.url} (log: {self.hass_log})...")
        await self._start_hass()
        mark("hass_http")
        if kept is not None:
            self._log("Logging in to the kept demo (scripts/demo --fresh starts over)...")
            await self.login()
            self.entry_id = str(kept["entry_id"])
        else:
            self._log("Onboarding the demo user...")
            user = {"name": DISPLAY_NAME, "username": USERNAME, "password": PASSWORD}
            await self.ha.onboard(user)
        # HA 2026.11 runs the YAML `http:` settings as a trial and restarts after 5 minutes
        # unless they are confirmed.
        await self.ha.promote_http_config()
        mark("onboarded")
        if kept is None:
            self._log("Adding V2C Cloud through the config flow...")
            self.entry_id = await self.ha.add_integration(DOMAIN, self._flow_input())
            setup = {"port": self.port, "chargers": self.chargers, "entry_id": self.entry_id}
            save_setup(self.workdir, {**setup, "python": self.python, **self._sim_ports})
        await self._wait_until_loaded()
        mark("ready")

    async def stop(self) -> None:
        """Stop Home Assistant, then the simulator, and forget them (safe to call twice)."""
        await self.processes.stop()
        if self._ha is not None:
            await self._ha.session.close()
            self._ha = None

    async def supervise(self) -> str:
        """Run until a process exits for good; return its name.

        Home Assistant exiting with code 100 (a restart asked from its UI or the
        `homeassistant.restart` action) is started again with the same configuration.
        """
        while True:
            name = await self.processes.wait_exited()
            if name != "hass" or self.processes.get("hass").process.returncode != RESTART_EXIT_CODE:
                return name
            self._log("Home Assistant asked for a restart; starting it again...")
            await self.restart_hass()

    async def restart_hass(self) -> None:
        """Start Home Assistant again (same configuration) and wait until the entry is loaded.

        `restarts` counts the completed restarts.
        """
        await self.processes.stop(self.processes.get("hass"))
        try:
            async with asyncio.timeout(START_TIMEOUT):
                await self._start_hass()
                await self.login()
                await self._wait_until_loaded()
        except TimeoutError as err:
            raise DemoError(
                f"Home Assistant did not come back within {START_TIMEOUT:.0f} s of a restart; "
                f"its log ({self.hass_log}) ends with:\n{log_tail(self.hass_log)}"
            ) from err
        self.restarts += 1

    # ---- steps -------------------------------------------------------------------------------

    async def _start_simulator(self, kept: Mapping[str, Any] | None) -> SimulatorInfo:
        """Start `python -m simulator --json` (on the kept ports) and read where it listens."""
        # A kept demo's simulator comes back on its ports (the stored LAN addresses stay right).
        base = 0 if kept else free_block(self.chargers + 1)
        ports = dict(kept or {}) or {"cloud_port": base, "lan_base_port": base + 1}
        self._sim_ports = {k: int(ports[k]) for k in ("cloud_port", "lan_base_port")}
        cmd = [self.python, "-m", "simulator", "--chargers", str(self.chargers), "--json"]
        cmd += [f"--{k.replace('_', '-')}={v}" for k, v in self._sim_ports.items()]
        with (self.workdir / "simulator.log").open("wb") as log:
            child = await self.processes.spawn(
                "simulator", cmd, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=log
            )
        assert child.process.stdout is not None
        try:
            line = await asyncio.wait_for(child.process.stdout.readline(), 30)
        except TimeoutError:
            line = b""
        if not line:
            raise DemoError(
                "the simulator did not start; its log ends with:\n"
                + log_tail(self.workdir / "simulator.log")
            )
        return SimulatorInfo.from_json(json.loads(line))

    async def _start_hass(self) -> None:
        """Start `python -m homeassistant -c <config>` and wait until it answers HTTP."""
        console = self.workdir / "hass-console.log"
        with console.open("ab") as output:
            hass = await self.processes.spawn(
                "hass",
                # --skip-pip: the venv has every package; hass must not install any at run time.
                [self.python, "-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
                # Not the repository: its custom_components must come from the config dir only.
                cwd=self.workdir,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                grace=HASS_STOP_TIMEOUT,
            )
        while not await self.ha.answers():
            if hass.process.returncode is not None:
                raise DemoError(
                    f"Home Assistant exited with code {hass.process.returncode}; its output "
                    f"({console}) ends with:\n{log_tail(console)}"
                )
            await asyncio.sleep(0.25)

    def _flow_input(self) -> dict[str, Json]:
        """Return the config flow's cloud step input: the simulator's key and base URL."""
        assert self.simulator is not None
        return {
            "api_key": self.simulator.api_key,
            "advanced": {"base_url": self.simulator.cloud_url},
        }

    async def _wait_until_loaded(self) -> None:
        """Wait until the entry is loaded and every charger has its device."""
        assert self.simulator is not None
        assert self.entry_id is not None
        expected = {c.device_id for c in self.simulator.chargers}
        await self.ha.wait_until_loaded(self.entry_id, expected, self.hass_log)

    # ---- helpers for callers -----------------------------------------------------------------

    async def login(self, username: str = USERNAME, password: str = PASSWORD) -> Tokens:
        """Log in through the login flow the frontend uses; return fresh tokens."""
        return await self.ha.login(username, password)

    async def websocket(self) -> HomeAssistantWebSocket:
        """Return an authenticated WebSocket connection (close it when done)."""
        return await self.ha.websocket()

    async def api(
        self, method: str, path: str, json_body: Json = None, expect: Sequence[int] = (200, 201)
    ) -> Json:
        """Call Home Assistant's REST API as the demo user."""
        return await self.ha.rest(method, path, json_body, expect=expect)

    def log_records(self, levels: Sequence[str] = ("ERROR", "CRITICAL")) -> list[str]:
        """Return Home Assistant's log records of these levels so far, tracebacks included."""
        return log_records(self.hass_log, levels)
