"""Turn a Reply into an aiohttp response, or drop the connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from .records import NO_RESPONSE
from .reply import Reply

type Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


def status_of(reply: Reply) -> int:
    """Return the status to record for reply."""
    return NO_RESPONSE if reply.drop else reply.status


def respond(request: web.BaseRequest, reply: Reply) -> web.StreamResponse:
    """Build the response; a dropping reply closes the connection instead."""
    if reply.drop:
        if request.transport is not None:
            request.transport.close()
        return web.Response()
    return web.Response(
        status=reply.status,
        text=reply.render(),
        content_type=reply.content_type,
        headers=reply.headers,
    )
