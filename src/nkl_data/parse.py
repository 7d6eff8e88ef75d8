"""Parse a table's CSV file into Arrow text columns, losslessly, and find its layout problems.

Lossless means: every cell is read as text, only the empty cell is missing, and "NA" (Namibia),
"null", "None", "NaN" and "007" stay exactly what they are. This module judges the file's layout
(encoding, line endings, records), not its values. It needs only pyarrow and numpy, so that
validation can start parsing while pandas and pandera are still being imported.
"""

from __future__ import annotations

import csv
import mmap
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .package import Table
from .problems import Found, Problem, count, expand, flag

BOM = b"\xef\xbb\xbf"
STRING = pa.large_string()  # every cell's Arrow type: 64-bit offsets, the layout pandas keeps, so no cast later
BLANK = re.compile(rb"\s*")  # ASCII white space, as bytes.isspace() has it
csv.field_size_limit(1 << 30)  # a huge cell is judged by the rules, not refused by the parser

# A file is mapped, not copied into memory: on a large file the copy costs as much as a third of
# the parse. Only operations that bytes and mmap share are used on it (slicing, find, re, buffers).
Contents = bytes | mmap.mmap


class Lines:
    """The physical line on which each record starts, worked out when first asked for. Only a
    problem's place needs it, so a file without problems never pays for the scan of every cell
    for line breaks that a file with multi-line values needs."""

    def __init__(self, records: int, compute: Callable[[], np.ndarray]):
        self._records, self._compute, self._lines = records, compute, None
        self._lock = threading.Lock()  # the worker and the main thread may both ask

    @property
    def array(self) -> np.ndarray:
        with self._lock:
            if self._lines is None:
                self._lines = self._compute()
            return self._lines

    def __getitem__(self, index):
        return self.array[index]

    def __len__(self) -> int:
        return self._records

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return np.asarray(self.array, dtype=dtype)


@dataclass(frozen=True)
class ParsedTable:
    """All cells as Arrow text, and the physical line on which each record starts."""

    table: Table
    cells: pa.Table  # one string column per header name; repeated names are made distinct
    lines: np.ndarray | Lines
    header: list[str]
    problems: list[Found]  # layout problems that did not stop parsing (BOM, CRLF, blank lines, ...)

    @property
    def columns(self) -> list[str]:
        return self.cells.column_names


class CsvError(Exception):
    """The file cannot be parsed into records; carries the problems found."""

    def __init__(self, problems: list[Found], header: list[str] | None = None):
        shown = expand(problems, 3)[:3]
        more = count(problems) - len(shown)
        super().__init__("; ".join(map(str, shown)) + (f"; and {more:,} more" if more > 0 else ""))
        self.problems = problems
        self.header = header


def parse(table: Table, display_path: str = "", schema_columns: bool = False) -> ParsedTable:
    """Parse TABLE's file into text columns; raise CsvError when it is not parseable CSV.

    With SCHEMA_COLUMNS, only the columns the schema names are kept (the first of each name); the
    header, which the header check judges, keeps them all. Arrow's reader takes time quadratic in
    the number of columns it converts: ten thousand (a spreadsheet's empty columns) took seconds.
    """
    file = display_path or str(table.path)
    problem = lambda line, check, message: Problem(table.name, line, None, check, message, None, file)  # noqa: E731
    try:
        data = _contents(table.path)
    except FileNotFoundError:
        raise CsvError([problem(None, "missing-file", "the table's file does not exist")]) from None
    except IsADirectoryError:
        raise CsvError([problem(None, "missing-file", "the table's path is a folder, not a CSV file")]) from None
    except OSError as error:
        raise CsvError([problem(None, "missing-file", f"the table's file cannot be read ({error.strerror or error})")]) from None
    returns = data.find(b"\r") >= 0  # one fast search, its answer used thrice
    layout = layout_problems(data, problem, returns)
    lone = lone_carriage_returns(data) if returns else np.empty(0, np.int64)
    if len(lone):
        # Arrow and the csv module would each split such a file into different records: stop here
        raise CsvError(
            [
                *layout,
                problem(
                    count_newlines(data[: lone[0]]) + 1,
                    "line-ending",
                    f"a carriage return (CR) alone ends a line, outside quotes ({len(lone)} "
                    f"time{'s' * (len(lone) != 1)}, first here); lines must end with LF",
                ),
            ]
        )
    start = len(BOM) if data[: len(BOM)] == BOM else 0
    if BLANK.fullmatch(data, start):
        raise CsvError([*layout, problem(1, "header", "the file is empty; it needs at least the header row")])
    try:
        header = next(csv.reader(physical_lines(_first_record(data, start).decode("utf-8"))), [])
        names = [f"c{i}" for i in range(len(header))]
        kept = _schema_columns(table, header) if schema_columns else None
        # Arrow checks that every cell is UTF-8. Without a quote character no value can hold a
        # line break, and Arrow can then split the file at any line without scanning for quotes.
        include = None if kept is None else [names[i] for i in kept]
        cells = _parse(pa.py_buffer(data)[start:], names, quoted=data.find(b'"') >= 0, include=include)
    except (UnicodeDecodeError, pa.ArrowInvalid) as error:
        not_utf8 = _utf8_error(data)
        if not_utf8 is not None:
            line = count_newlines(data[: not_utf8.start]) + 1
            raise CsvError(
                [
                    problem(
                        line,
                        "encoding",
                        f"the file is not UTF-8 (byte {data[not_utf8.start]:#04x} at offset "
                        f"{not_utf8.start}); it may have been saved as Windows-1251 or Latin-1",
                    )
                ]
            ) from None
        raise CsvError([*layout, *_locate_csv_errors(table, data, file, str(error))], header) from None
    cells = cells.rename_columns(_unique_names(header) if kept is None else [header[i] for i in kept])
    lines, blank = record_lines(data, cells, returns, table.path, complete=kept is None)
    if blank:
        layout.append(flag(table.name, file, None, "blank-line", range(len(blank)), np.asarray(blank), "blank line"))
    return ParsedTable(table, cells, lines, header, layout)


def header_problem(table: Table, header: list[str], file: str) -> Problem:
    """What is wrong with HEADER, against the schema's column names.

    A header may have thousands of names (a spreadsheet's empty columns): each is counted once,
    and each list in the message names the first few.
    """
    expected, present, counts = table.field_names, set(header), Counter(header)
    known = set(expected)
    missing = [n for n in expected if n not in present]
    extra = [n for n in header if n not in known]
    repeated = sorted(n for n, count in counts.items() if count > 1)
    parts = []
    if missing:
        parts.append("missing " + _some(missing))
    if extra:
        parts.append("unexpected " + _some([repr(n) for n in extra]))
    if repeated:
        parts.append("repeated " + _some(repeated))
    if not parts:
        parts.append("columns out of order")
    written = ",".join(header)
    shown = written if len(written) <= 200 else f"{written[:200]}... ({len(header):,} columns)"
    return Problem(table.name, 1, None, "header", "; ".join(parts) + f"; expected: {','.join(expected)}", shown, file)


def _some(names: list[str], few: int = 20) -> str:
    return ", ".join(names[:few]) + (f", ... ({len(names):,} in all)" if len(names) > few else "")


def _contents(path) -> Contents:
    with open(path, "rb") as file:
        try:
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # an empty file, or one that cannot be mapped, is read
            return file.read()


def _schema_columns(table: Table, header: list[str]) -> list[int] | None:
    """The positions of the first column of each name the schema knows, when the header has others; else None."""
    first: dict[str, int] = {}
    for position, name in enumerate(header):
        first.setdefault(name, position)
    known = set(table.field_names)
    kept = sorted(position for name, position in first.items() if name in known)
    return None if len(kept) == len(header) else kept


def _parse(
    data: pa.Buffer, names: list[str], quoted: bool = True, block_size: int = 4 << 20, include: list[str] | None = None
) -> pa.Table:
    """All cells (of the columns INCLUDE names, when given) as Arrow strings. Blocks of 4 MB
    parse about as fast as smaller ones and leave a quarter of the chunks for the checks to loop
    over; a record longer than a block (a huge cell) needs one block for the whole file."""
    converted = names if include is None else include
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size),
            parse_options=pacsv.ParseOptions(newlines_in_values=quoted),
            convert_options=pacsv.ConvertOptions(
                column_types={name: STRING for name in converted},
                include_columns=include,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        if "straddl" in str(error) and block_size <= data.size:
            return _parse(data, names, quoted, data.size + 1, include)
        raise


def layout_problems(data: Contents, problem, returns: bool) -> list[Problem]:
    """The canonical layout: no byte order mark, LF line endings, a final newline. RETURNS False
    says the file holds no carriage return."""
    found = []
    if data[: len(BOM)] == BOM:
        found.append(problem(1, "encoding", "the file starts with a byte order mark (BOM)"))
    crlf = data.find(b"\r\n") if returns else -1
    if crlf >= 0:
        count = bytes(data).count(b"\r\n")
        found.append(
            problem(count_newlines(data[:crlf]) + 1, "line-ending", f"Windows (CRLF) line endings on {count} lines; use LF")
        )
    if len(data) and data[-1:] != b"\n":
        found.append(problem(count_newlines(data) + 1, "final-newline", "the last line does not end with a newline"))
    return found


def lone_carriage_returns(data: Contents) -> np.ndarray:
    """Offsets of each CR that is neither part of a CRLF nor inside a quoted value: a line ending
    only old Macs and broken exports write. A CR inside quotes is a character of a cell, which the
    hygiene checks report."""
    view = np.frombuffer(data, dtype=np.uint8)
    returns = np.flatnonzero(view == 13)
    following = np.append(view, 0)[returns + 1]
    returns = returns[following != 10]
    quotes = np.flatnonzero(view == 34)
    outside = np.searchsorted(quotes, returns) % 2 == 0  # an even number of quotes before it
    return returns[outside]


def count_newlines(data: Contents | bytes) -> int:
    """The number of LF bytes."""
    return _newlines(data)[0]


def _newlines(data: Contents | bytes) -> tuple[int, bool]:
    """The number of LF bytes, and whether two of them are adjacent (a blank line, unless inside
    quotes), counted slice by slice in one small buffer rather than in a mask as large as the file;
    ``find(b"\\n\\n")`` on a file of a million lines takes several times longer."""
    view = np.frombuffer(data, dtype=np.uint8) if len(data) else np.empty(0, np.uint8)
    step = 1 << 20
    found = np.empty(min(step, len(view)), dtype=bool)
    count, adjacent, last = 0, False, False  # LAST: the previous slice ended with a LF
    for start in range(0, len(view), step):
        part = np.equal(view[start : start + step], 10, out=found[: min(step, len(view) - start)])
        count += int(np.count_nonzero(part))
        adjacent = adjacent or (last and bool(part[0])) or bool(np.any(part[1:] & part[:-1]))
        last = bool(part[-1])
    return count, adjacent


def record_lines(
    data: Contents, cells: pa.Table, returns: bool | None = None, path: Path | None = None, complete: bool = True
) -> tuple[np.ndarray | Lines, list[int]]:
    """Physical line on which each data record of CELLS starts (header is line 1), and the blank lines.

    When no record spans several lines and no line is blank (the usual case) this is a range. When
    some values hold line breaks, each record spans one line more per line break in its values,
    which Arrow counts; the total must then account for every line of the file. Otherwise (blank
    lines, carriage returns, which Arrow also takes for line ends) the csv module reads the file.
    RETURNS says whether the file holds a carriage return (None: search it); COMPLETE False, that
    CELLS lack some of its columns, whose line breaks they then cannot count.

    For the file at PATH, without carriage returns or blank lines, the count of line breaks, which
    scans every cell, is left until a problem's line is asked for (``Lines``).
    """
    records = cells.num_rows
    newlines, adjacent = _newlines(data)
    newlines += 0 if data[-1:] == b"\n" else 1
    if newlines == records + 1:
        return np.arange(2, records + 2), []
    if not (data.find(b"\r") >= 0 if returns is None else returns):
        header = _first_record(data).count(b"\n") or 1
        blank_first = data[:1] == b"\n" or data[: len(BOM) + 1] == BOM + b"\n"
        if path is not None and complete and not adjacent and not blank_first:  # no blank line anywhere

            def lines() -> np.ndarray:
                found = _lines_from_line_breaks(cells, header, newlines)
                if found is None:  # a file Arrow read otherwise than expected: read again, by the csv module
                    found, _ = _lines_read_by_csv(_contents(path))
                return found

            return Lines(records, lines), []
        found = _lines_from_line_breaks(cells, header, newlines)
        if found is not None:
            return found, []
    return _lines_read_by_csv(data)


def _lines_from_line_breaks(cells: pa.Table, header: int, newlines: int) -> np.ndarray | None:
    """Each record's first line from the line breaks in its values; None when they do not add up."""
    extra = _line_breaks_per_record(cells)
    if header + cells.num_rows + int(extra.sum()) != newlines:
        return None
    before = np.cumsum(extra) - extra  # line breaks in the values of the records above
    return header + 1 + np.arange(cells.num_rows, dtype=np.int64) + before


def _lines_read_by_csv(data: Contents) -> tuple[np.ndarray, list[int]]:
    starts, blank = [], []
    reader = csv.reader(physical_lines(str(data, "utf-8")))
    previous = 0
    for record in reader:
        (starts if record else blank).append(previous + 1)
        previous = reader.line_num
    return np.asarray(starts[1:], dtype=np.int64), blank


def _line_breaks_per_record(cells: pa.Table) -> np.ndarray:
    """The line feeds in each record's values, found in the cells' bytes (a scan of the bytes
    costs a fraction of a string kernel's pass over a million cells)."""
    total = np.zeros(cells.num_rows, dtype=np.int64)
    for column in cells.columns:
        first = 0  # the row of the chunk's first cell
        for chunk in column.chunks:
            _, offsets_buffer, data_buffer = chunk.buffers()  # large strings: 64-bit offsets
            if data_buffer is not None and len(chunk):
                offsets = np.frombuffer(offsets_buffer, np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
                feeds = np.flatnonzero(np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]] == 10) + offsets[0]
                np.add.at(total, first + np.searchsorted(offsets, feeds, side="right") - 1, 1)
            first += len(chunk)
    return total


def _utf8_error(data: Contents) -> UnicodeDecodeError | None:
    try:
        str(data, "utf-8")
    except UnicodeDecodeError as error:
        return error
    return None


def _first_record(data: Contents, start: int = 0) -> bytes:
    """Enough of the start of the file to hold the header record (which may, in theory, be quoted
    across lines): the first line, extended while its quotes are unbalanced."""
    end = data.find(b"\n", start)
    while end >= 0 and data[start:end].count(b'"') % 2:
        end = data.find(b"\n", end + 1)
    return data[start:] if end < 0 else data[start : end + 1]


def physical_lines(text: str) -> Iterator[str]:
    """The file's lines split at LF only, so that the csv module's line count is ours: a CR on its
    own is a character (and a control character in a cell), not a line break."""
    lines = text.split("\n")
    for line in lines[:-1]:
        yield line + "\n"
    if lines[-1]:
        yield lines[-1]


def _unique_names(header: list[str]) -> list[str]:
    """Header names, with repeats made distinct so the table can hold them (the header check reports them)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}#{count + 1}")
    return names


def _locate_csv_errors(table: Table, data: Contents, file: str, arrow_message: str) -> list[Found]:
    """Re-read with the csv module to name the line of each malformed record."""
    problems: list[Found] = []
    reader = csv.reader(physical_lines(str(data, "utf-8")), strict=True)
    width = None
    previous = 0
    starts, widths = [], []  # of the records whose width is not the header's: a shifted column shifts every row
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if width is None:
                width = len(record)
            elif len(record) != width:
                starts.append(start)
                widths.append(len(record))
    except csv.Error as error:
        problems.append(
            Problem(table.name, previous + 1, None, "malformed-csv", f"the file is not valid CSV: {error}", None, file)
        )
    if starts:
        problems.insert(
            0,
            flag(
                table.name,
                file,
                None,
                "malformed-csv",
                range(len(starts)),
                np.asarray(starts),
                lambda k: f"the record has {widths[k]} fields; the header has {width}",
            ),
        )
    if not problems:
        problems.append(
            Problem(table.name, None, None, "malformed-csv", f"the file is not valid CSV: {arrow_message}", None, file)
        )
    return problems
