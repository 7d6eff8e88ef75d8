"""Validate a whole data package: structure, then the schema of each table, then the rules across
fields and tables. Every problem is collected (lazy validation); nothing stops at the first.

Parsing and the hygiene checks are Arrow kernels, which release the GIL: a worker thread parses
while this thread imports pandas and pandera (about half a second), then sweeps the columns for
hygiene problems while this thread casts, runs the pandera checks and the rules.

Checks flag failing rows in bulk (``problems.Flagged``); a row's problem is built only when a
report lists it, so a file where every row is wrong costs counting, not a million records.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import hygiene
from .cast import cast_columns
from .package import DESCRIPTOR, Package, Table, open_package
from .parse import CsvError, ParsedTable, header_problem, parse
from .problems import Flagged, Found, Listing, Problem, count, expand, listing

DATASETS = "datasets"  # where the descriptor's tables live (descriptor.RESOURCE_PATH)

if TYPE_CHECKING:
    import pandas as pd

    from .read import RawTable


@dataclass(frozen=True)
class Report:
    package: Package
    found: list[Found]
    rows: dict[str, int]
    frames: dict[str, pd.DataFrame]

    @property
    def valid(self) -> bool:
        return not self.error_count

    @cached_property
    def error_count(self) -> int:
        return count(self.found)

    @cached_property
    def problems(self) -> list[Problem]:
        """Every problem, built: on a file where most rows are wrong, a million of them (see ``listing``)."""
        return expand(self.found)

    def listing(self, limit: int | None = None, table: str | None = None) -> Listing:
        """The first LIMIT problems (of TABLE only, when given) in order, and the count of every kind."""
        return listing([item for item in self.found if table is None or item.table == table], limit)


def validate(source: str | Path | Package | None = None, *, paths_from_root: bool = False) -> Report:
    """Validate the package at SOURCE (a folder or its datapackage.json, an opened Package; default:
    the bundled copy). Problems name files relative to the current folder, or with PATHS_FROM_ROOT
    relative to the package folder (as a repository shows them)."""
    package = source if isinstance(source, Package) else open_package(source)
    show = (lambda path: path.relative_to(package.root.resolve()).as_posix()) if paths_from_root else _display
    files = {name: show(table.path) for name, table in package.tables.items()}
    smallest_first = [table.name for table in sorted(package.tables.values(), key=_size)]
    checked: dict[str, tuple[RawTable, pd.DataFrame, list[Found]]] = {}
    found: dict[str, list[Found]] = {}
    with ThreadPoolExecutor(max_workers=1) as worker:
        # The worker parses the files, the largest first, since that parse is what the import
        # below can hide, then sweeps the long texts for hygiene problems. Meanwhile this thread
        # casts each table and hands the worker its pandera checks, then the sweeps of the other
        # columns and the rules. Then this thread runs every task the worker has not started, the
        # latest first, while the worker takes them from the first: the two finish together.
        parsed = {
            name: worker.submit(parse, package.tables[name], files[name], schema_columns=True)
            for name in reversed(smallest_first)
        }
        sweeps = [
            _Task(worker, _sweep, parsed[name], files[name], column) for name, column in _columns(package, smallest_first, True)
        ]
        from . import pandera_schemas, read, rules  # pandas and pandera: imported while the worker parses

        typed: dict[str, tuple[RawTable, pd.DataFrame]] = {}
        schema_checks: dict[str, _Task] = {}
        for name in smallest_first:
            table, file = package.tables[name], files[name]
            try:
                raw = read.raw_table(parsed[name].result())
            except CsvError as error:
                found[name] = error.problems
                if error.header is not None and error.header != table.field_names:
                    found[name].append(header_problem(table, error.header, file))
                continue
            typed[name] = raw, read.typed(raw, cast_columns(parsed[name].result().cells, table.fields))
            schema_checks[name] = _Task(worker, pandera_schemas.problems, raw, file, typed[name][1])
        sweeps += [
            _Task(worker, _sweep, parsed[name], files[name], column) for name, column in _columns(package, smallest_first, False)
        ]
        loaded = {name: rules.Loaded(*typed[name], files[name]) for name in package.tables if name in typed}
        across = [_Task(worker, rule, loaded) for rule in rules.RULES]  # each rule reads the frames only
        for task in reversed([*sweeps, *schema_checks.values(), *across]):
            task.run_here_unless_started()
        swept = [item for task in sweeps for item in task.result()]
        for name, (raw, converted) in typed.items():
            table, schema = package.tables[name], schema_checks[name].result()
            if raw.header != table.field_names and not any(p.check == "header" for p in schema):
                schema.append(header_problem(table, raw.header, files[name]))  # its unknown columns were not parsed
            checked[name] = raw, converted, schema
    for name, (raw, _, schema) in checked.items():
        found[name] = [*raw.problems, *schema, *_where_schema_failed(parsed[name].result(), files[name], schema)]
    problems = [problem for name in package.tables for problem in found[name]] + swept
    problems += [problem for task in across for problem in task.result()]
    problems.extend(unnamed_files(package, show))
    return Report(
        package,
        [item for item in problems if count([item])],
        {name: len(item.raw.frame) for name, item in loaded.items()},
        {name: item.typed for name, item in loaded.items()},
    )


def unnamed_files(package: Package, show: Callable[[Path], str] | None = None) -> list[Problem]:
    """A CSV file under datasets/ that no resource names: it would be published unchecked.

    Folders are searched without following links; SHOW turns a path into its displayed form.
    """
    named = {table.path for table in package.tables.values()}
    found = []
    for folder, _, names in os.walk(package.root / DATASETS, followlinks=False):
        for name in sorted(names):
            path = package.root.resolve() / (Path(folder) / name).relative_to(package.root)
            if name.lower().endswith(".csv") and path not in named:
                found.append(
                    Problem(
                        "",
                        None,
                        None,
                        "unnamed-file",
                        f"no table of {DESCRIPTOR} has this file; add a resource and a schema for it, or remove it",
                        None,
                        (show or _display)(path),
                    )
                )
    return sorted(found, key=lambda p: p.file)


def _where_schema_failed(parsed: ParsedTable, file: str, schema: list[Found]) -> list[Found]:
    """The hygiene checks of the columns of fixed form (an enum, a type, a closed pattern), in the
    rows where the schema found something, for a clearer message: a hidden character in such a
    column always breaks the schema, so no other row can have one."""
    free = set(hygiene.free_columns(parsed))
    flagged: dict[str, np.ndarray] = {}
    for item in schema:
        if item.column in parsed.columns and item.column not in free and count([item]):
            rows = item.rows if isinstance(item, Flagged) else np.arange(parsed.cells.num_rows)  # a whole column failed
            flagged[item.column] = np.union1d(flagged.get(item.column, rows), rows)
    found: list[Found] = []
    for column, rows in flagged.items():
        some = replace(parsed, cells=parsed.cells.select([column]).take(rows), lines=parsed.lines[rows])
        found += hygiene.cell_problems(some, file, [column])
    return found


def _sweep(parsed: Future[ParsedTable], file: str, column: str) -> list[Found]:
    """The hygiene checks of COLUMN, when the file has it and it needs them whatever the schema finds."""
    try:
        table = parsed.result()
    except CsvError:
        return []
    return list(hygiene.cell_problems(table, file, [column])) if column in hygiene.free_columns(table) else []


def _columns(package: Package, names: list[str], long_texts: bool) -> list[tuple[str, str]]:
    """(table, column) for the tables NAMES, largest first, and their columns that may hold
    several lines (the long texts), or the others."""
    return [
        (name, column)
        for name in reversed(names)
        for column in package.tables[name].field_names
        if bool(package.tables[name].field(column).get("multiline")) == long_texts
    ]


class _Task:
    """A function call handed to a worker thread, which the calling thread may take back and run
    itself while the worker has not started it."""

    def __init__(self, worker: ThreadPoolExecutor, function: Callable[..., Any], *args: Any):
        self.function, self.args = function, args
        self.future: Future[Any] = worker.submit(function, *args)

    def run_here_unless_started(self) -> None:
        if self.future.cancel():
            self.future = Future()
            self.future.set_result(self.function(*self.args))

    def result(self) -> Any:
        return self.future.result()


def _size(table: Table) -> int:
    try:
        return table.path.stat().st_size
    except OSError:  # a missing file is reported by parse
        return 0


def _display(path: Path) -> str:
    """The file's path as a contributor knows it: relative to the current folder where possible."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
