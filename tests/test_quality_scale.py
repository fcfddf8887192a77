"""quality_scale.yaml: every rule of every tier is listed, and each "done" rule has evidence."""

from __future__ import annotations

import ast
from collections.abc import Callable
import json
from pathlib import Path
import re

import pytest
import yaml

from custom_components.v2c_cloud import budget
from custom_components.v2c_cloud.const import DEFAULT_SCAN_INTERVAL

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "v2c_cloud"
PLATFORMS = ["sensor", "binary_sensor", "switch", "number", "select", "button", "event"]

RULES = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "entity-event-setup", "entity-unique-id", "has-entity-name",
        "runtime-data", "test-before-configure", "test-before-setup", "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip


def _src(name: str) -> str:
    """Return an integration module's source."""
    return (INTEGRATION / name).read_text(encoding="utf-8")


def _all_src() -> str:
    """Return every integration module's source."""
    return "\n".join(p.read_text(encoding="utf-8") for p in INTEGRATION.rglob("*.py"))


def _readme() -> str:
    """Return the README."""
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _has(text: str, *needles: str) -> None:
    """Assert every needle is in text."""
    for needle in needles:
        assert needle in text, needle


def _function_calls(module: str, function: str) -> set[str]:
    """Return the names called inside one function of a module."""
    tree = ast.parse(_src(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == function:
            return {
                n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
                for n in ast.walk(node)
                if isinstance(n, ast.Call)
            }
    raise AssertionError(f"{function} not in {module}")


def _strings() -> dict[str, object]:
    """Return strings.json."""
    return dict(json.loads(_src("strings.json")))


def _manifest() -> dict[str, object]:
    """Return manifest.json."""
    return dict(json.loads(_src("manifest.json")))


def _exception_keys_exist() -> None:
    """Every translation_key raised in code has an exceptions entry."""
    raised = set(re.findall(r'translation_key="([a-z_]+)"', _all_src()))
    strings = _strings()
    known = set(strings["exceptions"])  # type: ignore[arg-type]
    entity_keys = {
        key
        for platform in strings["entity"].values()  # type: ignore[union-attr]
        for key in platform
    }
    issues = set(strings["issues"])  # type: ignore[arg-type]
    missing = raised - known - entity_keys - issues - {"mode"}
    assert not missing, missing


def _parallel_updates() -> None:
    """Every platform declares PARALLEL_UPDATES."""
    for platform in PLATFORMS:
        assert re.search(r"^PARALLEL_UPDATES = [01]$", _src(f"{platform}.py"), re.M), platform


EVIDENCE: dict[str, Callable[[], None]] = {
    "action-setup": lambda: _has(str(_function_calls("__init__.py", "async_setup")), "async_setup_services"),
    "appropriate-polling": lambda: _has(str(budget.FLOOR >= 90 and DEFAULT_SCAN_INTERVAL == 30), "True"),
    "brands": lambda: _has(str((INTEGRATION / "brand" / "icon.png").is_file()), "True"),
    "common-modules": lambda: _has(_src("coordinator.py") + _src("entity.py"), "class V2CCloudCoordinator", "class V2CCloudEntity"),
    "config-flow-test-coverage": lambda: _has((ROOT / "tests" / "test_config_flow.py").read_text(), "reauth", "reconfigure", "errors_recover"),
    "config-flow": lambda: _has(json.dumps(_strings()["config"]), "data_description"),
    "dependency-transparency": lambda: _has(str(_manifest()["requirements"]), "[]"),
    "docs-actions": lambda: _has(_readme(), "## Actions (services) and events", "v2c_cloud.start_charge_for_energy"),
    "docs-high-level-description": lambda: _has(_readme(), "## What it does"),
    "docs-installation-instructions": lambda: _has(_readme(), "## Installation", "HACS"),
    "docs-removal-instructions": lambda: _has(_readme(), "## Removal"),
    "entity-event-setup": lambda: _has(_src("event.py"), "async_on_remove"),
    "entity-unique-id": lambda: _has(_src("entity.py"), "_attr_unique_id"),
    "has-entity-name": lambda: _has(_src("entity.py"), "_attr_has_entity_name = True"),
    "runtime-data": lambda: (_has(_src("runtime.py"), "entry.runtime_data = "), _has(str("hass.data[" not in _all_src()), "True")),
    "test-before-configure": lambda: _has(_src("flow_checks.py"), ".pairings()"),
    "test-before-setup": lambda: _has(_src("runtime.py"), "ConfigEntryNotReady", "ConfigEntryAuthFailed"),
    "unique-config-entry": lambda: _has(_src("config_flow.py"), "_abort_if_unique_id_configured"),
    "action-exceptions": lambda: _has(_all_src(), "ServiceValidationError", "HomeAssistantError"),
    "config-entry-unloading": lambda: _has(_src("__init__.py"), "async def async_unload_entry"),
    "docs-configuration-parameters": lambda: _has(_readme(), "## Options"),
    "docs-installation-parameters": lambda: _has(_readme(), "## Setup", "API key"),
    "entity-unavailable": lambda: _has(_src("entity.py"), "def available"),
    "integration-owner": lambda: _has(str(_manifest()["codeowners"]), "@"),
    "log-when-unavailable": lambda: _has((ROOT / "tests" / "test_lan.py").read_text(), "len(warnings) == 1"),
    "parallel-updates": _parallel_updates,
    "reauthentication-flow": lambda: _has(_src("config_flow.py"), "async_step_reauth_confirm"),
    "test-coverage": lambda: _has((ROOT / "scripts" / "test").read_text(), "--cov-fail-under=95"),
    "devices": lambda: _has(_src("charger.py"), "DeviceInfo("),
    "diagnostics": lambda: _has(_src("diagnostics.py") + (ROOT / "tests" / "test_diagnostics.py").read_text(), "async_redact_data", "get_diagnostics_for_config_entry"),
    "docs-data-update": lambda: _has(_readme(), "## How data is updated"),
    "docs-examples": lambda: _has(_readme(), "response_variable", "event_type: v2c_cloud_charging_finished"),
    "docs-known-limitations": lambda: _has(_readme(), "## Known limitations"),
    "docs-supported-devices": lambda: _has(_readme(), "Trydan"),
    "docs-supported-functions": lambda: _has(_readme(), "## Entities"),
    "docs-troubleshooting": lambda: _has(_readme(), "## Troubleshooting"),
    "docs-use-cases": lambda: _has(_readme(), "Energy dashboard"),
    "dynamic-devices": lambda: _has(_src("runtime.py"), "async_register_platform", "for add in runtime.platforms"),
    "entity-category": lambda: _has(_src("sensor.py"), "EntityCategory.DIAGNOSTIC"),
    "entity-device-class": lambda: _has(_src("sensor.py"), "SensorDeviceClass.POWER"),
    "entity-disabled-by-default": lambda: _has(_src("sensor.py"), "entity_registry_enabled_default=False"),
    "entity-translations": lambda: _has(str("icon=" not in _all_src() and "name=\"" not in _all_src()), "True"),
    "exception-translations": _exception_keys_exist,
    "icon-translations": lambda: _has(_src("icons.json"), '"state"'),
    "reconfiguration-flow": lambda: _has(_src("config_flow.py"), "async_step_reconfigure"),
    "repair-issues": lambda: _has(_all_src() + json.dumps(_strings()), "async_create_issue", "lan_unreachable", "quota_exhausted"),
    "stale-devices": lambda: _has(_src("__init__.py") + _src("runtime.py"), "async_remove_config_entry_device", "async_remove_device"),
    "async-dependency": lambda: _has(str("import requests" not in _all_src()), "True"),
    "inject-websession": lambda: _has(_src("runtime.py"), "async_get_clientsession(hass)"),
    "strict-typing": lambda: (_has((ROOT / "pyproject.toml").read_text(), "strict = true"), _has((ROOT / "scripts" / "test").read_text(), "mypy")),
}  # fmt: skip


def _scale() -> dict[str, dict[str, str] | str]:
    """Return the rules of quality_scale.yaml."""
    data = yaml.safe_load(_src("quality_scale.yaml"))
    return dict(data["rules"])


def _status(value: dict[str, str] | str) -> str:
    """Return a rule's status."""
    return value if isinstance(value, str) else value["status"]


def test_every_rule_is_listed() -> None:
    """All tiers, bronze to platinum, and nothing unknown."""
    known = {rule for rules in RULES.values() for rule in rules}
    assert set(_scale()) == known


def test_exempt_rules_explain_why() -> None:
    """An exemption carries its reason."""
    for rule, value in _scale().items():
        if _status(value) == "exempt":
            assert isinstance(value, dict), rule
            assert value.get("comment"), rule


@pytest.mark.parametrize("rule", sorted(EVIDENCE))
def test_done_rules_have_evidence(rule: str) -> None:
    """Each rule marked done is backed by something checkable in the repository."""
    assert _status(_scale()[rule]) == "done"
    EVIDENCE[rule]()


def test_no_done_rule_without_evidence() -> None:
    """A rule may only be marked done when it has an evidence check here."""
    done = {rule for rule, value in _scale().items() if _status(value) == "done"}
    assert done <= set(EVIDENCE)
