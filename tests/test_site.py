"""The site's pages as written: labels from the schemas, one source link per point, escaping, no
network, links that resolve, sizes. The browser's view of them is in test_browser."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from nkl_data.cli import main
from nkl_data.package import open_package
from nkl_data.publish import sections
from nkl_data.publish.site import build
from nkl_data.publish.view import show_date, source_href
from site_pages import Page, csv_rows, inject, mentioned_countries, pages, schemas, source_urls
from support import REPO, PackageCopy

# read from the schemas here, not from the code under test: every dated table but the estimates (they have their chart)
TIMELINE_TABLES = sorted(name for name, schema in schemas(REPO).items() if schema.get("eventDate") and name != "worker_estimates")
FRONT_PAGE_LIMIT, COUNTRY_PAGE_LIMIT = 1_500_000, 300_000


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("site"), REPO).parent


@pytest.fixture(scope="module")
def repo_page(repo_site) -> Page:
    return Page((repo_site / "index.html").read_text(encoding="utf-8"))


@pytest.fixture
def hostile(package: PackageCopy) -> PackageCopy:
    return inject(package, lambda place: "alert(1)")


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
    package.add(
        "worker_estimates",
        estimate_id="2019-06-01-chn-test",
        as_of_date="2019-06-01",
        date_precision="day",
        country_iso3="CHN",
        statement_id="",
        source_id=latest_source(package),
    )
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
    package.add(
        "worker_estimates",
        estimate_id="2019-06-01-chn-range",
        as_of_date="2019-06-01",
        country_iso3="CHN",
        date_precision="day",
        quantity_text="300 to 500",
        count_low="300",
        count_best="",
        count_high="500",
        statement_id="",
        source_id=source,
    )
    package.add(
        "worker_estimates",
        estimate_id="2019-07-01-chn-none",
        as_of_date="2019-07-01",
        country_iso3="CHN",
        date_precision="day",
        quantity_text="a small group",
        count_low="",
        count_best="",
        count_high="",
        statement_id="",
        source_id=source,
    )
    before = build(tmp_path / "before", REPO).read_text(encoding="utf-8")
    page = Page(build(tmp_path / "out", package.root).read_text(encoding="utf-8"))

    def bars(page: Page) -> list:
        return [
            e for e in page.find("line") if "range" in e.attrs.get("class", "") and e.inside("svg", **{"data-chart": "estimates"})
        ]

    assert len(bars(page)) == len(bars(Page(before))) + 1
    uncounted = sum(
        1 for row in package.rows("worker_estimates") if not (row["count_low"] or row["count_best"] or row["count_high"])
    )
    noun = "estimate" if uncounted == 1 else "estimates"
    assert "China" in page.text and f"{uncounted} {noun} with no count" in page.text
    listed = [e for e in page.find("tr") if not e.inside("thead") and not e.inside("section", id="countries")]
    assert len(listed) == sum(len(csv_rows(package.root, t)) for t in sections.listed(open_package(package.root)))


def test_every_table_row_links_to_its_source(repo_page):
    urls = source_urls(REPO)
    for table in ["statements", "worker_movements", "worker_estimates"]:
        rows = [e for e in repo_page.find("tr") if e.attrs.get("id", "").startswith(f"{table}:")]
        links = [
            e.attrs["href"] for e in repo_page.find("a") if e.inside("section", id=table) and e.attrs["href"].startswith("http")
        ]
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
    outdir = build(tmp_path / "out", hostile.root).parent
    text = (outdir / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;/title&gt;&lt;svg onload" in text
    for path in pages(outdir):
        text = path.read_text(encoding="utf-8")
        page = Page(text)
        for raw in ["<script>alert", "<img", "<b>Publisher", "</title><script>", "</text><script>", "<svg onload"]:
            assert raw not in text, (path.name, raw)
        assert len(page.find("script")) == 1 and not page.find("img")
        assert not any(name.startswith("on") for e in page.elements for name in e.attrs)
    front = Page((outdir / "index.html").read_text(encoding="utf-8"))
    assert 'https://example.org/a"onmouseover="alert(1)' in [e.attrs.get("href") for e in front.find("a")]


def test_no_resource_is_loaded_from_anywhere(repo_site):
    for path in pages(repo_site):
        page = Page(path.read_text(encoding="utf-8"))
        for pattern in [
            r"<script[^>]*\bsrc\s*=",
            r"<link\b",
            r"<img\b",
            r"<iframe\b",
            r"<object\b",
            r"<embed\b",
            r"@import",
            r"url\(",
            r"\bsrcset\s*=",
        ]:
            assert not re.search(pattern, page.text, re.IGNORECASE), (path.name, pattern)
        for element in page.elements:  # the only addresses are links a reader follows
            for name, value in element.attrs.items():
                if "://" in value and name != "content":
                    assert (element.tag, name) in {("a", "href"), ("svg", "xmlns")}, (element.tag, name, value)


def test_every_link_is_a_web_address_or_leads_to_a_file_and_anchor_of_the_site(repo_site):
    ids: dict[Path, set[str]] = {}
    for path in pages(repo_site):
        ids[path] = {e.attrs["id"] for e in Page(path.read_text(encoding="utf-8")).elements if "id" in e.attrs}
    for path in pages(repo_site):
        for element in Page(path.read_text(encoding="utf-8")).find("a"):
            href = element.attrs["href"]
            if href.startswith(("https://", "http://")):
                continue
            assert not re.match(r"[a-z][a-z0-9+.-]*:", href, re.IGNORECASE), (path.name, href)
            file, _, anchor = href.partition("#")
            target = (path.parent / file).resolve() if file else path
            assert target.is_file() and target.is_relative_to(repo_site.resolve()), (path.name, href)
            if anchor:
                assert anchor in ids[target], (path.name, href)


def test_page_sizes_stay_within_their_limits(repo_site):
    assert (repo_site / "index.html").stat().st_size <= FRONT_PAGE_LIMIT
    largest = max((repo_site / "country").glob("*.html"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= COUNTRY_PAGE_LIMIT, largest.name


def test_map_shades_and_links_every_country_a_row_mentions(repo_page):
    mentioned = mentioned_countries(REPO)
    names = {row["iso3"]: row["name"] for row in csv_rows(REPO, "countries")}
    shapes = {e.attrs["data-iso3"]: e for e in repo_page.find("a") if e.inside("svg", **{"data-chart": "map"})}
    assert set(shapes) == set(mentioned)
    for iso3, shape in shapes.items():
        assert shape.attrs["href"] == f"country/{iso3.lower()}.html"
        label = shape.attrs["aria-label"]
        assert label.startswith(names[iso3] + ": ") and f"{mentioned[iso3]:,} row" in label


def test_map_label_gives_the_latest_counted_estimate_with_estimator_and_date(repo_page):
    counted = [r for r in csv_rows(REPO, "worker_estimates") if r["count_low"] or r["count_best"] or r["count_high"]]
    latest = {}
    for row in sorted(counted, key=lambda r: (r["as_of_date"], r["estimate_id"])):
        latest[row["country_iso3"]] = row
    shapes = {
        e.attrs["data-iso3"]: e.attrs["aria-label"] for e in repo_page.find("a") if e.inside("svg", **{"data-chart": "map"})
    }
    for iso3, label in shapes.items():
        if iso3 not in latest:
            assert "reported, no figure" in label
            continue
        row = latest[iso3]
        value = row["count_best"] or row["count_low"] or row["count_high"]
        assert f"{int(value):,}" in label and row["estimator"] in label
        assert row["as_of_date"][:4] in label, label


def test_front_page_lists_every_country_with_a_link_to_its_page(repo_page):
    rows = [e for e in repo_page.find("a") if e.inside("section", id="countries") and e.inside("th")]
    assert sorted(e.attrs["href"] for e in rows) == sorted(f"country/{iso3.lower()}.html" for iso3 in mentioned_countries(REPO))


def test_country_cells_of_the_front_page_link_to_country_pages(repo_page):
    links = {e.attrs["href"] for e in repo_page.find("a") if e.inside("section", id="statements")}
    subjects = {row["subject_country_iso3"] for row in csv_rows(REPO, "statements") if row["subject_country_iso3"]}
    assert {f"country/{iso3.lower()}.html" for iso3 in subjects} <= links


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
