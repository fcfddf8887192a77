"""Home Assistant's HTTP and WebSocket APIs as the demo stack and its tests use them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
import json
from pathlib import Path
import time
from typing import Self

import aiohttp

from scripts.demo_proc import DemoError, Json, log_tail


@dataclass(frozen=True, kw_only=True)
class Tokens:
    """OAuth tokens of the demo user."""

    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str


# ---- Home Assistant APIs ---------------------------------------------------------------------


class HomeAssistantWebSocket:
    """A minimal client of Home Assistant's WebSocket API (commands and subscribed events)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated connection."""
        self._ws = ws
        self._next_id = 0
        self._events: list[Json] = []

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, url: str, token: str) -> Self:
        """Open and authenticate a connection to `url` (the http:// base URL)."""
        ws = await session.ws_connect(f"{url}/api/websocket", max_msg_size=0)
        hello = await ws.receive_json(timeout=10)
        if hello.get("type") != "auth_required":
            raise DemoError(f"unexpected WebSocket greeting: {hello}")
        await ws.send_json({"type": "auth", "access_token": token})
        reply = await ws.receive_json(timeout=10)
        if reply.get("type") != "auth_ok":
            await ws.close()
            raise DemoError(f"WebSocket authentication failed: {reply}")
        return cls(ws)

    async def close(self) -> None:
        """Close the connection."""
        await self._ws.close()

    async def send(self, type_: str, **fields: Json) -> int:
        """Send a message and return its id."""
        self._next_id += 1
        await self._ws.send_json({"id": self._next_id, "type": type_, **fields})
        return self._next_id

    async def _receive(self, seconds: float) -> Json:
        """Receive one message, waiting at most `seconds`."""
        return await self._ws.receive_json(timeout=seconds)

    async def reply(self, msg_id: int, seconds: float = 30) -> Json:
        """Return the whole answer to message `msg_id` (events arriving meanwhile are kept)."""
        deadline = time.monotonic() + seconds
        while True:
            msg = await self._receive(max(deadline - time.monotonic(), 0.01))
            if msg.get("type") == "event":
                self._events.append(msg)
            elif msg.get("id") == msg_id:
                return msg

    async def command(self, type_: str, **fields: Json) -> Json:
        """Run a command and return its result; DemoError when it fails."""
        msg = await self.reply(await self.send(type_, **fields))
        if not msg.get("success"):
            raise DemoError(f"WebSocket command {type_} failed: {msg.get('error')}")
        return msg.get("result")

    async def subscribe_events(self, event_type: str | None = None) -> int:
        """Subscribe to bus events (all of them when event_type is None); return the id."""
        fields = {"event_type": event_type} if event_type else {}
        msg_id = await self.send("subscribe_events", **fields)
        while True:
            msg = await self._receive(10)
            if msg.get("type") == "event":
                self._events.append(msg)
            elif msg.get("id") == msg_id:
                if not msg.get("success"):
                    raise DemoError(f"subscribe_events failed: {msg.get('error')}")
                return msg_id

    async def next_event(
        self, predicate: Callable[[Json], bool] = lambda _e: True, within: float = 10
    ) -> Json:
        """Return the first received bus event (the `event` object) matching, within `within` s."""
        for index, msg in enumerate(self._events):
            if predicate(msg["event"]):
                del self._events[index]
                return msg["event"]
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching event received")
            msg = await self._receive(remaining)
            if msg.get("type") != "event":
                continue
            if predicate(msg["event"]):
                return msg["event"]
            self._events.append(msg)


async def rest(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: Json = None,
    form: Mapping[str, str] | None = None,
    expect: Sequence[int] = (200, 201),
) -> Json:
    """Call Home Assistant's HTTP API and return the decoded JSON (or text) answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.request(method, url, headers=headers, json=json_body, data=form) as response:
        text = await response.text()
        if response.status not in expect:
            raise DemoError(f"{method} {url} answered {response.status}: {text[:500]}")
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text


# ---- onboarding, login and the config flow ---------------------------------------------------


async def exchange_code(
    session: aiohttp.ClientSession, url: str, client_id: str, code: str
) -> Tokens:
    """Exchange an authorization code for tokens."""
    data = await rest(
        session,
        "POST",
        f"{url}/auth/token",
        form={"grant_type": "authorization_code", "code": code, "client_id": client_id},
    )
    return Tokens(
        access_token=data["access_token"],
        refresh_token=data["refresh_token"],
        expires_in=int(data["expires_in"]),
        client_id=client_id,
    )


async def onboard(
    session: aiohttp.ClientSession, url: str, client_id: str, user: Mapping[str, str]
) -> Tokens:
    """Create the user (name, username, password) and finish every onboarding step."""
    created = await rest(
        session,
        "POST",
        f"{url}/api/onboarding/users",
        json_body={"client_id": client_id, "language": "en", **user},
    )
    tokens = await exchange_code(session, url, client_id, created["auth_code"])
    auth = tokens.access_token
    await rest(session, "POST", f"{url}/api/onboarding/analytics", token=auth, json_body={})
    await rest(
        session,
        "POST",
        f"{url}/api/onboarding/integration",
        token=auth,
        json_body={"client_id": client_id, "redirect_uri": f"{url}/?auth_callback=1"},
    )
    steps = await rest(session, "GET", f"{url}/api/onboarding")
    if not all(step.get("done") for step in steps):
        raise DemoError(f"onboarding is not complete: {steps}")
    return tokens


async def login(
    session: aiohttp.ClientSession, url: str, client_id: str, username: str, password: str
) -> Tokens:
    """Log in through the login flow the frontend uses; return fresh tokens."""
    flow = await rest(
        session,
        "POST",
        f"{url}/auth/login_flow",
        json_body={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{url}/?auth_callback=1",
        },
    )
    result = await rest(
        session,
        "POST",
        f"{url}/auth/login_flow/{flow['flow_id']}",
        json_body={"client_id": client_id, "username": username, "password": password},
    )
    if result.get("type") != "create_entry":
        raise DemoError(f"login failed: {result.get('errors')}")
    return await exchange_code(session, url, client_id, result["result"])


async def promote_http_config(session: aiohttp.ClientSession, url: str, token: str) -> bool:
    """Confirm the `http:` settings (HA 2026.11 runs them as a trial, reverted after 5 minutes).

    Returns False where there is nothing to confirm: older releases (`unknown_command`) or a
    configuration that was confirmed before (a restart of a kept demo).
    """
    ws = await HomeAssistantWebSocket.connect(session, url, token)
    try:
        msg_id = await ws.send("http/config/promote")
        reply = await ws.reply(msg_id)
    finally:
        await ws.close()
    if reply.get("success"):
        return True
    error = reply.get("error") or {}
    if error.get("code") == "unknown_command" or "No pending" in str(error.get("message")):
        return False
    raise DemoError(f"confirming the HTTP configuration failed: {error}")


async def add_integration(
    session: aiohttp.ClientSession, url: str, token: str, domain: str, data: Mapping[str, Json]
) -> str:
    """Add the integration through the config flow REST API (cloud path); return the entry id.

    `data` is the cloud step's input, e.g. {"api_key": ..., "advanced": {"base_url": ...}}.
    """
    base = f"{url}/api/config/config_entries"
    form = await rest(session, "POST", f"{base}/flow", token=token, json_body={"handler": domain})
    if form.get("type") == "menu" and "cloud" in form.get("menu_options", []):
        # The flow offers a cloud account or a single LAN charger: take the cloud account.
        form = await rest(
            session,
            "POST",
            f"{base}/flow/{form['flow_id']}",
            token=token,
            json_body={"next_step_id": "cloud"},
        )
    fields = {field["name"] for field in form.get("data_schema", [])}
    if form.get("type") != "form" or not set(data) <= fields:
        raise DemoError(f"unexpected first step of the {domain} config flow: {form}")
    result = await rest(
        session, "POST", f"{base}/flow/{form['flow_id']}", token=token, json_body=dict(data)
    )
    if result.get("type") != "create_entry":
        raise DemoError(f"the config flow did not create an entry: {result}")
    return str(result["result"]["entry_id"])


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


async def wait_until_loaded(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    entry_id: str,
    expected: set[str],
    hass_log: Path,
    domain: str = "v2c_cloud",
) -> None:
    """Wait until the entry is loaded and every expected charger has its device."""
    while True:
        entries = await rest(session, "GET", f"{url}/api/config/config_entries/entry", token=token)
        entry = next((e for e in entries if e["entry_id"] == entry_id), None)
        state = entry["state"] if entry else "missing"
        if state in ("setup_error", "migration_error", "failed_unload"):
            raise DemoError(
                f"the {domain} entry is in state {state}; Home Assistant's log ends with:\n"
                + log_tail(hass_log)
            )
        if state == "loaded":
            break
        await asyncio.sleep(0.25)
    ws = await HomeAssistantWebSocket.connect(session, url, token)
    try:
        while True:
            devices = await ws.command("config/device_registry/list")
            found = {i for d in devices for dom, i in d["identifiers"] if dom == domain}
            if expected <= found:
                return
            await asyncio.sleep(0.25)
    finally:
        await ws.close()
