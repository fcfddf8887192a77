"""Lazy physics over driven time: energy = P x t, limits, sessions and statistics."""

from __future__ import annotations

import pytest

from simulator import ChargerConfig, Simulator

from .conftest import LAN_A, LAN_B, START, Client, FakeClock


async def test_energy_is_power_times_time(client: Client, sim: Simulator, clock: FakeClock) -> None:
    sim.advance(3600)
    csc = await client.csc()
    assert csc["energy"] == "3.680000"
    assert csc["seconds"] == "3600"
    clock.value += 1800
    data = await client.rtd()
    assert data["ChargeEnergy"] == 5.52
    assert data["ChargeTime"] == 5400
    assert sim.now() == START + 5400


async def test_three_phase_power(clock: FakeClock) -> None:
    sim = Simulator(
        chargers=[
            ChargerConfig(
                device_id="T3",
                car_connected=True,
                charging=True,
                intensity=32,
                voltage=400,
                phases=3,
            )
        ],
        clock=clock,
    )
    charger = sim.chargers["T3"]
    assert charger.charge_power == 38_400
    assert (charger.charge_mode, charger.installation_type) == (1, 1)
    sim.advance(900)
    assert charger.charge_energy == pytest.approx(9.6)


async def test_paused_locked_and_idle_accumulate_nothing(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    sim.advance(600)
    await client.cloud("POST", "/device/pausecharge", deviceId=LAN_A)
    sim.advance(3600)
    assert charger.charge_energy == pytest.approx(3680 * 600 / 3_600_000)
    await client.cloud("POST", "/device/startcharge", deviceId=LAN_A)
    await client.lan(LAN_A, "/write/Locked=1")
    sim.advance(3600)
    assert charger.charge_time == 600
    assert sim.chargers[LAN_B].charge_energy == 0


async def test_changes_are_integrated_at_the_moment_they_happen(
    sim: Simulator, clock: FakeClock
) -> None:
    charger = sim.chargers[LAN_A]
    clock.value += 3600
    charger.intensity = 32  # the first hour still ran at 16 A
    clock.value += 3600
    charger.sync()
    assert charger.charge_energy == pytest.approx(3.68 + 7.36)


async def test_intensity_change_changes_power(client: Client) -> None:
    await client.lan(LAN_A, "/write/Intensity=6")
    csc = await client.csc()
    assert (csc["power"], csc["intensity"]) == ("1.380000", "6")


async def test_energy_limit_pauses_exactly(client: Client, sim: Simulator) -> None:
    await client.cloud("POST", "/device/startchargekw", deviceId=LAN_A, kw="1.84")
    sim.advance(7200)
    charger = sim.chargers[LAN_A]
    assert charger.charge_energy == pytest.approx(1.84)
    assert charger.charge_time == pytest.approx(1800)
    assert (charger.paused, charger.energy_limit, charger.charge_state) == (True, 0.0, 1)


async def test_limits_not_reached_yet_let_charging_go_on(sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    charger.energy_limit = 7.36
    charger.minutes_limit = 180
    sim.advance(3600)
    assert charger.charge_state == 2
    assert charger.charge_energy == pytest.approx(3.68)
    sim.advance(3600)
    assert (charger.paused, charger.charge_state) == (True, 1)
    assert charger.charge_energy == pytest.approx(7.36)
    assert charger.minutes_limit == 0


async def test_minutes_limit_pauses_exactly(client: Client, sim: Simulator) -> None:
    await client.cloud("POST", "/device/charger_until_minutes", deviceId=LAN_A, value="15")
    sim.advance(3600)
    charger = sim.chargers[LAN_A]
    assert charger.charge_time == pytest.approx(900)
    assert charger.paused
    assert charger.minutes_limit == 0


async def test_limit_already_reached_pauses_at_once(sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    sim.advance(3600)
    charger.energy_limit = 1.0
    sim.advance(60)
    assert charger.paused
    assert charger.charge_energy == pytest.approx(3.68)


async def test_unplug_and_plug_make_sessions(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_A]
    assert charger.statistics == []
    sim.advance(2.5 * 3600)
    charger.unplug()
    charger.unplug()  # no car: nothing more
    assert len(charger.statistics) == 1
    record = charger.statistics[0]
    assert record["startChargeDate"] == "2025-10-28T10:00:00"
    assert record["endChargeDate"] == "2025-10-28T12:30:00"
    assert record["idCharge"] == "2025-10-28 10:00:00"
    assert record["energy"] == 9.2
    assert record["energyByHour"] == "3.7|3.7|1.8"
    assert record["deviceId"] == LAN_A
    data = await client.rtd()
    assert (data["ChargeState"], data["ChargePower"], data["ChargeEnergy"]) == (0, 0.0, 9.2)

    sim.advance(600)
    charger.plug_in()
    charger.plug_in()  # already plugged: the session continues
    assert (charger.charge_energy, charger.charge_time) == (0.0, 0.0)
    sim.advance(3600)
    charger.unplug()
    second = charger.statistics[1]
    assert second["id"] == record["id"] + 1
    assert second["startChargeDate"] == "2025-10-28T12:40:00"
    assert second["energyByHour"] == "1.2|2.5"
    listed = await client.cloud("GET", "/stadistic/device", deviceId=LAN_A)
    assert [r["id"] for r in listed.json()] == [record["id"], second["id"]]


async def test_plug_in_on_idle_charger_starts_charging(client: Client, sim: Simulator) -> None:
    charger = sim.chargers[LAN_B]
    charger.plug_in()
    assert (await client.csc(LAN_B))["charge_state"] == "2"
    sim.advance(1800)
    assert (await client.rtd(LAN_B))["ChargeEnergy"] == 1.84


def test_clock_never_runs_backwards(sim: Simulator) -> None:
    with pytest.raises(ValueError):
        sim.advance(-1)
