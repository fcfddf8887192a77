"""The demo keeps its configuration across starts unless asked for a fresh one (--fresh)."""

from __future__ import annotations

from pathlib import Path

from scripts.demo_cli import parse_args
from scripts.demo_config import SETUP_FILE, SimulatorInfo, kept_setup, save_setup, write_config


def test_kept_configuration(tmp_path: Path) -> None:
    """A second start with the same port and fleet keeps .storage; --fresh or changes start over."""
    workdir, config = tmp_path / "demo", tmp_path / "demo" / "config"
    write_config(workdir, config, 8123, keep=False)
    assert (config / ".storage" / "onboarding").is_file()
    assert (config / "custom_components" / "v2c_cloud" / "manifest.json").is_file()
    assert kept_setup(workdir, config, 8123, 3) is None  # nothing saved yet
    (config / ".storage" / "core.config_entries").write_text("{}")
    save_setup(workdir, {"port": 8123, "chargers": 3, "entry_id": "abc", "cloud_port": 4000})
    setup = kept_setup(workdir, config, 8123, 3)
    assert setup is not None
    assert setup["entry_id"] == "abc"
    assert setup["cloud_port"] == 4000
    assert kept_setup(workdir, config, 8124, 3) is None  # another port: a new demo
    assert kept_setup(workdir, config, 8123, 2) is None  # another fleet: a new demo
    save_setup(workdir, {"port": 8123, "chargers": 3, "entry_id": "abc", "python": "/a/python"})
    assert kept_setup(workdir, config, 8123, 3, "/a/python") is not None
    assert kept_setup(workdir, config, 8123, 3, "/b/python") is None  # another HA: a new demo
    write_config(workdir, config, 8123, keep=True)
    assert (config / ".storage" / "core.config_entries").read_text() == "{}"
    write_config(workdir, config, 8123, keep=False)
    assert not (config / ".storage" / "core.config_entries").exists()
    assert not (workdir / SETUP_FILE).exists()


def test_fresh_flag() -> None:
    """`scripts/demo --fresh` asks for a new configuration; by default the demo continues."""
    assert parse_args([]).fresh is False
    assert parse_args(["--fresh"]).fresh is True


def test_simulator_control_url_is_reported() -> None:
    """The demo passes on where the simulator's runtime control API listens (or that it is off)."""
    line = {
        "cloud_url": "http://127.0.0.1:4000/kong/v2c_service",
        "api_key": "sim-key-0001",
        "chargers": [{"device_id": "V2C0001A", "name": "Garage", "lan_host": "127.0.0.1:4001"}],
    }
    assert SimulatorInfo.from_json(line).control_url is None
    info = SimulatorInfo.from_json({**line, "control_url": "http://127.0.0.1:4099"})
    assert info.control_url == "http://127.0.0.1:4099"
    assert info.chargers[0].lan_host == "127.0.0.1:4001"
