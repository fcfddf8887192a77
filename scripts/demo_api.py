"""Home Assistant's HTTP and WebSocket APIs as the demo stack, its tests and scripts use them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import contextlib
from dataclasses import dataclass
import json
from pathlib import Path
import time
from typing import Self

import aiohttp

from scripts.demo_config import DOMAIN, DemoError, Json, log_tail


@dataclass(frozen=True, kw_only=True)
class Tokens:
    """OAuth tokens of the demo user."""

    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str


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


class HomeAssistantAPI:
    """Home Assistant's HTTP API at `url` as the frontend uses it: onboarding, login, flows.

    `onboard()` and `login()` keep the user's tokens; later calls are made as that user.
    """

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to the Home Assistant at `url` (the http:// base URL) through `session`."""
        self.session = session
        self.url = url
        self.client_id = f"{url}/"  # the OAuth client id the frontend uses
        self.tokens: Tokens | None = None

    @property
    def token(self) -> str:
        """Return the access token (after onboard or login)."""
        if self.tokens is None:
            raise DemoError("not logged in to Home Assistant")
        return self.tokens.access_token

    async def rest(
        self,
        method: str,
        path: str,
        json_body: Json = None,
        *,
        form: Mapping[str, str] | None = None,
        expect: Sequence[int] = (200, 201),
        auth: bool = True,
    ) -> Json:
        """Call `path` (as the user unless not `auth`); return the decoded JSON (or text)."""
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        url = f"{self.url}{path}"
        async with self.session.request(
            method, url, headers=headers, json=json_body, data=form
        ) as response:
            text = await response.text()
            if response.status not in expect:
                raise DemoError(f"{method} {url} answered {response.status}: {text[:500]}")
            try:
                return json.loads(text) if text else None
            except ValueError:
                return text

    async def websocket(self) -> HomeAssistantWebSocket:
        """Return an authenticated WebSocket connection (close it when done)."""
        return await HomeAssistantWebSocket.connect(self.session, self.url, self.token)

    async def answers(self) -> bool:
        """Return True when Home Assistant answers HTTP requests yet."""
        # Onboarding answers until it is done; then (a kept demo) the login providers do.
        for path in ("/api/onboarding", "/auth/providers"):
            with contextlib.suppress(aiohttp.ClientError, DemoError, TimeoutError):
                if await self.rest("GET", path, expect=(200,), auth=False):
                    return True
        return False

    async def _exchange_code(self, code: str) -> Tokens:
        """Exchange an authorization code for tokens, and keep them."""
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        data = await self.rest("POST", "/auth/token", form=form, auth=False)
        self.tokens = Tokens(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_in=int(data["expires_in"]),
            client_id=self.client_id,
        )
        return self.tokens

    async def onboard(self, user: Mapping[str, str]) -> Tokens:
        """Create the user (name, username, password) and finish every onboarding step."""
        body = {"client_id": self.client_id, "language": "en", **user}
        created = await self.rest("POST", "/api/onboarding/users", body, auth=False)
        tokens = await self._exchange_code(created["auth_code"])
        await self.rest("POST", "/api/onboarding/analytics", {})
        redirect = {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"}
        await self.rest("POST", "/api/onboarding/integration", redirect)
        steps = await self.rest("GET", "/api/onboarding", auth=False)
        if not all(step.get("done") for step in steps):
            raise DemoError(f"onboarding is not complete: {steps}")
        return tokens

    async def login(self, username: str, password: str) -> Tokens:
        """Log in through the login flow the frontend uses; return (and keep) fresh tokens."""
        body = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{self.url}/?auth_callback=1",
        }
        flow = await self.rest("POST", "/auth/login_flow", body, auth=False)
        body = {"client_id": self.client_id, "username": username, "password": password}
        result = await self.rest("POST", f"/auth/login_flow/{flow['flow_id']}", body, auth=False)
        if result.get("type") != "create_entry":
            raise DemoError(f"login failed: {result.get('errors')}")
        return await self._exchange_code(result["result"])

    async def promote_http_config(self) -> bool:
        """Confirm the `http:` settings (HA 2026.11 runs them as a trial, reverted after 5 min).

        Returns False where there is nothing to confirm: older releases (`unknown_command`) or a
        configuration that was confirmed before (a restart of a kept demo).
        """
        ws = await self.websocket()
        try:
            reply = await ws.reply(await ws.send("http/config/promote"))
        finally:
            await ws.close()
        if reply.get("success"):
            return True
        error = reply.get("error") or {}
        if error.get("code") == "unknown_command" or "No pending" in str(error.get("message")):
            return False
        raise DemoError(f"confirming the HTTP configuration failed: {error}")

    async def add_integration(self, domain: str, data: Mapping[str, Json]) -> str:
        """Add an integration through the config flow (its cloud path); return the entry id.

        `data` is the cloud step's input, e.g. {"api_key": ..., "advanced": {"base_url": ...}}.
        """
        flows = "/api/config/config_entries/flow"
        form = await self.rest("POST", flows, {"handler": domain})
        if form.get("type") == "menu" and "cloud" in form.get("menu_options", []):
            # The flow offers a cloud account or a single LAN charger: take the cloud account.
            form = await self.rest("POST", f"{flows}/{form['flow_id']}", {"next_step_id": "cloud"})
        fields = {field["name"] for field in form.get("data_schema", [])}
        if form.get("type") != "form" or not set(data) <= fields:
            raise DemoError(f"unexpected first step of the {domain} config flow: {form}")
        result = await self.rest("POST", f"{flows}/{form['flow_id']}", dict(data))
        if result.get("type") != "create_entry":
            raise DemoError(f"the config flow did not create an entry: {result}")
        return str(result["result"]["entry_id"])

    async def wait_until_loaded(
        self, entry_id: str, expected: set[str], hass_log: Path, domain: str = DOMAIN
    ) -> None:
        """Wait until the entry is loaded and every expected device (by identifier) exists."""
        while True:
            entries = await self.rest("GET", "/api/config/config_entries/entry")
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
        ws = await self.websocket()
        try:
            while True:
                devices = await ws.command("config/device_registry/list")
                found = {i for d in devices for dom, i in d["identifiers"] if dom == domain}
                if expected <= found:
                    return
                await asyncio.sleep(0.25)
        finally:
            await ws.close()
