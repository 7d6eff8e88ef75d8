"""One record per problem found in a package, and the ways of printing a list of them.

Every check in the package returns ``Problem`` records, or ``Flagged`` rows that become records
when they are listed; none prints or raises. The record names the table, the physical line of the
CSV file on which the offending record starts (header = line 1; ``None`` where no line applies),
the column, the rule (``check``) and the offending value.
"""

from __future__ import annotations

import heapq
import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import islice
from typing import Any

import numpy as np

from .escape import github_message, github_property, one_line

# One line a rule on how to fix it, shown by the text report.
HINTS: dict[str, str] = {
    "header": "make the header row exactly the schema's column names, in the schema's order",
    "encoding": "save the file as UTF-8 without a byte order mark",
    "malformed-csv": "every record needs one field per column; close every quote you open",
    "missing-file": "restore the file or remove its resource from datapackage.json",
    "unnamed-file": "a table needs a resource in datapackage.json and a schema in schemas/; otherwise delete the file",
    "required": "fill in the cell; only optional columns may be empty",
    "type": "write integers as digits and dates as YYYY-MM-DD (a real calendar date)",
    "enum": "use one of the values the schema lists",
    "pattern": "match the pattern the schema gives for this column (ids are lowercase kebab-case slugs)",
    "min-length": "the value is too short for the schema",
    "max-length": "shorten the value to the schema's maximum length",
    "minimum": "the value is below the schema's minimum",
    "maximum": "the value is above the schema's maximum",
    "unique": "each value in this column may appear once",
    "primary-key": "give each row its own id",
    "foreign-key": "add the referenced row to its table first, or fix the reference",
    "reference-match": "a row must agree with the row it references (a report's figures are about the reporting state)",
    "count-order": "counts must satisfy count_low <= count_best <= count_high",
    "date-order": "a date cannot fall before the date its schema names in notBefore (a due date before adoption, a period's end before its start)",
    "future-date": "dates cannot be later than today",
    "date-precision": "with month precision write the 1st of the month; with year precision write January 1st",
    "source-date": "an event cannot postdate the page that reports it: check the row's date and the source's published_date",
    "id-date": "start the id with the row's own date, as YYYY-MM-DD-",
    "iso-code": "use a real ISO 3166-1 code, with iso2 of the same country as iso3",
    "language": "use a valid BCP 47 language tag such as en, ru, ko or zh-Hans",
    "quantity-rule": "derive the counts from quantity_text by the rule in the README ('How words become numbers')",
    "quote-length": "quote at most 30 of the speaker's own words; summarise the rest",
    "line-ending": "save the file with LF (Unix) line endings",
    "final-newline": "end the last line with a newline",
    "blank-line": "delete the blank line",
    "whitespace": "remove the spaces before or after the value",
    "control-character": "remove tabs, carriage returns and other control characters",
    "line-break": "keep the value on one line",
    "invisible-character": "delete zero-width and direction-changing characters; retype the value if unsure",
    "unicode-nfc": "normalise the text to NFC (nkl-data fmt does this)",
    "formula": "reword so the cell does not start with = + - or @",
}


@dataclass(frozen=True)
class Problem:
    table: str
    line: int | None
    column: str | None
    check: str
    message: str
    value: str | None = None
    file: str = ""

    @property
    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file or "", self.line or 0, self.column or "", self.check, self.message)

    def __str__(self) -> str:
        """One line, whatever the message quotes from the data, so a log shows exactly one problem per line."""
        place = f"{self.file or self.table}:{self.line}" if self.line else f"{self.file or self.table}"
        column = f" column {self.column}:" if self.column else ""
        value = "" if self.value is None else f" (value: {self.value!r})"
        return one_line(f"{place}:{column} {self.message}{value} [{self.check}]")

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("file")
        return record


@dataclass(frozen=True, eq=False)
class Flagged:
    """The rows one check flags in one column of a table: counted at once, each built into a
    ``Problem`` only when it is listed, so that a file whose every row is wrong costs a count,
    not a million records nobody will read."""

    table: str
    file: str
    column: str | None
    check: str
    rows: np.ndarray  # ascending positions, of the table's rows (or of the lines of a layout problem)
    problem: Callable[[int], Problem]  # the problem of the K-th flagged row, in the file's order

    @property
    def count(self) -> int:
        return len(self.rows)

    def problems(self, limit: int | None = None) -> list[Problem]:
        return [self.problem(k) for k in range(self.count if limit is None else min(limit, self.count))]


Found = Problem | Flagged


def flag(
    table: str,
    file: str,
    column: str | None,
    check: str,
    rows: Sequence[int] | np.ndarray,
    lines: np.ndarray,
    message: str | Callable[[int], str],
    value: Callable[[int], object] | None = None,
) -> Flagged:
    """ROWS (positions, ascending) of a table whose records start on LINES fail CHECK in COLUMN.

    A MESSAGE that is the same for every row is a string, built once; otherwise it is a function of
    the row's position, as VALUE (the offending value, None for none) is.
    """
    rows = np.asarray(rows, dtype=np.int64)

    def problem(k: int) -> Problem:
        row = int(rows[k])
        shown = None if value is None else value(row)
        return Problem(
            table,
            int(lines[row]),
            column,
            check,
            message if isinstance(message, str) else message(row),
            None if shown is None else str(shown),
            file,
        )

    return Flagged(table, file, column, check, rows, problem)


def shown(value: str, limit: int = 200) -> str:
    """VALUE as a report shows it: invisible characters made visible, a huge value cut short
    (before the characters are looked at, so a cell of 10 MB costs no more than one of 200 bytes)."""
    visible = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") and c != "\n" else c for c in value[:limit])
    return visible if len(value) <= limit else f"{visible}... ({len(value):,} characters)"


def expand(found: Iterable[Found], limit: int | None = None) -> list[Problem]:
    """Every Problem of FOUND, and of each Flagged its first LIMIT rows (all when LIMIT is None)."""
    return [p for item in found for p in (item.problems(limit) if isinstance(item, Flagged) else [item])]


def count(found: Iterable[Found]) -> int:
    return sum(item.count if isinstance(item, Flagged) else 1 for item in found)


GroupKey = tuple[str, str, str | None, str]  # file, table, column, check


@dataclass(frozen=True)
class Listing:
    """What a report prints: the first LIMIT problems in order (None: all), and how many of each
    kind were found.

    Every check flags its rows in the file's order, so the problems come out in order by merging
    the checks' streams, and each check builds only the problems that are listed.
    """

    found: list[Found]
    counts: Counter[GroupKey]
    limit: int | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @cached_property
    def listed(self) -> list[Problem]:
        streams = [_stream(item) for item in self.found]
        return list(islice(heapq.merge(*streams, key=lambda p: p.sort_key), self.limit))

    @property
    def truncated(self) -> bool:
        return self.total > len(self.listed)

    def first_of_each(self, few: int | None) -> list[Problem]:
        """The first FEW problems of each check (all when FEW is None), in order."""
        return sort(expand(self.found, few))


def listing(found: Iterable[Found], limit: int | None = None) -> Listing:
    found = list(found)
    counts: Counter[GroupKey] = Counter()
    for item in found:
        counts[(item.file or item.table, item.table, item.column, item.check)] += item.count if isinstance(item, Flagged) else 1
    return Listing(found, counts, limit)


def _stream(item: Found) -> Iterator[Problem]:
    if isinstance(item, Problem):
        yield item
        return
    for k in range(item.count):
        yield item.problem(k)


class InvalidPackage(ValueError):
    """The package a caller named is not valid; PROBLEMS lists everything found."""

    def __init__(self, problems: list[Problem]):
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"the data package is not valid ({len(problems)} problems):\n{shown}{more}")
        self.problems = problems


def sort(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.sort_key)


FEW = 5  # problems the text report lists of each group


def as_text(found: Listing | list[Problem]) -> str:
    """Grouped by file, then by column and rule (in the order of their first lines), each group with
    its count, its hint and its first few problems; at most the listing's limit of problems in all."""
    found = _as_listing(found)
    groups: dict[str, dict[tuple[str | None, str], list[Problem]]] = {}
    for problem in found.first_of_each(None if found.limit is None else FEW):
        groups.setdefault(problem.file or problem.table, {}).setdefault((problem.column, problem.check), []).append(problem)
    room = found.limit
    lines: list[str] = []
    for file, by_rule in groups.items():
        lines.append(file)
        for (column, check), problems in by_rule.items():
            total = found.counts[(file, problems[0].table, column, check)]
            lines.append(f"  {column + ' ' if column else ''}[{check}]: {_problems(total)}")
            if check in HINTS:
                lines.append(f"      hint: {HINTS[check]}")
            shown = problems if room is None else problems[: min(FEW, room)]
            lines.extend(f"    {problem}" for problem in shown)
            if room is not None:
                room -= len(shown)
            if total > len(shown):
                lines.append(f"    ... and {total - len(shown):,} more")
    return "\n".join(lines)


def as_json(found: Listing | list[Problem]) -> str:
    """{"valid", "errors": the listed problems, "error_count": all problems, "truncated"}."""
    found = _as_listing(found)
    return json.dumps(
        {
            "valid": not found.total,
            "errors": [p.to_json() for p in found.listed],
            "error_count": found.total,
            "truncated": found.truncated,
        },
        ensure_ascii=False,
        indent=2,
    )


def as_github(found: Listing | list[Problem], columns: dict[str, list[str]]) -> str:
    """GitHub Actions workflow commands, so problems show as annotations on the pull request: one
    for each listed problem, then one with the totals.

    COLUMNS maps each table to its column names, to turn a column name into a column number. Each
    annotation is one line whatever the data holds: no value can end it and start a command of its own.
    """
    found = _as_listing(found)
    lines = []
    for problem in found.listed:
        names = columns.get(problem.table, [])
        props = {"file": problem.file or problem.table}
        if problem.line:
            props["line"] = str(problem.line)
        if problem.column in names:
            props["col"] = str(names.index(problem.column) + 1)
        props["title"] = f"nkl-data {problem.check}"
        text = f"{problem.column + ': ' if problem.column else ''}{problem.message}"
        if problem.value is not None:
            text += f" (value: {problem.value!r})"
        if problem.check in HINTS:
            text += f". Hint: {HINTS[problem.check]}"
        head = ",".join(f"{key}={github_property(value)}" for key, value in props.items())
        lines.append(f"::error {head}::{github_message(text)}")
    if found.total:
        lines.append(f"::error title=nkl-data::{github_message(totals(found))}")
    return "\n".join(lines)


def totals(found: Listing) -> str:
    """One line: how many problems, in which files, and how many of them are listed."""
    files = Counter[str]()
    for (file, *_), number in found.counts.items():
        files[file] += number
    where = ", ".join(f"{file} {number:,}" for file, number in sorted(files.items()))
    shown = f"; the first {len(found.listed):,} are listed (--max-errors 0 lists all)" if found.truncated else ""
    return f"INVALID: {_problems(found.total)} ({where}){shown}"


def _problems(number: int) -> str:
    return f"{number:,} problem{'s' * (number != 1)}"


def _as_listing(found: Listing | list[Problem]) -> Listing:
    return found if isinstance(found, Listing) else listing(found)
