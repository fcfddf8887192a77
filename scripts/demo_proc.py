"""Process control of the demo: each child in a process group of its own, and a pidfile.

A child starts in a new session (its pid is its process group id), so a terminal's Ctrl-C
reaches only the orchestrator, which stops Home Assistant and then the simulator in order, and
a stop signals the whole group (helpers included). `<workdir>/demo.pid` lists who runs, one
`name pid start-time` line each; a later start in the same workdir stops what it lists. The
start time (from /proc/<pid>/stat) makes a stale line harmless: a pid reused by another process
has another start time and is left alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import shutil
import signal
import time
from typing import Any, Final

from scripts.demo_config import Log

PIDFILE: Final = "demo.pid"
OWNER: Final = "demo"  # the pidfile's name for the orchestrator (scripts/demo)
HASS_STOP_TIMEOUT: Final = 60.0
CHILD_STOP_TIMEOUT: Final = 15.0


def proc_start_time(pid: int) -> str | None:
    """Return a process's start time (clock ticks since boot), None when it does not run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # Fields after "comm)": state is field 3 of stat(5), starttime field 22.
    if len(fields) < 20 or fields[0] == "Z":
        return None
    return fields[19]


def alive(pid: int, start: str | None) -> bool:
    """Return True while the process `pid` started at `start` still runs (zombies do not count)."""
    return start is not None and proc_start_time(pid) == start


def group_exists(pgid: int) -> bool:
    """Return True while any process of group `pgid` exists (signal 0 only checks)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal(pid: int, sig: signal.Signals, *, group: bool) -> None:
    """Send `sig` to a process or its group; one that is already gone is fine."""
    with contextlib.suppress(ProcessLookupError):
        (os.killpg if group else os.kill)(pid, sig)


@dataclass(kw_only=True)
class Child:
    """A process we started, leader of its own process group."""

    name: str
    process: asyncio.subprocess.Process
    start: str | None
    grace: float = CHILD_STOP_TIMEOUT

    @property
    def pid(self) -> int:
        """Return the process id (= its process group id)."""
        return self.process.pid

    async def stop(self, grace: float | None = None) -> None:
        """Terminate the group, SIGKILL after `grace` s; return when every member is gone."""
        grace = self.grace if grace is None else grace
        # Helpers of the child (Chromium has several) share its group and may outlive it.
        # A group id is not reused while any member lives, so this signals only ours.
        if self.process.returncode is None or group_exists(self.pid):
            _signal(self.pid, signal.SIGTERM, group=True)
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            _signal(self.pid, signal.SIGKILL, group=True)
            await self.process.wait()
        deadline = time.monotonic() + grace
        while group_exists(self.pid) and time.monotonic() < deadline + 5:
            if time.monotonic() > deadline:
                _signal(self.pid, signal.SIGKILL, group=True)
            await asyncio.sleep(0.1)


def _die_with_us(cmd: list[str]) -> list[str]:
    """Prefix cmd so the child gets SIGTERM if we die without cleaning up (no orphans)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *cmd] if setpriv else cmd


async def spawn(
    name: str,
    cmd: list[str],
    *,
    cwd: Path,
    stdout: int | Any,
    stderr: int | Any,
    env: Mapping[str, str] | None = None,
    grace: float = CHILD_STOP_TIMEOUT,
) -> Child:
    """Start cmd in its own session and process group."""
    process = await asyncio.create_subprocess_exec(
        *_die_with_us(cmd),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )
    return Child(name=name, process=process, start=proc_start_time(process.pid), grace=grace)


class Processes:
    """The processes of one demo, listed in its pidfile while they run.

    `owner`: list this process too, so a later start asks it to stop (it then stops its
    children in order); a library user (a test) is never signalled, only its children.
    """

    def __init__(self, workdir: Path, *, owner: bool) -> None:
        """Describe the processes of the demo in `workdir`; nothing runs yet."""
        self.pidfile = workdir / PIDFILE
        self._owner = owner
        self.children: list[Child] = []

    @property
    def pids(self) -> dict[str, int]:
        """Return the pids of the running children, by name."""
        return {child.name: child.pid for child in self.children}

    def get(self, name: str) -> Child:
        """Return the child named `name`."""
        return next(child for child in self.children if child.name == name)

    async def spawn(self, name: str, cmd: list[str], **options: Any) -> Child:
        """Start a child (see `spawn`) and list it in the pidfile."""
        child = await spawn(name, cmd, **options)
        self.children.append(child)
        lines = [(OWNER, os.getpid(), proc_start_time(os.getpid()))] if self._owner else []
        lines += [(c.name, c.pid, c.start) for c in self.children]
        self.pidfile.write_text("".join(f"{n} {p} {s}\n" for n, p, s in lines))
        return child

    async def stop(self, child: Child | None = None) -> None:
        """Stop one child, or all of them in reverse start order and remove the pidfile."""
        for each in [child] if child else reversed(self.children):
            await each.stop()
        if child:
            self.children.remove(child)
            return
        self.children.clear()
        with contextlib.suppress(OSError):
            self.pidfile.unlink()

    async def wait_exited(self) -> str:
        """Wait until one of the children exits by itself; return its name."""
        waits = {asyncio.ensure_future(c.process.wait()): c.name for c in self.children}
        if not waits:
            return ""
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        return waits[next(iter(done))]

    def stop_previous(self, log: Log) -> None:
        """Stop what the pidfile of an earlier start lists (blocking: run it in a thread).

        The earlier orchestrator first (it stops its children in order), then any group it left.
        """
        try:
            lines = [line.split() for line in self.pidfile.read_text().splitlines()]
        except OSError:
            return
        for name, pid, start in (line for line in lines if len(line) == 3 and line[1].isdigit()):
            if int(pid) == os.getpid() or not alive(int(pid), start):
                continue
            group = name != OWNER
            who = f"demo's {name}" if group else "demo"
            log(f"Stopping the previous {who} (pid {pid})...")
            _signal(int(pid), signal.SIGTERM, group=group)
            grace = HASS_STOP_TIMEOUT + (CHILD_STOP_TIMEOUT if name == OWNER else 0)
            deadline = time.monotonic() + grace
            while alive(int(pid), start) and time.monotonic() < deadline:
                time.sleep(0.1)
            if alive(int(pid), start):
                _signal(int(pid), signal.SIGKILL, group=group)
        with contextlib.suppress(OSError):
            self.pidfile.unlink()
