"""The demo's process control: process groups and a pidfile (scripts/demo_proc.py)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import signal
from typing import Any

from scripts.demo_proc import (
    PIDFILE,
    Child,
    Processes,
    alive,
    group_exists,
    proc_start_time,
    spawn,
)

QUIET: dict[str, Any] = {"stdout": asyncio.subprocess.DEVNULL, "stderr": asyncio.subprocess.DEVNULL}


async def _start(tmp_path: Path, script: str, name: str = "child") -> Child:
    """Start `sh -c script` in a group of its own."""
    return await spawn(name, ["sh", "-c", script], cwd=tmp_path, **QUIET)


def test_start_time_names_one_process() -> None:
    """A pid with its start time names one process; another start time is another process."""
    me = proc_start_time(os.getpid())
    assert me is not None
    assert alive(os.getpid(), me)
    assert not alive(os.getpid(), "0")
    assert not alive(os.getpid(), None)


async def test_stop_ends_the_whole_group(tmp_path: Path) -> None:
    """A child that ignores SIGTERM, and its helpers, are killed after the grace period."""
    child = await _start(tmp_path, "trap '' TERM; sleep 60 & sleep 60 & wait")
    await asyncio.sleep(0.2)  # the helpers have started
    assert group_exists(child.pid)
    await child.stop(0.5)
    assert child.process.returncode == -signal.SIGKILL
    assert not group_exists(child.pid)


async def test_pidfile_lists_the_owner_and_its_children(tmp_path: Path) -> None:
    """The pidfile lists who runs while they run; stop() ends them all and removes it."""
    processes = Processes(tmp_path, owner=True)
    simulator = await processes.spawn("simulator", ["sleep", "60"], cwd=tmp_path, **QUIET)
    hass = await processes.spawn("hass", ["sh", "-c", "exit 3"], cwd=tmp_path, **QUIET)
    assert (tmp_path / PIDFILE).read_text().splitlines() == [
        f"demo {os.getpid()} {proc_start_time(os.getpid())}",
        f"simulator {simulator.pid} {simulator.start}",
        f"hass {hass.pid} {hass.start}",
    ]
    assert processes.pids == {"simulator": simulator.pid, "hass": hass.pid}
    assert await processes.wait_exited() == "hass"
    await processes.stop(hass)
    assert processes.pids == {"simulator": simulator.pid}
    assert (tmp_path / PIDFILE).exists()
    await processes.stop()
    assert simulator.process.returncode == -signal.SIGTERM
    assert processes.pids == {}
    assert not (tmp_path / PIDFILE).exists()


async def test_a_second_start_stops_the_first(tmp_path: Path) -> None:
    """The groups of an earlier start are stopped; its orchestrator alone gets SIGTERM."""
    earlier = Processes(tmp_path, owner=False)
    hass = await earlier.spawn("hass", ["sleep", "60"], cwd=tmp_path, **QUIET)
    # An orchestrator (the leader) with a helper in its group: it stops its children itself.
    owner = await _start(tmp_path, "sleep 60 & exec sleep 61", "demo")
    await asyncio.sleep(0.2)
    lines = (tmp_path / PIDFILE).read_text()
    (tmp_path / PIDFILE).write_text(f"demo {owner.pid} {owner.start}\n{lines}")
    logs: list[str] = []
    await asyncio.to_thread(Processes(tmp_path, owner=True).stop_previous, logs.append)
    assert logs == [
        f"Stopping the previous demo (pid {owner.pid})...",
        f"Stopping the previous demo's hass (pid {hass.pid})...",
    ]
    assert await owner.process.wait() == -signal.SIGTERM
    assert await hass.process.wait() == -signal.SIGTERM
    assert group_exists(owner.pid)  # only the orchestrator was signalled, not its group
    assert not (tmp_path / PIDFILE).exists()
    await owner.stop(5)
    assert not group_exists(owner.pid)


async def test_a_stale_pidfile_is_ignored(tmp_path: Path) -> None:
    """Pids that are gone, reused by another process, ours, or garbage are left alone."""
    other = await _start(tmp_path, "sleep 60")
    me = os.getpid()
    (tmp_path / PIDFILE).write_text(
        f"demo {me} {proc_start_time(me)}\n"  # this process (a restart in place)
        f"hass {other.pid} 1\n"  # its pid now names another process (another start time)
        f"simulator {2**22 + 1} 5\n"  # gone (above the largest pid Linux gives)
        "garbage\nhass x 1\n"
    )
    logs: list[str] = []
    Processes(tmp_path, owner=True).stop_previous(logs.append)
    assert logs == []
    assert not (tmp_path / PIDFILE).exists()
    assert other.process.returncode is None
    assert alive(other.pid, other.start)
    await other.stop(5)
    Processes(tmp_path, owner=True).stop_previous(logs.append)  # no pidfile at all
    assert logs == []
