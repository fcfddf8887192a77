"""Draw the integration's brand images (our own artwork, not V2C's trademark).

Writes custom_components/v2c_cloud/brand/{icon,icon@2x,logo,logo@2x}.png as the Home Assistant
brands repository specifies (icon 256x256 and 512x512; logo 256 and 512 pixels high).
Run with the project's virtualenv: `.venv/bin/python scripts/brand.py`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "custom_components" / "v2c_cloud" / "brand"
TEAL = (15, 118, 110, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # supersampling for smooth edges

# A lightning bolt on a 100x100 grid.
BOLT = [(56, 8), (24, 56), (46, 56), (40, 92), (76, 40), (54, 40), (62, 8)]


def _mark(size: int) -> Image.Image:
    """Return the square mark: a teal tile with a white ring and a bolt."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=TEAL)
    margin, width = big * 0.16, max(int(big * 0.055), 1)
    draw.ellipse((margin, margin, big - margin, big - margin), outline=WHITE, width=width)
    inner = big - 2 * margin
    points = [(margin + x / 100 * inner, margin + y / 100 * inner) for x, y in BOLT]
    draw.polygon(points, fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def _logo(height: int) -> Image.Image:
    """Return the logo: the mark followed by the name."""
    font = ImageFont.load_default(size=int(height * 0.42))
    text = "V2C Cloud"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    gap = height // 6
    img = Image.new("RGBA", (height + gap + int(right - left) + gap, height), (0, 0, 0, 0))
    img.alpha_composite(_mark(height))
    draw = ImageDraw.Draw(img)
    y = (height - (bottom - top)) // 2 - top
    draw.text((height + gap - left, y), text, font=font, fill=TEAL)
    return img


def main() -> None:
    """Write the four PNGs."""
    OUT.mkdir(parents=True, exist_ok=True)
    _mark(256).save(OUT / "icon.png", optimize=True)
    _mark(512).save(OUT / "icon@2x.png", optimize=True)
    _logo(256).save(OUT / "logo.png", optimize=True)
    _logo(512).save(OUT / "logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
