"""The activity-aware cloud plan, the per-stream schedule and the merge of a cycle's results.

Pure logic: no Home Assistant instance.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import itertools
import json
from pathlib import Path

import pytest

from custom_components.v2c_cloud.api import (
    ChargeStatus,
    FirmwareInfo,
    Pairing,
    ReportedState,
    RfidCard,
    V2CConnectionError,
    V2CResponseError,
)
from custom_components.v2c_cloud.budget import (
    AUTOMATIC_BUDGET,
    DAY,
    FLOOR,
    IDLE_EVERY,
    SETTINGS_EVERY,
    Activity,
    ChargerInput,
    ChargerPlan,
    Pacing,
    Plan,
    PlanInputs,
    activity_of,
    backoff_interval,
    base_interval,
    plan_polling,
)
from custom_components.v2c_cloud.cloud_reads import ChargerCloud, V2CCloudData, merge
from custom_components.v2c_cloud.schedule import RETRY_CAP, Fetched, Schedule, retry_delay

MIDNIGHT = datetime(2026, 11, 26, tzinfo=UTC)
NOON = MIDNIGHT + timedelta(hours=12)
CHARGING, CONNECTED, IDLE = Activity.CHARGING, Activity.CONNECTED, Activity.IDLE


def _cloud(device_id: str, activity: Activity = IDLE) -> ChargerInput:
    """Return a 4G charger (live values from the cloud)."""
    return ChargerInput(device_id=device_id, lan=False, activity=activity)


def _lan(device_id: str) -> ChargerInput:
    """Return a charger whose live values come from the LAN."""
    return ChargerInput(device_id=device_id, lan=True)


def _plan(*chargers: ChargerInput, now: datetime = MIDNIGHT, calls: int = 0, **kw: int) -> Plan:
    """Plan for the chargers."""
    return plan_polling(PlanInputs(now=now, chargers=chargers, calls_today=calls, **kw))


def _figures(plan: Plan) -> dict[str, tuple[float | None, float, str]]:
    """Return each charger's (live, settings, reason)."""
    return {d: (p.live, p.settings, p.reason) for d, p in plan.chargers.items()}


def test_one_charging_4g_charger() -> None:
    """Live status every 112 s (goal ≤ 120 s), settings every 30 min, within 850 a day."""
    plan = _plan(_cloud("a", CHARGING))
    assert _figures(plan) == {"a": (112, SETTINGS_EVERY, "charging")}
    assert plan.calls_per_day() <= AUTOMATIC_BUDGET
    assert plan.pacing is Pacing.NORMAL


def test_three_4g_chargers_one_charging() -> None:
    """The charging one gets 184 s (goal ≤ 200 s), the idle ones 15 min (goal ≤ 900 s)."""
    plan = _plan(_cloud("a", CHARGING), _cloud("b"), _cloud("c"))
    assert _figures(plan) == {
        "a": (184, SETTINGS_EVERY, "charging"),
        "b": (IDLE_EVERY, SETTINGS_EVERY, "idle"),
        "c": (IDLE_EVERY, SETTINGS_EVERY, "idle"),
    }
    assert plan.calls_per_day() <= AUTOMATIC_BUDGET


def test_car_connected_counts_as_activity() -> None:
    """A connected car (paused, waiting for sun) shares the spare budget like a charging one."""
    plan = _plan(_cloud("a", CONNECTED), _cloud("b", CHARGING), _cloud("c"))
    assert plan.chargers["a"].live == plan.chargers["b"].live
    assert plan.chargers["a"].live is not None and plan.chargers["a"].live < IDLE_EVERY
    assert plan.chargers["a"].reason == "car_connected"


@pytest.mark.parametrize("count", [1, 3, 10])
def test_lan_chargers_unchanged(count: int) -> None:
    """LAN chargers' settings are read exactly as often as before (106 s / 321 s / 1128 s)."""
    plan = _plan(*(_lan(str(i)) for i in range(count)))
    assert {p.settings for p in plan.chargers.values()} == {base_interval(count, count)}
    assert {p.live for p in plan.chargers.values()} == {None}
    assert base_interval(1, 1) <= 110
    assert base_interval(3, 3) <= 330


def test_plan_follows_activity() -> None:
    """A car plugged into an idle charger shortens its interval; unplugging lengthens it."""
    idle = _plan(_cloud("a"), _cloud("b"))
    plugged = _plan(_cloud("a", CONNECTED), _cloud("b"))
    assert idle.chargers["a"].live == IDLE_EVERY
    assert plugged.chargers["a"].live is not None
    assert plugged.chargers["a"].live < IDLE_EVERY / 3
    assert plugged.chargers["b"].live == IDLE_EVERY


@pytest.mark.parametrize(
    ("state", "expected"),
    [(None, Activity.UNKNOWN), (0, IDLE), (1, CONNECTED), (2, CHARGING), (3, CONNECTED)],
)
def test_activity_of(state: int | None, expected: Activity) -> None:
    """0 no car, 1 car connected, 2 charging; a fault (3-5) still has a car."""
    assert activity_of(state) is expected


@pytest.mark.parametrize("count", [1, 2, 3, 5, 10, 50, 200, 500])
@pytest.mark.parametrize("mix", ["lan", "idle", "charging", "mixed"])
def test_any_account_stays_within_budget(count: int, mix: str) -> None:
    """Automatic traffic stays within 850 calls a day for any account size and activity."""
    kinds = {
        "lan": [_lan],
        "idle": [_cloud],
        "charging": [lambda d: _cloud(d, CHARGING)],
        "mixed": [_lan, _cloud, lambda d: _cloud(d, CHARGING), lambda d: _cloud(d, CONNECTED)],
    }[mix]
    chargers = [make(str(i)) for i, make in zip(range(count), itertools.cycle(kinds))]
    plan = _plan(*chargers)
    assert plan.calls_per_day() <= AUTOMATIC_BUDGET
    for charger in plan.chargers.values():
        assert charger.settings >= FLOOR
        assert charger.live is None or charger.live >= FLOOR


def test_large_accounts_stretch_everything_alike() -> None:
    """When 15 min per idle charger does not fit, live and settings stretch by the same factor."""
    plan = _plan(*(_cloud(str(i)) for i in range(10)))
    first = plan.chargers["0"]
    assert first.live is not None and first.live > IDLE_EVERY
    assert first.settings / first.live == pytest.approx(SETTINGS_EVERY / IDLE_EVERY, rel=0.01)


def test_pacing_by_own_count() -> None:
    """After a restart with most of today's budget spent, reads stretch to last the day."""
    charging = _cloud("a", CHARGING)
    assert _plan(charging, now=NOON).chargers["a"].live == 112
    spent = _plan(charging, now=NOON, calls=700)
    assert spent.pacing is Pacing.DAY_COUNT
    # 150 left - 15 periodic - 24 settings reads over 12 h: 43 200 / 111 -> 390 s.
    assert spent.chargers["a"].live == 390
    broke = _plan(charging, now=NOON, calls=AUTOMATIC_BUDGET)
    assert broke.pacing is Pacing.EXHAUSTED
    assert broke.chargers["a"].live == broke.chargers["a"].settings == 12 * 3600


@pytest.mark.parametrize(
    ("remaining", "pacing", "live"),
    [
        (500, Pacing.NORMAL, 112),  # plenty: ignored
        (149, Pacing.SERVER_REMAINING, 720),  # 99 - 15 periodic - 24 settings -> 43 200 / 60
        (60, Pacing.EXHAUSTED, 43_200),  # less than the periodic reserve left: wait for reset
    ],
)
def test_pacing_by_server_remaining(remaining: int, pacing: Pacing, live: float) -> None:
    """Below 150 remaining, the remainder minus the 50-call command reserve must last."""
    plan = _plan(_cloud("a", CHARGING), now=NOON, calls=100, remaining=remaining)
    assert (plan.pacing, plan.chargers["a"].live) == (pacing, live)


def test_reset_header_shortens_the_window() -> None:
    """A RateLimit-Reset header ends the window early, so the remainder may be spent sooner."""
    late = _plan(_cloud("a", CHARGING), now=NOON, calls=100, remaining=120)
    soon = _plan(_cloud("a", CHARGING), now=NOON, calls=100, remaining=120, reset=3600)
    assert soon.chargers["a"].live is not None and late.chargers["a"].live is not None
    assert soon.chargers["a"].live < late.chargers["a"].live


def test_429_backoff_doubles() -> None:
    """The 429 back-off doubles from the current wait up to 600 s (budget.py, unchanged)."""
    assert [backoff_interval(s) for s in (112, 224, 448, 600)] == [224, 448, 600, 600]


def test_calls_per_day_counts_periodic_reserve() -> None:
    """The day's count includes pairings, RFID lists and firmware."""
    plan = _plan(_lan("a"))
    assert plan.calls_per_day() == pytest.approx(DAY / 106 + 24 + 4 + 2)


# ---- schedule ------------------------------------------------------------------------------


def test_unreachable_retries_soon_then_every_85_s() -> None:
    """A call that never reached the server is retried after 30, 60, then every 85 s."""
    schedule = Schedule()
    stream = ("a", "live")
    delays = [schedule.failed(stream, NOON, 600, reached=False) for _ in range(5)]
    assert delays == [30, 60, RETRY_CAP, RETRY_CAP, RETRY_CAP]
    assert retry_delay(None, 20) == 30
    assert retry_delay(60, 70) == 70  # never later than the stream's own interval


def test_answered_errors_wait_for_the_next_read() -> None:
    """5xx and bad payloads keep today's rule: the stream's next regular read."""
    schedule = Schedule()
    assert schedule.failed(("a", "settings"), NOON, 600, reached=True) == 600
    assert schedule.due[("a", "settings")] == NOON + timedelta(seconds=600)


def test_schedule_due_and_replan() -> None:
    """Never read is due; a read moves it an interval on; a new plan moves it from the last read."""
    schedule = Schedule()
    live, settings = ("a", "live"), ("a", "settings")
    assert schedule.due_now([live, settings], NOON) == [live, settings]
    schedule.read(live, NOON, 900)
    schedule.read(settings, NOON, 1800)
    assert schedule.due_now([live, settings], NOON + timedelta(seconds=899)) == [live]  # 2 s early
    assert schedule.due_now([live, settings], NOON + timedelta(seconds=897)) == []
    plan = Plan(chargers={"a": ChargerPlan(live=112, settings=1800, reason="charging")})
    schedule.replan([live, settings], plan)
    assert schedule.next_due([live, settings], NOON) == NOON + timedelta(seconds=112)
    schedule.replan([settings], plan)  # the charger got its LAN back: its live stream goes
    assert live not in schedule.due and live not in schedule.last


@pytest.mark.parametrize(
    "first", [V2CConnectionError("refused"), V2CResponseError("bad", status=500)]
)
def test_cloud_down_moves_only_answered_streams(first: Exception) -> None:
    """Every read failed: answered errors wait for their next read, unreached ones are retried.

    A connection error is raised first, so the coordinator retries soon with one call.
    """
    schedule = Schedule(plan=_plan(_cloud("a", CHARGING), _cloud("b")))
    answered = V2CResponseError("bad", status=500)
    results = {
        "a": Fetched(errors={"live": first}),
        "b": Fetched(errors={"live": V2CConnectionError("refused"), "settings": answered}),
    }
    with pytest.raises(V2CConnectionError):
        schedule.raise_if_down(results, NOON)
    assert set(schedule.due) == {("b", "settings")} | (
        {("a", "live")} if isinstance(first, V2CResponseError) else set()
    )
    assert schedule.due[("b", "settings")] == NOON + timedelta(seconds=SETTINGS_EVERY)
    results["b"].reported = ReportedState()  # one read succeeded
    schedule.raise_if_down(results, NOON)  # the cloud is up: nothing raised


def test_describe() -> None:
    """Diagnostics and the quota sensor show each charger's intervals and why."""
    schedule = Schedule(plan=_plan(_cloud("a", CHARGING)))
    schedule.read(("a", "live"), NOON, 112)
    info = schedule.describe("a")
    assert info == {
        "live_interval": 112,
        "settings_interval": SETTINGS_EVERY,
        "reason": "charging",
        "pacing": "normal",
        "next_live_read": (NOON + timedelta(seconds=112)).isoformat(),
        "next_settings_read": None,
    }
    assert schedule.describe("unknown") is None


def test_plan_attributes_are_translated() -> None:
    """Every attribute the quota sensor shows, and each reason and pacing value, has a name."""
    root = Path(__file__).resolve().parent.parent / "custom_components" / "v2c_cloud"
    for path in (root / "translations").glob("*.json"):
        sensor = json.loads(path.read_text(encoding="utf-8"))["entity"]["sensor"]
        attrs = sensor["api_calls_remaining"]["state_attributes"]
        info = Schedule(plan=_plan(_cloud("a", CHARGING))).describe("a")
        assert info is not None
        shown = {"automatic_calls_today", *(k for k in info if not k.startswith("next_"))}
        assert set(attrs) == shown, path.name
        reasons = {a.value for a in Activity} | {_plan(_lan("b")).chargers["b"].reason}
        assert set(attrs["reason"]["state"]) == reasons, path.name
        assert set(attrs["pacing"]["state"]) == {p.value for p in Pacing}, path.name


def test_merge_keeps_one_record_per_charger() -> None:
    """Values not read are kept; a gone charger's record and a LAN charger's status are not."""
    a, b, c = (Pairing(device_id=d, name=d) for d in "abc")
    reported, status, firmware = ReportedState(raw={"n": 1}), ChargeStatus(), FirmwareInfo()
    first = merge(
        V2CCloudData.seed([a, b, c]),
        {"a": a, "b": b, "c": c},
        {
            "a": Fetched(reported=reported, status=status, firmware=firmware, cards=[]),
            "b": Fetched(status=status, cards=[RfidCard(code="04A1")]),
            "c": Fetched(errors={"settings": V2CResponseError("bad", status=500)}),
        },
        NOON,
        live=["a", "b"],
    )
    assert first.chargers["c"] == ChargerCloud(pairing=c)  # failed: nothing read yet
    later, newer = NOON + timedelta(hours=1), ReportedState(raw={"n": 2})
    second = merge(
        replace(first, quota_exhausted=True, updated_at=NOON),
        {"a": a, "b": b},
        {"a": Fetched(reported=newer), "b": Fetched(errors={"live": V2CConnectionError("x")})},
        later,
        live=["a"],
    )
    assert second.pairings == {"a": a, "b": b}  # c left the account
    assert second.chargers["a"] == ChargerCloud(
        pairing=a, reported=newer, status=status, firmware=firmware, cards=[], updated=later
    )
    # b's LAN works again: its cloud status is dropped, its cards and last read time kept.
    assert second.chargers["b"] == ChargerCloud(
        pairing=b, cards=[RfidCard(code="04A1")], updated=NOON
    )
    assert (second.quota_exhausted, second.updated_at) == (False, NOON)
