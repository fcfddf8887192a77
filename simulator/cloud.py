"""The V2C Cloud server: gateway checks (auth, quota), faults, then the endpoint table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from aiohttp import web

from .cloud_commands import COMMANDS
from .cloud_data import DATA
from .cloud_reads import READS
from .endpoints import Router
from .reply import Reply, error
from .wire import Handler, respond, status_of

if TYPE_CHECKING:
    from .server import Simulator

PREFIX: Final = "/kong/v2c_service"
ROUTER: Final = Router((*READS, *COMMANDS, *DATA))


async def _answer(
    sim: Simulator,
    *,
    request: web.BaseRequest,
    path: str | None,
    query: Mapping[str, str],
    body: str,
    device_id: str | None,
) -> Reply:
    """Apply the gateway rules, then faults, then the endpoint (path None = outside base)."""
    sim.sync()
    api_key = request.headers.get("apikey")
    if api_key is None or api_key not in sim.api_keys:
        return error(401, "Unauthorized")
    if not sim.quota.consume(api_key):
        return error(429, "Too Many Requests")

    def run() -> Reply:
        """Serve the endpoint with up-to-date physics."""
        sim.sync()
        if path is None:
            return error(404)
        return ROUTER.dispatch(
            method=request.method,
            path=path,
            query=query,
            body=body,
            chargers=sim.chargers,
            seed=sim.seed,
        )

    reply = await sim.faults.apply(
        side="cloud",
        path=path or request.path,
        device_id=device_id,
        run=run,
        pause=sim.pause,
    )
    if reply.status < 400 and not reply.drop:
        reply.headers["RateLimit-Limit"] = str(sim.quota.limit)
        reply.headers["RateLimit-Remaining"] = str(sim.quota.remaining(api_key))
    return reply


def cloud_handler(sim: Simulator) -> Handler:
    """Return the request handler of the cloud server."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        """Record, answer and respond to one cloud request."""
        sim.track(request)
        body = await request.text()
        query = dict(request.query)
        full = request.path
        path = full[len(PREFIX) :] if full.startswith(PREFIX + "/") else None
        device_id = query.get("deviceId") or query.get("id")
        record = sim.begin(
            request,
            side="cloud",
            device_id=device_id,
            path=path or full,
            query=query,
            body=body,
        )
        reply = await _answer(
            sim, request=request, path=path, query=query, body=body, device_id=device_id
        )
        record.status = status_of(reply)
        return respond(request, reply)

    return handle
