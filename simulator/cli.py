"""Command line: run a simulator on 127.0.0.1 until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import json
import signal
import sys
from typing import TextIO

from .config import ChargerConfig, default_device_id, default_name
from .server import Simulator

HISTORY_SESSIONS = 3


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="V2C Cloud + Trydan LAN simulator (loopback)."
    )
    parser.add_argument("--chargers", type=int, default=3, help="number of chargers")
    parser.add_argument("--cloud-port", type=int, default=0, help="cloud port (0 = any)")
    parser.add_argument(
        "--lan-base-port", type=int, default=0, help="first LAN port, +1 per charger (0 = any)"
    )
    parser.add_argument("--api-key", default="sim-key-0001", help="accepted apikey header")
    parser.add_argument("--quota", type=int, default=1000, help="calls per key and UTC day")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument(
        "--cloud-only",
        type=int,
        default=None,
        metavar="N",
        help="the last N chargers have no LAN (default: 1 when there are 3 or more)",
    )
    parser.add_argument(
        "--control-port",
        type=int,
        default=0,
        help="runtime control API port on 127.0.0.1 (0 = any; -1 = no control API)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    options = parser.parse_args(argv)
    if options.chargers < 1:
        parser.error("--chargers must be at least 1")
    if options.cloud_only is not None and not 0 <= options.cloud_only <= options.chargers:
        parser.error("--cloud-only must be between 0 and --chargers")
    return options


def build_configs(count: int, cloud_only: int | None) -> list[ChargerConfig]:
    """Build the fleet: the first charger charges a car, the last cloud_only have no LAN."""
    if cloud_only is None:
        cloud_only = 1 if count >= 3 else 0
    return [
        ChargerConfig(
            device_id=default_device_id(index),
            name=default_name(index),
            lan=index <= count - cloud_only,
            car_connected=index == 1,
            charging=index == 1,
            history_sessions=HISTORY_SESSIONS,
        )
        for index in range(1, count + 1)
    ]


def summary(sim: Simulator) -> dict[str, object]:
    """Return what scripts need to talk to the simulator."""
    return {
        "cloud_url": sim.cloud_url,
        "api_key": sim.api_key,
        "control_url": sim.control_url,
        "chargers": [
            {"device_id": device_id, "name": charger.name, "lan_host": sim.lan_host(device_id)}
            for device_id, charger in sim.chargers.items()
        ],
    }


def describe(sim: Simulator, *, as_json: bool) -> str:
    """Render the start-up banner (or the JSON line)."""
    info = summary(sim)
    if as_json:
        return json.dumps(info) + "\n"
    lines = [
        "V2C simulator running (Ctrl-C to stop)",
        f"cloud_url: {sim.cloud_url}",
        f"api_key:   {sim.api_key}",
    ]
    for device_id, charger in sim.chargers.items():
        lan = sim.lan_host(device_id) or "cloud only"
        lines.append(f"  {device_id}  {charger.name:<10}  {lan}")
    lines.append(f"control:   {sim.control_url or 'off'}")
    return "\n".join(lines) + "\n"


async def serve(options: argparse.Namespace, stop: asyncio.Event, out: TextIO) -> None:
    """Start the simulator, print where it listens, and run until stop is set."""
    sim = Simulator(
        chargers=build_configs(options.chargers, options.cloud_only),
        api_key=options.api_key,
        quota=options.quota,
        seed=options.seed,
    )
    lan_count = sum(1 for charger in sim.chargers.values() if charger.lan)
    base = options.lan_base_port
    await sim.start(
        cloud_port=options.cloud_port,
        lan_ports=[base + offset for offset in range(lan_count)] if base else None,
        control_port=options.control_port if options.control_port >= 0 else None,
    )
    try:
        out.write(describe(sim, as_json=options.json))
        out.flush()
        await stop.wait()
    finally:
        await sim.stop()


async def run(options: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve(options, stop, sys.stdout)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of python -m simulator."""
    return asyncio.run(run(parse_args(argv)))
