"""Brand images inside the integration, as HACS and the brands repository expect."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
import pytest

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "v2c_cloud" / "brand"


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_icons(name: str, size: int) -> None:
    """Icons are square PNGs of 256 and 512 pixels with a transparent background."""
    with Image.open(BRAND / name) as img:
        assert img.format == "PNG"
        assert img.size == (size, size)
        assert img.mode == "RGBA"
        assert img.getpixel((0, 0))[3] == 0  # rounded corner is transparent
        assert img.getpixel((size // 2, size // 8))[3] == 255  # the tile is opaque


@pytest.mark.parametrize(("name", "height"), [("logo.png", 256), ("logo@2x.png", 512)])
def test_logos(name: str, height: int) -> None:
    """Logos are landscape PNGs 256 and 512 pixels high."""
    with Image.open(BRAND / name) as img:
        assert img.format == "PNG"
        assert img.size[1] == height
        assert img.size[0] > img.size[1]
