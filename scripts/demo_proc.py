"""Processes of the demo stack: start them in their own group, prove they are gone.

Shared by scripts/demo_stack.py, scripts/demo_cli.py, scripts/take_screenshots.py and tests/e2e.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import time
from typing import Any, Final

HOST: Final = "127.0.0.1"
STATE_FILE: Final = "demo.json"
HASS_STOP_TIMEOUT: Final = 60.0
CHILD_STOP_TIMEOUT: Final = 15.0


class DemoError(Exception):
    """A step of the demo failed; the message says what happened and what to do."""


type Json = Any
type Log = Callable[[str], None]


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


def save_state(workdir: Path, url: str, children: list[Child], *, signal_owner: bool) -> None:
    """Record who runs (this process and its children), so a next start can stop them cleanly."""
    state = {
        "url": url,
        "owner": {
            "pid": os.getpid(),
            "start": proc_start_time(os.getpid()),
            "signal": signal_owner,
        },
        "children": [{"name": c.name, "pid": c.pid, "start": c.start} for c in children],
    }
    (workdir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")


def log_tail(path: Path, lines: int = 30) -> str:
    """Return the last lines of a log file (for error messages)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
