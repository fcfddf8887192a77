"""Benchmark fixtures (those of tests/conftest.py) and the report written at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ._report import collected, mark_start, render_markdown

if TYPE_CHECKING:
    from _pytest.terminal import TerminalReporter

pytest_plugins = ["tests.conftest"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note the start of the run for the report."""
    mark_start()


@pytest.fixture(autouse=True)
def enable_event_loop_debug(event_loop: asyncio.AbstractEventLoop) -> None:
    """Run without asyncio debug mode (the test plugin turns it on; production runs without)."""
    event_loop.set_debug(False)


@pytest.fixture(autouse=True, scope="session")
def quiet_logs() -> Generator[None]:
    """Keep Home Assistant's INFO lines off the console so the tables stay readable."""
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    levels = [h.level for h in handlers]
    loader = logging.getLogger("homeassistant.loader")  # "custom integration not tested"
    loader_level = loader.level
    for handler in handlers:
        handler.setLevel(logging.WARNING)
    loader.setLevel(logging.ERROR)
    yield
    loader.setLevel(loader_level)
    for handler, level in zip(handlers, levels, strict=True):
        handler.setLevel(level)


def pytest_terminal_summary(
    terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """Print the benchmark tables; write docs/benchmarks.md after a complete, passing run."""
    if not collected():
        return
    text = render_markdown()
    terminalreporter.write_sep("=", "V2C Cloud benchmarks")
    terminalreporter.write_line(text)
    complete = collected() == {"cloud", "command", "setup", "poll"}
    if exitstatus != 0 or not complete or os.environ.get("V2C_BENCH_WRITE") == "0":
        terminalreporter.write_line("docs/benchmarks.md not written (partial or failed run).")
        return
    path = Path(config.rootpath) / "docs" / "benchmarks.md"
    path.write_text(text, encoding="utf-8")
    terminalreporter.write_line(f"Written to {path.relative_to(config.rootpath)}")
