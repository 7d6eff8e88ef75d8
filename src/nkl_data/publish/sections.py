"""The parts pages are made of: a timeline, an estimates chart and a table listing, for any rows.

The front page passes every row; a country page passes the rows that mention the country. Which
tables go on a timeline and what a point's tooltip says come from the schemas: every table with an
``eventDate`` is dated, and a tooltip shows a row's fields except its key, its dates' precisions,
its source (named on its own line) and optional notes (for checking, in the table).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..package import Package, Table
from . import charts
from .charts import esc
from .mentions import COUNTRIES, ESTIMATES, country_columns, figure
from .view import SOURCES, View, count, reference, row_id

DEADLINES = "deadlines"  # also drawn as dashed rules across a timeline


@dataclass(frozen=True)
class Body:
    """What a page shows: its title and the HTML inside <body>, before the shared footer."""

    title: str
    html: str


def listed(package: Package) -> list[str]:
    """Tables a page lists, in the descriptor's order; sources, which every row links to, last.
    The countries table is shown as the list of countries instead."""
    names = [n for n in package.tables if n not in (COUNTRIES, SOURCES)]
    return names + [SOURCES] if SOURCES in package.tables else names


def dated(package: Package) -> list[str]:
    """Tables on a timeline: every table with an event date, except the estimates, which have their chart."""
    return [n for n, t in package.tables.items() if t.event_date and n != ESTIMATES]


def tooltip_columns(table: Table) -> list[str]:
    hidden = {*table.primary_key, *table.precisions.values(), table.event_date}
    return [
        f["name"]
        for f in table.fields
        if f["name"] not in hidden
        and reference(table, f["name"]) != SOURCES
        and not (f.get("multiline") and not table.required(f["name"]))
    ]


def timeline(
    view: View, frames: dict[str, pd.DataFrame], names: list[str], rules: pd.DataFrame | None = None, *, what: str = ""
) -> str:
    """FRAMES' rows of tables NAMES as dots on one lane per table; RULES (deadlines) as dashed lines."""
    events, lanes = [], []
    for name in names:
        if name not in frames or frames[name].empty:
            continue
        lanes.append(view.title(name))
        events += events_of(view, name, frames[name])
    rule_events = events_of(view, DEADLINES, rules) if rules is not None else []
    intro = f"{', '.join(lanes)} by date"
    intro += "; deadlines also as dashed red lines. " if rule_events else ". "
    intro += "Point at a dot for what it records; select it to open its source."
    title = f"Timeline of {', '.join(lanes)}{what}"
    return (
        f'<section id="timeline"><h2>Timeline{esc(what)}</h2><p class="note">{esc(intro)}</p>'
        f"{charts.timeline(events, lanes, title, rule_events)}</section>"
    )


def events_of(view: View, name: str, frame: pd.DataFrame) -> list[charts.Event]:
    table = view.package.table(name)
    column, shown = table.event_date, tooltip_columns(table)
    return [
        charts.Event(row[column].date(), view.title(name), view.tooltip(table, row, column, shown), view.source_url(row))
        for _, row in frame.iterrows()
        if not pd.isna(row[column])
    ]


def estimates(view: View, frame: pd.DataFrame, *, where: str = " by host country") -> str:
    """The estimates chart: one series per country, each point linking its source."""
    table = view.package.table(ESTIMATES)
    when, country = table.event_date, country_columns(table)[0]
    shown = tooltip_columns(table)
    points = [
        charts.Estimate(
            row[when].date(),
            view.country(row[country]),
            count(row["count_low"]),
            count(row["count_best"]),
            count(row["count_high"]),
            view.tooltip(table, row, when, shown),
            view.source_url(row),
        )
        for _, row in frame.iterrows()
    ]
    series = sorted({p.series for p in points})
    uncounted = sum(p.low is None and p.best is None and p.high is None for p in points)
    note = (
        f"{table.field('count_best')['title']} as a dot, joined per country; "
        f"{table.field('count_low')['title'].lower()} to {table.field('count_high')['title'].lower()} as a bar; "
        "a lone bound as a triangle pointing into the open range (up: at least, down: at most)."
    )
    if uncounted:
        verb = "appear" if uncounted != 1 else "appears"
        note += f" {uncounted} estimate{'s' * (uncounted != 1)} with no count {verb} only in the table."
    heading = f"{view.title(ESTIMATES)}{where}"
    return (
        f'<section id="estimates-chart"><h2>{esc(heading)}</h2>'
        f"<p>{esc(table.schema.get('description', ''))}</p>"
        f"{charts.estimates(points, series, heading + ' over time')}"
        f'{charts.legend(series)}<p class="note">{esc(note)}</p></section>'
    )


def table(view: View, name: str, frame: pd.DataFrame) -> str:
    """Every row of FRAME with every column but the key and the precisions (folded into the dates)."""
    spec = view.package.table(name)
    hidden = set(spec.precisions.values())
    columns = [f for f in spec.fields if f["name"] not in hidden and f["name"] not in spec.primary_key and f["name"] in frame]
    head = "".join(
        f'<th scope="col" title="{esc(f.get("description", ""))}">{esc(f.get("title", f["name"]))}</th>' for f in columns
    )
    rows = []
    for _, row in frame.iterrows():
        anchor = f' id="{esc(row_id(spec, row))}"' if spec.primary_key else ""
        rows.append(f"<tr{anchor}>{''.join(view.cell(spec, row, f) for f in columns)}</tr>")
    return (
        f'<section id="{esc(name)}"><h2>{esc(view.title(name))}</h2><p>{esc(spec.schema.get("description", ""))}</p>'
        f'<div class="scroll"><table class="rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def about(view: View, iso3: str, latest: pd.Series | None, rows: int) -> str:
    """One line on a country: its name, latest counted estimate (figure, estimator, date) and rows."""
    table = view.package.table(ESTIMATES)
    mentioned = f"{rows:,} row{'s' * (rows != 1)} mention{'s' * (rows == 1)} it"
    if latest is None:
        return f"{view.country(iso3)}: reported, no figure; {mentioned}."
    when = view.show(table, latest, table.event_date)
    return f"{view.country(iso3)}: latest estimate {figure(latest)}, by {latest['estimator']}, as of {when}; {mentioned}."
