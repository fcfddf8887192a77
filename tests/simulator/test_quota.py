"""Per-key daily quota: headers on successes, 429 when exhausted, reset at UTC midnight."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import aiohttp
import pytest

from simulator import QuotaTracker, Simulator

from .conftest import START, Client, FakeClock, fleet


@pytest.fixture
async def small(clock: FakeClock) -> AsyncGenerator[Client]:
    """A client of a simulator allowing three calls a day."""
    sim = Simulator(chargers=fleet(), clock=clock, quota=3, api_key="k-small")
    await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Client(sim, session)
    finally:
        await sim.stop()


async def test_quota_counts_down_then_429s(small: Client, clock: FakeClock) -> None:
    sim = small.sim
    remaining = []
    for _ in range(3):
        answer = await small.cloud("GET", "/device/reported", deviceId="V2C0001A")
        assert answer.status == 200
        assert answer.headers["RateLimit-Limit"] == "3"
        remaining.append(answer.headers["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    for _ in range(2):
        limited = await small.cloud("GET", "/pairings/me")
        assert (limited.status, limited.text) == (429, "Too Many Requests")
        assert "RateLimit-Remaining" not in limited.headers
        assert "RateLimit-Limit" not in limited.headers
    assert sim.quota.used("k-small") == 5
    assert sim.quota.remaining("k-small") == 0
    assert [r.status for r in sim.requests] == [200, 200, 200, 429, 429]

    # 23:59:59 UTC the same day: still limited.
    clock.value = START + 14 * 3600 - 1
    assert (await small.cloud("GET", "/pairings/me")).status == 429
    # The next UTC day the window starts again.
    sim.advance(1)
    fresh = await small.cloud("GET", "/pairings/me")
    assert fresh.status == 200
    assert fresh.headers["RateLimit-Remaining"] == "2"
    assert sim.quota.used("k-small") == 1


async def test_errors_count_but_carry_no_headers(small: Client) -> None:
    bad = await small.cloud("POST", "/device/intensity", deviceId="V2C0001A", value="99")
    assert bad.status == 400
    assert "RateLimit-Remaining" not in bad.headers
    assert small.sim.quota.used("k-small") == 1
    unauthorised = await small.cloud("GET", "/pairings/me", key="other")
    assert unauthorised.status == 401
    assert small.sim.quota.used("k-small") == 1
    assert small.sim.quota.used("other") == 0


async def test_set_used_jumps_the_counter(small: Client) -> None:
    small.sim.quota.set_used("k-small", 2)
    answer = await small.cloud("GET", "/pairings/me")
    assert answer.headers["RateLimit-Remaining"] == "0"
    assert (await small.cloud("GET", "/pairings/me")).status == 429


def test_quota_tracker_unit() -> None:
    now = [START]
    quota = QuotaTracker(limit=2, clock=lambda: now[0])
    assert (quota.limit, quota.used("a"), quota.remaining("a")) == (2, 0, 2)
    assert quota.consume("a")
    assert quota.consume("a")
    assert not quota.consume("a")
    assert (quota.used("a"), quota.remaining("a"), quota.used("b")) == (3, 0, 0)
    now[0] += 86_400
    assert (quota.used("a"), quota.remaining("a")) == (0, 2)
    with pytest.raises(ValueError):
        quota.set_used("a", -1)
    with pytest.raises(ValueError):
        QuotaTracker(limit=-1, clock=lambda: 0.0)
