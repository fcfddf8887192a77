"""The module graph of the integration: imports run one way (docs/architecture.md)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "custom_components" / "v2c_cloud"


def _module(path: Path) -> str:
    """Return the dotted module name of a file inside the package."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def _imports(path: Path) -> set[str]:
    """Return the package modules a file imports, TYPE_CHECKING blocks included."""
    module = _module(path)
    if path.name == "__init__.py":
        package = [] if module == "__init__" else module.split(".")
    else:
        package = module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package[: len(package) - node.level + 1]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
        for alias in node.names:
            candidate = f"{target}.{alias.name}" if target else alias.name
            found.add(candidate if _exists(candidate) else target or "__init__")
    found.discard(module)
    return found


def _exists(module: str) -> bool:
    """Return True when a dotted name is a module of the package."""
    path = PACKAGE.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    """Return every module of the package with the package modules it imports."""
    return {_module(path): _imports(path) for path in PACKAGE.rglob("*.py")}


def test_no_import_cycle() -> None:
    """No module reaches itself through its imports (TYPE_CHECKING imports count too)."""
    graph = _graph()
    assert len(graph) > 30
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as err:  # pragma: no cover - the failure message names the cycle
        pytest.fail(f"import cycle: {err.args[1]}")
    assert order.index("charger") > order.index("realtime") > order.index("coordinator")


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("coordinator", "realtime"),
        ("realtime", "charger"),
        ("charger", "runtime"),
        ("runtime", "entity"),
        ("entity", "switch"),
        ("charger", "services"),
    ],
)
def test_layers_import_one_way(lower: str, upper: str) -> None:
    """A lower layer never imports (directly or not) a module above it."""
    graph = _graph()
    assert upper not in _reach(graph, lower)
    assert lower in _reach(graph, upper)


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    """Return every module `start` imports, directly or not."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(graph.get(current, ()))
    return seen


def test_api_stays_free_of_home_assistant() -> None:
    """The API layer imports neither Home Assistant nor the integration around it."""
    for path in (PACKAGE / "api").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
                assert node.level <= 1, f"{path.name} reaches outside api/"
            else:
                continue
            assert not any(name.startswith("homeassistant") for name in names), path.name
