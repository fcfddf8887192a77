"""The demo's settings and files: constants, ports, Home Assistant's config directory, the kept
setup and the logs. The base of the other demo modules (it imports none of them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import contextlib
from dataclasses import dataclass
import json
from pathlib import Path
import shutil
import socket
from typing import Any, Final, Self

ROOT: Final = Path(__file__).resolve().parent.parent
DOMAIN: Final = "v2c_cloud"
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8123
DEFAULT_WORKDIR: Final = ROOT / ".demo"
USERNAME: Final = "demo"
PASSWORD: Final = "demo-demo"
DISPLAY_NAME: Final = "Demo"
START_TIMEOUT: Final = 180.0
SETUP_FILE: Final = "setup.json"  # what a kept demo needs to come back: ports, fleet, entry
RESTART_EXIT_CODE: Final = 100  # `homeassistant.restart`

type Json = Any
type Log = Callable[[str], None]


class DemoError(Exception):
    """A step of the demo failed; the message says what happened and what to do."""


CONFIGURATION_YAML: Final = """\
# Written by scripts/demo_config.py: a demo configuration (replaced by `scripts/demo --fresh`).
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
    control_url: str | None = None
    """The simulator's runtime control API (faults, LAN swaps; docs/development)."""

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
            control_url=str(data["control_url"]) if data.get("control_url") else None,
        )


# ---- the kept setup and Home Assistant's configuration directory ------------------------------


def kept_setup(
    workdir: Path, config_dir: Path, port: int, chargers: int, python: str | None = None
) -> dict[str, Any] | None:
    """Return the saved setup of an earlier demo that a start can continue, else None.

    Another Python (another Home Assistant, `scripts/demo --ha`) starts a new demo: a config
    of a newer release must not be opened by an older one.
    """
    try:
        setup = json.loads((workdir / SETUP_FILE).read_text())
    except (OSError, ValueError):
        return None
    usable = (
        isinstance(setup, dict)
        and setup.get("port") == port
        and setup.get("chargers") == chargers
        and setup.get("entry_id")
        and (python is None or setup.get("python") == python)
        and (config_dir / ".storage" / "core.config_entries").is_file()
    )
    return setup if usable else None


def save_setup(workdir: Path, setup: Mapping[str, Any]) -> None:
    """Remember what a later start needs to continue this demo (ports, fleet, entry)."""
    (workdir / SETUP_FILE).write_text(json.dumps(dict(setup), indent=2) + "\n")


def write_config(workdir: Path, config_dir: Path, port: int, *, keep: bool) -> None:
    """Write Home Assistant's configuration directory; a fresh one unless `keep`."""
    workdir.mkdir(parents=True, exist_ok=True)
    if not keep:
        with contextlib.suppress(OSError):
            (workdir / SETUP_FILE).unlink()
        if config_dir.exists():
            shutil.rmtree(config_dir)
    link = config_dir / "custom_components" / DOMAIN
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(ROOT / "custom_components" / DOMAIN, target_is_directory=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION_YAML.format(host=HOST, port=port))
    if keep:
        return
    # The core_config onboarding step only sets up met, radio_browser, google_translate and
    # shopping_list, which install packages and reach the internet: mark it done beforehand
    # (the location it would ask for is in configuration.yaml). The other steps run over HTTP.
    storage = config_dir / ".storage"
    storage.mkdir()
    (storage / "onboarding").write_text(json.dumps(ONBOARDING_STORE, indent=2) + "\n")


# ---- ports -----------------------------------------------------------------------------------


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


def free_block(count: int = 16, host: str = HOST) -> int:
    """Return the first of `count` consecutive free TCP ports (the simulator's LAN chargers)."""
    for _ in range(50):
        base = free_port(host)
        if base + count < 65536 and not any(port_in_use(base + i, host) for i in range(count)):
            return base
    raise DemoError("no block of free ports found for the simulated chargers")


# ---- logs ------------------------------------------------------------------------------------


def log_tail(path: Path, lines: int = 30) -> str:
    """Return the last lines of a log file (for error messages)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def log_records(path: Path, levels: Sequence[str] = ("ERROR", "CRITICAL")) -> list[str]:
    """Return Home Assistant's log records of these levels, tracebacks included."""
    try:
        lines = path.read_text(errors="replace").splitlines()
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
