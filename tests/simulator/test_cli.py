"""python -m simulator: arguments, banner, JSON line, and a real run ended by SIGINT."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
import signal
import sys

import aiohttp
import pytest

from simulator.cli import build_configs, parse_args, serve

from .conftest import eventually

ROOT = Path(__file__).resolve().parents[2]


async def test_module_runs_until_sigint() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--chargers",
        "3",
        "--json",
        "--quota",
        "50",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 20)
        info = json.loads(line)
        assert info["api_key"] == "sim-key-0001"
        assert info["cloud_url"].startswith("http://127.0.0.1:")
        assert info["cloud_url"].endswith("/kong/v2c_service")
        chargers = info["chargers"]
        assert [c["device_id"] for c in chargers] == ["V2C0001A", "V2C0002B", "V2C0003C"]
        assert [c["name"] for c in chargers] == ["Garage", "Driveway", "Office"]
        assert chargers[2]["lan_host"] is None
        assert chargers[0]["lan_host"].startswith("127.0.0.1:")
        async with aiohttp.ClientSession() as session:
            async with session.post(
                info["cloud_url"] + "/device/currentstatecharge",
                params={"deviceId": "V2C0001A"},
                headers={"apikey": info["api_key"]},
            ) as resp:
                assert resp.status == 200
                assert resp.headers["RateLimit-Remaining"] == "49"
                assert json.loads(await resp.text())["charge_state"] == "2"
        proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_parse_args_defaults_and_errors() -> None:
    options = parse_args([])
    assert (options.chargers, options.cloud_port, options.lan_base_port) == (3, 0, 0)
    assert (options.api_key, options.quota, options.seed) == ("sim-key-0001", 1000, 0)
    assert (options.cloud_only, options.json) == (None, False)
    for bad in (["--chargers", "0"], ["--chargers", "2", "--cloud-only", "3"]):
        with pytest.raises(SystemExit):
            parse_args(bad)


def test_build_configs() -> None:
    three = build_configs(3, None)
    assert [c.lan for c in three] == [True, True, False]
    assert [(c.car_connected, c.charging) for c in three] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    assert [c.lan for c in build_configs(2, None)] == [True, True]
    assert [c.lan for c in build_configs(4, 2)] == [True, True, False, False]
    assert [c.lan for c in build_configs(3, 0)] == [True, True, True]


async def test_serve_prints_a_banner_and_stops() -> None:
    options = parse_args(["--chargers", "2", "--cloud-only", "1", "--api-key", "K", "--seed", "5"])
    stop = asyncio.Event()
    out = io.StringIO()
    task = asyncio.create_task(serve(options, stop, out))
    await eventually(lambda: bool(out.getvalue()))
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("cloud_url: http://127.0.0.1:")
    assert lines[2].split() == ["api_key:", "K"]
    assert lines[3].split()[:2] == ["V2C0001A", "Garage"]
    assert lines[3].split()[2].startswith("127.0.0.1:")
    assert lines[4].split() == ["V2C0002B", "Driveway", "cloud", "only"]
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_serve_with_a_lan_base_port() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    options = parse_args(["--chargers", "1", "--lan-base-port", str(base), "--json"])
    stop = asyncio.Event()
    out = io.StringIO()
    task = asyncio.create_task(serve(options, stop, out))
    await eventually(lambda: bool(out.getvalue()))
    info = json.loads(out.getvalue())
    assert info["chargers"][0]["lan_host"] == f"127.0.0.1:{base}"
    assert info["control_url"].startswith("http://127.0.0.1:")
    async with (
        aiohttp.ClientSession() as session,
        session.get(info["control_url"] + "/state") as resp,
    ):
        assert (await resp.json())["chargers"][0]["lan_host"] == f"127.0.0.1:{base}"
    stop.set()
    await asyncio.wait_for(task, 5)
