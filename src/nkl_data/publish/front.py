"""The front page: what the package is, a world map, every country, a timeline, the estimates, every table.

The map answers "what do we know about this country?" at a glance and leads to the country's page;
the table under it lists every country too, so the smallest stay one link away.
"""

from __future__ import annotations

import pandas as pd

from ..package import Package
from . import downloads, sections, worldmap
from .charts import esc
from .downloads import Download
from .mentions import COUNTRIES, ESTIMATES, figure, latest_estimates, page_name
from .sections import DEADLINES, Body
from .view import View, link, source_href


def page(
    package: Package,
    frames: dict[str, pd.DataFrame],
    mentioned: dict[str, dict[str, pd.DataFrame]],
    pages: set[str],
    files: list[Download],
) -> Body:
    view = View(package, frames, pages=pages)
    latest = latest_estimates(package, frames[ESTIMATES]) if ESTIMATES in frames else {}
    order = sorted(pages, key=lambda iso3: (view.country(iso3).casefold(), iso3))
    parts = [
        header(view, files),
        "<main>",
        world(view, order, latest, mentioned),
        countries(view, order, latest, mentioned),
        sections.timeline(view, frames, sections.dated(package), frames.get(DEADLINES)),
        sections.estimates(view, frames[ESTIMATES]) if ESTIMATES in frames else "",
        *[sections.table(view, name, frames[name]) for name in sections.listed(package) if name in frames],
        "</main>",
    ]
    descriptor = package.descriptor
    return Body(f"{descriptor.get('title', descriptor.get('name', 'Data package'))} {package.version}", "".join(parts))


def header(view: View, files: list[Download]) -> str:
    descriptor = view.package.descriptor
    licences = ", ".join(link(lic.get("name", ""), lic.get("path"), lic.get("title")) for lic in descriptor.get("licenses", []))
    shown = {*sections.listed(view.package), COUNTRIES}
    counts = "".join(
        f"<li>{link(view.title(name), f'#{name}' if name in shown else None)}: "
        f'<span data-rows="{esc(name)}">{len(frame):,}</span></li>'
        for name, frame in view.frames.items()
    )
    return (
        f"<header><h1>{esc(descriptor.get('title', descriptor.get('name', '')))}</h1>"
        f"<p>{esc(descriptor.get('description', ''))}</p>"
        f'<dl class="facts"><dt>Data version</dt><dd data-version>{esc(view.package.version)}</dd>'
        f"<dt>Licence</dt><dd>{licences}</dd>"
        f'<dt>Rows</dt><dd><ul class="counts">{counts}</ul></dd>'
        f"<dt>Download</dt><dd>{downloads.nav(files, '')}</dd></dl></header>"
    )


def world(view: View, order: list[str], latest: dict[str, pd.Series], mentioned: dict[str, dict[str, pd.DataFrame]]) -> str:
    """The map: each country with rows shaded by its latest counted estimate and linked to its page."""
    shaded = []
    for iso3 in order:
        value = figure(latest[iso3]).value if iso3 in latest else None
        label = sections.about(view, iso3, latest.get(iso3), rows(mentioned[iso3]))
        shaded.append(worldmap.Shaded(iso3, label, str(view.country_href(iso3)), worldmap.level(value)))
    drawn = [s for s in shaded if worldmap.known(s.iso3)]
    missing = [view.country(s.iso3) for s in shaded if not worldmap.known(s.iso3)]
    note = (
        f"{len(order)} countries have rows. Each is shaded by its latest estimate with a count (the best estimate, "
        "else the bound the source gave); countries too small for the map's scale are also marked with a dot. "
        "Point at or focus a country for what we know; select it to open its page. Every country is also in the "
        "table below the map."
    )
    if missing:
        note += f" Not on the map (no shape for their code): {', '.join(missing)}."
    title = f"World map of the {len(drawn)} countries that rows mention, shaded by latest estimate"
    return (
        f'<section id="map"><h2>Where DPRK workers were reported</h2>'
        f"{worldmap.draw(drawn, title)}{worldmap.legend()}"
        f'<p id="map-info" class="info" aria-live="polite"></p><p class="note">{esc(note)}</p></section>'
    )


def countries(view: View, order: list[str], latest: dict[str, pd.Series], mentioned: dict[str, dict[str, pd.DataFrame]]) -> str:
    """Every country a row mentions: its latest estimate, its source, and its rows per table."""
    package = view.package
    tables = [name for name in package.tables if any(name in found for found in mentioned.values())]
    estimates = package.table(ESTIMATES) if ESTIMATES in package.tables else None
    region = package.table(COUNTRIES).field("region") if COUNTRIES in package.tables else None
    regions = view.frames[COUNTRIES].set_index("iso3")["region"] if region else pd.Series(dtype=str)
    head = [
        "Country",
        *([region.get("title", "Region")] if region else []),
        "Latest estimate",
        "Estimator",
        "As of",
        "Source",
        *[view.title(t) for t in tables],
        "All rows",
    ]
    body = []
    for iso3 in order:
        row = latest.get(iso3)
        page = f"country/{page_name(iso3)}"
        cells = [f'<th scope="row">{link(view.country(iso3), page)}</th>']
        if region:
            cells.append(f"<td>{esc(regions.get(iso3, ''))}</td>")
        if row is not None and estimates is not None:
            source = view.source(row.get("source_id"))
            cells += [
                f'<td class="number">{esc(figure(row))}</td>',
                f"<td>{esc(row['estimator'])}</td>",
                f'<td class="date">{esc(view.show(estimates, row, estimates.event_date))}</td>',
                f"<td>{link(source.get('publisher', ''), source_href(source.get('url')), source.get('title'))}</td>",
            ]
        else:
            cells += ['<td colspan="4">reported, no figure</td>']
        cells += [
            f'<td class="number">{link(len(mentioned[iso3][t]), f"{page}#{t}") if t in mentioned[iso3] else ""}</td>'
            for t in tables
        ]
        cells.append(f'<td class="number">{rows(mentioned[iso3]):,}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    heads = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    return (
        f'<section id="countries"><h2>Countries</h2><p>Every country that a row mentions, with its latest estimate '
        f"and how many rows of each table mention it. The name opens the country's page.</p>"
        f'<div class="scroll"><table class="rows"><thead><tr>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        "</section>"
    )


def rows(found: dict[str, pd.DataFrame]) -> int:
    return sum(len(frame) for frame in found.values())
