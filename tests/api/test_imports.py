"""The API package stays HA-agnostic: no homeassistant, nothing outside itself."""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

import custom_components.v2c_cloud.api as api_package

PACKAGE_DIR = Path(api_package.__file__).parent
MODULES = sorted(PACKAGE_DIR.glob("*.py"))
ALLOWED_THIRD_PARTY = {"aiohttp"}


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Return (relative level, module) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_package_has_the_expected_modules() -> None:
    names = {path.name for path in MODULES}
    assert {
        "__init__.py",
        "exceptions.py",
        "const.py",
        "models.py",
        "normalize.py",
        "hosts.py",
        "_http.py",
        "cloud.py",
        "local.py",
    } <= names
    assert (PACKAGE_DIR / "py.typed").is_file()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_only_stdlib_aiohttp_and_itself(path: Path) -> None:
    for level, module in _imported_modules(path):
        top = module.split(".")[0]
        assert "homeassistant" not in module
        if level == 0:
            assert (
                top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top == "__future__"
            ), f"{path.name} imports {module}"
        else:
            assert level == 1, f"{path.name} reaches outside the package with {'.' * level}{module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_source_never_mentions_homeassistant_import(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "import homeassistant" not in source
    assert "from homeassistant" not in source
    assert source.startswith('"""'), "every module starts with a docstring"
    assert "from __future__ import annotations" in source


def test_import_scan_detects_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from homeassistant.core import HomeAssistant\nfrom .. import x\n")
    assert _imported_modules(bad) == [(0, "homeassistant.core"), (2, "")]


def test_all_exports_exist() -> None:
    for name in api_package.__all__:
        assert hasattr(api_package, name), name
    assert len(set(api_package.__all__)) == len(api_package.__all__)
