"""Run the demo stack: the V2C simulator and a real Home Assistant with this integration set up.

`scripts/demo` runs this module; `scripts/screenshots` and tests/e2e use `DemoStack` as a library.
Everything listens on 127.0.0.1 only. Home Assistant gets a throw-away configuration directory
(`<workdir>/config`, replaced on every start) with `custom_components/v2c_cloud` symlinked to the
repository, is onboarded over HTTP with a demo user, and gets the integration through the real
config-flow REST API, pointed at the simulator.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Mapping, Sequence
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import sys
import time
from typing import Any, Final, Self

import aiohttp

ROOT: Final = Path(__file__).resolve().parent.parent
DOMAIN: Final = "v2c_cloud"
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8123
DEFAULT_WORKDIR: Final = ROOT / ".demo"
USERNAME: Final = "demo"
PASSWORD: Final = "demo-demo"
DISPLAY_NAME: Final = "Demo"
STATE_FILE: Final = "demo.json"
START_TIMEOUT: Final = 180.0
HASS_STOP_TIMEOUT: Final = 60.0
CHILD_STOP_TIMEOUT: Final = 15.0

CONFIGURATION_YAML: Final = """\
# Written by scripts/demo_stack.py: a throw-away demo configuration (replaced on every start).
homeassistant:
  name: V2C Demo
  time_zone: Europe/Madrid
  country: ES
  currency: EUR
  unit_system: metric
  latitude: 38.35
  longitude: -0.48
  elevation: 10

http:
  server_host: {host}
  server_port: {port}

frontend:
config:
api:
energy:
repairs:
diagnostics:

logger:
  default: info
  logs:
    custom_components.v2c_cloud: debug
"""

ONBOARDING_STORE: Final = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config"]},
}


class DemoError(Exception):
    """A step of the demo failed; the message says what happened and what to do."""


type Json = Any
type Log = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class ChargerInfo:
    """One simulated charger as the simulator announces it."""

    device_id: str
    name: str
    lan_host: str | None


@dataclass(frozen=True, kw_only=True)
class SimulatorInfo:
    """Where the simulator listens (the JSON line of `python -m simulator --json`)."""

    cloud_url: str
    api_key: str
    chargers: tuple[ChargerInfo, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Build from the simulator's JSON summary."""
        return cls(
            cloud_url=str(data["cloud_url"]),
            api_key=str(data["api_key"]),
            chargers=tuple(
                ChargerInfo(
                    device_id=str(c["device_id"]),
                    name=str(c["name"]),
                    lan_host=str(c["lan_host"]) if c.get("lan_host") else None,
                )
                for c in data["chargers"]
            ),
        )


@dataclass(frozen=True, kw_only=True)
class Tokens:
    """OAuth tokens of the demo user."""

    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str


# ---- processes -------------------------------------------------------------------------------


def proc_start_time(pid: int) -> str | None:
    """Return a process's start time (clock ticks since boot), None when it does not exist.

    A pid plus its start time names one process for good, so a stale state file never makes us
    signal an unrelated process that reused the pid.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # Fields after "comm)": state is field 3 of stat(5), starttime field 22.
    if len(fields) < 20 or fields[0] == "Z":
        return None
    return fields[19]


def group_members(pgid: int) -> list[int]:
    """Return the live (non-zombie) processes of process group pgid."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if len(fields) > 2 and fields[0] != "Z" and fields[2] == str(pgid):
            members.append(int(entry.name))
    return members


def alive(pid: int, start: str | None) -> bool:
    """Return True while the process `pid` started at `start` still runs (zombies do not count)."""
    return start is not None and proc_start_time(pid) == start


def pids_using(path: Path) -> list[int]:
    """Return the pids whose command line mentions `path` (to prove nothing was left behind)."""
    needle = os.fsencode(str(path))
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline and proc_start_time(int(entry.name)) is not None:
            found.append(int(entry.name))
    return found


def port_in_use(port: int, host: str = HOST) -> bool:
    """Return True when something listens on host:port (bound as Home Assistant binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = HOST) -> int:
    """Return a TCP port that is free on host right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_us(cmd: list[str]) -> list[str]:
    """Prefix cmd so the child gets SIGTERM if we die without cleaning up (no orphans)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *cmd] if setpriv else cmd


@dataclass(kw_only=True)
class Child:
    """A process we started."""

    name: str
    process: asyncio.subprocess.Process
    start: str | None

    @property
    def pid(self) -> int:
        """Return the process id."""
        return self.process.pid

    async def stop(self, grace: float) -> None:
        """Terminate the process and its group, SIGKILL after `grace` s; return when all exited."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                await self.process.wait()
        # Helpers of the child (Chromium has several) share its group: wait until they are gone.
        # The group id cannot be reused while any member lives, so this signals only ours.
        deadline = time.monotonic() + grace
        while group_members(self.pid) and time.monotonic() < deadline + 5:
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
            await asyncio.sleep(0.1)


async def spawn(
    name: str,
    cmd: list[str],
    *,
    cwd: Path,
    stdout: int | Any,
    stderr: int | Any,
    env: Mapping[str, str] | None = None,
) -> Child:
    """Start cmd in its own session: a terminal Ctrl-C reaches only us, and we stop it in order."""
    process = await asyncio.create_subprocess_exec(
        *_die_with_us(cmd),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )
    return Child(name=name, process=process, start=proc_start_time(process.pid))


def stop_previous(workdir: Path, log: Log) -> None:
    """Stop a demo still running from an earlier start in the same workdir (from its state file)."""
    state_file = workdir / STATE_FILE
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return
    owner = state.get("owner") or {}
    mine = owner.get("pid") == os.getpid()
    if owner.get("signal") and not mine and alive(owner["pid"], owner["start"]):
        log(f"Stopping the previous demo (pid {owner['pid']})...")
        with contextlib.suppress(ProcessLookupError):
            os.kill(owner["pid"], signal.SIGTERM)
        deadline = time.monotonic() + HASS_STOP_TIMEOUT + CHILD_STOP_TIMEOUT
        while alive(owner["pid"], owner["start"]) and time.monotonic() < deadline:
            time.sleep(0.2)
    for child in state.get("children", []):
        pid, start = child["pid"], child["start"]
        if not alive(pid, start):
            continue
        log(f"Stopping the previous demo's {child['name']} (pid {pid})...")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + HASS_STOP_TIMEOUT
        while alive(pid, start) and time.monotonic() < deadline:
            time.sleep(0.2)
        if alive(pid, start):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        state_file.unlink()


def log_tail(path: Path, lines: int = 30) -> str:
    """Return the last lines of a log file (for error messages)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


# ---- Home Assistant APIs ---------------------------------------------------------------------


class HomeAssistantWebSocket:
    """A minimal client of Home Assistant's WebSocket API (commands and subscribed events)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated connection."""
        self._ws = ws
        self._next_id = 0
        self._events: list[Json] = []

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, url: str, token: str) -> Self:
        """Open and authenticate a connection to `url` (the http:// base URL)."""
        ws = await session.ws_connect(f"{url}/api/websocket", max_msg_size=0)
        hello = await ws.receive_json(timeout=10)
        if hello.get("type") != "auth_required":
            raise DemoError(f"unexpected WebSocket greeting: {hello}")
        await ws.send_json({"type": "auth", "access_token": token})
        reply = await ws.receive_json(timeout=10)
        if reply.get("type") != "auth_ok":
            await ws.close()
            raise DemoError(f"WebSocket authentication failed: {reply}")
        return cls(ws)

    async def close(self) -> None:
        """Close the connection."""
        await self._ws.close()

    async def send(self, type_: str, **fields: Json) -> int:
        """Send a message and return its id."""
        self._next_id += 1
        await self._ws.send_json({"id": self._next_id, "type": type_, **fields})
        return self._next_id

    async def _receive(self, seconds: float) -> Json:
        """Receive one message, waiting at most `seconds`."""
        return await self._ws.receive_json(timeout=seconds)

    async def command(self, type_: str, **fields: Json) -> Json:
        """Run a command and return its result (events arriving meanwhile are kept)."""
        msg_id = await self.send(type_, **fields)
        deadline = time.monotonic() + 30
        while True:
            msg = await self._receive(max(deadline - time.monotonic(), 0.01))
            if msg.get("type") == "event":
                self._events.append(msg)
                continue
            if msg.get("id") != msg_id:
                continue
            if not msg.get("success"):
                raise DemoError(f"WebSocket command {type_} failed: {msg.get('error')}")
            return msg.get("result")

    async def subscribe_events(self, event_type: str | None = None) -> int:
        """Subscribe to bus events (all of them when event_type is None); return the id."""
        fields = {"event_type": event_type} if event_type else {}
        msg_id = await self.send("subscribe_events", **fields)
        while True:
            msg = await self._receive(10)
            if msg.get("type") == "event":
                self._events.append(msg)
            elif msg.get("id") == msg_id:
                if not msg.get("success"):
                    raise DemoError(f"subscribe_events failed: {msg.get('error')}")
                return msg_id

    async def next_event(
        self, predicate: Callable[[Json], bool] = lambda _e: True, within: float = 10
    ) -> Json:
        """Return the first received bus event (the `event` object) matching, within `within` s."""
        for index, msg in enumerate(self._events):
            if predicate(msg["event"]):
                del self._events[index]
                return msg["event"]
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching event received")
            msg = await self._receive(remaining)
            if msg.get("type") != "event":
                continue
            if predicate(msg["event"]):
                return msg["event"]
            self._events.append(msg)


async def rest(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: Json = None,
    form: Mapping[str, str] | None = None,
    expect: Sequence[int] = (200, 201),
) -> Json:
    """Call Home Assistant's HTTP API and return the decoded JSON (or text) answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.request(method, url, headers=headers, json=json_body, data=form) as response:
        text = await response.text()
        if response.status not in expect:
            raise DemoError(f"{method} {url} answered {response.status}: {text[:500]}")
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text


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
        self._session: aiohttp.ClientSession | None = None
        self._children: list[Child] = []
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
        await asyncio.to_thread(self._write_config)
        if self.simulator is None:
            self._log(f"Starting the simulator with {self.chargers} chargers...")
            self.simulator = await self._start_simulator()
            mark("simulator")
        self._log(f"Starting Home Assistant on {self.url} (log: {self.hass_log})...")
        await self._start_hass()
        await self._wait_for_http()
        mark("hass_http")
        self._log("Onboarding the demo user...")
        self.tokens = await self.onboard()
        mark("onboarded")
        self._log("Adding V2C Cloud through the config flow...")
        self.entry_id = await self.add_integration()
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

    # ---- steps -------------------------------------------------------------------------------

    def _write_config(self) -> None:
        """Replace the configuration directory with a fresh one (a second start starts over)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.config_dir.exists():
            shutil.rmtree(self.config_dir)
        (self.config_dir / "custom_components").mkdir(parents=True)
        (self.config_dir / "custom_components" / DOMAIN).symlink_to(
            ROOT / "custom_components" / DOMAIN, target_is_directory=True
        )
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION_YAML.format(host=HOST, port=self.port)
        )
        # The core_config onboarding step only sets up met, radio_browser, google_translate and
        # shopping_list, which install packages and reach the internet: mark it done beforehand
        # (the location it would ask for is in configuration.yaml). The other steps run over HTTP.
        storage = self.config_dir / ".storage"
        storage.mkdir()
        (storage / "onboarding").write_text(json.dumps(ONBOARDING_STORE, indent=2) + "\n")

    def _save_state(self) -> None:
        """Record who runs, so the next start can replace this one cleanly."""
        state = {
            "url": self.url,
            "owner": {
                "pid": os.getpid(),
                "start": proc_start_time(os.getpid()),
                "signal": self._owner_is_cli,
            },
            "children": [{"name": c.name, "pid": c.pid, "start": c.start} for c in self._children],
        }
        (self.workdir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")

    async def _start_simulator(self) -> SimulatorInfo:
        """Start `python -m simulator --json` and read where it listens."""
        with (self.workdir / "simulator.log").open("wb") as log:
            child = await spawn(
                "simulator",
                [self.python, "-m", "simulator", "--chargers", str(self.chargers), "--json"],
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
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
        with (self.workdir / "hass-console.log").open("wb") as console:
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
            with contextlib.suppress(aiohttp.ClientError, DemoError, TimeoutError):
                steps = await rest(self.session, "GET", f"{self.url}/api/onboarding")
                if isinstance(steps, list):
                    return
            await asyncio.sleep(0.25)

    async def onboard(self) -> Tokens:
        """Create the demo user and finish every onboarding step; return its tokens."""
        url = self.url
        user = await rest(
            self.session,
            "POST",
            f"{url}/api/onboarding/users",
            json_body={
                "client_id": self.client_id,
                "name": DISPLAY_NAME,
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
        )
        tokens = await self._token(user["auth_code"])
        auth = tokens.access_token
        analytics = f"{url}/api/onboarding/analytics"
        await rest(self.session, "POST", analytics, token=auth, json_body={})
        await rest(
            self.session,
            "POST",
            f"{url}/api/onboarding/integration",
            token=auth,
            json_body={"client_id": self.client_id, "redirect_uri": f"{url}/?auth_callback=1"},
        )
        steps = await rest(self.session, "GET", f"{url}/api/onboarding")
        if not all(step.get("done") for step in steps):
            raise DemoError(f"onboarding is not complete: {steps}")
        return tokens

    async def login(self, username: str = USERNAME, password: str = PASSWORD) -> Tokens:
        """Log in through the login flow the frontend uses; return fresh tokens."""
        url = self.url
        flow = await rest(
            self.session,
            "POST",
            f"{url}/auth/login_flow",
            json_body={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{url}/?auth_callback=1",
            },
        )
        result = await rest(
            self.session,
            "POST",
            f"{url}/auth/login_flow/{flow['flow_id']}",
            json_body={"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            raise DemoError(f"login failed: {result.get('errors')}")
        return await self._token(result["result"])

    async def _token(self, code: str) -> Tokens:
        """Exchange an authorization code for tokens."""
        data = await rest(
            self.session,
            "POST",
            f"{self.url}/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        return Tokens(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_in=int(data["expires_in"]),
            client_id=self.client_id,
        )

    async def add_integration(self) -> str:
        """Add V2C Cloud with the simulator's base URL through the config flow; return the entry."""
        assert self.simulator is not None
        base = f"{self.url}/api/config/config_entries"
        form = await rest(
            self.session,
            "POST",
            f"{base}/flow",
            token=self.access_token,
            json_body={"handler": DOMAIN, "show_advanced_options": True},
        )
        if form.get("type") == "menu" and "cloud" in form.get("menu_options", []):
            # The flow offers a cloud account or a single LAN charger: take the cloud account.
            form = await rest(
                self.session,
                "POST",
                f"{base}/flow/{form['flow_id']}",
                token=self.access_token,
                json_body={"next_step_id": "cloud"},
            )
        fields = [field["name"] for field in form.get("data_schema", [])]
        if form.get("type") != "form" or "base_url" not in fields:
            raise DemoError(f"unexpected first step of the {DOMAIN} config flow: {form}")
        result = await rest(
            self.session,
            "POST",
            f"{base}/flow/{form['flow_id']}",
            token=self.access_token,
            json_body={"api_key": self.simulator.api_key, "base_url": self.simulator.cloud_url},
        )
        if result.get("type") != "create_entry":
            raise DemoError(f"the config flow did not create an entry: {result}")
        return str(result["result"]["entry_id"])

    async def _wait_until_loaded(self) -> None:
        """Wait until the entry is loaded and every charger has its device."""
        assert self.simulator is not None
        expected = {c.device_id for c in self.simulator.chargers}
        base = f"{self.url}/api/config/config_entries/entry"
        while True:
            entries = await rest(self.session, "GET", base, token=self.access_token)
            entry = next((e for e in entries if e["entry_id"] == self.entry_id), None)
            state = entry["state"] if entry else "missing"
            if state in ("setup_error", "migration_error", "failed_unload"):
                raise DemoError(
                    f"the {DOMAIN} entry is in state {state}; Home Assistant's log ends with:\n"
                    + log_tail(self.hass_log)
                )
            if state == "loaded":
                break
            await asyncio.sleep(0.25)
        ws = await self.websocket()
        try:
            while True:
                devices = await ws.command("config/device_registry/list")
                found = {
                    ident
                    for device in devices
                    for domain, ident in device["identifiers"]
                    if domain == DOMAIN
                }
                if expected <= found:
                    return
                await asyncio.sleep(0.25)
        finally:
            await ws.close()

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
        try:
            lines = self.hass_log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        records: list[list[str]] = []
        keep = False
        for line in lines:
            # A record starts with "YYYY-MM-DD HH:MM:SS.mmm LEVEL (thread) [logger] message".
            parts = line.split(" ", 3)
            if len(parts) > 2 and line[:2] == "20" and line[4:5] == "-":
                keep = parts[2] in levels
                if keep:
                    records.append([line])
            elif keep:
                records[-1].append(line)
        return ["\n".join(record) for record in records]

    def describe(self) -> dict[str, Any]:
        """Return what a user or script needs: URL, login, pids, chargers, logs."""
        assert self.simulator is not None
        return {
            "ready": True,
            "url": self.url,
            "username": USERNAME,
            "password": PASSWORD,
            "pids": {"demo": os.getpid(), **self.pids},
            "simulator": {
                "cloud_url": self.simulator.cloud_url,
                "api_key": self.simulator.api_key,
                "chargers": [
                    {"device_id": c.device_id, "name": c.name, "lan_host": c.lan_host}
                    for c in self.simulator.chargers
                ],
            },
            "entry_id": self.entry_id,
            "log": str(self.hass_log),
            "startup_seconds": self.timings.get("ready"),
        }


# ---- command line ----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line of scripts/demo."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Run Home Assistant with V2C Cloud against the simulator (127.0.0.1 only).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="Home Assistant's port")
    parser.add_argument("--chargers", type=int, default=3, help="simulated chargers (default 3)")
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default .demo/)"
    )
    parser.add_argument(
        "--non-interactive",
        action="store_true",
        help="print one JSON line when ready (url, username, password, pids) instead of the "
        "banner; still runs until SIGINT/SIGTERM",
    )
    return parser.parse_args(argv)


def banner(stack: DemoStack) -> str:
    """Render what the user needs once the demo is up."""
    assert stack.simulator is not None
    lines = [
        "",
        f"V2C Cloud demo is ready (started in {stack.timings.get('ready', 0):.1f} s).",
        "",
        f"  Open      {stack.url}",
        f"  Log in    username '{USERNAME}', password '{PASSWORD}'",
        f"  Chargers  {stack.url}/config/integrations/integration/{DOMAIN}",
    ]
    for charger in stack.simulator.chargers:
        where = f"LAN {charger.lan_host}" if charger.lan_host else "cloud only (4G)"
        lines.append(f"            {charger.device_id}  {charger.name:<10} {where}")
    lines += [
        f"  Simulator {stack.simulator.cloud_url} (API key {stack.simulator.api_key})",
        f"  Logs      {stack.hass_log}",
        "",
        f"Press Ctrl-C to stop everything (or: kill {os.getpid()}).",
    ]
    return "\n".join(lines)


async def run(options: argparse.Namespace) -> int:
    """Start the stack, report it, and run until SIGINT/SIGTERM or a process dies."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    stack = DemoStack(
        port=options.port,
        chargers=options.chargers,
        workdir=options.workdir,
        log=log,
        owner_is_cli=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    stop_wait = asyncio.ensure_future(stop.wait())
    starting = asyncio.ensure_future(stack.start())
    started = False
    try:
        await asyncio.wait({starting, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            log("Interrupted; stopping...")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError, DemoError):
                await starting
            return 130
        try:
            starting.result()
        except DemoError as err:
            log(f"error: {err}")
            return 1
        started = True
        if options.non_interactive:
            print(json.dumps(stack.describe()), flush=True)
        else:
            print(banner(stack), flush=True)
        exited = asyncio.ensure_future(stack.wait_exited())
        await asyncio.wait({exited, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done():
            name = exited.result()
            log(f"error: {name} exited unexpectedly; Home Assistant's log ends with:")
            log(log_tail(stack.hass_log))
            return 1
        exited.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await exited
        log("Stopping Home Assistant and the simulator...")
        return 0
    finally:
        stop_wait.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stop_wait
        await stack.stop()
        if started:
            log("Stopped.")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of scripts/demo."""
    options = parse_args(argv)
    try:
        return asyncio.run(run(options))
    except DemoError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
