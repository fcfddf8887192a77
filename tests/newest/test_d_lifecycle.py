"""Diagnostics, reload, and a restart from the UI (the demo starts Home Assistant again)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aiohttp

from scripts.demo_api import HomeAssistantWebSocket
from scripts.demo_config import DemoError
from scripts.demo_stack import DemoStack
from simulator import Simulator

from .conftest import DOMAIN, LAN_ID


async def test_diagnostics(stack: DemoStack, sim: Simulator, devices: dict[str, str]) -> None:
    """Entry and device diagnostics download, without the API key."""
    entry = await stack.api("GET", f"/api/diagnostics/config_entry/{stack.entry_id}")
    device = await stack.api(
        "GET", f"/api/diagnostics/config_entry/{stack.entry_id}/device/{devices[LAN_ID]}"
    )
    for payload in (entry, device):
        assert payload["data"], payload
        assert sim.api_key not in json.dumps(payload)
    assert entry["integration_manifest"]["domain"] == DOMAIN


async def test_reload(stack: DemoStack) -> None:
    """Reloading the entry brings it back loaded."""
    answer = await stack.api("POST", f"/api/config/config_entries/entry/{stack.entry_id}/reload")
    assert answer["require_restart"] is False
    entries = await stack.api("GET", "/api/config/config_entries/entry")
    assert next(e for e in entries if e["entry_id"] == stack.entry_id)["state"] == "loaded"


async def test_http_settings_confirmed(ws: HomeAssistantWebSocket) -> None:
    """The demo confirmed the YAML `http:` settings: no trial left that would restart HA."""
    config = await ws.command("http/config")
    assert config["pending"] is None, config
    assert config["revert_at"] is None, config


async def test_restart_from_the_ui(stack: DemoStack) -> None:
    """`homeassistant.restart` exits with code 100; the demo starts hass again, state kept."""
    before = stack.pids["hass"]
    supervisor = asyncio.ensure_future(stack.supervise())
    try:
        with contextlib.suppress(DemoError, aiohttp.ClientError, TimeoutError):
            await stack.api("POST", "/api/services/homeassistant/restart", {})
        deadline = time.monotonic() + 120
        while stack.restarts == 0 or stack.pids.get("hass") == before or stack.tokens is None:
            assert not supervisor.done(), supervisor.result()
            assert time.monotonic() < deadline, "Home Assistant was not restarted"
            await asyncio.sleep(0.25)
        # restart_hass() returns once the entry is loaded again: wait for it through the API.
        while True:
            assert not supervisor.done(), supervisor.result()
            with contextlib.suppress(DemoError, aiohttp.ClientError):
                entries = await stack.api("GET", "/api/config/config_entries/entry")
                if any(e["entry_id"] == stack.entry_id and e["state"] == "loaded" for e in entries):
                    break
            assert time.monotonic() < deadline, "the entry did not come back after the restart"
            await asyncio.sleep(0.25)
        assert stack.restarts == 1
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor
