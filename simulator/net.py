"""Loopback listening sockets served by an aiohttp low-level server."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from typing import Final

from aiohttp import web

from .wire import Handler

SHUTDOWN_TIMEOUT: Final = 0.25


def check_loopback(host: str) -> str:
    """Return host if it is an IPv4 loopback address, else raise ValueError."""
    if not ipaddress.IPv4Address(host).is_loopback:
        raise ValueError(f"the simulator binds loopback only, not {host}")
    return host


def bind(host: str, port: int) -> socket.socket:
    """Bind and listen synchronously so the port is known (and queues) at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((check_loopback(host), port))
        sock.listen(128)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class Listener:
    """One bound socket and the aiohttp runner serving it."""

    def __init__(self, handler: Handler, sock: socket.socket) -> None:
        """Prepare to serve handler on the already listening sock."""
        self._sock = sock
        self.port: int = sock.getsockname()[1]
        server = web.Server(handler, access_log=None)
        self._runner = web.ServerRunner(server, shutdown_timeout=SHUTDOWN_TIMEOUT)
        self._set_up = False
        self._starting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start accepting connections."""
        await self._runner.setup()
        self._set_up = True
        await web.SockSite(self._runner, self._sock).start()

    def start_soon(self) -> None:
        """Start in the background; connections queue on the socket meanwhile."""
        self._starting = asyncio.get_running_loop().create_task(self.start())

    async def close(self) -> None:
        """Stop serving, close open connections and the socket."""
        if self._starting is not None:
            with contextlib.suppress(Exception):
                await self._starting
            self._starting = None
        if self._set_up:
            self._set_up = False
            await self._runner.cleanup()
        self._sock.close()
