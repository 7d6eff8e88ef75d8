"""A world map as SVG text: countries in the Equal Earth projection, some shaded and linked.

The shapes are Natural Earth's 1:110m countries, bundled in ``world.json`` (origin, licence and the
script that made it are noted there and in ``tools/world_shapes.py``). Countries too small for that
scale are bundled as a point and drawn as a dot. An equal-area projection keeps a country's share of
ink honest: Russia is not drawn larger than Africa. Like ``charts``, this module knows nothing about
tables: ``site`` hands it one ``Shaded`` record per country to mark, and it escapes all text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .charts import WIDTH, esc, svg

# Equal Earth (Savric, Patterson and Jenny 2018) polynomial coefficients
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
ROOT3 = math.sqrt(3)
PAD = 4  # pixels around the drawn world
SMALL = 5  # a shape narrower and shorter than this many pixels also gets a dot, so it can be found


@dataclass(frozen=True)
class Level:
    """One class of the map's shading, with the legend's words."""

    key: str
    label: str
    colour: str


# "reported, no figure" stands apart from the ramp: a country with rows but no count
LEVELS = [
    Level("no-figure", "reported, no figure", "#f0b45c"),
    Level("zero", "none (a count of 0)", "#d4e9cf"),
    Level("1", "1 to 99", "#c6dbef"),
    Level("100", "100 to 999", "#6baed6"),
    Level("1000", "1,000 to 9,999", "#2171b5"),
    Level("10000", "10,000 or more", "#08306b"),
]


def level(figure: int | None) -> Level:
    """The shading class of a country's latest figure (None: it has rows but no counted estimate)."""
    if figure is None:
        return LEVELS[0]
    if figure == 0:
        return LEVELS[1]
    return next(lv for lv in reversed(LEVELS[2:]) if figure >= int(lv.key))


@dataclass(frozen=True)
class Shaded:
    """A country the map marks: shaded by LEVEL, labelled, linked to its page."""

    iso3: str
    label: str
    href: str
    level: Level


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees to Equal Earth x, y on the unit sphere (y grows north)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(ROOT3 / 2 * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * ROOT3 * lam * math.cos(theta) / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


@cache
def world() -> dict[str, Any]:
    """The bundled shapes: {"shapes": {iso3: {"name", "rings"}}, "points": {iso3: {"name", "at"}}, ...}."""
    return json.loads(resources.files(__package__).joinpath("world.json").read_text(encoding="utf-8"))


def known(iso3: str) -> bool:
    """Whether the map can draw this country, as a shape or as a dot."""
    return iso3 in world()["shapes"] or iso3 in world()["points"]


class Frame:
    """Projected coordinates to pixels: the whole bundled world fits WIDTH, north up."""

    def __init__(self) -> None:
        xs, ys = [], []
        for shape in world()["shapes"].values():
            for ring in shape["rings"]:
                for i in range(0, len(ring), 2):
                    x, y = equal_earth(ring[i], ring[i + 1])
                    xs.append(x)
                    ys.append(y)
        self.left, self.top = min(xs), max(ys)
        self.scale = (WIDTH - 2 * PAD) / (max(xs) - self.left)
        self.height = math.ceil((self.top - min(ys)) * self.scale + 2 * PAD)

    def pixel(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return round(PAD + (x - self.left) * self.scale, 1), round(PAD + (self.top - y) * self.scale, 1)


def path(rings: list[list[float]], frame: Frame) -> tuple[str, tuple[float, float, float, float]]:
    """SVG path data for RINGS and their pixel bounding box (x0, y0, x1, y1)."""
    parts, xs, ys = [], [], []
    for ring in rings:
        points = [frame.pixel(ring[i], ring[i + 1]) for i in range(0, len(ring), 2)]
        xs += [x for x, _ in points]
        ys += [y for _, y in points]
        parts.append("M" + " ".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


def draw(shaded: Sequence[Shaded], title: str) -> str:
    """The world with SHADED countries as links (in the order given, which is the tab order) and
    every other country as plain, hidden-from-assistive-technology land."""
    frame = Frame()
    marked = {s.iso3 for s in shaded}
    land = "".join(
        f'<path d="{path(shape["rings"], frame)[0]}"/>' for iso3, shape in world()["shapes"].items() if iso3 not in marked
    )
    parts = [f'<g class="land" aria-hidden="true">{land}</g>']
    for country in shaded:
        parts.append(country_link(country, frame))
    return svg("map", title, frame.height, "".join(parts))


def country_link(country: Shaded, frame: Frame) -> str:
    shape = world()["shapes"].get(country.iso3)
    marks = ""
    if shape:
        data, (x0, y0, x1, y1) = path(shape["rings"], frame)
        marks = f'<path class="mark" d="{data}"/>'
        if x1 - x0 < SMALL and y1 - y0 < SMALL:
            marks += f'<circle class="mark dot" cx="{(x0 + x1) / 2:.1f}" cy="{(y0 + y1) / 2:.1f}" r="4"/>'
    elif country.iso3 in world()["points"]:
        x, y = frame.pixel(*world()["points"][country.iso3]["at"])
        marks = f'<circle class="mark dot" cx="{x:g}" cy="{y:g}" r="4"/>'
    if not marks:
        return ""
    return (
        f'<a class="country" href="{esc(country.href)}" data-iso3="{esc(country.iso3)}" fill="{country.level.colour}" '
        f'aria-label="{esc(country.label)}"><title>{esc(country.label)}</title>{marks}</a>'
    )


def legend() -> str:
    """The shading classes as an HTML list."""
    items = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
        f'fill="{lv.colour}"/></svg> {esc(lv.label)}</li>'
        for lv in LEVELS
    )
    return f'<ul class="legend">{items}</ul>'
