"""Read a table's CSV file losslessly, then give its columns the types its schema names.

Lossless means: every cell is read as text, only the empty cell is missing, and "NA" (Namibia),
"null", "None", "NaN" and "007" stay exactly what they are. Types come from the Frictionless field
types in ``schemas/`` and nowhere else. This module does not judge values; ``validate`` does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .package import Table
from .problems import Problem

TEXT = pd.StringDtype()  # missing is pd.NA, never NaN
DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INTEGER_TEXT = r"[+-]?[0-9]{1,18}"  # up to 18 digits: always fits in int64
BOM = b"\xef\xbb\xbf"
csv.field_size_limit(1 << 30)  # a huge cell is judged by the rules, not refused by the parser


@dataclass(frozen=True)
class RawTable:
    """All cells as text, and the physical line on which each record starts."""

    table: Table
    frame: pd.DataFrame
    lines: np.ndarray
    header: list[str]
    problems: list[Problem]  # layout problems that did not stop parsing (BOM, CRLF, blank lines, ...)


class CsvError(Exception):
    """The file cannot be parsed into records; carries the problems found."""

    def __init__(self, problems: list[Problem], header: list[str] | None = None):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems
        self.header = header


def read_raw(table: Table, display_path: str = "") -> RawTable:
    """Parse TABLE's file into text columns; raise CsvError when it is not parseable CSV."""
    file = display_path or str(table.path)
    problem = lambda line, check, message: Problem(table.name, line, None, check, message, None, file)  # noqa: E731
    try:
        data = table.path.read_bytes()
    except FileNotFoundError:
        raise CsvError([problem(None, "missing-file", "the table's file does not exist")]) from None
    layout = layout_problems(data, problem)
    data = data.removeprefix(BOM)
    if not data or data.isspace():
        raise CsvError([*layout, problem(1, "header", "the file is empty; it needs at least the header row")])
    try:
        header = next(csv.reader(physical_lines(_first_record(data).decode("utf-8"))), [])
        names = [f"c{i}" for i in range(len(header))]
        arrow = _parse(data, names)  # Arrow checks that every cell is UTF-8
    except (UnicodeDecodeError, pa.ArrowInvalid) as error:
        not_utf8 = _utf8_error(data)
        if not_utf8 is not None:
            line = data.count(b"\n", 0, not_utf8.start) + 1
            raise CsvError([problem(line, "encoding", f"the file is not UTF-8 (byte {data[not_utf8.start]:#04x} at offset "
                                                      f"{not_utf8.start}); it may have been saved as Windows-1251 or Latin-1")]) from None
        raise CsvError([*layout, *_locate_csv_errors(table, data, file, str(error))], header) from None
    frame = arrow.to_pandas(types_mapper=lambda _: TEXT)
    frame.columns = _unique_names(header)
    lines, blank = record_lines(data, len(frame))
    layout += [problem(line, "blank-line", "blank line") for line in blank]
    return RawTable(table, frame, lines, header, layout)


def _parse(data: bytes, names: list[str], block_size: int = 1 << 20) -> pa.Table:
    """All cells as Arrow strings. Small blocks parse fastest; a record longer than a block (a huge
    cell) needs one block for the whole file."""
    try:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        if "straddl" in str(error) and block_size <= len(data):
            return _parse(data, names, len(data) + 1)
        raise


def layout_problems(data: bytes, problem) -> list[Problem]:
    """The canonical layout: no byte order mark, LF line endings, a final newline."""
    found = []
    if data.startswith(BOM):
        found.append(problem(1, "encoding", "the file starts with a byte order mark (BOM)"))
    crlf = data.find(b"\r\n") if data.find(b"\r") >= 0 else -1  # one-byte search is much faster
    if crlf >= 0:
        count = data.count(b"\r\n")
        found.append(problem(data.count(b"\n", 0, crlf) + 1, "line-ending", f"Windows (CRLF) line endings on {count} lines; use LF"))
    if data and not data.endswith(b"\n"):
        found.append(problem(data.count(b"\n") + 1, "final-newline", "the last line does not end with a newline"))
    return found


def record_lines(data: bytes, records: int) -> tuple[np.ndarray, list[int]]:
    """Physical line on which each data record starts (header is line 1), and the blank lines.

    When no record spans several lines and no line is blank (the usual case) this is a range;
    otherwise the csv module finds where each record starts.
    """
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if newlines == records + 1:
        return np.arange(2, records + 2), []
    starts, blank = [], []
    reader = csv.reader(physical_lines(data.decode("utf-8")))
    previous = 0
    for record in reader:
        (starts if record else blank).append(previous + 1)
        previous = reader.line_num
    return np.asarray(starts[1:], dtype=np.int64), blank


def _utf8_error(data: bytes) -> UnicodeDecodeError | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error
    return None


def _first_record(data: bytes) -> bytes:
    """Enough of the start of the file to hold the header record (which may, in theory, be quoted
    across lines): the first line, extended while its quotes are unbalanced."""
    end = data.find(b"\n")
    while end >= 0 and data.count(b'"', 0, end) % 2:
        end = data.find(b"\n", end + 1)
    return data if end < 0 else data[: end + 1]


def physical_lines(text: str) -> Iterator[str]:
    """The file's lines split at LF only, so that the csv module's line count is ours: a CR on its
    own is a character (and a control character in a cell), not a line break."""
    lines = text.split("\n")
    for line in lines[:-1]:
        yield line + "\n"
    if lines[-1]:
        yield lines[-1]


def typed(raw: RawTable) -> pd.DataFrame:
    """The raw text frame with each column converted to the type its schema field names.

    Cells that do not convert become missing; validation reports them before anyone relies on this.
    """
    return to_types(raw.frame, raw.table)


def to_types(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    columns = {}
    for name in frame.columns:
        spec = _field_or_none(table, name)
        columns[name] = convert(frame[name], spec) if spec else frame[name]
    return pd.DataFrame(columns, index=frame.index)


def loaded_type(spec: dict[str, Any]) -> str:
    """How a schema field is typed once loaded: "integer", "date", "enum" or "text".

    Any other Frictionless type loads as text. Exports follow this too, so a file never claims a
    type the loader does not give.
    """
    declared = spec.get("type", "string")
    if declared in ("integer", "date"):
        return declared
    return "enum" if spec.get("constraints", {}).get("enum") is not None else "text"


def convert(values: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """VALUES (text) as the field's loaded type; text that does not convert becomes missing.

    Integers and dates are converted with Arrow compute kernels: pandas' own parsers cost ten times
    as much on a million rows. A date must also have the shape YYYY-MM-DD and keep its day of the
    month, because strptime alone accepts 2019-1-5 and 2019-02-30 (as 2 March).
    """
    loaded = loaded_type(spec)
    if loaded == "integer":
        text = arrow(values)
        valid = pc.fill_null(pc.match_substring_regex(text, f"^{INTEGER_TEXT}$"), False)
        digits = pc.replace_substring_regex(pc.if_else(valid, text, pa.scalar(None, pa.string())), r"^\+", "")
        return pd.Series(pc.cast(digits, pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=values.index, name=values.name)
    if loaded == "date":
        text = arrow(values)
        shaped = pc.fill_null(pc.match_substring_regex(text, f"^{DATE_TEXT}$"), False)
        text = pc.if_else(shaped, text, pa.scalar(None, pa.string()))
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        day_as_written = pc.cast(pc.utf8_slice_codeunits(text, 8, 10), pa.int64())
        exact = pc.fill_null(pc.equal(pc.day(parsed), day_as_written), False)  # 2019-02-30 parses as 2 March
        dates = pc.if_else(exact, parsed, pa.scalar(None, parsed.type))
        return pd.Series(dates.to_pandas(), index=values.index, name=values.name)
    if loaded == "enum":
        enum = spec["constraints"]["enum"]
        codes = pc.index_in(arrow(values), value_set=pa.array(enum, pa.string()))  # null: missing or not allowed
        codes = pc.fill_null(codes, -1).to_numpy(zero_copy_only=False)
        return pd.Series(pd.Categorical.from_codes(codes, categories=enum), index=values.index, name=values.name)
    return values.astype(TEXT)


def arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a text column (no copy for Arrow-backed columns), for Arrow's
    compute kernels; missing cells are null, an empty string stays empty."""
    return pa.array(values, type=pa.string(), from_pandas=True)


def _field_or_none(table: Table, name: str) -> dict[str, Any] | None:
    return next((f for f in table.fields if f["name"] == name), None)


def _unique_names(header: list[str]) -> list[str]:
    """Header names, with repeats made distinct so the frame can hold them (the header check reports them)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}#{count + 1}")
    return names


def _locate_csv_errors(table: Table, data: bytes, file: str, arrow_message: str) -> list[Problem]:
    """Re-read with the csv module to name the line of each malformed record."""
    problems = []
    reader = csv.reader(physical_lines(data.decode("utf-8")), strict=True)
    width = None
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if width is None:
                width = len(record)
            elif len(record) != width:
                problems.append(Problem(table.name, start, None, "malformed-csv",
                                        f"the record has {len(record)} fields; the header has {width}", None, file))
    except csv.Error as error:
        problems.append(Problem(table.name, previous + 1, None, "malformed-csv", f"the file is not valid CSV: {error}", None, file))
    if not problems:
        problems.append(Problem(table.name, None, None, "malformed-csv", f"the file is not valid CSV: {arrow_message}", None, file))
    return problems
