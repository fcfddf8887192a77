"""Small pieces: clock, parameter parsers, endpoint table, listener, views."""

from __future__ import annotations

from datetime import date

import pytest

from simulator import params as p
from simulator.clock import SimClock
from simulator.cloud_reads import READS
from simulator.endpoints import Router
from simulator.net import Listener, bind
from simulator.reply import Reply, error
from simulator.views import short


def test_clock() -> None:
    clock = SimClock(lambda: 100.0)
    assert clock.now() == 100.0
    clock.advance(5.5)
    assert clock.now() == 105.5
    with pytest.raises(ValueError):
        clock.advance(-0.1)


def test_parsers() -> None:
    assert p.integer("-3") == -3
    for raw in ("3.0", " 3", "+3", "", "0x1"):
        with pytest.raises(ValueError):
            p.integer(raw)
    assert p.flag("0") is False
    assert p.number(0, 10)("7.5") == 7.5
    assert p.number(0, 100)("50") == 50.0
    assert p.ipv4("10.0.0.1") == "10.0.0.1"
    assert p.ws_url("wss://cs.example.com/ocpp/CP1") == "wss://cs.example.com/ocpp/CP1"
    assert p.day("2025-10-28") == date(2025, 10, 28)
    assert p.day("2021-06-24T21:12:12.000Z") == date(2021, 6, 24)
    assert p.timestamp("2023-10-27T10:00:00Z") == "2023-10-27T10:00:00Z"
    assert p.any_text("") == ""


def test_router_rejects_duplicates() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Router((*READS, READS[0]))


def test_error_reply_phrases() -> None:
    assert error(404).body == "Not Found"
    assert error(599).body == "Error"
    assert Reply(body={"a": 1}, json_body=True, suffix="%").render() == '{"a":1}%'


def test_short_number_format() -> None:
    assert [short(46.0), short(34.5), short(0.07), short(7)] == ["46", "34.5", "0.07", "7"]


async def test_listener_closes_unstarted_socket() -> None:
    async def handler(request: object) -> object:
        raise AssertionError

    sock = bind("127.0.0.1", 0)
    listener = Listener(handler, sock)  # type: ignore[arg-type]
    assert listener.port > 0
    await listener.close()
    assert sock.fileno() == -1
