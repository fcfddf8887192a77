"""Deterministic fault injection for the cloud and LAN servers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import copy
from dataclasses import dataclass
import random
from typing import Any, Final, Literal, get_args

from .quirks import QUIRKS, garble
from .reply import HTML, Reply, error, text

type FaultSide = Literal["cloud", "lan"]
type FaultKind = Literal[
    "delay",
    "timeout",
    "status",
    "html",
    "malformed",
    "missing_field",
    "wrong_type",
    "drop",
    "non_ok_write",
    "reboot",
    "quirk",
]

TIMEOUT_SECONDS: Final = 60.0
SIDES: Final = frozenset(get_args(FaultSide.__value__))
KINDS: Final = frozenset(get_args(FaultKind.__value__))
WRITE_KINDS: Final = frozenset({"non_ok_write", "reboot"})
HTML_BODY: Final = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(kw_only=True)
class Fault:
    """One injected misbehaviour; aiohttp clients retry a dropped idempotent request once."""

    side: FaultSide
    kind: FaultKind
    path: str | None = None
    device_id: str | None = None
    status: int = 500
    delay: float = 0.0
    field: str | None = None
    count: int | None = None
    probability: float = 1.0
    reboot_seconds: float = 5.0
    """For "reboot": how long (simulator clock) the LAN drops new requests."""
    quirk: str | None = None
    """For "quirk": which malformed body of PROTOCOL.md §3.2a to send (see quirks.QUIRKS)."""
    applied: int = 0
    """How many times the fault took effect so far."""
    id: int = 0
    """Set by FaultInjector.add(): 1, 2, 3... (the control API addresses faults by it)."""

    def __post_init__(self) -> None:
        """Reject values the injector cannot honour."""
        if self.side not in SIDES:
            raise ValueError(f"unknown fault side {self.side!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within 0..1")
        if self.kind == "quirk" and self.quirk not in QUIRKS:
            raise ValueError(f"quirk must be one of {sorted(QUIRKS)}")

    @property
    def expired(self) -> bool:
        """Return True once the fault was applied count times."""
        return self.count is not None and self.applied >= self.count


def _wrong(value: Any) -> Any:
    """Return a value of a type the field never has."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool | int | float):
        return "n/a"
    return 0 if value is None else "n/a"


class FaultInjector:
    """Hold the active faults and apply them to requests."""

    def __init__(self, *, seed: int = 0) -> None:
        """Seed the RNG used for probabilities and field picks."""
        self._rng = random.Random(seed)
        self._faults: list[Fault] = []
        self._next_id = 1

    @property
    def active(self) -> list[Fault]:
        """Return the faults still in effect, in insertion order."""
        return list(self._faults)

    def add(self, fault: Fault) -> Fault:
        """Activate fault and return it (with its id set)."""
        fault.id = self._next_id
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def get(self, fault_id: int) -> Fault | None:
        """Return the active fault with this id, if any."""
        return next((fault for fault in self._faults if fault.id == fault_id), None)

    def remove(self, fault: Fault) -> None:
        """Deactivate fault (no error if it already expired)."""
        self._faults = [f for f in self._faults if f is not fault]

    def clear(self) -> None:
        """Deactivate every fault."""
        self._faults.clear()

    def _matches(self, fault: Fault, side: str, path: str, device_id: str | None) -> bool:
        """Return True when fault targets this request."""
        if fault.side != side or fault.expired:
            return False
        if fault.device_id is not None and fault.device_id != device_id:
            return False
        if fault.kind in WRITE_KINDS and not (side == "lan" and path.startswith("/write/")):
            return False
        if fault.path is None or fault.path == path:
            return True
        if side == "lan":
            base = fault.path.rstrip("/")
            return path.startswith((base + "/", base + "="))
        return False

    def _select(self, side: str, path: str, device_id: str | None) -> Fault | None:
        """Return the first matching fault whose probability roll succeeds."""
        for fault in self._faults:
            if not self._matches(fault, side, path, device_id):
                continue
            if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                continue
            return fault
        return None

    def _hit(self, fault: Fault) -> None:
        """Count one application and expire the fault when used up."""
        fault.applied += 1
        if fault.expired:
            self.remove(fault)

    def _mutate(self, fault: Fault, payload: Any) -> bool:
        """Drop or retype one field in payload (an object or a list of objects)."""
        items = payload if isinstance(payload, list) else [payload]
        targets = [item for item in items if isinstance(item, dict)]
        if not targets or not targets[0]:
            return False
        name = fault.field or self._rng.choice(sorted(targets[0]))
        hit = False
        for obj in targets:
            if name in obj:
                if fault.kind == "missing_field":
                    del obj[name]
                else:
                    obj[name] = _wrong(obj[name])
                hit = True
        return hit

    async def apply(
        self,
        *,
        side: str,
        path: str,
        device_id: str | None,
        run: Callable[[], Reply],
        pause: Callable[[float], Awaitable[bool]],
    ) -> Reply:
        """Answer a request through run(), with the selected fault (if any) applied.

        pause(seconds) returns False when the simulator stops meanwhile; the request is
        then dropped instead of answered.
        """
        fault = self._select(side, path, device_id)
        if fault is None:
            return run()
        kind = fault.kind
        if kind in ("delay", "timeout"):
            self._hit(fault)
            if not await pause(fault.delay if kind == "delay" else TIMEOUT_SECONDS):
                return Reply(drop=True)
            return run()
        if kind in ("status", "html", "drop", "non_ok_write"):
            self._hit(fault)
            if kind == "status":
                return error(fault.status)
            if kind == "html":
                return text(HTML_BODY, status=502, content_type=HTML)
            if kind == "drop":
                return Reply(drop=True)
            return text("ERROR")
        reply = run()
        if kind == "reboot":
            self._hit(fault)
            reply.drop = True
            reply.reboot_seconds = fault.reboot_seconds
            return reply
        if reply.status != 200 or not reply.json_body:
            return reply
        if kind == "malformed":
            self._hit(fault)
            wire = reply.render()
            return text(wire[: max(1, len(wire) // 2)], content_type=reply.content_type)
        if kind == "quirk" and isinstance(reply.body, dict) and fault.quirk is not None:
            self._hit(fault)
            body = garble(reply.body, fault.quirk, reply.suffix)
            return text(body, content_type=reply.content_type)
        payload = copy.deepcopy(reply.body)
        if not self._mutate(fault, payload):
            return reply
        self._hit(fault)
        reply.body = payload
        return reply
