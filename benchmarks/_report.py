"""Collect benchmark figures and render them as Markdown (terminal and docs/benchmarks.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
import os
from pathlib import Path
import platform
import time

from homeassistant import const as ha_const


@dataclass(frozen=True, kw_only=True)
class Section:
    """One benchmark: its title, how it is measured and its table's columns."""

    title: str
    method: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


SECTIONS: dict[str, Section] = {
    "cloud": Section(
        title="1. Automatic cloud calls and freshness per simulated day",
        method=(
            "Real Home Assistant + simulator, time driven by freezegun from 00:00 to 24:00 UTC "
            "(one quota day, start-up included) jumping from one scheduled timer to the next, LAN "
            "poll interval option 300 s. Calls = cloud requests the simulator served that day "
            "(429s counted separately). Live gap = median time between two "
            "`/device/currentstatecharge` reads of a 4G charger (its live values); for LAN "
            "chargers the live values come from the LAN and the gap shown is that of their cloud "
            "refresh (`/device/reported`, the cloud-only settings). Settings gap = median time "
            "between two `/device/reported` reads of a 4G charger. Reference = the reference "
            "integration, and Before = this integration before activity-aware polling, both as "
            "measured in issue 13 (10 chargers: not measured)."
        ),
        columns=(
            "Chargers",
            "Live gap (median)",
            "Settings gap (4G)",
            "Cloud calls / 24 h",
            "429s",
            "Reference: gap, calls / day",
            "Before: gap, calls / day",
            "Goal",
        ),
    ),
    "command": Section(
        title="2. LAN command until the state is confirmed in Home Assistant",
        method=(
            "Real time (no freezegun): the LAN charger's *Locked* switch is toggled 50 times with "
            "`switch.turn_on`/`turn_off` (blocking=False); each latency runs from the service call"
            " until a `state_changed` event shows the new value (the charger is re-read over the "
            "LAN right after the write). Without that re-read the change would show at the next "
            "LAN poll."
        ),
        columns=("Commands", "p50", "p95", "max", "Without re-read (LAN poll interval)"),
    ),
    "setup": Section(
        title="3. Setup time: 10 chargers vs 1",
        method=(
            "`hass.config_entries.async_setup` + `async_block_till_done` for a simulator account "
            "with 1 and with 10 LAN chargers, a fresh Home Assistant each time, alternating, after"
            " one untimed warm-up; medians."
        ),
        columns=(
            "Chargers",
            "Repetitions",
            "Median",
            "of which entity platforms",
            "Range",
            "Footprint",
        ),
    ),
    "poll": Section(
        title="4. CPU per LAN poll and state writes",
        method=(
            "`time.process_time()` around `await charger.realtime.async_refresh()` (4 HTTP "
            "requests: /RealTimeData and three /read keys), the simulator's clock moved 30 s "
            "before each poll. The simulator runs in the same process, so its share of serving the"
            " requests is included; the HTTP round trip alone (`lan_client().snapshot()`) is shown"
            " for comparison. State writes = `state_changed` events of the charger's entities over"
            " 10 polls after a warm-up poll."
        ),
        columns=(
            "Charger",
            "Polls",
            "CPU per poll",
            "of which HTTP round trip",
            "State writes / 10 polls",
        ),
    ),
}

SUMMARY: list[tuple[str, str, str, str]] = []
_STARTED: list[float] = []
_LOAD: list[float] = []


def mark_start() -> None:
    """Remember when the run started and the machine's load then."""
    _STARTED.append(time.monotonic())
    _LOAD.append(os.getloadavg()[0])


def record(section: str, *cells: str) -> None:
    """Add one row to a section's table."""
    table = SECTIONS[section]
    assert len(cells) == len(table.columns), cells
    table.rows.append(cells)


def note(section: str, text: str) -> None:
    """Add a remark under a section's table."""
    SECTIONS[section].notes.append(text)


def summarize(benchmark: str, measured: str, target: str, met: bool | None) -> None:
    """Add one line to the summary table (met=None: informational)."""
    verdict = "—" if met is None else ("yes" if met else "**no**")
    SUMMARY.append((benchmark, measured, target, verdict))


def collected() -> set[str]:
    """Return the sections that have rows."""
    return {key for key, section in SECTIONS.items() if section.rows}


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cpu_model() -> str:
    """Return the CPU model name, when Linux tells it."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown CPU"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def machine_facts() -> str:
    """Return one line describing when and where the figures were measured."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    facts = [
        f"{now}",
        f"nproc {cpus} ({_cpu_model()})",
        f"Python {platform.python_version()}",
        f"Home Assistant {ha_const.__version__}",
        platform.system() + " " + platform.release(),
    ]
    if _LOAD:
        facts.append(f"load average at start {_LOAD[0]:.2f}")
    if _STARTED:
        facts.append(f"benchmark run {time.monotonic() - _STARTED[0]:.0f} s")
    return ", ".join(facts)


def render_markdown() -> str:
    """Return the whole report."""
    lines = [
        "# Benchmarks",
        "",
        "Measured by `scripts/bench` (the `benchmarks/` folder; not part of the test suite, which "
        "has no timed assertions). One run: "
        + machine_facts()
        + ". asyncio debug mode is off (the test plugin turns it on; Home Assistant runs "
        "without it). The machine may be shared, so absolute times vary from run to run; the "
        "ratios and call counts are what to compare.",
        "",
        "## Summary",
        "",
        *_table(
            ("Benchmark", "Measured", "Target / reference", "Met"),
            sorted(SUMMARY, key=lambda row: row[0].split(".", 1)[0]),
        ),
    ]
    for section in SECTIONS.values():
        if not section.rows:
            continue
        lines += ["", f"## {section.title}", "", section.method, ""]
        lines += _table(section.columns, section.rows)
        if section.notes:
            lines += ["", *(f"- {text}" for text in section.notes)]
    return "\n".join(lines) + "\n"
