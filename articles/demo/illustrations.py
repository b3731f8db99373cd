"""Abstract illustrations for the demo newsroom, drawn with Pillow (the demo has no photographs).

Each story's picture is a gradient sky with one motif (waves, hills, rings…) in
its section's palette; each journalist's portrait is a monogram. Shapes are
seeded from the story's title, so every run draws the same pictures. The alt
text says what is drawn and that it is an illustration.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = (960, 640)  # 3:2 like a news photo; soft abstract art loses nothing scaled up on a 2× screen
PORTRAIT_SIZE = (480, 480)  # shown at 8rem at most: 256px on a 2× screen

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    word: str  # how the alt text names it
    sky: tuple[Colour, Colour]  # top, bottom
    shapes: tuple[Colour, ...]  # back to front


PALETTES = {
    "world": Palette(
        "blue", ((18, 40, 82), (92, 150, 196)), ((34, 86, 140), (52, 120, 170), (130, 190, 214), (230, 238, 240))
    ),
    "europe": Palette(
        "indigo", ((40, 34, 92), (150, 132, 190)), ((70, 56, 140), (104, 86, 170), (226, 184, 96), (246, 226, 170))
    ),
    "politics": Palette(
        "red", ((96, 20, 30), (214, 120, 110)), ((150, 30, 42), (196, 64, 64), (240, 196, 170), (250, 238, 222))
    ),
    "business": Palette(
        "green", ((14, 64, 52), (118, 176, 140)), ((22, 100, 74), (46, 138, 96), (214, 180, 84), (240, 226, 170))
    ),
    "science": Palette(
        "teal", ((10, 60, 72), (96, 180, 186)), ((16, 104, 118), (40, 150, 160), (160, 120, 200), (220, 240, 236))
    ),
    "culture": Palette(
        "coral", ((120, 40, 70), (244, 160, 120)), ((186, 64, 96), (230, 110, 96), (250, 190, 110), (252, 234, 206))
    ),
    "sport": Palette(
        "orange", ((150, 56, 14), (250, 178, 92)), ((196, 82, 20), (232, 124, 36), (38, 110, 80), (252, 236, 200))
    ),
    "opinion": Palette(
        "grey", ((54, 58, 64), (170, 172, 170)), ((84, 88, 96), (120, 124, 130), (222, 170, 70), (236, 234, 228))
    ),
}


def _waves(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    for layer, colour in enumerate(palette.shapes):
        base = height * (0.45 + 0.14 * layer)
        amplitude, length, phase = height * rng.uniform(0.03, 0.07), width / rng.uniform(1.2, 2.4), rng.uniform(0, 6.3)
        top = [(x, base + amplitude * math.sin(phase + 2 * math.pi * x / length)) for x in range(0, width + 21, 20)]
        draw.polygon([*top, (width, height), (0, height)], fill=colour)


def _hills(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    sun = (width * rng.uniform(0.6, 0.8), height * rng.uniform(0.2, 0.3), height * 0.12)
    draw.ellipse((sun[0] - sun[2], sun[1] - sun[2], sun[0] + sun[2], sun[1] + sun[2]), fill=palette.shapes[-1])
    for layer, colour in enumerate(palette.shapes[:-1]):
        base = height * (0.55 + 0.13 * layer)
        waves = [
            (rng.uniform(0.02, 0.06) * height, width / rng.uniform(0.6, 1.4), rng.uniform(0, 6.3)) for _ in range(2)
        ]
        top = [
            (x, base - sum(a * math.sin(p + 2 * math.pi * x / length) for a, length, p in waves))
            for x in range(0, width + 21, 20)
        ]
        draw.polygon([*top, (width, height), (0, height)], fill=colour)


def _rings(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    centre = (width * rng.uniform(0.55, 0.75), height * rng.uniform(0.4, 0.6))
    for ring in range(9, 0, -1):
        radius = ring * height * 0.075
        colour = palette.shapes[ring % len(palette.shapes)]
        box = (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)
        draw.ellipse(box, outline=colour, width=int(height * 0.022))
    dot = height * 0.05
    draw.ellipse((centre[0] - dot, centre[1] - dot, centre[0] + dot, centre[1] + dot), fill=palette.shapes[-1])


def _columns(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    count = 9
    gap = width * 0.02
    column = (width * 0.8 - gap * (count - 1)) / count
    for index in range(count):
        left = width * 0.1 + index * (column + gap)
        rise = 0.18 + 0.55 * index / (count - 1) + rng.uniform(-0.06, 0.06)
        colour = palette.shapes[2] if index == count - 1 else palette.shapes[index % 2]
        draw.rounded_rectangle((left, height * (1 - rise), left + column, height), radius=column * 0.3, fill=colour)
    draw.line(
        [(width * 0.06, height * 0.93), (width * 0.94, height * 0.93)],
        fill=palette.shapes[-1],
        width=max(2, round(height * 0.006)),
    )


def _circles(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    for index in range(6):
        radius = height * rng.uniform(0.16, 0.3)
        x, y = width * (0.15 + 0.14 * index + rng.uniform(-0.025, 0.025)), height * rng.uniform(0.35, 0.65)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*palette.shapes[index % 4], 170))


def _stripes(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    band = height * rng.uniform(0.09, 0.13)
    slope = height * 0.9
    for index, left in enumerate(range(int(-slope), width + int(band), int(band))):
        if index % 3 == 2:
            continue
        colour = palette.shapes[index % len(palette.shapes)]
        draw.polygon(
            [(left, height), (left + band * 0.8, height), (left + band * 0.8 + slope, 0), (left + slope, 0)],
            fill=colour,
        )


def _tiles(draw: ImageDraw.ImageDraw, size, palette, rng) -> None:
    width, height = size
    tile = height / 6
    for row in range(6):
        for column in range(math.ceil(width / tile)):
            if rng.random() < 0.35:
                continue
            inset = tile * 0.08
            box = (column * tile + inset, row * tile + inset, (column + 1) * tile - inset, (row + 1) * tile - inset)
            draw.rounded_rectangle(box, radius=tile * 0.18, fill=rng.choice(palette.shapes))


@dataclass(frozen=True)
class Motif:
    description: str  # for the alt text: "abstract blue {description}"
    draw: Callable[[ImageDraw.ImageDraw, tuple[int, int], Palette, random.Random], None]
    translucent: bool = False


MOTIFS = {
    "waves": Motif("waves", _waves),
    "hills": Motif("hills under a pale sun", _hills),
    "rings": Motif("concentric rings", _rings),
    "columns": Motif("columns rising from left to right", _columns),
    "circles": Motif("overlapping circles", _circles, translucent=True),
    "stripes": Motif("diagonal stripes", _stripes),
    "tiles": Motif("tiles in a loose grid", _tiles),
}


def alt_text(motif: str, section: str) -> str:
    return f"Illustration: abstract {PALETTES[section].word} {MOTIFS[motif].description}"


@lru_cache(maxsize=32)  # the demo is loaded several times in one test run
def illustration(motif: str, section: str, seed: str) -> bytes:
    """A JPEG of ``motif`` in ``section``'s palette, the same for the same ``seed``."""
    palette, rng = PALETTES[section], random.Random(seed)
    # Shapes are drawn at twice the size and then halved: ImageDraw does not
    # anti-alias, and halving smooths every edge.
    double = (SIZE[0] * 2, SIZE[1] * 2)
    layer = Image.new("RGBA", double, (0, 0, 0, 0))
    # Shapes drawn on one layer replace each other; translucent ones each need their own to blend.
    draw = _BlendingDraw(layer) if MOTIFS[motif].translucent else ImageDraw.Draw(layer)
    MOTIFS[motif].draw(draw, double, palette, rng)
    image = _gradient(SIZE, *palette.sky)
    image.alpha_composite(layer.reduce(2))
    return _jpeg(image)


@lru_cache(maxsize=16)
def portrait(name: str, section: str) -> bytes:
    """A monogram portrait: the journalist's initials on their desk's colours."""
    palette = PALETTES[section]
    image = _gradient(PORTRAIT_SIZE, palette.shapes[0], palette.sky[0])
    draw = ImageDraw.Draw(image)
    width, height = PORTRAIT_SIZE
    draw.ellipse((width * 0.55, -height * 0.25, width * 1.35, height * 0.55), fill=(*palette.shapes[1], 255))
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = ImageFont.load_default(size=int(height * 0.36))
    draw.text((width / 2, height / 2), initials, font=font, anchor="mm", fill=(*palette.shapes[-1], 255))
    return _jpeg(image)


class _BlendingDraw:
    """Just enough of ImageDraw for translucent shapes that blend where they overlap."""

    def __init__(self, layer: Image.Image) -> None:
        self.layer = layer

    def ellipse(self, box, fill) -> None:
        # Blend only the ellipse's own box, which may reach past the layer's edges.
        left, top = math.floor(box[0]), math.floor(box[1])
        shape = Image.new("RGBA", (math.ceil(box[2]) - left + 1, math.ceil(box[3]) - top + 1), (0, 0, 0, 0))
        ImageDraw.Draw(shape).ellipse((box[0] - left, box[1] - top, box[2] - left, box[3] - top), fill=fill)
        self.layer.alpha_composite(shape, dest=(max(left, 0), max(top, 0)), source=(max(-left, 0), max(-top, 0)))


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGBA", size, (*bottom, 255)), Image.new("RGBA", size, (*top, 255)), mask)


def _jpeg(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()
