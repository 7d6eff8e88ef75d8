"""The web page: labels from the schemas, one source link per point, escaping, no network, and a
real browser that renders it without errors."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from nkl_data.cli import main
from nkl_data.publish import site
from nkl_data.publish.site import build, show_date, source_href
from support import REPO, PackageCopy

ARTIFACTS = Path(__file__).parent / "artifacts"
TIMELINE_TABLES = ["deadlines", "statements", "worker_movements", "state_reports"]

@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[Element, ...]

    def inside(self, tag: str, **attrs: str) -> bool:
        return any(a.tag == tag and all(a.attrs.get(k) == v for k, v in attrs.items()) for a in self.ancestors)


class Page(HTMLParser):
    """Every element of an HTML page with its ancestors, as a browser's parser would nest them."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, tuple(self.stack))
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop().tag != tag:
            pass

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def links_in_chart(self, chart: str) -> list[str]:
        return [e.attrs["href"] for e in self.find("a") if e.inside("svg", **{"data-chart": chart})]


def csv_rows(root: Path, table: str) -> list[dict[str, str]]:
    with (root / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def source_urls(root: Path) -> dict[str, str]:
    return {row["source_id"]: row["url"] for row in csv_rows(root, "sources")}


@pytest.fixture(scope="module")
def repo_page(tmp_path_factory) -> Page:
    return Page(build(tmp_path_factory.mktemp("site"), REPO).read_text(encoding="utf-8"))


def inject(package: PackageCopy, run) -> PackageCopy:
    """Contributed text that tries to inject markup everywhere it is shown; RUN(place) is the script."""
    package.edit("statements", 0, summary=f"<script>{run('summary')}</script> <img src=x onerror=\"{run('img')}\">",
                 speaker=f'"><img src=x onerror={run("speaker")}>')
    rows = package.rows("sources")
    cited = package.rows("statements")[0]["source_id"]
    index = next(i for i, row in enumerate(rows) if row["source_id"] == cited)
    package.edit("sources", index, title=f"</title><script>{run('title')}</script>",
                 url=f'https://example.org/a"onmouseover="{run("url")}', publisher="<b>Publisher</b>")
    package.edit("worker_estimates", 0, estimator=f"</text><script>{run('estimator')}</script>")
    return package


@pytest.fixture
def hostile(package: PackageCopy) -> PackageCopy:
    return inject(package, lambda place: "alert(1)")


@pytest.fixture
def booby_trapped(package: PackageCopy) -> PackageCopy:
    """Like hostile, but a script that ran would mark the page (an alert would stall headless Chromium)."""
    return inject(package, lambda place: f"document.documentElement.setAttribute('data-pwned','{place}')")


def command(*argv: str) -> int:
    return main(["site", *argv])


# the page's content


def test_header_shows_data_version_licence_and_row_count_of_every_table(repo_page):
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert re.search(rf"<dd data-version>{re.escape(descriptor['version'])}</dd>", repo_page.text)
    assert "CC-BY-4.0" in repo_page.text
    for resource in descriptor["resources"]:
        rows = len(csv_rows(REPO, resource["name"]))
        assert f'<span data-rows="{resource["name"]}">{rows:,}</span>' in repo_page.text


def latest_source(package: PackageCopy) -> str:
    """A source published after every test date below, so an added row may cite it."""
    return max(package.rows("sources"), key=lambda row: row["published_date"])["source_id"]


def test_row_counts_follow_the_data(package, tmp_path):
    package.add("worker_estimates", estimate_id="2019-06-01-chn-test", as_of_date="2019-06-01", date_precision="day",
                country_iso3="CHN", statement_id="", source_id=latest_source(package))
    text = build(tmp_path / "out", package.root).read_text(encoding="utf-8")
    assert f'<span data-rows="worker_estimates">{len(package.rows("worker_estimates"))}</span>' in text


def test_every_timeline_point_links_to_its_own_source(repo_page):
    urls = source_urls(REPO)
    expected = sorted(urls[row["source_id"]] for table in TIMELINE_TABLES for row in csv_rows(REPO, table))
    assert sorted(repo_page.links_in_chart("timeline")) == expected


def test_every_estimate_with_a_count_is_a_point_linking_to_its_source(repo_page):
    urls = source_urls(REPO)
    counted = [row for row in csv_rows(REPO, "worker_estimates") if row["count_low"] or row["count_best"] or row["count_high"]]
    assert counted
    assert sorted(repo_page.links_in_chart("estimates")) == sorted(urls[row["source_id"]] for row in counted)


def test_estimate_range_is_a_bar_and_uncounted_estimates_are_only_listed(package, tmp_path):
    source = latest_source(package)
    package.add("worker_estimates", estimate_id="2019-06-01-chn-range", as_of_date="2019-06-01", country_iso3="CHN", date_precision="day",
                quantity_text="300 to 500", count_low="300", count_best="", count_high="500", statement_id="", source_id=source)
    package.add("worker_estimates", estimate_id="2019-07-01-chn-none", as_of_date="2019-07-01", country_iso3="CHN", date_precision="day",
                quantity_text="a small group", count_low="", count_best="", count_high="", statement_id="", source_id=source)
    before = build(tmp_path / "before", REPO).read_text(encoding="utf-8")
    page = Page(build(tmp_path / "out", package.root).read_text(encoding="utf-8"))

    def bars(page: Page) -> list:
        return [e for e in page.find("line") if "range" in e.attrs.get("class", "") and e.inside("svg", **{"data-chart": "estimates"})]

    assert len(bars(page)) == len(bars(Page(before))) + 1
    uncounted = sum(1 for row in package.rows("worker_estimates") if not (row["count_low"] or row["count_best"] or row["count_high"]))
    noun = "estimate" if uncounted == 1 else "estimates"
    assert "China" in page.text and f"{uncounted} {noun} with no count" in page.text
    assert len(page.find("tr")) - len(page.find("thead")) == sum(len(csv_rows(package.root, t)) for t in site.LISTED)


def test_every_table_row_links_to_its_source(repo_page):
    urls = source_urls(REPO)
    for table in ["statements", "worker_movements", "worker_estimates"]:
        rows = [e for e in repo_page.find("tr") if e.attrs.get("id", "").startswith(f"{table}:")]
        links = [e.attrs["href"] for e in repo_page.find("a") if e.inside("section", id=table) and e.attrs["href"].startswith("http")]
        assert len(rows) == len(csv_rows(REPO, table))
        assert sorted(links) == sorted(urls[row["source_id"]] for row in csv_rows(REPO, table))


def test_titles_come_from_the_descriptor_and_schemas(package, tmp_path):
    schema_file = package.root / "schemas" / "statements.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "summary")["title"] = "What was said, retitled"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    descriptor_file = package.root / "datapackage.json"
    descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "statements")["title"] = "Things officials said"
    descriptor_file.write_text(json.dumps(descriptor), encoding="utf-8")
    text = build(tmp_path / "out", package.root).read_text(encoding="utf-8")
    assert ">What was said, retitled</th>" in text
    assert ">Things officials said</text>" in text and ">Things officials said</h2>" in text


def test_dates_are_written_to_their_precision():
    day = pd.Timestamp("2019-12-01")
    assert [show_date(day, p) for p in ("day", "month", "year", None)] == ["2019-12-01", "2019-12", "2019", "2019-12-01"]


# safety


def test_contributed_text_is_escaped_everywhere(hostile, tmp_path):
    text = build(tmp_path / "out", hostile.root).read_text(encoding="utf-8")
    page = Page(text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    for raw in ["<script>alert", "<img", "<b>Publisher", "</title><script>", "</text><script>"]:
        assert raw not in text
    assert len(page.find("script")) == 1 and not page.find("img")
    assert not any(name.startswith("on") for e in page.elements for name in e.attrs)
    assert 'https://example.org/a"onmouseover="alert(1)' in [e.attrs.get("href") for e in page.find("a")]


def test_no_resource_is_loaded_from_anywhere(repo_page):
    text = repo_page.text
    for pattern in [r"<script[^>]*\bsrc\s*=", r"<link\b", r"<img\b", r"<iframe\b", r"<object\b", r"<embed\b",
                    r"@import", r"url\(", r"\bsrcset\s*="]:
        assert not re.search(pattern, text, re.IGNORECASE), pattern
    for element in repo_page.elements:  # the only addresses are links a reader follows
        for name, value in element.attrs.items():
            if "://" in value and name != "content":
                assert (element.tag, name) in {("a", "href"), ("svg", "xmlns")}, (element.tag, name, value)


def test_policy_allows_only_the_pages_own_script_and_style(repo_page):
    policy = repo_page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0].attrs["content"]
    assert "default-src 'none'" in policy and "img-src 'none'" in policy
    for tag in ("script", "style"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", repo_page.text, re.DOTALL).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        assert f"{tag}-src 'sha256-{digest}'" in policy


def test_only_web_addresses_become_links():
    assert source_href("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    for bad in ["javascript:alert(1)", "data:text/html,x", " https://example.org", "file:///etc/passwd", None]:
        assert source_href(bad) is None


# the command


def test_command_writes_index_html(tmp_path, capsys):
    assert command(str(tmp_path / "out"), "--source", str(REPO)) == 0
    assert Path(capsys.readouterr().out.strip()) == tmp_path / "out" / "index.html"
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_command_defaults_to_the_package_in_the_current_folder(package, tmp_path, monkeypatch):
    descriptor_file = package.root / "datapackage.json"
    descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    descriptor["version"] = "9.8.7"
    descriptor_file.write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.chdir(package.root)
    assert command(str(tmp_path / "out")) == 0
    assert "<dd data-version>9.8.7</dd>" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_command_exit_codes(package, tmp_path):
    package.add("statements", claim_type="rumour")
    assert command(str(tmp_path / "a"), "--source", str(package.root)) == 1
    assert command(str(tmp_path / "b"), "--source", str(tmp_path / "nowhere")) == 2
    assert not (tmp_path / "a" / "index.html").exists()


# a real browser


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.environ.get("CI"):
        pytest.fail("no Chromium in CI: .ci/run must install Debian's chromium package")
    if not found:
        pytest.skip("no Chromium: install Debian's chromium package to run the browser test")
    return found


def browse(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Open PAGE in headless Chromium, offline: every host name fails to resolve."""
    command_line = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--enable-logging=stderr",
                    "--v=0", "--window-size=1280,2000", *args, page.as_uri()]
    return subprocess.run(command_line, capture_output=True, text=True, timeout=60)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def screenshot(page: Path, png: Path, profile: Path) -> Path:
    """The page as a 1280 x 2000 PNG (also how docs/site.png is made)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    result = browse(page, profile, f"--screenshot={png}")
    assert png.is_file(), result.stderr[-2000:]
    return png


def test_browser_renders_the_charts_without_errors_and_runs_no_contributed_script(booby_trapped, tmp_path):
    page = build(tmp_path / "out", booby_trapped.root)
    static = Page(page.read_text(encoding="utf-8"))
    result = browse(page, tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    html_tag = re.match(r"<!DOCTYPE html>\s*(<html[^>]*>)", result.stdout, re.IGNORECASE).group(1)
    assert "data-errors" not in html_tag and "data-pwned" not in html_tag
    rendered = dict(item.split(":", 1) for item in re.search(r'data-rendered="([^"]*)"', html_tag).group(1).split())
    for chart in ["timeline", "estimates"]:
        marks, size = rendered[chart].split(":")
        width, height = map(int, size.split("x"))
        expected = [e for e in static.elements if "mark" in e.attrs.get("class", "").split() and e.inside("svg", **{"data-chart": chart})]
        assert int(marks) == len(expected) > 0
        assert width > 500 and height > 100
    assert "&lt;script&gt;document.documentElement.setAttribute" in result.stdout


def test_browser_screenshot_shows_the_page(tmp_path):
    page = build(tmp_path / "out", REPO)
    png = screenshot(page, ARTIFACTS / "site.png", tmp_path / "profile")
    try:
        from PIL import Image
    except ImportError:  # without Pillow, at least not a blank page
        assert png.stat().st_size > 10_000
        return
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50
    first_series = dict((rgb, n) for n, rgb in colours).get((0x00, 0x72, 0xB2), 0)  # charts.PALETTE[0]: drawn marks
    assert first_series > 100
