"""`scripts/demo` as a user runs it: a second start replaces the first, Ctrl-C leaves nothing."""

from __future__ import annotations

import json
from pathlib import Path
import signal
import subprocess
import sys
from typing import Any
import urllib.request

import pytest

from scripts.demo_config import ROOT, free_port
from scripts.demo_proc import PIDFILE, alive, group_exists, proc_start_time

pytestmark = pytest.mark.e2e


def _start(workdir: Path, port: int, log: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Run the demo's command line until it prints its JSON line (its messages go to `log`)."""
    cmd = [sys.executable, "-m", "scripts.demo_cli", "--port", str(port), "--chargers", "1"]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*cmd, "--workdir", str(workdir), "--non-interactive"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    line = process.stdout.readline()  # the demo gives up after START_TIMEOUT
    assert line, f"the demo exited with {process.wait()}: {log.read_text()}"
    return process, json.loads(line)


def test_second_start_replaces_the_first(tmp_path: Path, socket_enabled: None) -> None:
    """A second `scripts/demo` stops the first and keeps its setup; SIGINT stops everything."""
    workdir, port = tmp_path / "demo", free_port()
    first, info = _start(workdir, port, tmp_path / "first.log")
    try:
        with urllib.request.urlopen(info["url"], timeout=10) as page:  # the frontend answers
            assert page.status == 200
        earlier = {name: (pid, proc_start_time(pid)) for name, pid in info["pids"].items()}
        assert set(earlier) == {"demo", "simulator", "hass"}
        assert (workdir / PIDFILE).read_text().split()[::3] == ["demo", "simulator", "hass"]
        second, info = _start(workdir, port, tmp_path / "second.log")
        try:
            assert first.wait(timeout=10) == 0
            assert "Stopping the previous demo (pid" in (tmp_path / "second.log").read_text()
            assert info["kept"] is True
            for name, (pid, start) in earlier.items():
                assert not alive(pid, start), f"the first demo's {name} still runs"
            now = {name: (pid, proc_start_time(pid)) for name, pid in info["pids"].items()}
            second.send_signal(signal.SIGINT)  # Ctrl-C
            assert second.wait(timeout=30) == 0
        finally:
            second.kill()
    finally:
        first.kill()
    for name, (pid, start) in now.items():
        assert not alive(pid, start), f"{name} still runs after Ctrl-C"
        assert name == "demo" or not group_exists(pid), f"{name}'s group still runs"
    assert not (workdir / PIDFILE).exists()
