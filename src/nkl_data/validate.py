"""Validate a whole data package: structure, then the schema of each table, then the rules across
fields and tables. Every problem is collected (lazy validation); nothing stops at the first.

Parsing, casting and the hygiene checks are Arrow kernels, which release the GIL: a worker thread
runs them while this thread imports pandas and pandera (about half a second) and then runs the
pandera checks and the rules.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import hygiene
from .cast import Cells, cast_columns
from .package import Package, Table, open_package
from .parse import CsvError, ParsedTable, header_problem, parse
from .problems import Problem

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Report:
    package: Package
    problems: list[Problem]
    rows: dict[str, int]
    frames: dict[str, pd.DataFrame]

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Prepared:
    parsed: ParsedTable
    cast: dict[str, Cells]


def validate(source: str | Path | None = None) -> Report:
    """Validate the package at SOURCE (a folder or its datapackage.json; default: the bundled copy)."""
    package = open_package(source)
    files = {name: _display(table.path) for name, table in package.tables.items()}
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=1) as worker:
        # One worker runs its tasks in order: every table is parsed and cast before any is swept.
        prepared = {name: worker.submit(_prepare, table, files[name]) for name, table in package.tables.items()}
        swept = {name: worker.submit(_sweep, prepared[name], files[name]) for name in prepared}
        from . import pandera_schemas, read, rules  # pandas and pandera: imported while the worker parses

        loaded: rules.Package = {}
        for name, table in package.tables.items():
            file = files[name]
            try:
                ready = prepared[name].result()
            except CsvError as error:
                problems.extend(error.problems)
                if error.header is not None and error.header != table.field_names:
                    problems.append(header_problem(table, error.header, file))
                continue
            raw = read.raw_table(ready.parsed)
            rows[name] = len(raw.frame)
            converted = read.typed(raw, ready.cast)
            problems.extend(raw.problems)
            found = pandera_schemas.problems(raw, file, converted)
            problems.extend(found)
            # columns with a fixed form are swept only where the schema found something, for a clearer message
            failed = sorted({p.column for p in found if p.column in raw.frame.columns} - set(hygiene.free_columns(ready.parsed)))
            problems.extend(swept[name].result())
            problems.extend(hygiene.cell_problems(ready.parsed, file, failed))
            loaded[name] = rules.Loaded(raw, converted, file)
    problems.extend(rules.run(loaded))
    return Report(package, problems, rows, {name: item.typed for name, item in loaded.items()})


def _prepare(table: Table, file: str) -> _Prepared:
    parsed = parse(table, file)
    return _Prepared(parsed, cast_columns(parsed.cells, table.fields))


def _sweep(prepared: Future, file: str) -> list[Problem]:
    """The hygiene checks of the columns that need them whatever the schema finds."""
    try:
        parsed = prepared.result().parsed
    except CsvError:
        return []
    return hygiene.cell_problems(parsed, file, hygiene.free_columns(parsed))


def _display(path: Path) -> str:
    """The file's path as a contributor knows it: relative to the current folder where possible."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
