"""Every entity and device, snapshotted for a LAN charger and a cloud-only (4G) charger."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.v2c_cloud.const import DOMAIN
from simulator import Simulator

from .conftest import CLOUD_ID, LAN_ID

pytestmark = pytest.mark.freeze_time("2026-11-26 12:00:00+00:00")


def _stable(state: State, simulator: Simulator) -> State:
    """Replace the simulator's random LAN port in a state."""
    host = simulator.lan_host(LAN_ID) or ""
    if host and host in state.state:
        return State(state.entity_id, state.state.replace(host, "<lan host>"), state.attributes)
    return state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_all_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Snapshot each entity's registry entry and state, and check its device."""
    entries = er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    assert len(entries) > 70
    for entry in sorted(entries, key=lambda e: e.entity_id):
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        state = hass.states.get(entry.entity_id)
        assert state is not None
        assert _stable(state, simulator) == snapshot(name=f"{entry.entity_id}-state")
        assert entry.device_id is not None
        assert entry.unique_id.startswith("v2c_")


async def test_devices(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """One device per charger with manufacturer, model, firmware, serial and LAN URL."""
    lan = device_registry.async_get_device(identifiers={(DOMAIN, LAN_ID)})
    cloud = device_registry.async_get_device(identifiers={(DOMAIN, CLOUD_ID)})
    assert lan is not None
    assert cloud is not None
    assert (lan.manufacturer, lan.model, lan.name, lan.serial_number, lan.sw_version) == (
        "V2C",
        "Trydan V2",
        "Garage",
        LAN_ID,
        "2.4.6",
    )
    assert lan.configuration_url == f"http://{simulator.lan_host(LAN_ID)}"
    assert cloud.name == "Driveway"
    assert cloud.serial_number == CLOUD_ID
    assert cloud.configuration_url is None


async def test_default_enabled_entities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Noisy or rare entities start disabled; the main ones are on."""
    assert hass.states.get("sensor.garage_charge_power") is not None
    assert hass.states.get("sensor.garage_battery_power") is None
    assert hass.states.get("sensor.garage_wi_fi_network") is None
    assert hass.states.get("switch.garage_ocpp") is None


async def test_lan_only_entities_unavailable_on_cloud_charger(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """LAN-only values are unavailable for a 4G charger; cloud values are shown."""
    assert hass.states.get("select.driveway_phase_mode").state == "unavailable"
    assert hass.states.get("switch.driveway_pause_dynamic_control").state == "unavailable"
    assert hass.states.get("sensor.driveway_wi_fi_signal").state == "unavailable"
    assert hass.states.get("sensor.driveway_charge_state").state == "disconnected"
    assert hass.states.get("switch.driveway_locked").state == "off"
    assert hass.states.get("select.driveway_installation_type").state != "unavailable"


async def test_lan_charger_values(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The charging LAN charger reports power = intensity x voltage and its settings."""
    sim = simulator.chargers[LAN_ID]
    assert hass.states.get("sensor.garage_charge_state").state == "charging"
    power = float(hass.states.get("sensor.garage_charge_power").state)
    assert power == pytest.approx(sim.intensity * sim.voltage_installation, rel=0.01)
    assert float(hass.states.get("number.garage_charge_current").state) == sim.intensity
    assert hass.states.get("switch.garage_charging_paused").state == "off"
    assert hass.states.get("sensor.garage_firmware").state == "2.4.6"
