"""Config flow (cloud and LAN-only), options, reconfigure and reauth on the newest release."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from scripts.demo_config import log_records
from scripts.demo_stack import DemoStack
from simulator import Simulator

from .conftest import DOMAIN, IDLE_ID, LAN_ID, LOG_ALLOWED, SHED_ID, log_files, log_lines

FLOWS = "/api/config/config_entries"


async def _entry_state(stack: DemoStack, entry_id: str) -> str:
    """Return a config entry's state ("missing" when it does not exist)."""
    entries = await stack.api("GET", f"{FLOWS}/entry")
    entry = next((e for e in entries if e["entry_id"] == entry_id), None)
    return str(entry["state"]) if entry else "missing"


async def _wait_state(stack: DemoStack, entry_id: str, want: str, seconds: float = 60) -> None:
    """Wait until the entry reaches a state."""
    deadline = time.monotonic() + seconds
    while (state := await _entry_state(stack, entry_id)) != want:
        assert time.monotonic() < deadline, f"entry {entry_id} is {state}, not {want}"
        await asyncio.sleep(0.25)


async def _flow(stack: DemoStack, body: dict[str, Any]) -> dict[str, Any]:
    """Start a config flow."""
    result: dict[str, Any] = await stack.api("POST", f"{FLOWS}/flow", body)
    return result


async def _step(stack: DemoStack, flow: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Submit a step of a config flow."""
    result: dict[str, Any] = await stack.api("POST", f"{FLOWS}/flow/{flow['flow_id']}", data)
    return result


def _fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the form's fields by name."""
    return {field["name"]: field for field in form["data_schema"]}


def _no_flow_warnings(stack: DemoStack) -> None:
    """HA 2026.11 names deprecated flow patterns in WARNING/ERROR records: there must be none."""
    bad = [
        r
        for path in log_files(stack)
        for r in log_records(path, ("WARNING", "ERROR"))
        if "update listener" in r or "show_advanced_options" in r
    ]
    assert bad == [], "\n".join(bad)


async def test_cloud_flow_errors_and_duplicate(stack: DemoStack, sim: Simulator) -> None:
    """The cloud step: URL in a collapsed section, errors shown, the same account aborts."""
    menu = await _flow(stack, {"handler": DOMAIN})
    assert menu["type"] == "menu"
    assert menu["menu_options"] == ["cloud", "local"]
    form = await _step(stack, menu, {"next_step_id": "cloud"})
    fields = _fields(form)
    assert set(fields) == {"api_key", "advanced"}
    assert fields["advanced"]["type"] == "expandable"
    assert fields["advanced"].get("expanded") is False
    advanced = {"base_url": sim.cloud_url}
    form = await _step(stack, form, {"api_key": "wrong-key", "advanced": advanced})
    assert form["errors"] == {"base": "invalid_auth"}
    form = await _step(stack, form, {"api_key": sim.api_key, "advanced": {"base_url": "ftp://x"}})
    assert form["errors"] == {"base_url": "invalid_url"}
    done = await _step(stack, form, {"api_key": sim.api_key, "advanced": advanced})
    assert done["type"] == "abort"
    assert done["reason"] == "already_configured"


async def test_lan_only_entry(stack: DemoStack, shed: Simulator) -> None:
    """Add a charger by address (loopback only when allowed), set options, reconfigure, remove."""
    host = shed.lan_host(SHED_ID)
    assert host is not None
    menu = await _flow(stack, {"handler": DOMAIN})
    form = await _step(stack, menu, {"next_step_id": "local"})
    assert set(_fields(form)) == {"host", "advanced"}
    form = await _step(stack, form, {"host": host})
    assert form["errors"] == {"host": "invalid_host"}
    created = await _step(stack, form, {"host": host, "advanced": {"allow_loopback": True}})
    assert created["type"] == "create_entry", created
    assert created["title"] == f"Trydan {SHED_ID}"
    entry_id = created["result"]["entry_id"]
    try:
        await _wait_state(stack, entry_id, "loaded")
        states = await stack.api("GET", "/api/states")
        assert any(SHED_ID.lower() in s["entity_id"] or "shed" in s["entity_id"] for s in states)

        options = await stack.api("POST", f"{FLOWS}/options/flow", {"handler": entry_id})
        assert set(_fields(options)) == {"scan_interval"}
        saved = await stack.api(
            "POST", f"{FLOWS}/options/flow/{options['flow_id']}", {"scan_interval": 60}
        )
        assert saved["type"] == "create_entry"

        form = await _flow(stack, {"handler": DOMAIN, "entry_id": entry_id})
        assert form["step_id"] == "reconfigure_local"
        done = await _step(stack, form, {"host": host})
        assert done["reason"] == "reconfigure_successful"
        await _wait_state(stack, entry_id, "loaded")
    finally:
        await stack.api("DELETE", f"{FLOWS}/entry/{entry_id}")
    assert await _entry_state(stack, entry_id) == "missing"
    _no_flow_warnings(stack)


async def test_options_per_charger(stack: DemoStack) -> None:
    """The options flow: poll interval, then one charger's connection mode."""
    entry_id = stack.entry_id
    form = await stack.api("POST", f"{FLOWS}/options/flow", {"handler": entry_id})
    assert set(_fields(form)) == {"scan_interval", "charger"}
    form = await stack.api(
        "POST", f"{FLOWS}/options/flow/{form['flow_id']}", {"scan_interval": 30, "charger": IDLE_ID}
    )
    assert form["step_id"] == "charger"
    saved = await stack.api("POST", f"{FLOWS}/options/flow/{form['flow_id']}", {"mode": "lan"})
    assert saved["type"] == "create_entry"
    assert await _entry_state(stack, str(entry_id)) == "loaded"


async def test_reconfigure_key(stack: DemoStack, sim: Simulator) -> None:
    """A second key of the same account replaces the first; the entry reloads, no warning."""
    sim.add_api_key("second-key")
    entry_id = str(stack.entry_id)
    for key in ("second-key", sim.api_key):
        form = await _flow(stack, {"handler": DOMAIN, "entry_id": entry_id})
        assert form["step_id"] == "reconfigure"
        done = await _step(stack, form, {"api_key": key})
        assert done["reason"] == "reconfigure_successful"
        await _wait_state(stack, entry_id, "loaded")
    _no_flow_warnings(stack)


async def test_reauth_after_the_key_is_revoked(stack: DemoStack, sim: Simulator) -> None:
    """A revoked key stops the entry and starts reauth; a valid key brings it back."""
    entry_id = str(stack.entry_id)
    console = log_files(stack)[0]
    start = log_lines(stack)
    sim.api_keys.discard(sim.api_key)
    try:
        await stack.api("POST", f"{FLOWS}/entry/{entry_id}/reload")
        await _wait_state(stack, entry_id, "setup_error")
    finally:
        sim.api_keys.add(sim.api_key)
    ws = await stack.websocket()
    try:
        deadline = time.monotonic() + 30
        while True:
            flows = await ws.command("config_entries/flow/progress")
            reauth = [
                f for f in flows if f["handler"] == DOMAIN and f["step_id"] == "reauth_confirm"
            ]
            if reauth:
                break
            assert time.monotonic() < deadline, flows
            await asyncio.sleep(0.25)
    finally:
        await ws.close()
    done = await _step(stack, reauth[0], {"api_key": sim.api_key})
    assert done["reason"] == "reauth_successful"
    await _wait_state(stack, entry_id, "loaded")
    states = await stack.api("GET", "/api/states")
    assert any(LAN_ID.lower() in s["entity_id"] or "garage" in s["entity_id"] for s in states)
    _no_flow_warnings(stack)
    # What the revoked key logged: HA's own two records about it, nothing else of ours.
    added = console.read_text(errors="replace").splitlines()[start:]
    ours = [line for line in added if " WARNING " in line or " ERROR " in line]
    ours = [line for line in ours if DOMAIN in line]
    expected = ("Authentication failed while fetching", "could not authenticate")
    assert all(any(e in line for e in expected) for line in ours), ours
    LOG_ALLOWED.extend(ours)
