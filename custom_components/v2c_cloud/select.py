"""Selects of V2C chargers (installation, meter, language, power and charge modes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .charger import CloudSetter, Command, V2CCharger, bind_value
from .entity import (
    Source,
    V2CCloudEntityDescription,
    V2CCloudWritableEntity,
    async_setup_charger_entities,
    live,
    shadow,
)
from .errors import handle_errors
from .runtime import V2CCloudConfigEntry
from .states import (
    CHARGE_MODES,
    DYNAMIC_POWER_MODES,
    FV_MODES,
    INSTALLATION_TYPES,
    LANGUAGES,
    SLAVE_TYPES,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class V2CCloudSelectEntityDescription(V2CCloudEntityDescription, SelectEntityDescription):
    """Describe a V2C select: vendor codes mapped to translated options."""

    codes: dict[int, str]
    code_fn: Callable[[V2CCharger], int | None]
    command_fn: Callable[[int], Command]


def _select(
    key: str, codes: dict[int, str], *, lan: str | None = None, cloud: CloudSetter | None = None
) -> V2CCloudSelectEntityDescription:
    """Describe a setting only the LAN API (keyword `lan`) or only the cloud can change."""
    return V2CCloudSelectEntityDescription(
        key=key,
        entity_category=EntityCategory.CONFIG,
        source=Source.CLOUD if cloud else Source.REALTIME,
        lan_only=lan is not None,
        options=list(codes.values()),
        codes=codes,
        code_fn=shadow(key) if cloud else live(key),
        command_fn=lambda code: Command(
            lan=(lan, code) if lan else None, cloud=bind_value(cloud, code) if cloud else None
        ),
    )


SELECTS: tuple[V2CCloudSelectEntityDescription, ...] = (
    _select(
        "installation_type",
        INSTALLATION_TYPES,
        cloud=lambda c, d, v: c.set_installation_type(d, v),
    ),
    _select("slave_type", SLAVE_TYPES, cloud=lambda c, d, v: c.set_slave_type(d, v)),
    _select("language", LANGUAGES, cloud=lambda c, d, v: c.set_language(d, v)),
    _select("fv_mode", FV_MODES, cloud=lambda c, d, v: c.set_fv_mode(d, v)),
    _select("dynamic_power_mode", DYNAMIC_POWER_MODES, lan="DynamicPowerMode"),
    _select("charge_mode", CHARGE_MODES, lan="ChargeMode"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: V2CCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add selects for every charger, now and when new ones are paired."""
    async_setup_charger_entities(entry, async_add_entities, SELECTS, V2CCloudSelectEntity)


class V2CCloudSelectEntity(V2CCloudWritableEntity[str], SelectEntity):
    """A V2C select."""

    entity_description: V2CCloudSelectEntityDescription

    @property
    def current_option(self) -> str | None:
        """Return the option (unknown codes show as unknown)."""
        code = self.entity_description.code_fn(self.charger)
        polled = self.entity_description.codes.get(code) if code is not None else None
        return self._hold.resolve(polled)

    @handle_errors
    async def async_select_option(self, option: str) -> None:
        """Send the chosen option and show it at once."""
        code = next(c for c, key in self.entity_description.codes.items() if key == option)
        await self._async_command(self.entity_description.command_fn(code), option)
