"""The site in a real browser (Debian's Chromium, headless, offline): the map, the keyboard, every
page's charts and console, contributed markup that must never run, accessibility (axe-core) and
screenshots. Skips with a message when Chromium or axe-core is missing locally; fails in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chromium import Browser
from nkl_data.publish.site import build
from site_pages import Page, inject, mentioned_countries, pages
from support import REPO

ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SHAPES = "svg[data-chart=map] a.country"


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("site"), REPO).parent


@pytest.fixture
def browser(tmp_path):
    with Browser(tmp_path / "profile") as opened:
        yield opened


def rendered(browser: Browser) -> dict[str, tuple[int, int, int]]:
    """What page.js reported once the page was laid out: chart -> (marks, width, height)."""
    report = browser.evaluate("document.documentElement.getAttribute('data-rendered')") or ""
    out = {}
    for item in report.split():
        name, marks, size = item.split(":")
        width, height = size.split("x")
        out[name] = (int(marks), int(width), int(height))
    return out


def test_map_has_a_shape_for_every_country_with_rows(repo_site, browser):
    browser.open(repo_site / "index.html")
    drawn = browser.evaluate(
        f"Array.from(document.querySelectorAll('{SHAPES}'), a => [a.getAttribute('data-iso3'), "
        "a.getBBox().width * a.getBBox().height])"
    )
    assert {iso3 for iso3, _ in drawn} == set(mentioned_countries(REPO))
    assert all(area > 0 for _, area in drawn)
    marks, width, height = rendered(browser)["map"]
    assert marks >= len(drawn) and width > 900 and height > 300


def test_keyboard_focus_on_a_country_then_enter_opens_its_page(repo_site, browser):
    browser.open(repo_site / "index.html")
    focused = None
    for _ in range(200):
        browser.press("Tab")
        focused = browser.evaluate(
            f"document.activeElement.matches('{SHAPES}') ? document.activeElement.getAttribute('data-iso3') : null"
        )
        if focused:
            break
    assert focused, "no country of the map took the keyboard focus"
    info = browser.evaluate("document.getElementById('map-info').textContent")
    name = browser.evaluate("document.activeElement.getAttribute('aria-label')")
    assert info == name and "row" in info  # focus shows what the pointer's tooltip shows
    browser.press("Enter")
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("location.pathname").endswith(f"/country/{focused.lower()}.html")


def test_every_page_loads_without_errors_draws_its_charts_and_runs_no_contributed_script(package, tmp_path, browser):
    booby_trapped = inject(package, lambda place: f"document.documentElement.setAttribute('data-pwned','{place}')")
    outdir = build(tmp_path / "out", booby_trapped.root).parent
    for path in pages(outdir):
        browser.open(path)
        assert browser.problems() == [], path.name
        state = browser.evaluate(
            "[document.documentElement.getAttribute('data-errors'), document.documentElement.getAttribute('data-pwned')]"
        )
        assert state == [None, None], (path.name, state)
        static = Page(path.read_text(encoding="utf-8"))
        charts = {e.attrs["data-chart"] for e in static.find("svg") if "data-chart" in e.attrs}
        drawn = rendered(browser)
        assert set(drawn) == charts, path.name
        for chart, (marks, width, height) in drawn.items():
            expected = [
                e
                for e in static.elements
                if "mark" in e.attrs.get("class", "").split() and e.inside("svg", **{"data-chart": chart})
            ]
            assert marks == len(expected) > 0, (path.name, chart)
            assert width > 500 and height > 100, (path.name, chart)
    assert "&lt;script&gt;document.documentElement.setAttribute" in (outdir / "index.html").read_text(encoding="utf-8")


def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("no axe-core in CI: make test installs it with npm from tests/browser/package-lock.json")
        pytest.skip("no axe-core: run `npm ci --prefix tests/browser` (make test does) to run the accessibility check")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["index.html", "country/rus.html"])
def test_no_serious_or_critical_accessibility_violations(repo_site, browser, page):
    source = axe_source()
    browser.call("Page.setBypassCSP", {"enabled": True})  # only so that the checker itself may run in the page
    browser.open(repo_site / page)
    browser.evaluate(source)
    violations = browser.evaluate(
        "axe.run(document).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    assert [v for v in violations if v["impact"] in BLOCKING] == []


def test_screenshots_of_the_front_page_and_a_country_page(repo_site, browser):
    shots = {}
    for page, png in [("index.html", "site.png"), ("country/rus.html", "country-rus.png")]:
        browser.open(repo_site / page)
        shots[page] = browser.screenshot(ARTIFACTS / png)
    try:
        from PIL import Image
    except ImportError:  # without Pillow, at least not blank pages
        assert all(png.stat().st_size > 10_000 for png in shots.values())
        return
    # what must show in the first 2000 pixels: the map's darkest level, and a country's chart marks
    expected = {
        "index.html": (0x08, 0x30, 0x6B),
        "country/rus.html": (0x00, 0x72, 0xB2),
    }  # worldmap.LEVELS[-1], charts.PALETTE[0]
    for page, png in shots.items():
        image = Image.open(png).convert("RGB")
        assert image.size == (1280, 2000)
        colours = dict((rgb, n) for n, rgb in image.getcolors(maxcolors=1 << 20))
        assert len(colours) > 50, page
        assert colours.get(expected[page], 0) > 100, page
