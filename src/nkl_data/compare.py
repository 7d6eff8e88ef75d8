"""Compare two versions of the data package and say which version bump the changes require.

A version is a package folder (or its datapackage.json) or a git revision of the repository that
holds the current folder (``revision``); a name that could be either is refused, not guessed.

Rows are matched by primary key and compared as the text in the CSV (``read_raw``), so a diff shows
exactly what a contributor changed in the file: "007" and "7" differ, Namibia's "NA" is not missing.
The policy the bump follows is written in docs/versioning.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .changes import SchemaChange, schema_changes
from .escape import markdown_code, markdown_text, one_line
from .package import PackageError, Table
from .parse import CsvError
from .read import read_raw
from .revision import Revision, open_revision_package

BUMPS = ["none", "patch", "minor", "major"]
RANK = {bump: rank for rank, bump in enumerate(BUMPS)}
EXIT_OK, EXIT_CHECK_FAILED = 0, 1
__all__ = ["DiffResult", "SchemaChange", "TableDiff", "bump_between", "check_version", "diff", "reasons"]


@dataclass
class TableDiff:
    """Row differences of one table.

    ``added`` and ``removed`` hold whole rows as text; ``changed`` holds one row per changed cell:
    the key columns, then ``column``, ``old``, ``new`` (missing cells are ``pd.NA``).
    ``key`` names the columns rows were matched by (the new primary key). ``removed_key`` is the same,
    except when the new key cannot identify the old rows: then every old row is removed, named by the
    old primary key, and every new row added.
    """

    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    key: list[str]
    removed_key: list[str]

    @property
    def empty(self) -> bool:
        return bool(self.added.empty and self.removed.empty and self.changed.empty)

    def added_keys(self) -> list[Any]:
        return _keys(self.added, self.key)

    def removed_keys(self) -> list[Any]:
        return _keys(self.removed, self.removed_key)

    def changed_rows(self) -> list[dict[str, Any]]:
        """Changed cells grouped by row: [{"key": key, "fields": {column: [old, new]}}]."""
        rows: dict[Any, dict[str, list[Any]]] = {}
        for key, record in zip(_keys(self.changed, self.key), self.changed.itertuples(index=False)):
            column, old, new = record[-3:]
            rows.setdefault(_hashable(key), {})[column] = [_cell(old), _cell(new)]
        return [{"key": list(key) if isinstance(key, tuple) else key, "fields": fields} for key, fields in rows.items()]


@dataclass
class DiffResult:
    old_version: str
    new_version: str
    required_bump: str
    schema_changes: list[SchemaChange]
    tables: dict[str, TableDiff] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.schema_changes and all(t.empty for t in self.tables.values())

    def explain(self) -> list[str]:
        """Why the required bump is what it is: one line per change, e.g. "statements: 2 rows added requires a minor bump"."""
        return [f"{what} requires a {bump} bump" for what, bump in reasons(self.schema_changes, self.tables)]

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (a dict ready for json.dumps); keys are a string, or a list for composite keys."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": self.required_bump,
            "schema_changes": [c.to_json() for c in self.schema_changes],
            "tables": {
                name: {"added": t.added_keys(), "removed": t.removed_keys(), "changed": t.changed_rows()}
                for name, t in self.tables.items()
            },
        }

    def to_text(self) -> str:
        head = f"data version {self.old_version or '?'} -> {self.new_version or '?'}"
        if self.empty:
            return f"{head}: no differences"
        lines = [f"{head}; the changes require a {self.required_bump} bump"]
        if self.schema_changes:
            lines.append("schema changes:")
            lines += [f"  {c} [{c.bump}]" for c in self.schema_changes]  # str() keeps each on one line
        for name, table in self.tables.items():
            if table.empty:
                continue
            changed = table.changed_rows()
            lines.append(f"{name}: {len(table.added)} added, {len(table.removed)} removed, {len(changed)} changed")
            # keys and columns are the contributor's text: one line each, so a log cannot be forged
            lines += [f"  + {one_line(_show_key(k))}" for k in table.added_keys()]
            lines += [f"  - {one_line(_show_key(k))}" for k in table.removed_keys()]
            for row in changed:
                lines.append(f"  ~ {one_line(_show_key(row['key']))}")
                lines += [
                    f"      {one_line(column)}: {_show(old)} -> {_show(new)}" for column, (old, new) in row["fields"].items()
                ]
        return "\n".join(lines)

    def to_markdown(self, max_rows: int = 50) -> str:
        """A pull-request comment: counts per table, then details (at most MAX_ROWS per list, to fit a comment)."""
        lines = [f"### Data diff: {self.old_version or '?'} → {self.new_version or '?'}", ""]
        if self.empty:
            return "\n".join(lines + ["No differences."])
        lines += [
            f"Required version bump: **{self.required_bump}**",
            "",
            "| table | added | removed | changed |",
            "|---|---:|---:|---:|",
        ]
        for name, table in self.tables.items():
            counts = f"{len(table.added)} | {len(table.removed)} | {len(table.changed_rows())}"
            lines.append(f"| {markdown_code(name, in_table=True)} | {counts} |")
        if self.schema_changes:
            lines += ["", "#### Schema changes", ""]
            lines += [f"- {_code(c.table or 'package')}: {c.describe(_code)} (**{c.bump}**)" for c in self.schema_changes]
        for name, table in self.tables.items():
            if table.empty:
                continue
            lines += ["", f"#### {_code(name)}", ""]
            lines += _capped([f"- added {_code(_show_key(k))}" for k in table.added_keys()], max_rows)
            lines += _capped([f"- removed {_code(_show_key(k))}" for k in table.removed_keys()], max_rows)
            changed = [
                f"- changed {_code(_show_key(row['key']))}: "
                + "; ".join(f"{_code(c)} {_code(_show(o))} → {_code(_show(n))}" for c, (o, n) in row["fields"].items())
                for row in table.changed_rows()
            ]
            lines += _capped(changed, max_rows)
        return "\n".join(lines)


def diff(old: str | Path | Revision, new: str | Path | Revision) -> DiffResult:
    """Compare OLD with NEW; each a package folder or its datapackage.json (a Path), a git revision
    (a Revision), or a string that names exactly one of the two."""
    with ExitStack() as stack:
        before, old_label = open_revision_package(old, stack)
        after, new_label = open_revision_package(new, stack)
        changes = schema_changes(before, after)
        tables = {
            name: _table_diff(before.tables.get(name), after.tables.get(name), old_label, new_label)
            for name in _union(before.tables, after.tables)
        }
    required = max((bump for _, bump in reasons(changes, tables)), key=RANK.__getitem__, default="none")
    return DiffResult(before.version, after.version, required, changes, tables)


def reasons(changes: list[SchemaChange], tables: dict[str, TableDiff]) -> list[tuple[str, str]]:
    """(change, bump it requires) for every change: the policy of docs/versioning.md in one place."""
    found = [(str(change), change.bump) for change in changes]
    whole = {c.table for c in changes if c.change in ("table_added", "table_removed")}
    for name, table in tables.items():
        if name in whole:  # "table added/removed" already says it all
            continue
        for count, verb, bump in [
            (len(table.added), "added", "minor"),
            (len(table.removed), "removed", "patch"),
            (len(table.changed_rows()), "changed", "patch"),
        ]:
            if count:
                found.append((f"{name}: {_plural(count, 'row')} {verb}", bump))
    return found


def check_version(result: DiffResult) -> tuple[bool, list[str]]:
    """Is the version bump from old to new at least the bump the changes require?

    Unchanged data passes whatever the versions say; a version that is not X.Y.Z, or that went down,
    fails whenever the data changed.
    """
    if result.required_bump == "none":
        return True, [f"no data changes; version {result.old_version} -> {result.new_version}"]
    went = f"version went {result.old_version} -> {result.new_version}"
    actual = bump_between(result.old_version, result.new_version)
    if actual is None:
        return False, [
            f"{went}: versions must be X.Y.Z with the new one higher; the changes require a {result.required_bump} bump"
        ]
    failed = [
        f"{what} requires a {bump} bump; {went} ({actual})"
        for what, bump in reasons(result.schema_changes, result.tables)
        if RANK[bump] > RANK[actual]
    ]
    if failed:
        return False, failed
    return True, [f"{went} ({actual}), enough for the {result.required_bump} bump the changes require"]


def bump_between(old: str, new: str) -> str | None:
    """ "major", "minor", "patch" or "none" from OLD to NEW; None when either is not X.Y.Z or NEW is lower.

    Pre-release and build suffixes are ignored: the policy is about X.Y.Z.

    >>> bump_between("1.2.3", "1.3.0"), bump_between("1.3.0", "1.2.9")
    ('minor', None)
    """
    first, second = (re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", v.strip()) for v in (old, new))
    if first is None or second is None:
        return None
    before, after = (tuple(map(int, p.groups())) for p in (first, second))
    if after < before:
        return None
    for index, bump in enumerate(["major", "minor", "patch"]):
        if after[index] > before[index]:
            return bump
    return "none"


# Row changes -------------------------------------------------------------------------------------


def _table_diff(old: Table | None, new: Table | None, old_label: str, new_label: str) -> TableDiff:
    before = _frame(old, old_label) if old else None
    after = _frame(new, new_label) if new else None
    if before is None or after is None:
        present, table = (after, new) if before is None else (before, old)
        assert present is not None and table is not None, "a table diff needs the table on one side at least"
        key = _own_key(present, table, new_label if before is None else old_label)
        nothing = present.iloc[0:0]
        added, removed = (present, nothing) if before is None else (nothing, present)
        return TableDiff(added.reset_index(drop=True), removed.reset_index(drop=True), _no_changes(key), key, key)
    assert old is not None and new is not None  # both frames exist, so both tables do
    old_key = _own_key(before, old, old_label)
    new_key = _own_key(after, new, new_label)
    if not set(new_key) <= set(before.columns) or pd.MultiIndex.from_frame(before[new_key]).has_duplicates:
        # the new key cannot identify the old rows: every row was removed, every row added
        return TableDiff(after.reset_index(drop=True), before.reset_index(drop=True), _no_changes(new_key), new_key, old_key)
    positions = pd.MultiIndex.from_frame(before[new_key]).get_indexer(pd.MultiIndex.from_frame(after[new_key]))
    matched = positions != -1
    old_rows, new_rows = positions[matched], np.flatnonzero(matched)
    kept_old = np.zeros(len(before), dtype=bool)
    kept_old[old_rows] = True
    shared = [c for c in after.columns if c in before.columns and c not in new_key]
    a = before.iloc[old_rows][shared].reset_index(drop=True)
    b = after.iloc[new_rows][shared].reset_index(drop=True)
    same = (a == b).fillna(False) | (a.isna() & b.isna())  # text equality; missing equals missing
    rows, columns = np.nonzero(~same.to_numpy(dtype=bool))
    changed = (
        after.iloc[new_rows[rows]][new_key]
        .reset_index(drop=True)
        .assign(
            column=pd.array([shared[c] for c in columns], dtype=object),
            old=pd.array(a.to_numpy(dtype=object)[rows, columns], dtype=object),
            new=pd.array(b.to_numpy(dtype=object)[rows, columns], dtype=object),
        )
    )
    return TableDiff(after[~matched].reset_index(drop=True), before[~kept_old].reset_index(drop=True), changed, new_key, new_key)


def _frame(table: Table, label: str) -> pd.DataFrame:
    try:
        return read_raw(table).frame
    except CsvError as error:
        raise PackageError(f"{label}: cannot read table {table.name}: {error}") from None


def _own_key(frame: pd.DataFrame, table: Table, label: str) -> list[str]:
    """The table's primary key, checked: rows can only be matched by a key that exists and is unique."""
    key = table.primary_key
    if not key:
        raise PackageError(f"{label}: table {table.name} has no primaryKey; rows are matched by primary key")
    missing = [c for c in key if c not in frame.columns]
    if missing:
        raise PackageError(f"{label}: table {table.name}: key column {', '.join(missing)} is not in the CSV header")
    if pd.MultiIndex.from_frame(frame[key]).has_duplicates:
        raise PackageError(f"{label}: table {table.name} has duplicate primary keys; run nkl-data validate")
    return key


def _no_changes(key: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.array([], dtype=object) for c in [*key, "column", "old", "new"]})


# Formatting helpers ------------------------------------------------------------------------------


def _union(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    return [*second, *(name for name in first if name not in second)]


def _cell(value: Any) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _keys(frame: pd.DataFrame, key: list[str]) -> list[Any]:
    values = [[_cell(v) for v in row] for row in frame[key].itertuples(index=False, name=None)]
    return [row[0] if len(key) == 1 else row for row in values]


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _show_key(key: Any) -> str:
    return ", ".join(_show_key(k) for k in key) if isinstance(key, (list, tuple)) else ("(missing)" if key is None else str(key))


def _show(value: str | None) -> str:
    return "(missing)" if value is None else json.dumps(value, ensure_ascii=False)


def _code(text: str) -> str:
    return markdown_code(text) or "` `"


def _capped(lines: list[str], limit: int) -> list[str]:
    return lines if len(lines) <= limit else [*lines[:limit], f"- … and {len(lines) - limit} more"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


# Command line ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Print the diff; 0 ok, 1 when --check-version fails, 2 on usage errors.

    The version check's messages follow the report on stdout, except with --format json, where they
    go to stderr so that stdout stays the JSON contract.
    """
    old, new = sides(args)
    result = diff(old, new)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.to_markdown() if args.format == "markdown" else result.to_text())
    if not args.check_version:
        return EXIT_OK
    ok, messages = check_version(result)
    verdict = "version check passed" if ok else "version check FAILED"
    if args.format == "json":
        print("\n".join([f"nkl-data: {verdict}", *messages]), file=sys.stderr)
    elif args.format == "markdown":
        print("\n".join(["", f"#### {verdict.capitalize()}", "", *[f"- {markdown_text(m)}" for m in messages]]))
    else:
        print("\n".join([verdict, *[f"  {m}" for m in messages]]))
    return EXIT_OK if ok else EXIT_CHECK_FAILED


def sides(args: argparse.Namespace) -> tuple[str | Path | Revision, str | Path | Revision]:
    """The two versions from the command line: both named explicitly (--rev, --path, in order), or both as OLD NEW."""
    explicit, plain = args.sides or [], args.versions or []
    if explicit and plain:
        raise PackageError("give both versions with --rev/--path, or both as OLD NEW, not a mix")
    given = explicit or plain
    if len(given) != 2:
        raise PackageError(f"diff compares two versions; {len(given)} given")
    return given[0], given[1]
