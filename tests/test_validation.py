"""Static checks of the integration's metadata against the HACS and hassfest rules.

manifest.json and hacs.json as HACS (custom_components/hacs/utils/validate.py) and hassfest
(script/hassfest/manifest.py, CUSTOM_INTEGRATION_MANIFEST_SCHEMA) check them; strings.json and every
translations/*.json with the same key paths; icons.json covering every entity translation key and
every action; every action with its texts.
"""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import json
from pathlib import Path
import pkgutil
import re
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.number import NumberEntityDescription
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.helpers.entity import EntityDescription
import pytest

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "v2c_cloud"
PACKAGE = "custom_components.v2c_cloud"

# hassfest: the keys a custom integration's manifest may have.
MANIFEST_KEYS = {
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "domain",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "name",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
QUALITY_SCALES = {
    "bronze",
    "silver",
    "gold",
    "platinum",
    "custom",
    "no_score",
    "internal",
    "legacy",
}
# HACS: hacs.json allows exactly these keys (PREVENT_EXTRA).
HACS_KEYS = {
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
    "name",
}
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]
# The description tuples of the platforms (the brief names them; each must exist).
DESCRIPTION_TUPLES = {
    "sensor": "SENSORS",
    "binary_sensor": "BINARY_SENSORS",
    "switch": "SWITCHES",
    "number": "NUMBERS",
    "select": "SELECTS",
    "button": "BUTTONS",
}
PLATFORM_CLASSES: dict[type[EntityDescription], str] = {
    BinarySensorEntityDescription: "binary_sensor",
    ButtonEntityDescription: "button",
    EventEntityDescription: "event",
    NumberEntityDescription: "number",
    SelectEntityDescription: "select",
    SensorEntityDescription: "sensor",
    SwitchEntityDescription: "switch",
}
MDI = re.compile(r"^mdi:[a-z0-9]+(-[a-z0-9]+)*$")
URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$")


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def key_paths(tree: Any, prefix: str = "") -> set[str]:
    """Return every key path of a JSON tree ("config.step.user.title", ...)."""
    if not isinstance(tree, dict):
        return {prefix}
    paths: set[str] = set()
    for key, value in tree.items():
        paths |= key_paths(value, f"{prefix}.{key}" if prefix else key)
    return paths


def descriptions() -> Iterator[tuple[str, EntityDescription]]:
    """Yield (platform, description) for every entity description the integration defines.

    Descriptions are found in every module of the package (a platform may take some from a helper
    module, as sensor.py does from energy.py); the platform follows from the description's class.
    """
    seen: set[tuple[str, str]] = set()
    for info in pkgutil.iter_modules([str(INTEGRATION)]):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        for value in vars(module).values():
            for item in value if isinstance(value, tuple) else (value,):
                if not isinstance(item, EntityDescription):
                    continue
                platform = next(
                    (name for cls, name in PLATFORM_CLASSES.items() if isinstance(item, cls)), None
                )
                assert platform, f"{info.name}: {item.key} is of no known platform"
                if (platform, item.key) not in seen:
                    seen.add((platform, item.key))
                    yield platform, item


# ---- manifest.json ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """Return manifest.json."""
    data: dict[str, Any] = load_json(INTEGRATION / "manifest.json")
    return data


def test_manifest_required_keys(manifest: dict[str, Any]) -> None:
    """HACS and hassfest required keys are present, with the domain matching the folder."""
    for key in ("domain", "name", "version", "documentation", "issue_tracker", "codeowners"):
        assert manifest.get(key), f"manifest.json lacks {key}"
    assert manifest["domain"] == INTEGRATION.name
    assert isinstance(manifest["name"], str)
    assert manifest["name"].strip()


def test_manifest_only_known_keys_in_hassfest_order(manifest: dict[str, Any]) -> None:
    """Hassfest rejects unknown keys and wants domain, name, then alphabetical order."""
    assert set(manifest) <= MANIFEST_KEYS, set(manifest) - MANIFEST_KEYS
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_version(manifest: dict[str, Any]) -> None:
    """The version parses as Home Assistant's loader and hassfest parse it (and is semver)."""
    version = manifest["version"]
    assert isinstance(version, str)
    AwesomeVersion(version, ensure_strategy=VERSION_STRATEGIES)
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[-.]?(?:a|b|rc|dev)\d*)?", version), version


def test_manifest_urls_and_codeowners(manifest: dict[str, Any]) -> None:
    """Documentation and issue tracker are https URLs; codeowners are GitHub @handles."""
    for key in ("documentation", "issue_tracker"):
        assert URL.match(manifest[key]), manifest[key]
    assert not manifest["documentation"].startswith("https://www.home-assistant.io/integrations")
    assert isinstance(manifest["codeowners"], list)
    assert manifest["codeowners"]
    for owner in manifest["codeowners"]:
        assert isinstance(owner, str)
        assert HANDLE.match(owner), owner


def test_manifest_classification(manifest: dict[str, Any]) -> None:
    """config_flow, iot_class, integration_type and quality_scale take valid values."""
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["integration_type"] in INTEGRATION_TYPES
    if "quality_scale" in manifest:
        assert manifest["quality_scale"] in QUALITY_SCALES
    if "loggers" in manifest:
        assert all(isinstance(logger, str) for logger in manifest["loggers"])
    for key in ("dependencies", "after_dependencies"):
        assert all(isinstance(domain, str) for domain in manifest.get(key, []))


def test_manifest_requirements_pinned(manifest: dict[str, Any]) -> None:
    """Requirements are empty or each pinned with ==."""
    requirements = manifest.get("requirements", [])
    assert isinstance(requirements, list)
    for requirement in requirements:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-\[\],]*==[A-Za-z0-9.+!\-]+", requirement), (
            requirement
        )


# ---- hacs.json -------------------------------------------------------------------------------


def test_hacs_json() -> None:
    """hacs.json has a name, only keys HACS knows, and the Home Assistant floor we pin."""
    hacs = load_json(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS, set(hacs) - HACS_KEYS
    assert isinstance(hacs["name"], str)
    assert hacs["name"].strip()
    assert hacs["homeassistant"] == "2025.4.0"
    AwesomeVersion(hacs["homeassistant"], ensure_strategy=[AwesomeVersionStrategy.CALVER])
    for key in ("content_in_root", "zip_release", "render_readme", "hide_default_branch"):
        if key in hacs:
            assert isinstance(hacs[key], bool), key
    if hacs.get("zip_release"):
        assert hacs.get("filename"), "zip_release needs filename"
    # One integration per repository, in custom_components/<domain>/.
    folders = [p for p in (ROOT / "custom_components").iterdir() if p.is_dir()]
    assert [p.name for p in folders if not p.name.startswith("__")] == [INTEGRATION.name]


# ---- translations ----------------------------------------------------------------------------


def test_en_json_equals_strings_json() -> None:
    """translations/en.json is strings.json, as core's build would generate it."""
    assert load_json(INTEGRATION / "translations" / "en.json") == load_json(
        INTEGRATION / "strings.json"
    )


@pytest.mark.parametrize(
    "translation",
    sorted((INTEGRATION / "translations").glob("*.json")),
    ids=lambda path: path.name,
)
def test_translations_have_the_same_keys(translation: Path) -> None:
    """Every translation file has exactly the key paths of strings.json."""
    expected = key_paths(load_json(INTEGRATION / "strings.json"))
    found = key_paths(load_json(translation))
    assert not expected - found, f"{translation.name} misses {sorted(expected - found)}"
    assert not found - expected, f"{translation.name} has extra {sorted(found - expected)}"


def test_translation_values_are_non_empty_strings() -> None:
    """Every leaf of strings.json is a non-empty string without core's [%key:...%] references."""
    strings = load_json(INTEGRATION / "strings.json")

    def leaves(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
        if isinstance(tree, dict):
            for key, value in tree.items():
                yield from leaves(value, f"{path}.{key}" if path else key)
        else:
            yield path, tree

    for path, value in leaves(strings):
        assert isinstance(value, str), path
        assert value.strip(), path
        assert "[%key:" not in value, path


# ---- entities: names and icons ---------------------------------------------------------------


def test_description_tuples_exist() -> None:
    """Each platform module exports its description tuple."""
    for platform, name in DESCRIPTION_TUPLES.items():
        module = importlib.import_module(f"{PACKAGE}.{platform}")
        value = getattr(module, name)
        assert isinstance(value, tuple), name
        assert value, name
        assert all(isinstance(item, EntityDescription) for item in value), name


def test_every_translation_key_has_a_name_and_an_icon() -> None:
    """icons.json and strings.json cover every translation_key of every entity description."""
    icons = load_json(INTEGRATION / "icons.json").get("entity", {})
    strings = load_json(INTEGRATION / "strings.json").get("entity", {})
    missing_icons, missing_names = [], []
    found = list(descriptions())
    assert found
    for platform, description in found:
        key = description.translation_key
        assert key, f"{platform}.{description.key} has no translation_key"
        icon = icons.get(platform, {}).get(key, {})
        if not isinstance(icon, dict) or not MDI.match(str(icon.get("default", ""))):
            missing_icons.append(f"{platform}.{key}")
        if not strings.get(platform, {}).get(key, {}).get("name"):
            missing_names.append(f"{platform}.{key}")
    assert not missing_icons, f"icons.json lacks a default icon for {missing_icons}"
    assert not missing_names, f"strings.json lacks a name for {missing_names}"


def test_icons_json_is_well_formed() -> None:
    """Every icon is an mdi: icon; entity icons belong to existing translation keys."""
    icons = load_json(INTEGRATION / "icons.json")
    assert set(icons) <= {"entity", "services"}
    known = {(platform, d.translation_key) for platform, d in descriptions()}
    for platform, keys in icons.get("entity", {}).items():
        for key, spec in keys.items():
            assert (platform, key) in known, f"icons.json has unused entity.{platform}.{key}"
            for state, icon in spec.get("state", {}).items():
                assert MDI.match(icon), f"{platform}.{key}.state.{state}: {icon}"
            for value, icon in spec.get("range", {}).items():
                assert MDI.match(icon), f"{platform}.{key}.range.{value}: {icon}"
