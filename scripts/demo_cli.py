"""scripts/demo: run the demo stack until Ctrl-C (the command line of scripts/demo_stack.py)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import json
import os
from pathlib import Path
import signal
import sys
from typing import Any

from scripts.demo_config import (
    DEFAULT_PORT,
    DEFAULT_WORKDIR,
    DOMAIN,
    PASSWORD,
    USERNAME,
    DemoError,
    log_tail,
)
from scripts.demo_stack import DemoStack


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
        "--fresh",
        action="store_true",
        help="start over with a new Home Assistant configuration (by default a demo started "
        "again with the same --port and --chargers keeps its configuration and history)",
    )
    parser.add_argument(
        "--non-interactive",
        action="store_true",
        help="print one JSON line when ready (url, username, password, pids) instead of the "
        "banner; still runs until SIGINT/SIGTERM",
    )
    return parser.parse_args(argv)


def describe(stack: DemoStack) -> dict[str, Any]:
    """Return what a user or script needs: URL, login, pids, chargers, logs."""
    assert stack.simulator is not None
    return {
        "ready": True,
        "url": stack.url,
        "username": USERNAME,
        "password": PASSWORD,
        "pids": {"demo": os.getpid(), **stack.pids},
        "simulator": {
            "cloud_url": stack.simulator.cloud_url,
            "api_key": stack.simulator.api_key,
            "control_url": stack.simulator.control_url,
            "chargers": [
                {"device_id": c.device_id, "name": c.name, "lan_host": c.lan_host}
                for c in stack.simulator.chargers
            ],
        },
        "entry_id": stack.entry_id,
        "log": str(stack.hass_log),
        "startup_seconds": stack.timings.get("ready"),
        "kept": stack.resumed,
    }


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
        f"  Faults    {stack.simulator.control_url or 'off'} (simulator control API, see "
        "docs/development/simulator-contract.md)",
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
        fresh=options.fresh,
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
            print(json.dumps(describe(stack)), flush=True)
        else:
            print(banner(stack), flush=True)
        # A restart from Home Assistant's UI (exit code 100) is handled inside supervise().
        exited = asyncio.ensure_future(stack.supervise())
        await asyncio.wait({exited, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done():
            try:
                name = exited.result()
            except DemoError as err:  # Home Assistant did not come back after a restart
                log(f"error: {err}")
                return 1
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
