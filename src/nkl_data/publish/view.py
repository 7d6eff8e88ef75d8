"""How a row is shown on a page: values as a reader should see them, links, tooltips.

Labels come from the descriptor and the schemas; what a column links to comes from its foreign key.
A ``View`` is made for one page: it knows where that page sits in the site (``base``, the way back to
the site's root), which rows the page lists (so a reference links to the row on this page when it is
here, else to the front page) and which countries have a page. Everything it returns is escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..escape import safe_href
from ..package import Package, Table
from .charts import esc
from .mentions import COUNTRIES, page_name

SOURCES = "sources"
CELL_CLASS = {"integer": "number", "date": "date"}  # long text gets "long": the style keeps these readable
FRONT = "index.html"


class View:
    """The package's frames, with what a page needs to label and link a row."""

    def __init__(
        self,
        package: Package,
        frames: dict[str, pd.DataFrame],
        *,
        listed: dict[str, pd.DataFrame] | None = None,
        base: str = "",
        pages: set[str] = frozenset(),
    ):
        self.package = package
        self.frames = frames
        self.base = base
        self.pages = pages
        listed = frames if listed is None else listed
        self.anchors = {row_id(package.table(name), row) for name, frame in listed.items() for _, row in frame.iterrows()}
        self.countries = frames[COUNTRIES].set_index("iso3")["name"].to_dict() if COUNTRIES in frames else {}
        self.sources = frames[SOURCES].set_index("source_id") if SOURCES in frames else pd.DataFrame()

    def title(self, name: str) -> str:
        return str(self.package.title(name))

    def cell(self, table: Table, row: pd.Series, spec: dict[str, Any]) -> str:
        value = row[spec["name"]]
        if pd.isna(value):
            return "<td></td>"
        target = self.reference(table, spec["name"])
        if target == SOURCES:
            source = self.source(value)
            text = link(source.get("publisher", value), source_href(source.get("url")), source.get("title"))
        elif target == COUNTRIES:
            text = link(self.country(value), self.country_href(value))
        elif target:
            text = link(value, self.row_href(target, value))
        elif is_url_field(spec):
            text = link(value, source_href(value))
        else:
            text = esc(self.show(table, row, spec["name"]))
        kind = CELL_CLASS.get(spec.get("type"), "long" if spec.get("multiline") else "")
        return f'<td class="{kind}">{text}</td>' if kind else f"<td>{text}</td>"

    def row_href(self, table: str, key: Any) -> str:
        anchor = f"{table}:{key}"
        return f"#{anchor}" if anchor in self.anchors else f"{self.base}{FRONT}#{anchor}"

    def country_href(self, iso3: Any) -> str | None:
        name = page_name(str(iso3))
        return f"{self.base}country/{name}" if name and iso3 in self.pages else None

    def tooltip(self, table: Table, row: pd.Series, date_column: str, shown: list[str]) -> str:
        lines = [f"{self.show(table, row, date_column)}  {self.title(table.name)}"]
        lines += [
            f"{table.field(c).get('title', c)}: {self.show(table, row, c)}" for c in shown if c in row and not pd.isna(row[c])
        ]
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
        if self.reference(table, column) == COUNTRIES:
            return self.country(value)
        return str(value)

    def country(self, iso3: Any) -> str:
        return str(self.countries.get(iso3, iso3))

    def reference(self, table: Table, column: str) -> str | None:
        return reference(table, column)

    def source(self, source_id: Any) -> dict[str, Any]:
        if source_id is None or pd.isna(source_id) or source_id not in self.sources.index:
            return {}
        return {k: v for k, v in self.sources.loc[source_id].items() if not pd.isna(v)}

    def source_url(self, row: pd.Series) -> str | None:
        return source_href(self.source(row.get("source_id")).get("url"))


def reference(table: Table, column: str) -> str | None:
    """The table a column's foreign key points to, from the schema."""
    return next((fk["reference"]["resource"] for fk in table.foreign_keys if fk["fields"] in ([column], column)), None)


def row_id(table: Table, row: pd.Series) -> str:
    """The anchor of a row in a table listing: table name and key, as references name it."""
    return f"{table.name}:{':'.join(str(row[k]) for k in table.primary_key)}"


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
    external = ' rel="noreferrer"' if href.lower().startswith(("http://", "https://")) else ""
    return f'<a href="{esc(href)}"{hint}{external}>{esc(text)}</a>'
