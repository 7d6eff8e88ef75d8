"""A one-file web page of the data package: version and licence, a timeline, an estimates chart, tables.

The page is self-contained (inline style and script, charts drawn as SVG by ``charts``), so it opens
from disk or any static host with no network. Labels and descriptions come from the descriptor and
the schemas. The data is written by strangers, so every value is escaped, and the page's
Content-Security-Policy allows only its own script and style (by hash) and no loads at all: markup
that slipped through could neither run nor fetch anything. Every link is an http(s) or relative
address, the licence's included.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from . import charts
from .charts import esc
from .escape import safe_href
from .outdir import output, prepare
from .loading import load_all
from .package import Package, Table, open_package

# what goes on the timeline: table -> columns shown in a point's tooltip (dated by the schema's eventDate)
TIMELINE = {
    "deadlines": ["instrument", "provision", "obligation_type", "description"],
    "statements": ["speaker", "organization", "subject_country_iso3", "claim_type", "summary"],
    "worker_movements": ["country_iso3", "location", "movement_type", "quantity_text", "reported_by"],
    "state_reports": ["state_iso3", "report_kind", "instrument", "provision", "summary"],
}
ESTIMATES = "worker_estimates"
ESTIMATE_TOOLTIP = ["country_iso3", "quantity_text", "count_low", "count_best", "count_high", "estimator", "method"]
LISTED = ["deadlines", "state_reports", "report_counts", "statements", "worker_movements", "worker_estimates",
          "entry_statistics", "sources"]
CELL_CLASS = {"integer": "number", "date": "date"}  # long text gets "long": the style keeps these readable


def build(outdir: str | Path, source: str | Path | None = None) -> Path:
    """Write OUTDIR/index.html for SOURCE (a package folder or its descriptor; default: bundled)."""
    html = page(source)  # an unusable or invalid package is refused before anything is written
    target = output(prepare(outdir), "index.html")
    target.write_text(html, encoding="utf-8")
    return target


def page(source: str | Path | None = None) -> str:
    """The whole page as one string; the style and script are inline and allowed by their hashes."""
    package = open_package(source)
    frames = load_all(source)
    view = View(package, frames)
    style = asset("page.css")
    script = asset("page.js")
    policy = (f"default-src 'none'; script-src '{digest(script)}'; style-src '{digest(style)}'; "
              "img-src 'none'; base-uri 'none'; form-action 'none'")
    title = f"{package.descriptor.get('title', package.descriptor.get('name', 'Data package'))} {package.version}"
    return "\n".join([
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title)}</title>",
        f"<style>{style}</style>",
        f"<script>{script}</script>",
        "</head>",
        "<body>",
        view.header(),
        "<main>",
        view.timeline(),
        view.estimates(),
        *[view.table(name) for name in LISTED if name in frames],
        "</main>",
        f"<footer>Built by <code>nkl-data site</code> from data version {esc(package.version)}. "
        "Every point and row links to the page that supports it.</footer>",
        "</body>",
        "</html>",
        "",
    ])


class View:
    """The package's tables, with what every part of the page needs to label and link a row."""

    def __init__(self, package: Package, frames: dict[str, pd.DataFrame]):
        self.package = package
        self.frames = frames
        self.countries = frames["countries"].set_index("iso3")["name"].to_dict() if "countries" in frames else {}
        self.sources = frames["sources"].set_index("source_id") if "sources" in frames else pd.DataFrame()

    def title(self, name: str) -> str:
        resource = next((r for r in self.package.descriptor["resources"] if r.get("name") == name), {})
        return str(resource.get("title") or name)

    def header(self) -> str:
        descriptor = self.package.descriptor
        licences = ", ".join(link(lic.get("name", ""), lic.get("path"), lic.get("title")) for lic in descriptor.get("licenses", []))
        counts = "".join(
            f'<li>{link(self.title(name), f"#{name}" if name in LISTED else None)}: '
            f'<span data-rows="{esc(name)}">{len(frame):,}</span></li>' for name, frame in self.frames.items())
        return (f"<header><h1>{esc(descriptor.get('title', descriptor.get('name', '')))}</h1>"
                f"<p>{esc(descriptor.get('description', ''))}</p>"
                f'<dl class="facts"><dt>Data version</dt><dd data-version>{esc(self.package.version)}</dd>'
                f"<dt>Licence</dt><dd>{licences}</dd>"
                f'<dt>Rows</dt><dd><ul class="counts">{counts}</ul></dd></dl></header>')

    def timeline(self) -> str:
        events, rules, lanes = [], [], []
        for name, shown in TIMELINE.items():
            if name not in self.frames:
                continue
            lanes.append(self.title(name))
            table = self.package.table(name)
            column = table.event_date
            for _, row in self.frames[name].iterrows():
                if pd.isna(row[column]):
                    continue
                event = charts.Event(row[column].date(), self.title(name), self.tooltip(table, row, column, shown), self.source_url(row))
                events.append(event)
                if name == "deadlines":
                    rules.append(event)
        intro = (f"{', '.join(lanes)} by date; deadlines also as dashed red lines. "
                 "Point at a dot for what it records; select it to open its source.")
        return (f'<section id="timeline"><h2>Timeline</h2><p class="note">{esc(intro)}</p>'
                f"{charts.timeline(events, lanes, 'Timeline of ' + ', '.join(lanes), rules)}</section>")

    def estimates(self) -> str:
        if ESTIMATES not in self.frames:
            return ""
        table = self.package.table(ESTIMATES)
        frame = self.frames[ESTIMATES]
        dated = table.event_date
        points = [
            charts.Estimate(row[dated].date(), self.country(row["country_iso3"]), count(row["count_low"]),
                            count(row["count_best"]), count(row["count_high"]),
                            self.tooltip(table, row, dated, ESTIMATE_TOOLTIP), self.source_url(row))
            for _, row in frame.iterrows()]
        series = sorted({p.series for p in points})
        uncounted = sum(p.low is None and p.best is None and p.high is None for p in points)
        note = (f"{table.field('count_best')['title']} as a dot, joined per country; "
                f"{table.field('count_low')['title'].lower()} to {table.field('count_high')['title'].lower()} as a bar; "
                "a lone bound as a triangle pointing into the open range (up: at least, down: at most).")
        if uncounted:
            note += f" {uncounted} estimate{'s' * (uncounted != 1)} with no count {'appear' if uncounted != 1 else 'appears'} only in the table."
        return (f'<section id="estimates-chart"><h2>{esc(self.title(ESTIMATES))} by host country</h2>'
                f"<p>{esc(table.schema.get('description', ''))}</p>"
                f"{charts.estimates(points, series, self.title(ESTIMATES) + ' by host country over time')}"
                f'{charts.legend(series)}<p class="note">{esc(note)}</p></section>')

    def table(self, name: str) -> str:
        table = self.package.table(name)
        frame = self.frames[name]
        key = table.primary_key
        hidden = set(table.precisions.values())  # folded into how each date is written
        columns = [f for f in table.fields if f["name"] not in hidden and f["name"] not in key and f["name"] in frame]
        head = "".join(f'<th scope="col" title="{esc(f.get("description", ""))}">{esc(f.get("title", f["name"]))}</th>' for f in columns)
        rows = []
        for _, row in frame.iterrows():
            anchor = f' id="{esc(name)}:{esc(":".join(str(row[k]) for k in key))}"' if key else ""
            cells = "".join(self.cell(table, row, f) for f in columns)
            rows.append(f"<tr{anchor}>{cells}</tr>")
        return (f'<section id="{esc(name)}"><h2>{esc(self.title(name))}</h2><p>{esc(table.schema.get("description", ""))}</p>'
                f'<div class="scroll"><table class="rows"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div></section>')

    def cell(self, table: Table, row: pd.Series, spec: dict[str, Any]) -> str:
        value = row[spec["name"]]
        if pd.isna(value):
            return "<td></td>"
        target = self.reference(table, spec["name"])
        if target == "sources":
            source = self.source(value)
            text = link(source.get("publisher", value), source_href(source.get("url")), source.get("title"))
        elif target in LISTED:
            text = link(value, f"#{target}:{value}")
        elif is_url_field(spec):
            text = link(value, source_href(value))
        else:
            text = esc(self.show(table, row, spec["name"]))
        kind = CELL_CLASS.get(spec.get("type"), "long" if spec.get("multiline") else "")
        return f'<td class="{kind}">{text}</td>' if kind else f"<td>{text}</td>"

    def tooltip(self, table: Table, row: pd.Series, date_column: str, shown: list[str]) -> str:
        lines = [f"{self.show(table, row, date_column)}  {self.title(table.name)}"]
        lines += [f"{table.field(c).get('title', c)}: {self.show(table, row, c)}" for c in shown if c in row and not pd.isna(row[c])]
        source = self.source(row.get("source_id"))
        if source:
            lines.append("Source: " + ", ".join(str(source[k]) for k in ("publisher", "title") if source.get(k)))
        return "\n".join(lines)

    def show(self, table: Table, row: pd.Series, column: str) -> str:
        """A value as a reader should see it: dates to their precision, counts with separators, countries by name."""
        value = row[column]
        if pd.isna(value):
            return ""
        spec = table.field(column)
        if spec.get("type") == "date":
            return show_date(value, row.get(table.precisions.get(column, "")))
        if spec.get("type") == "integer":
            return f"{int(value):,}"
        if self.reference(table, column) == "countries":
            return self.country(value)
        return str(value)

    def country(self, iso3: str) -> str:
        return str(self.countries.get(iso3, iso3))

    def reference(self, table: Table, column: str) -> str | None:
        """The table a column's foreign key points to, from the schema."""
        return next((fk["reference"]["resource"] for fk in table.foreign_keys if fk["fields"] in ([column], column)), None)

    def source(self, source_id: Any) -> dict[str, Any]:
        if source_id is None or pd.isna(source_id) or source_id not in self.sources.index:
            return {}
        return {k: v for k, v in self.sources.loc[source_id].items() if not pd.isna(v)}

    def source_url(self, row: pd.Series) -> str | None:
        return source_href(self.source(row.get("source_id")).get("url"))


def show_date(value: pd.Timestamp, precision: Any = None) -> str:
    """2019-12-23, or 2019-12 for a date known to the month, or 2019 for one known to the year."""
    formats = {"month": "%Y-%m", "year": "%Y"}
    return value.strftime(formats.get(str(precision), "%Y-%m-%d"))


def source_href(url: Any) -> str | None:
    """Only http and https addresses become links; the schemas require that, this makes sure of it."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    return url


def is_url_field(spec: dict[str, Any]) -> bool:
    return str(spec.get("constraints", {}).get("pattern", "")).startswith("https?://")


def count(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def link(text: Any, href: str | None, title: Any = None) -> str:
    """TEXT as a link to HREF when HREF is an http(s) or relative address (``escape.safe_href``),
    else as plain text: no value from the descriptor or the data can become a javascript: link."""
    hint = f' title="{esc(title)}"' if title else ""
    href = safe_href(href)
    if not href:
        return f"<span{hint}>{esc(text)}</span>" if hint else esc(text)
    external = "" if href.startswith("#") else ' rel="noreferrer"'
    return f'<a href="{esc(href)}"{hint}{external}>{esc(text)}</a>'


def asset(name: str) -> str:
    return resources.files("nkl_data").joinpath(name).read_text(encoding="utf-8")


def digest(text: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
