"""Cell hygiene: the byte-level path for printable-ASCII columns finds what the regex path finds."""

from pathlib import Path

import pyarrow as pa
import pytest

from nkl_data import hygiene
from nkl_data.package import Table
from nkl_data.parse import STRING, ParsedTable

ASCII = ["plain", " leading", "trailing ", "=SUM(A1)", "+1", "-3", "@home", "a-b", "in = out", "x", None, " ", "~"]


def parsed(cells, spec):
    table = Table("t", Path("t.csv"), {"fields": [spec]})
    chunks = [cells[: len(cells) // 2], cells[len(cells) // 2:]]
    return ParsedTable(table, pa.table({"c": pa.chunked_array(chunks, STRING)}), list(range(2, len(cells) + 2)), ["c"], [])


@pytest.mark.parametrize("spec", [{"name": "c"}, {"name": "c", "multiline": True}, {"name": "c", "type": "number"}])
def test_both_paths_find_the_same_problems(spec, monkeypatch):
    assert hygiene._printable_ascii_ends(parsed(ASCII, spec).cells.column("c")) is not None  # the byte-level path
    fast = hygiene.cell_problems(parsed(ASCII, spec), "t.csv")
    assert fast
    monkeypatch.setattr(hygiene, "_printable_ascii_ends", lambda cells: None)  # the regex path
    assert fast == hygiene.cell_problems(parsed(ASCII, spec), "t.csv")


def test_what_printable_ascii_cells_can_get_wrong():
    found = hygiene.cell_problems(parsed(["ok", " lead", "trail ", "=1", "-1", "a=b", None], {"name": "c"}), "t.csv")
    assert [(p.line, p.check) for p in found] == [(3, "whitespace"), (4, "whitespace"), (5, "formula"), (6, "formula")]
