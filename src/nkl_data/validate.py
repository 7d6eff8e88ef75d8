"""Validate a whole data package: structure, then the schema of each table, then the rules across
fields and tables. Every problem is collected (lazy validation); nothing stops at the first.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import hygiene, pandera_schemas, rules
from .package import Package, Table, open_package
from .problems import Problem
from .read import CsvError, read_raw, typed


@dataclass(frozen=True)
class Report:
    package: Package
    problems: list[Problem]
    rows: dict[str, int]
    frames: dict[str, pd.DataFrame]

    @property
    def valid(self) -> bool:
        return not self.problems


def validate(source: str | Path | None = None) -> Report:
    """Validate the package at SOURCE (a folder or its datapackage.json; default: the bundled copy)."""
    package = open_package(source)
    loaded: rules.Package = {}
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    # Hygiene is Arrow kernels that release the GIL: it runs beside the pandera checks.
    pool = ThreadPoolExecutor(max_workers=1)
    for table in package.tables.values():
        file = _display(table.path, package.root)
        try:
            raw = read_raw(table, file)
        except CsvError as error:
            problems.extend(error.problems)
            if error.header is not None and error.header != table.field_names:
                problems.append(_header_problem(table, error.header, file))
            continue
        rows[table.name] = len(raw.frame)
        free = hygiene.free_columns(raw)
        hygiene_done = pool.submit(hygiene.cell_problems, raw, file, free)
        converted = typed(raw)
        problems.extend(raw.problems)
        found = schema_problems(raw, file, converted)
        problems.extend(found)
        failed = sorted({p.column for p in found if p.column in raw.frame.columns} - set(free))
        problems.extend(hygiene_done.result())
        problems.extend(hygiene.cell_problems(raw, file, failed))
        loaded[table.name] = rules.Loaded(raw, converted, file)
    pool.shutdown()
    problems.extend(rules.run(loaded))
    return Report(package, problems, rows, {name: item.typed for name, item in loaded.items()})


def schema_problems(raw, file: str, converted: pd.DataFrame | None = None) -> list[Problem]:
    """Run the pandera schema derived from the table's Frictionless schema, lazily."""
    table: Table = raw.table
    try:
        unique = pandera_schemas.strictly_increasing(raw.frame, table.primary_key)
        pandera_schemas.build(table, converted, key_is_unique=unique).validate(raw.frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    problems = []
    for case in cases.itertuples(index=False):
        check = pandera_schemas.BUILTIN_CHECKS.get(case.check, case.check)
        if check == "header":
            problems.append(_header_problem(table, raw.header, file))
            continue
        index = None if case.index is None or case.index != case.index else int(case.index)
        line = None if index is None else int(raw.lines[index])
        value = None if case.failure_case is None or _is_missing(case.failure_case) else str(case.failure_case)
        column = case.column
        if check == "primary-key":
            message = f"duplicate primary key ({', '.join(table.primary_key)}): another row above has the same key"
        else:
            message = pandera_schemas.describe(table.field(column), check)
        problems.append(Problem(table.name, line, column, check, message, value, file))
    return list(dict.fromkeys(problems))


def _header_problem(table: Table, header: list[str], file: str) -> Problem:
    expected = table.field_names
    missing = [n for n in expected if n not in header]
    extra = [n for n in header if n not in expected]
    repeated = sorted({n for n in header if header.count(n) > 1})
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unexpected " + ", ".join(repr(n) for n in extra))
    if repeated:
        parts.append("repeated " + ", ".join(repeated))
    if not parts:
        parts.append("columns out of order")
    return Problem(table.name, 1, None, "header", "; ".join(parts) + f"; expected: {','.join(expected)}", ",".join(header), file)


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _display(path: Path, root: Path) -> str:
    """The file's path as a contributor knows it: relative to the current folder where possible."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
