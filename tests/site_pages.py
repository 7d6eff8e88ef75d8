"""Reading the written site as a browser's parser would, and the data it should show, from the CSV files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from support import PackageCopy


def schemas(root: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in (root / "schemas").glob("*.json")}


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[Element, ...]

    def inside(self, tag: str, **attrs: str) -> bool:
        return any(a.tag == tag and all(a.attrs.get(k) == v for k, v in attrs.items()) for a in self.ancestors)


class Page(HTMLParser):
    """Every element of an HTML page with its ancestors, as a browser's parser would nest them."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "br",
        "img",
        "input",
        "hr",
        "source",
        "wbr",
        "area",
        "base",
        "col",
        "embed",
        "track",
    }

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


def mentioned_countries(root: Path) -> dict[str, int]:
    """iso3 -> rows mentioning it, from the schemas' foreign keys to countries and the CSV files."""
    found: dict[str, int] = {}
    for name, schema in schemas(root).items():
        columns = [fk["fields"][0] for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] == "countries"]
        for row in csv_rows(root, name) if columns else []:
            for iso3 in {row[c] for c in columns if row[c]}:
                found[iso3] = found.get(iso3, 0) + 1
    return found


def pages(outdir: Path) -> list[Path]:
    return [outdir / "index.html", *sorted((outdir / "country").glob("*.html"))]


def inject(package: PackageCopy, run) -> PackageCopy:
    """Contributed text that tries to inject markup everywhere it is shown; RUN(place) is the script."""
    package.edit(
        "statements",
        0,
        summary=f'<script>{run("summary")}</script> <img src=x onerror="{run("img")}">',
        speaker=f'"><img src=x onerror={run("speaker")}>',
    )
    rows = package.rows("sources")
    cited = package.rows("statements")[0]["source_id"]
    index = next(i for i, row in enumerate(rows) if row["source_id"] == cited)
    package.edit(
        "sources",
        index,
        title=f"</title><script>{run('title')}</script>",
        url=f'https://example.org/a"onmouseover="{run("url")}',
        publisher="<b>Publisher</b>",
    )
    package.edit("worker_estimates", 0, estimator=f"</text><script>{run('estimator')}</script>")
    countries = package.rows("countries")
    named = next(i for i, row in enumerate(countries) if row["iso3"] == package.rows("worker_estimates")[0]["country_iso3"])
    package.edit("countries", named, name=f'</title><svg onload="{run("country")}">')
    return package
