"""Cell hygiene: the byte-level screen finds what the regex path finds,
and the one-pass search for suspect cells finds what checking every cell finds."""

import unicodedata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from nkl_data import hygiene
from nkl_data.package import Table
from nkl_data.parse import STRING, ParsedTable
from nkl_data.problems import expand

ASCII = ["plain", " leading", "trailing ", "=SUM(A1)", "+1", "-3", "@home", "a-b", "in = out", "x", None, " ", "~"]


def parsed(cells, spec):
    table = Table("t", Path("t.csv"), {"fields": [spec]})
    chunks = [cells[: len(cells) // 2], cells[len(cells) // 2 :]]
    return ParsedTable(table, pa.table({"c": pa.chunked_array(chunks, STRING)}), list(range(2, len(cells) + 2)), ["c"], [])


@pytest.mark.parametrize("spec", [{"name": "c"}, {"name": "c", "multiline": True}, {"name": "c", "type": "number"}])
@pytest.mark.parametrize("cells", [ASCII, ASCII + ["Пхеньян", "북한 노동자", "«кавычки»", "two\nlines", " 앞", "뒤\u00a0"]])
def test_both_paths_find_the_same_problems(spec, cells, monkeypatch):
    assert hygiene._screen(parsed(cells, spec).cells.column("c")) is not None  # the byte-level screen
    fast = expand(hygiene.cell_problems(parsed(cells, spec), "t.csv"))
    assert fast
    monkeypatch.setattr(hygiene, "_screen", lambda cells: None)  # the regex path
    assert fast == expand(hygiene.cell_problems(parsed(cells, spec), "t.csv"))


@pytest.mark.parametrize("multiline", [False, True])
def test_the_screen_lets_no_character_through_that_the_regex_path_flags(multiline):
    """Every code point, alone, at a cell's start, in its middle and at its end: the byte-level
    screen and the regular expressions find the same problems."""
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = pa.chunked_array([[chr(c) for c in points], [f"a{chr(c)}b" for c in points], [f"ab{chr(c)}" for c in points]], STRING)
    screened = hygiene._screened(cells, True, multiline)
    matched = hygiene._matched(cells, True, multiline)
    assert screened.keys() == matched.keys()
    for check in screened:
        differ = np.flatnonzero(screened[check] != matched[check])
        assert [f"U+{points[i % len(points)]:04X}" for i in differ[:5]] == [], check
    assert 0 < screened["invisible-character"].sum() and 0 < screened["unicode-nfc"].sum()


def test_what_printable_ascii_cells_can_get_wrong():
    found = expand(hygiene.cell_problems(parsed(["ok", " lead", "trail ", "=1", "-1", "a=b", None], {"name": "c"}), "t.csv"))
    assert [(p.line, p.check) for p in found] == [(3, "whitespace"), (4, "whitespace"), (5, "formula"), (6, "formula")]


@pytest.mark.parametrize("pattern", [r"\S+", r"[\s\S]+", r"[\w\W]+", r".+", r"[^,]+", r"\p{L}+", r"(?s).+", r"[!-~\u200b]+"])
def test_a_pattern_that_fixes_nothing_leaves_the_column_swept(pattern):
    spec = {"name": "c", "constraints": {"pattern": pattern}}
    assert not hygiene._form_is_fixed(spec)
    found = expand(
        hygiene.cell_problems(
            parsed(["ok", "in\u200bvisible", "NH\u3164K"], spec), "t.csv", hygiene.free_columns(parsed([], spec))
        )
    )
    assert [(p.line, p.check) for p in found] == [(3, "invisible-character"), (4, "invisible-character")]


@pytest.mark.parametrize(
    "pattern, fixed",
    [
        ("[A-Z]{3}", True),
        ("OP[0-9]+", True),
        (r"S/AC\.49/[0-9]{4}/[0-9]+", True),
        ("(?:[a-z]{2}|[A-Z]{3})", True),
        ("UNSCR [0-9]{4}", False),  # a space
        ("[0-9]{4}-[0-9]{2}", False),
        ("[=a-z]+", False),
        ("@[a-z]+", False),  # formula characters
        (r"\d{4}", False),  # in Python, \d matches other scripts' digits too
        ("[A-Z]{3}(?=x)", False),
        ("[[:alpha:]]+", False),
        ("a{2", False),
    ],
)
def test_closed_patterns(pattern, fixed):
    assert hygiene.closed_pattern(pattern) is fixed


@pytest.mark.parametrize(
    "text",
    [
        "\u00ad",
        "\u061c",
        "\u200d",
        "\u2028",
        "\u2029",
        "\ufe0f",
        "\U000e0041",
        "\u3164",
        "\u115f",
        "\u1160",
        "\uffa0",
        "\u2800",
        "\u034f",
        "\u17b4",
        "\u180e",
        "\ufff9",
    ],
)
def test_invisible_and_blank_looking_characters(text):
    for cells in ([f"a{text}b"], [text]):  # inside a value, and as the whole of a "required" value
        found = expand(hygiene.cell_problems(parsed(cells, {"name": "c", "multiline": True}), "t.csv"))
        invisible = [p for p in found if p.check == "invisible-character"]  # a separator alone is also white space
        assert len(invisible) == 1 and f"<U+{ord(text):04X}>" in invisible[0].value, (hex(ord(text)), found)


MIXED = [
    "plain",
    "북한 노동자 200여명",
    "Владивосток",
    "153人のうち55人",
    " lead",
    "trail\u3000",
    "tab\there",
    "zero\u200bwidth",
    "e\u0301",
    "\u212b",
    "Sinu\u0306iju",
    "\u1100\u1161",
    "already NFC: \u00e9",
    "Ἀθῆναι",
    "two\nlines",
    "=SUM(A1)",
    "-5",
    "\u0301 starts with a mark",
    "\u00a0",
    None,
    "",
    "x\u0085",
    "\u202eevil",
]


@pytest.mark.parametrize("multiline", [False, True])
def test_the_suspect_pass_finds_what_every_check_on_every_cell_finds(multiline):
    cells = pa.chunked_array([MIXED[:9], MIXED[9:]], STRING)
    everywhere = {
        "whitespace": pc.match_substring_regex(cells, hygiene.AT_THE_ENDS),
        "unicode-nfc": pc.not_equal(pc.utf8_normalize(cells, "NFC"), cells),
        "control-character": pc.match_substring_regex(cells, hygiene.CONTROL),
        "invisible-character": pc.match_substring_regex(cells, hygiene.INVISIBLE),
        "formula": pc.match_substring_regex(cells, hygiene.FORMULA),
        **({} if multiline else {"line-break": pc.match_substring(cells, "\n")}),
    }
    slow = {
        check: np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False)).tolist()
        for check, bad in everywhere.items()
    }
    fast = {check: np.flatnonzero(bad).tolist() for check, bad in hygiene._matched(cells, True, multiline).items()}
    assert fast == slow
    assert slow["unicode-nfc"] == [8, 9, 10, 11]


def test_text_without_a_maybe_not_nfc_character_is_nfc():
    """MAYBE_NOT_NFC holds every character that can make text other than NFC (by Python's tables):
    those NFC changes on their own, those with a combining class, and those NFC composes with a
    character before them (the second of a canonical decomposition, Hangul vowels and finals)."""
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    seconds = {chr(0x1161 + v) for v in range(21)} | {chr(0x11A8 + t) for t in range(27)}
    for c in characters:
        parts = unicodedata.decomposition(c).split()
        if len(parts) > 1 and not parts[0].startswith("<"):
            seconds.update(chr(int(part, 16)) for part in parts[1:])
    needed = [c for c in characters if unicodedata.combining(c) or unicodedata.normalize("NFC", c) != c or c in seconds]
    matched = pc.match_substring_regex(pa.array(needed, STRING), hygiene.MAYBE_NOT_NFC).to_numpy(zero_copy_only=False)
    assert [f"U+{ord(c):04X}" for c, hit in zip(needed, matched) if not hit] == []


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a\u200bb",
        "x" * 199 + "\u200b",
        "x" * 200,
        "x" * 201,
        "\u200b" * 30 + "y" * 5000,
        "y" * 5000 + "\t",
        "two\nlines",
    ],
)
def test_a_shown_value_is_the_start_of_the_whole_value_made_visible(value):
    """Only the characters shown are looked at; what is shown is what making the whole value visible would start with."""
    whole = "".join(
        f"<U+{ord(c):04X}>" if c != "\n" and (unicodedata.category(c) == "Cc" or hygiene.is_invisible(c)) else c for c in value
    )
    expected = whole if len(whole) <= 200 else whole[:200] + f"... ({len(value)} characters)"
    assert hygiene._show(value) == expected


def test_taking_cells_chunk_by_chunk_gives_what_arrow_take_gives():
    chunks = [["a", "b"], [], ["c"], [], [], ["d", None, "f"], []]
    cells = pa.chunked_array(chunks, STRING)
    for rows in ([0], [2], [3, 4], [0, 1, 2, 3, 4, 5], [5]):
        assert hygiene._take(cells, np.array(rows)).to_pylist() == cells.take(rows).to_pylist()
