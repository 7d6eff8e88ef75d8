"""Which rows mention each country, and each country's latest counted estimate.

A row mentions a country when one of its columns is a foreign key to the countries table: the
schemas say which columns those are, so a new table with a country column is picked up with no
change here. The countries table itself is the list, not a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..package import Package, Table

COUNTRIES = "countries"
ESTIMATES = "worker_estimates"  # the table the map and the estimates chart are about
COUNTS = ("count_low", "count_best", "count_high")
PAGE_CODE = re.compile(r"[A-Z]{3}")  # a code that may name a page file: the schemas' own ISO pattern, enforced again


def country_columns(table: Table) -> list[str]:
    """The table's columns whose foreign key points to the countries table."""
    return [
        fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]
        for fk in table.foreign_keys
        if fk["reference"]["resource"] == COUNTRIES
    ]


def mentions(package: Package, frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    """iso3 -> table name -> that table's rows mentioning the country (tables in descriptor order)."""
    found: dict[str, dict[str, pd.DataFrame]] = {}
    for name, table in package.tables.items():
        columns = [c for c in country_columns(table) if name in frames and c in frames[name]]
        if name == COUNTRIES or not columns:
            continue
        frame = frames[name]
        codes = pd.unique(pd.concat([frame[c] for c in columns]).dropna())
        for iso3 in sorted(map(str, codes)):
            mask = pd.Series(False, index=frame.index)
            for column in columns:
                mask |= frame[column].eq(iso3).fillna(False).astype(bool)
            found.setdefault(iso3, {})[name] = frame[mask]
    return dict(sorted(found.items()))


def page_name(iso3: str) -> str | None:
    """The file name of a country's page, or None for a code that could not safely be one."""
    return f"{iso3.lower()}.html" if PAGE_CODE.fullmatch(iso3) else None


@dataclass(frozen=True)
class Figure:
    """A count as its source gave it: any of low, best and high may be missing."""

    low: int | None
    best: int | None
    high: int | None

    @property
    def value(self) -> int | None:
        """The one number that shades the map: best, else the lower bound, else the upper."""
        return next((v for v in (self.best, self.low, self.high) if v is not None), None)

    def __str__(self) -> str:
        """2,000 / 2,000 (1,500 to 3,000) / at least 1,500 / 500 to 700 / at most 25."""
        low, best, high = (None if v is None else f"{v:,}" for v in (self.low, self.best, self.high))
        if low == high and low is not None:
            return str(best or low)
        bounds = f"{low} to {high}" if low and high else f"at least {low}" if low else f"at most {high}" if high else ""
        if best is None:
            return bounds
        return f"{best} ({bounds})" if bounds else best


def figure(row: pd.Series) -> Figure:
    return Figure(*(None if pd.isna(row.get(c)) else int(row[c]) for c in COUNTS))


def latest_estimates(package: Package, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """iso3 -> its latest estimate with a count (ties on the date broken by key, so it is stable)."""
    table = package.table(ESTIMATES)
    counted = frame[frame[list(COUNTS)].notna().any(axis=1)]
    ordered = counted.sort_values([table.event_date, *table.primary_key], kind="stable")
    column = country_columns(table)[0]
    return {str(row[column]): row for _, row in ordered.iterrows()}  # later rows overwrite earlier ones
