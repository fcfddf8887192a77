"""Table-driven cloud endpoint dispatch: selector, parameters, body, action."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
import json
from typing import Any, Literal

from .params import Parser
from .reply import Reply, error
from .state import SimCharger


@dataclass(frozen=True, kw_only=True)
class Param:
    """One query parameter of an endpoint."""

    name: str
    parse: Parser
    required: bool = True


@dataclass(kw_only=True)
class Call:
    """Everything an endpoint action may use."""

    charger: SimCharger | None
    args: dict[str, Any]
    body: Any
    chargers: Mapping[str, SimCharger]
    seed: int

    @property
    def device(self) -> SimCharger:
        """Return the selected charger (endpoints with a selector always have one)."""
        assert self.charger is not None
        return self.charger


type Action = Callable[[Call], Reply]


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """One (method, path) of the cloud API."""

    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    action: Action
    selector: Literal["deviceId", "id"] | None = "deviceId"
    params: tuple[Param, ...] = ()
    json_body: bool = False
    needs_link: bool = False
    """Commands fail while the charger's cloud link is down."""


class Router:
    """Resolve (method, path) to an endpoint and run it."""

    def __init__(self, endpoints: Iterable[Endpoint]) -> None:
        """Index endpoints by path, then method."""
        self._table: dict[str, dict[str, Endpoint]] = {}
        for endpoint in endpoints:
            by_method = self._table.setdefault(endpoint.path, {})
            if endpoint.method in by_method:
                raise ValueError(f"duplicate endpoint {endpoint.method} {endpoint.path}")
            by_method[endpoint.method] = endpoint

    def dispatch(
        self,
        *,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: str,
        chargers: Mapping[str, SimCharger],
        seed: int,
    ) -> Reply:
        """Validate the request against its endpoint and run the action."""
        methods = self._table.get(path)
        if methods is None:
            return error(404)
        endpoint = methods.get(method)
        if endpoint is None:
            reply = error(405)
            reply.headers["Allow"] = ", ".join(sorted(methods))
            return reply
        charger = None
        if endpoint.selector is not None:
            device_id = query.get(endpoint.selector)
            if not device_id:
                return error(400, f"Missing parameter: {endpoint.selector}")
            charger = chargers.get(device_id)
            if charger is None:
                return error(404, "Device not found")
        args: dict[str, Any] = {}
        for param in endpoint.params:
            raw = query.get(param.name)
            if raw is None:
                if param.required:
                    return error(400, f"Missing parameter: {param.name}")
                continue
            try:
                args[param.name] = param.parse(raw)
            except ValueError:
                return error(400, f"Invalid parameter: {param.name}")
        parsed: Any = None
        if endpoint.json_body:
            try:
                parsed = json.loads(body)
            except ValueError:
                return error(400, "Body must be JSON")
            if not isinstance(parsed, dict):
                return error(400, "Body must be a JSON object")
        if endpoint.needs_link and charger is not None and not charger.connected:
            return error(500, "Device not connected")
        return endpoint.action(
            Call(charger=charger, args=args, body=parsed, chargers=chargers, seed=seed)
        )
