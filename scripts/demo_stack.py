"""Run the demo stack: the V2C simulator and a real Home Assistant with this integration set up.

`scripts/demo` runs this module; `scripts/screenshots` and tests/e2e use `DemoStack` as a library.
Everything listens on 127.0.0.1 only. Home Assistant gets a throw-away configuration directory
(`<workdir>/config`) with `custom_components/v2c_cloud` symlinked to the repository, is onboarded
over HTTP with a demo user, and gets the integration through the real config-flow REST API,
pointed at the simulator. Unless `fresh`, a later start with the same port and fleet keeps that
configuration (the simulator comes back on the same ports); Home Assistant restarted from its UI
(exit code 100) is started again by `supervise()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
import contextlib
import json
from pathlib import Path
import sys
import time
from typing import Any, Self

import aiohttp

from scripts.demo_api import (
    HomeAssistantWebSocket,
    Tokens,
    add_integration,
    log_records,
    login,
    onboard,
    promote_http_config,
    rest,
    wait_until_loaded,
)
from scripts.demo_config import (
    DEFAULT_PORT,
    DEFAULT_WORKDIR,
    DISPLAY_NAME,
    DOMAIN,
    PASSWORD,
    RESTART_EXIT_CODE,
    ROOT,
    START_TIMEOUT,
    USERNAME,
    SimulatorInfo,
    free_block,
    kept_setup,
    save_setup,
    write_config,
)
from scripts.demo_proc import (
    CHILD_STOP_TIMEOUT,
    HASS_STOP_TIMEOUT,
    HOST,
    STATE_FILE,
    Child,
    DemoError,
    Json,
    Log,
    log_tail,
    port_in_use,
    save_state,
    spawn,
    stop_previous,
)

# ---- the stack -------------------------------------------------------------------------------


class DemoStack:
    """The simulator and a real Home Assistant with V2C Cloud set up, all on 127.0.0.1.

    `start()` runs every step (an instance starts once); `stop()` ends every process we started.
    Pass `simulator=` to use a simulator that is already running (e.g. in-process in a test);
    otherwise `python -m simulator --chargers N --json` is started as well.
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
        self.simulator = simulator
        self.python = python or sys.executable
        self._log: Log = log or (lambda _msg: None)
        self._owner_is_cli = owner_is_cli
        self._external_simulator = simulator is not None
        self.fresh = fresh
        self.resumed = False
        self.restarts = 0
        self._session: aiohttp.ClientSession | None = None
        self._children: list[Child] = []
        self._sim_ports: dict[str, int] = {}
        self.tokens: Tokens | None = None
        self.entry_id: str | None = None
        self.timings: dict[str, float] = {}

    # ---- properties --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Return Home Assistant's base URL."""
        return f"http://{HOST}:{self.port}"

    @property
    def client_id(self) -> str:
        """Return the OAuth client id the frontend uses (the base URL with a slash)."""
        return f"{self.url}/"

    @property
    def config_dir(self) -> Path:
        """Return Home Assistant's configuration directory."""
        return self.workdir / "config"

    @property
    def hass_log(self) -> Path:
        """Return Home Assistant's log file."""
        return self.config_dir / "home-assistant.log"

    @property
    def access_token(self) -> str:
        """Return the demo user's access token (after start)."""
        if self.tokens is None:
            raise DemoError("the stack is not started")
        return self.tokens.access_token

    @property
    def pids(self) -> dict[str, int]:
        """Return the pids of the processes we started, by name."""
        return {child.name: child.pid for child in self._children}

    @property
    def session(self) -> aiohttp.ClientSession:
        """Return the HTTP session (after start)."""
        if self._session is None:
            raise DemoError("the stack is not started")
        return self._session

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

        await asyncio.to_thread(stop_previous, self.workdir, self._log)
        if port_in_use(self.port):
            raise DemoError(
                f"port {self.port} on {HOST} is already in use. Stop what listens there "
                f"(`ss -ltnp 'sport = :{self.port}'` shows it) or pick another one with --port."
            )
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
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
        await self._wait_for_http()
        mark("hass_http")
        if kept is not None:
            self._log("Logging in to the kept demo (scripts/demo --fresh starts over)...")
            self.tokens = await self.login()
            self.entry_id = str(kept["entry_id"])
        else:
            self._log("Onboarding the demo user...")
            self.tokens = await self.onboard()
        # HA 2026.11 runs the YAML `http:` settings as a trial and restarts after 5 minutes
        # unless they are confirmed.
        await promote_http_config(self.session, self.url, self.access_token)
        mark("onboarded")
        if kept is None:
            self._log("Adding V2C Cloud through the config flow...")
            self.entry_id = await self.add_integration()
            setup = {"port": self.port, "chargers": self.chargers, "entry_id": self.entry_id}
            save_setup(self.workdir, {**setup, "python": self.python, **self._sim_ports})
        await self._wait_until_loaded()
        mark("ready")

    async def stop(self) -> None:
        """Stop Home Assistant, then the simulator, and forget them (safe to call twice)."""
        for child in sorted(self._children, key=lambda c: c.name != "hass"):
            await child.stop(HASS_STOP_TIMEOUT if child.name == "hass" else CHILD_STOP_TIMEOUT)
        self._children.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        with contextlib.suppress(OSError):
            (self.workdir / STATE_FILE).unlink()

    async def wait_exited(self) -> str:
        """Wait until one of our processes exits by itself; return its name."""
        waits = {asyncio.ensure_future(c.process.wait()): c.name for c in self._children}
        if not waits:
            return ""
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        return waits[next(iter(done))]

    async def supervise(self) -> str:
        """Run until a process exits for good; return its name.

        Home Assistant exiting with code 100 (a restart asked from its UI or the
        `homeassistant.restart` action) is started again with the same configuration.
        """
        while True:
            name = await self.wait_exited()
            if name != "hass" or self._hass().process.returncode != RESTART_EXIT_CODE:
                return name
            self._log("Home Assistant asked for a restart; starting it again...")
            await self.restart_hass()

    async def restart_hass(self) -> None:
        """Start Home Assistant again (same configuration) and wait until the entry is loaded.

        `restarts` counts the completed restarts.
        """
        hass = self._hass()
        await hass.stop(HASS_STOP_TIMEOUT)
        self._children.remove(hass)
        await self._start_hass()
        try:
            async with asyncio.timeout(START_TIMEOUT):
                await self._wait_for_http()
                self.tokens = await self.login()
                await self._wait_until_loaded()
        except TimeoutError as err:
            raise DemoError(
                f"Home Assistant did not come back within {START_TIMEOUT:.0f} s of a restart; "
                f"its log ({self.hass_log}) ends with:\n{log_tail(self.hass_log)}"
            ) from err
        self.restarts += 1

    # ---- steps -------------------------------------------------------------------------------

    def _save_state(self) -> None:
        """Record who runs, so the next start can replace this one cleanly."""
        save_state(self.workdir, self.url, self._children, signal_owner=self._owner_is_cli)

    async def _start_simulator(self, kept: Mapping[str, Any] | None) -> SimulatorInfo:
        """Start `python -m simulator --json` (on the kept ports) and read where it listens."""
        # A kept demo's simulator comes back on its ports (the stored LAN addresses stay right).
        base = 0 if kept else free_block(self.chargers + 1)
        ports = dict(kept or {}) or {"cloud_port": base, "lan_base_port": base + 1}
        self._sim_ports = {k: int(ports[k]) for k in ("cloud_port", "lan_base_port")}
        cmd = [self.python, "-m", "simulator", "--chargers", str(self.chargers), "--json"]
        cmd += [f"--{k.replace('_', '-')}={v}" for k, v in self._sim_ports.items()]
        with (self.workdir / "simulator.log").open("wb") as log:
            child = await spawn(
                "simulator", cmd, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=log
            )
        self._children.append(child)
        self._save_state()
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
        """Start `python -m homeassistant -c <config>` with its console output in a file."""
        with (self.workdir / "hass-console.log").open("ab") as console:
            child = await spawn(
                "hass",
                # --skip-pip: the venv has every package; hass must not install any at run time.
                [self.python, "-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
                # Not the repository: its custom_components must come from the config dir only.
                cwd=self.workdir,
                stdout=console,
                stderr=asyncio.subprocess.STDOUT,
            )
        self._children.append(child)
        self._save_state()

    def _hass(self) -> Child:
        """Return the hass child process."""
        return next(c for c in self._children if c.name == "hass")

    async def _wait_for_http(self) -> None:
        """Wait until Home Assistant answers on its port (or died)."""
        hass = self._hass()
        while True:
            if hass.process.returncode is not None:
                raise DemoError(
                    f"Home Assistant exited with code {hass.process.returncode}; its output "
                    f"({self.workdir / 'hass-console.log'}) ends with:\n"
                    + log_tail(self.workdir / "hass-console.log")
                )
            # Onboarding answers until it is done; then (a kept demo) the login providers do.
            for path in ("/api/onboarding", "/auth/providers"):
                with contextlib.suppress(aiohttp.ClientError, DemoError, TimeoutError):
                    if await rest(self.session, "GET", f"{self.url}{path}", expect=(200,)):
                        return
            await asyncio.sleep(0.25)

    async def onboard(self) -> Tokens:
        """Create the demo user and finish every onboarding step; return its tokens."""
        user = {"name": DISPLAY_NAME, "username": USERNAME, "password": PASSWORD}
        return await onboard(self.session, self.url, self.client_id, user)

    async def login(self, username: str = USERNAME, password: str = PASSWORD) -> Tokens:
        """Log in through the login flow the frontend uses; return fresh tokens."""
        return await login(self.session, self.url, self.client_id, username, password)

    async def add_integration(self) -> str:
        """Add V2C Cloud with the simulator's base URL through the config flow; return the entry."""
        assert self.simulator is not None
        data = {
            "api_key": self.simulator.api_key,
            "advanced": {"base_url": self.simulator.cloud_url},
        }
        return await add_integration(self.session, self.url, self.access_token, DOMAIN, data)

    async def _wait_until_loaded(self) -> None:
        """Wait until the entry is loaded and every charger has its device."""
        assert self.simulator is not None
        assert self.entry_id is not None
        expected = {c.device_id for c in self.simulator.chargers}
        await wait_until_loaded(
            self.session, self.url, self.access_token, self.entry_id, expected, self.hass_log
        )

    # ---- helpers for callers -----------------------------------------------------------------

    async def websocket(self) -> HomeAssistantWebSocket:
        """Return an authenticated WebSocket connection (close it when done)."""
        return await HomeAssistantWebSocket.connect(self.session, self.url, self.access_token)

    async def api(
        self, method: str, path: str, json_body: Json = None, expect: Sequence[int] = (200, 201)
    ) -> Json:
        """Call Home Assistant's REST API as the demo user."""
        return await rest(
            self.session,
            method,
            f"{self.url}{path}",
            token=self.access_token,
            json_body=json_body,
            expect=expect,
        )

    def log_records(self, levels: Sequence[str] = ("ERROR", "CRITICAL")) -> list[str]:
        """Return Home Assistant's log records of these levels so far, tracebacks included."""
        return log_records(self.hass_log, levels)
