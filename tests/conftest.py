"""Shared fixtures: a real Home Assistant core (phcc) and the V2C simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.v2c_cloud.const import CONF_BASE_URL, DOMAIN

if TYPE_CHECKING:
    from simulator import ChargerConfig, Simulator

pytest_plugins = "pytest_homeassistant_custom_component"

LAN_ID = "V2C0001A"
CLOUD_ID = "V2C0002B"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/v2c_cloud in every test."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, including the disabled-by-default ones."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


class _SameOnEveryRelease(HomeAssistantSnapshotSerializer):
    """Leave out registry fields newer releases add, so one snapshot serves every test lane."""

    @classmethod
    def _serializable_entity_registry_entry(cls, data: Any) -> Any:
        serialized = super()._serializable_entity_registry_entry(data)
        for field in ("object_id_base", "suggested_object_id"):  # HA 2026.2+ adds them
            serialized.pop(field, None)
        return serialized


class _SnapshotExtension(HomeAssistantSnapshotExtension):
    serializer_class = _SameOnEveryRelease


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use Home Assistant's snapshot extension whatever the plugin order (and HA release)."""
    return snapshot.use_extension(_SnapshotExtension)


def default_chargers() -> list[ChargerConfig]:
    """Return one LAN charger charging a car and one cloud-only (4G) charger."""
    from simulator import ChargerConfig

    return [
        ChargerConfig(device_id=LAN_ID, name="Garage", lan=True, car_connected=True, charging=True),
        ChargerConfig(device_id=CLOUD_ID, name="Driveway", lan=False),
    ]


@pytest.fixture
def chargers() -> list[ChargerConfig]:
    """Return the simulated chargers (override per module or with indirect parametrize)."""
    return default_chargers()


@pytest.fixture
async def simulator(
    chargers: list[ChargerConfig], socket_enabled: None
) -> AsyncGenerator[Simulator]:
    """Run the V2C simulator (cloud + LAN) on loopback (connections stay limited to 127.0.0.1)."""
    from simulator import Simulator

    sim = Simulator(chargers=chargers)
    await sim.start()
    yield sim
    await sim.stop()


def account_entry(simulator: Simulator, **options: Any) -> MockConfigEntry:
    """Return a config entry for the simulator's account, with these options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="V2C Cloud",
        version=3,
        minor_version=1,
        unique_id=min(simulator.chargers).lower(),
        data={CONF_API_KEY: simulator.api_key, CONF_BASE_URL: simulator.cloud_url},
        options=options,
    )


@pytest.fixture
def mock_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return a config entry pointing at the simulator."""
    return account_entry(simulator)


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set the integration up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry
