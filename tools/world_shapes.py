"""Make src/nkl_data/publish/world.json, the country shapes the site's map is drawn from.

Origin: Natural Earth's Admin 0 countries (public domain), as TopoJSON in the npm package
world-atlas 2.0.2 (Natural Earth 4.1.0; packaging ISC, Copyright 2013-2019 Michael Bostock).
`make world-shapes` runs this script on a fresh copy of that package; by hand:

    npm install --prefix build/world-atlas world-atlas@2.0.2
    python tools/world_shapes.py build/world-atlas/node_modules/world-atlas > src/nkl_data/publish/world.json

What it keeps: every country of the 1:110m file with an ISO 3166-1 numeric code (Antarctica left
out, as the map shows where people work), its rings cut at the antimeridian as longitude/latitude rounded to 0.1 degree
(about a tenth of a pixel-width at the map's size) with repeated points dropped; and, for each
country too small to appear at 1:110m, one point (the centre of its largest ring at 1:50m) so the
map can still mark it. Codes become ISO alpha-3 with pycountry. Nothing is projected here: the site
projects at build time, so the bundled copy stays a plain, checkable geographic file.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pycountry

LEFT_OUT = {"010"}  # Antarctica
DIGITS = 1


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's delta-encoded, quantized arcs as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index ~i means arc i reversed."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous: a ring that crosses the antimeridian runs past 180 instead of jumping."""
    out = points[:1]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        lon += 360 * round((previous - lon) / 360)
        out.append((lon, lat))
    return out


def clip(points: list[tuple[float, float]], edge: float, west: bool) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the meridian EDGE: keep what lies west of it (WEST) or east; cut the edges that cross."""
    keep = (lambda lon: lon <= edge) if west else (lambda lon: lon >= edge)
    out: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in zip(points[-1:] + points[:-1], points):
        if keep(x0) != keep(x1):
            out.append((edge, y0 + (y1 - y0) * (edge - x0) / (x1 - x0)))
        if keep(x1):
            out.append((x1, y1))
    return out


def cut(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring as one or more rings inside -180..180: one that crosses the antimeridian is split there,
    so a flat projection does not draw it as a band across the world."""
    points = unwrap(points)
    if all(-180 <= lon <= 180 for lon, _ in points):
        return [points]
    pieces = []
    for shift in (0, 360, -360):
        moved = [(lon + shift, lat) for lon, lat in points]
        piece = clip(clip(moved, -180, west=False), 180, west=True)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def rounded(points: list[tuple[float, float]]) -> list[float]:
    """A ring as a flat [lon, lat, lon, lat, ...] list, rounded, without repeated points."""
    out: list[tuple[float, float]] = []
    for lon, lat in points:
        point = (round(lon, DIGITS), round(lat, DIGITS))
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return [coordinate for point in out for coordinate in point] if len(out) >= 3 else []


def area_and_centre(points: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """Planar area and centroid in degrees: good enough to place a dot on a small country."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = zip(*points)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def alpha3(numeric: str | None) -> str | None:
    found = pycountry.countries.get(numeric=numeric) if numeric else None
    return found.alpha_3 if found else None


def countries(topology: dict):
    """(alpha-3, name, geometry) for each country with an ISO numeric code."""
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha3(geometry.get("id"))
        if code and geometry.get("id") not in LEFT_OUT:
            yield code, geometry["properties"]["name"], geometry


def main(folder: str) -> None:
    root = Path(folder)
    small, medium = (root / name for name in ("countries-110m.json", "countries-50m.json"))
    shapes_110m, shapes_50m = (json.loads(path.read_text(encoding="utf-8")) for path in (small, medium))
    version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    shapes: dict[str, dict] = {}
    arcs = decode_arcs(shapes_110m)
    for code, name, geometry in countries(shapes_110m):
        rings = [rounded(piece) for polygon in polygons(geometry) for indexes in polygon for piece in cut(ring(arcs, indexes))]
        rings = [r for r in rings if r]
        if rings:
            shapes[code] = {"name": name, "rings": rings}
    points: dict[str, dict] = {}
    arcs = decode_arcs(shapes_50m)
    for code, name, geometry in countries(shapes_50m):
        if code in shapes:
            continue
        outer = [ring(arcs, polygon[0]) for polygon in polygons(geometry)]
        if outer:
            _, (lon, lat) = max(area_and_centre(r) for r in outer)
            points[code] = {"name": name, "at": [round(lon, 2), round(lat, 2)]}
    out = {
        "about": "Country shapes for the site's map: longitude/latitude in degrees, rings as flat [lon, lat, ...] lists.",
        "origin": f"Natural Earth 4.1.0 Admin 0 countries, 1:110m (shapes) and 1:50m (points for countries too small "
        f"for 1:110m), from the npm package world-atlas {version}; simplified by tools/world_shapes.py.",
        "licence": "Natural Earth data is in the public domain. world-atlas packaging: ISC licence, "
        "Copyright 2013-2019 Michael Bostock.",
        "inputs": {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (small, medium)},
        "shapes": dict(sorted(shapes.items())),
        "points": dict(sorted(points.items())),
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
