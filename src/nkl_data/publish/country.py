"""A country's page: what the package knows about one country, every row with its source.

Its estimates over time (the front page's chart, one country), a timeline of the other dated rows
that mention it with the Security Council's deadlines as rules, and each table's rows that mention
it. A reference to a row that is not on the page links to that row on the front page.
"""

from __future__ import annotations

import pandas as pd

from ..package import Package
from . import downloads, sections
from .charts import esc
from .downloads import Download
from .mentions import COUNTRIES, ESTIMATES, latest_estimates
from .sections import DEADLINES, Body
from .view import FRONT, View, link

BASE = "../"  # from OUTDIR/country/ back to the site's root


def page(
    package: Package,
    frames: dict[str, pd.DataFrame],
    iso3: str,
    found: dict[str, pd.DataFrame],
    pages: set[str],
    files: list[Download],
) -> Body:
    """The page of country ISO3, whose mentioning rows per table are FOUND."""
    shown = {name: found[name] for name in sections.listed(package) if name in found}
    view = View(package, frames, listed=shown, base=BASE, pages=pages)
    name = view.country(iso3)
    latest = latest_estimates(package, found[ESTIMATES]).get(iso3) if ESTIMATES in found else None
    parts = [
        header(view, iso3, shown, latest, files),
        "<main>",
        sections.estimates(view, found[ESTIMATES], where=f" in {name}") if ESTIMATES in found else "",
        sections.timeline(view, found, sections.dated(package), frames.get(DEADLINES), what=f": {name}"),
        *[sections.table(view, table, rows) for table, rows in shown.items()],
        "</main>",
    ]
    site = package.descriptor.get("title", package.descriptor.get("name", ""))
    return Body(f"{name}: {site} {package.version}", "".join(parts))


def header(view: View, iso3: str, shown: dict[str, pd.DataFrame], latest: pd.Series | None, files: list[Download]) -> str:
    facts = []
    if COUNTRIES in view.frames:
        table = view.package.table(COUNTRIES)
        record = view.frames[COUNTRIES].set_index("iso3", drop=False)
        if iso3 in record.index:
            row = record.loc[iso3]
            facts = [
                f"<dt>{esc(f.get('title', f['name']))}</dt><dd>{esc(view.show(table, row, f['name']))}</dd>"
                for f in table.fields
                if f["name"] != "name"
            ]
    counts = "".join(
        f'<li>{link(view.title(name), f"#{name}")}: <span data-rows="{esc(name)}">{len(rows):,}</span></li>'
        for name, rows in shown.items()
    )
    total = sum(len(rows) for rows in shown.values())
    site = view.package.descriptor.get("title", "Front page")
    return (
        f'<header><nav class="crumbs" aria-label="Site"><a href="{BASE}{FRONT}">{esc(site)}</a>'
        f' › <a href="{BASE}{FRONT}#map">map</a> › <a href="{BASE}{FRONT}#countries">countries</a></nav>'
        f"<h1>{esc(view.country(iso3))}</h1>"
        f"<p>{esc(sections.about(view, iso3, latest, total))}</p>"
        f'<dl class="facts">{"".join(facts)}<dt>Data version</dt><dd data-version>{esc(view.package.version)}</dd>'
        f'<dt>Rows</dt><dd><ul class="counts">{counts}</ul></dd>'
        f"<dt>Download</dt><dd>{downloads.nav(files, BASE)}</dd></dl></header>"
    )
