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


@pytest.mark.parametrize("pattern", [r"\S+", r"[\s\S]+", r"[\w\W]+", r".+", r"[^,]+", r"\p{L}+", r"(?s).+", r"[!-~\u200b]+"])
def test_a_pattern_that_fixes_nothing_leaves_the_column_swept(pattern):
    spec = {"name": "c", "constraints": {"pattern": pattern}}
    assert not hygiene._form_is_fixed(spec)
    found = hygiene.cell_problems(parsed(["ok", "in\u200bvisible", "NH\u3164K"], spec), "t.csv", hygiene.free_columns(parsed([], spec)))
    assert [(p.line, p.check) for p in found] == [(3, "invisible-character"), (4, "invisible-character")]


@pytest.mark.parametrize("pattern, fixed", [
    ("[A-Z]{3}", True), ("OP[0-9]+", True), (r"S/AC\.49/[0-9]{4}/[0-9]+", True), ("(?:[a-z]{2}|[A-Z]{3})", True),
    ("UNSCR [0-9]{4}", False),  # a space
    ("[0-9]{4}-[0-9]{2}", False), ("[=a-z]+", False), ("@[a-z]+", False),  # formula characters
    (r"\d{4}", False),  # in Python, \d matches other scripts' digits too
    ("[A-Z]{3}(?=x)", False), ("[[:alpha:]]+", False), ("a{2", False),
])
def test_closed_patterns(pattern, fixed):
    assert hygiene.closed_pattern(pattern) is fixed


@pytest.mark.parametrize("text", ["\u00ad", "\u061c", "\u200d", "\u2028", "\u2029", "\ufe0f", "\U000e0041", "\u3164",
                                  "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\u17b4", "\u180e", "\ufff9"])
def test_invisible_and_blank_looking_characters(text):
    for cells in ([f"a{text}b"], [text]):  # inside a value, and as the whole of a "required" value
        found = hygiene.cell_problems(parsed(cells, {"name": "c", "multiline": True}), "t.csv")
        invisible = [p for p in found if p.check == "invisible-character"]  # a separator alone is also white space
        assert len(invisible) == 1 and f"<U+{ord(text):04X}>" in invisible[0].value, (hex(ord(text)), found)
