"""Take the README screenshots: the demo stack in headless Chromium, logged in as the demo user.

Run by scripts/screenshots. Starts its own demo stack (free port, state in .demo/screenshots/),
starts Debian's `chromium` headless with its DevTools endpoint on 127.0.0.1, seeds the frontend's
stored tokens (`hassTokens` in localStorage) from a real login, opens the integration page and the
chargers' device pages, waits until they show what they should, and saves PNGs.
Talks to Chromium over the DevTools protocol with aiohttp: no browser download, no npm.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import Sequence
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any, Final, Self

import aiohttp

from scripts.demo_api import HomeAssistantWebSocket
from scripts.demo_config import DEFAULT_WORKDIR, DOMAIN, ROOT, DemoError, free_port
from scripts.demo_proc import Child, spawn
from scripts.demo_stack import DemoStack

DEFAULT_OUT: Final = ROOT / "docs" / "screenshots"
PAGE_TIMEOUT: Final = 45.0
SETTLE: Final = 2.0

# Text of the page, shadow roots included (the frontend renders everything in shadow DOM).
DEEP_TEXT_JS: Final = """
(() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out.push(node.textContent); return; }
    if (node.nodeName === "STYLE" || node.nodeName === "SCRIPT") return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document);
  return out.join(" ").replace(/\\s+/g, " ");
})()
"""


@dataclass(frozen=True, kw_only=True)
class Shot:
    """One screenshot: where to go, what must be visible first, where to save."""

    path: str
    expect: tuple[str, ...]
    file: str
    width: int = 1280
    height: int = 800


class DevTools:
    """A minimal Chrome DevTools Protocol session on one page."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap a connected page WebSocket."""
        self._ws = ws
        self._next_id = 0

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, port: int) -> Self:
        """Attach to the first page target of the browser listening on port."""
        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        page = next(t for t in targets if t.get("type") == "page")
        ws = await session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        return cls(ws)

    async def close(self) -> None:
        """Close the session."""
        await self._ws.close()

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Run a protocol method and return its result."""
        self._next_id += 1
        msg_id = self._next_id
        await self._ws.send_json({"id": msg_id, "method": method, "params": params})
        while True:
            try:
                msg = await self._ws.receive_json(timeout=PAGE_TIMEOUT)
            except TimeoutError as err:
                raise DemoError(f"Chromium did not answer {method}") from err
            if "method" in msg:
                continue
            if msg.get("id") != msg_id:
                continue
            if "error" in msg:
                raise DemoError(f"DevTools {method} failed: {msg['error']}")
            result: dict[str, Any] = msg.get("result", {})
            return result

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


async def start_chromium(chromium: str, profile: Path, workdir: Path) -> tuple[Child, int]:
    """Start headless Chromium with its DevTools endpoint on a loopback port."""
    with (workdir / "chromium.log").open("wb") as log:
        child = await spawn(
            "chromium",
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-client-side-phishing-detection",
                "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--hide-scrollbars",
                "--mute-audio",
                "--disable-breakpad",
                "--disable-crash-reporter",
                f"--user-data-dir={profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ],
            cwd=workdir,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            # Anything Chromium keeps outside the profile stays in the throw-away directory.
            # Crash handlers and caches go to the throw-away directory, not to ~/.config.
            env={**os.environ, "HOME": str(profile), "XDG_CONFIG_HOME": str(profile / "config")},
        )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text().strip():
        if child.process.returncode is not None or time.monotonic() > deadline:
            await child.stop(5)
            raise DemoError(f"Chromium did not start; see {workdir / 'chromium.log'}")
        await asyncio.sleep(0.1)
    return child, int(port_file.read_text().splitlines()[0])


def pids_using(path: Path) -> list[int]:
    """Return the pids of the processes whose command line mentions `path` (`pgrep -f`)."""
    found = subprocess.run(["pgrep", "-f", str(path)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


async def stop_detached(profile: Path) -> None:
    """Stop Chromium's crash handlers: they run in sessions of their own, found by our profile."""
    deadline = time.monotonic() + 10
    while pids := pids_using(profile):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL if time.monotonic() > deadline else signal.SIGTERM)
        await asyncio.sleep(0.2)


async def capture(page: DevTools, url: str, shot: Shot, out: Path) -> Path:
    """Open one page, wait until it shows what it should, and save a PNG."""
    await page.call(
        "Emulation.setDeviceMetricsOverride",
        width=shot.width,
        height=shot.height,
        deviceScaleFactor=1,
        mobile=False,
    )
    await page.call("Page.navigate", url=f"{url}{shot.path}")
    deadline = time.monotonic() + PAGE_TIMEOUT
    text = ""
    while True:
        text = str(await page.evaluate(DEEP_TEXT_JS) or "")
        if all(expected in text for expected in shot.expect):
            break
        if time.monotonic() > deadline:
            missing = [e for e in shot.expect if e not in text]
            failed = out / f"failed-{shot.file}"
            png = await page.call("Page.captureScreenshot", format="png")
            failed.write_bytes(base64.b64decode(png["data"]))
            raise DemoError(
                f"{shot.path} never showed {missing} (see {failed}); it shows: {text[:800]}"
            )
        await asyncio.sleep(0.25)
    # Let icons, cards and animations finish.
    await asyncio.sleep(SETTLE)
    png = await page.call("Page.captureScreenshot", format="png")
    target = out / shot.file
    target.write_bytes(base64.b64decode(png["data"]))
    return target


async def device_ids(stack: DemoStack) -> dict[str, str]:
    """Return {charger id: device registry id} over the WebSocket API."""
    ws: HomeAssistantWebSocket = await stack.websocket()
    try:
        devices = await ws.command("config/device_registry/list")
    finally:
        await ws.close()
    return {
        ident: device["id"]
        for device in devices
        for domain, ident in device["identifiers"]
        if domain == DOMAIN
    }


async def run(options: argparse.Namespace) -> list[Path]:
    """Start the stack and Chromium, take every screenshot, stop everything."""
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    workdir: Path = options.workdir
    stack = DemoStack(
        port=options.port or free_port(),
        workdir=workdir,
        log=lambda message: print(message, file=sys.stderr, flush=True),
        owner_is_cli=True,
    )
    saved: list[Path] = []
    profile = Path(tempfile.mkdtemp(prefix="v2c-chromium-"))
    chromium: Child | None = None
    try:
        await stack.start()
        assert stack.simulator is not None
        # Give the charging car a few seconds of session energy to show.
        await asyncio.sleep(3)
        tokens = await stack.login()
        ids = await device_ids(stack)
        stored = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "token_type": "Bearer",
            "expires_in": tokens.expires_in,
            "expires": int(time.time() * 1000) + tokens.expires_in * 1000,
            "hassUrl": stack.url,
            "clientId": tokens.client_id,
        }
        print("Starting headless Chromium...", file=sys.stderr, flush=True)
        chromium, port = await start_chromium(options.chromium, profile, stack.workdir)
        page = await DevTools.connect(stack.session, port)
        try:
            await page.call("Page.enable")
            await page.call("Runtime.enable")
            # The frontend reads its tokens from localStorage on load: seed them before it runs.
            seed = (
                f"if (location.origin === {json.dumps(stack.url)}) "
                f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))});"
            )
            await page.call("Page.addScriptToEvaluateOnNewDocument", source=seed)
            names = {c.device_id: c.name for c in stack.simulator.chargers}
            lan, cloud = stack.simulator.chargers[0], stack.simulator.chargers[-1]
            shots = [
                Shot(
                    path=f"/config/integrations/integration/{DOMAIN}",
                    expect=("V2C Cloud", f"{len(names)} devices"),
                    file="integration.png",
                ),
                Shot(
                    path=f"/config/devices/device/{ids[lan.device_id]}",
                    expect=(lan.name, "Charge state", "Charging", "Charge power"),
                    file="device-lan.png",
                    height=1500,
                ),
                Shot(
                    path=f"/config/devices/device/{ids[cloud.device_id]}",
                    expect=(cloud.name, "Charge state", "Cloud connection"),
                    file="device-cloud.png",
                    height=1100,
                ),
            ]
            for shot in shots:
                print(f"Capturing {shot.path}...", file=sys.stderr, flush=True)
                saved.append(await capture(page, stack.url, shot, out))
        finally:
            await page.close()
    finally:
        if chromium is not None:
            await chromium.stop(10)
            await stop_detached(profile)
        await stack.stop()
        shutil.rmtree(profile, ignore_errors=True)
    return saved


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line of scripts/screenshots."""
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots", description="Save README screenshots of the demo."
    )
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--port", type=int, default=0, help="Home Assistant port (0 = free)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR / "screenshots")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of scripts/screenshots."""
    options = parse_args(argv)
    try:
        saved = asyncio.run(run(options))
    except DemoError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    for path in saved:
        shown = path
        with contextlib.suppress(ValueError):
            shown = path.relative_to(ROOT)
        print(shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
