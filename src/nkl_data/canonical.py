"""The canonical form of a table's CSV file, and rewriting files into it.

Canonical: UTF-8 without BOM, LF line endings, minimal RFC 4180 quoting, Unicode NFC, rows sorted
by the primary key, a final newline. Nothing else changes: cell text, column order and the header
stay as they are, so formatting then validating a valid file changes no byte.

A cell never changes what it holds. A carriage return inside a cell stays, quoted (validation
reports it), because Python's csv writer would write it bare and so split the record on the next
read. The one exception is a file whose every line ends CRLF: an editor saved it so, line breaks
inside quoted cells included, and all of them become LF together.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .package import Table
from .parse import BOM


class NotCsv(ValueError):
    """The file cannot be parsed safely; formatting it could lose data."""


@dataclass(frozen=True)
class Result:
    table: str
    path: Path
    changed: bool


def canonical(text: str, table: Table) -> str:
    """TEXT (a whole CSV file) in canonical form."""
    try:
        records = list(csv.reader(io.StringIO(text.removeprefix(BOM.decode("utf-8")), newline=""), strict=True))
    except csv.Error as error:
        raise NotCsv(f"not valid CSV: {error}") from None
    records = [r for r in records if r]  # blank lines
    if not records:
        raise NotCsv("the file is empty")
    header, rows = records[0], records[1:]
    if any(len(row) != len(header) for row in rows):
        raise NotCsv("some records do not have one field per column; fix them first (nkl-data validate says where)")
    saved_as_crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    rows = [[_nfc(cell.replace("\r\n", "\n") if saved_as_crlf else cell) for cell in row] for row in rows]
    positions = [header.index(name) for name in table.primary_key if name in header]
    rows.sort(key=lambda row: [row[i] for i in positions])
    return "".join(_record(row) for row in [[_nfc(name) for name in header], *rows])


def _record(cells: list[str]) -> str:
    """One CSV record with minimal quoting: a cell is quoted when it holds a comma, a quote, a line
    feed or a carriage return (Python's csv writer leaves the last bare)."""
    quoted = ['"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell for cell in cells]
    if quoted == [""]:
        quoted = ['""']  # a record of one empty cell, told apart from a blank line
    return ",".join(quoted) + "\n"


def format_table(table: Table, check: bool = False) -> Result:
    """Rewrite TABLE's file canonically (or with CHECK, only say whether it would change)."""
    data = table.path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotCsv("not UTF-8; re-save it as UTF-8 first (nkl-data does not guess encodings)") from None
    formatted = canonical(text, table)
    changed = formatted.encode("utf-8") != data
    if changed and not check:
        table.path.write_bytes(formatted.encode("utf-8"))
    return Result(table.name, table.path, changed)


def _nfc(cell: str) -> str:
    return unicodedata.normalize("NFC", cell)


def to_csv_text(frame: pd.DataFrame, table: Table) -> str:
    """A typed table (as ``nkl_data.load`` returns it) written back as canonical CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(frame.columns))
    kinds = {f["name"]: f.get("type", "string") for f in table.fields}
    columns = [_as_text(frame[name], kinds.get(name, "string")) for name in frame.columns]
    writer.writerows(zip(*columns))
    return canonical(out.getvalue(), table)


def _as_text(values: pd.Series, kind: str) -> list[str]:
    if kind == "date":
        return [v.strftime("%Y-%m-%d") if not pd.isna(v) else "" for v in values]
    return ["" if pd.isna(v) else str(v) for v in values]
