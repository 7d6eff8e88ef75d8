"""The map: an equal-area projection, the bundled shapes, one labelled link per marked country, escaping."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from nkl_data.publish.worldmap import LEVELS, Shaded, draw, equal_earth, known, level, world
from site_pages import csv_rows
from support import REPO


def projected_area(west: float, south: float, size: float, steps: int = 40) -> float:
    """Shoelace area of a SIZE-degree cell's projected outline, its edges sampled finely."""
    edge = [(west + size * i / steps, south) for i in range(steps)]
    edge += [(west + size, south + size * i / steps) for i in range(steps)]
    edge += [(west + size - size * i / steps, south + size) for i in range(steps)]
    edge += [(west, south + size - size * i / steps) for i in range(steps)]
    points = [equal_earth(lon, lat) for lon, lat in edge]
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))) / 2


def sphere_area(south: float, size: float) -> float:
    return math.radians(size) * (math.sin(math.radians(south + size)) - math.sin(math.radians(south)))


@given(st.floats(min_value=-170, max_value=160), st.floats(min_value=-80, max_value=70))
def test_projection_keeps_areas(west, south):
    assert math.isclose(projected_area(west, south, 10), sphere_area(south, 10), rel_tol=2e-3)


def test_projection_puts_north_up_and_east_right():
    assert equal_earth(0, 0) == (0, 0)
    assert equal_earth(10, 0)[0] > 0 and equal_earth(0, 10)[1] > 0


def test_every_country_of_the_data_can_be_drawn():
    assert [row["iso3"] for row in csv_rows(REPO, "countries") if not known(row["iso3"])] == []


def test_bundled_shapes_say_where_they_come_from():
    shapes = world()
    assert "Natural Earth" in shapes["origin"] and "public domain" in shapes["licence"]
    assert len(shapes["shapes"]) > 150 and "RUS" in shapes["shapes"] and "SGP" in shapes["points"]
    for shape in shapes["shapes"].values():
        for ring in shape["rings"]:
            assert len(ring) % 2 == 0 and len(ring) >= 6
            assert all(-180 <= lon <= 180 for lon in ring[::2]), shape["name"]  # cut at the antimeridian


def test_levels_follow_the_figure():
    assert level(None).key == "no-figure" and level(0).key == "zero"
    assert [level(n).key for n in (1, 99, 100, 9_999, 10_000, 10**6)] == ["1", "1", "100", "1000", "10000", "10000"]
    assert len({lv.colour for lv in LEVELS}) == len(LEVELS)


def test_marked_countries_are_links_in_the_given_order_and_small_ones_get_a_dot():
    svg = draw(
        [Shaded("SGP", "Singapore", "country/sgp.html", level(0)), Shaded("RUS", "Russia", "country/rus.html", level(20_000))],
        "t",
    )
    links = re.findall(r'<a class="country" href="([^"]+)" data-iso3="([A-Z]+)"', svg)
    assert links == [("country/sgp.html", "SGP"), ("country/rus.html", "RUS")]
    singapore = svg.split('data-iso3="SGP"')[1].split("</a>")[0]
    assert '<circle class="mark dot"' in singapore and "<path" not in singapore
    assert svg.count('<g class="land" aria-hidden="true">') == 1


def test_labels_are_escaped():
    svg = draw([Shaded("RUS", '<script>alert(1)</script>"', 'country/rus.html"onfocus="x', level(1))], "t")
    assert "<script>" not in svg and 'onfocus="x' not in svg
    assert 'aria-label="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"' in svg
