"""Cell hygiene and safety: what a schema cannot see but a contributor's spreadsheet can introduce.

Text cells must not carry white space at their ends, control characters, non-NFC Unicode,
invisible or direction-changing characters (which make a cell read differently from what it
holds), or a leading character that a spreadsheet would run as a formula. A line feed is allowed
only in fields the schema marks ``"multiline": true`` (summaries, descriptions, notes).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .problems import Flagged, flag, shown
from .parse import STRING, ParsedTable

# Patterns in RE2 syntax, for Arrow's regex kernels.
# C0 controls and DEL, except the line feed (judged by "multiline"), and C1 controls.
CONTROL = r"[\x00-\x09\x0b-\x1f\x{7f}-\x{9f}]"
# zero-width characters, bidirectional marks, embeddings, overrides and isolates, word joiners, BOM
INVISIBLE = r"[\x{ad}\x{180e}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{feff}]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula
FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_START) + "]"
# exactly the characters Arrow's utf8_trim_whitespace removes
WHITESPACE = r"[\s\pZ\x{85}\x{0b}\x{1c}-\x{1f}]"
AT_THE_ENDS = f"^{WHITESPACE}|{WHITESPACE}$"
# Every character that can make text other than NFC, and more: combining marks, conjoining Hangul
# jamo, and the blocks holding the characters NFC replaces (singletons such as U+212B ANGSTROM
# SIGN, composition exclusions). Text without any of them is NFC; the tests hold this to Python's
# Unicode tables. Precomposed text (Hangul syllables, kana, accented Latin, Cyrillic) has none.
MAYBE_NOT_NFC = (r"[\pM\x{300}-\x{3ff}\x{900}-\x{dff}\x{f00}-\x{fff}\x{1100}-\x{11ff}\x{1f00}-\x{1fff}\x{2000}\x{2001}"
                 r"\x{2126}\x{212a}\x{212b}\x{2329}\x{232a}\x{2adc}\x{f900}-\x{faff}\x{fb1d}-\x{fb4f}\x{1d100}-\x{1d1ff}"
                 r"\x{2f800}-\x{2fa1f}]")


def free_columns(parsed: ParsedTable) -> list[str]:
    """The columns that need hygiene checks whatever the schema checks find.

    A column whose schema fixes its form (an enum, an integer or date type, a closed pattern)
    cannot carry a hidden character unnoticed: the schema check rejects the cell. Such a column
    needs checking here only when it failed a schema check, for the more helpful message.
    """
    specs = parsed.table.specs
    return [c for c in parsed.columns if c in specs and not _form_is_fixed(specs[c])]


MESSAGES = {
    "whitespace": "leading or trailing white space",
    "unicode-nfc": "text is not in Unicode NFC form",
    "control-character": "contains a control character (tab, carriage return, ...)",
    "invisible-character": "contains an invisible or direction-changing character",
    "line-break": "a line break is only allowed in summaries, descriptions and notes",
    "formula": "starts with a character a spreadsheet would run as a formula (= + - @)",
}


def cell_problems(parsed: ParsedTable, file: str, columns: list[str] | None = None) -> list[Flagged]:
    """Hygiene problems in PARSED's cells (in COLUMNS only, when given), each check's rows flagged at once."""
    problems = []
    specs = parsed.table.specs
    for column in parsed.columns if columns is None else columns:
        spec = specs.get(column)
        if spec is None:
            continue
        cells = parsed.cells.column(column)
        if cells.null_count == len(cells):
            continue
        formula = spec.get("type", "string") == "string"
        ends = _printable_ascii_ends(cells)
        if ends is not None:
            # printable ASCII has no control, invisible or non-NFC character and no line break;
            # its only white space is the space
            first, last = ends
            found = [("whitespace", (first == ord(" ")) | (last == ord(" ")))]
            if formula:
                found.append(("formula", np.isin(first, [ord(c) for c in FORMULA_START])))
        else:
            found = _matched(cells, formula, bool(spec.get("multiline")))
        for check, bad in found:
            problems.append(flag(parsed.table.name, file, column, check, np.flatnonzero(bad), parsed.lines, MESSAGES[check],
                                 lambda row, cells=cells: shown(cells[row].as_py())))
    return problems


def _matched(cells: pa.ChunkedArray, formula: bool, multiline: bool) -> list[tuple[str, np.ndarray]]:
    """Each check's failing cells, found with Arrow's regular expressions.

    One pass of one expression finds the cells that could fail any check (in valid data, none);
    the precise checks, NFC normalisation the costliest, then run on those cells alone.
    """
    others = [*([] if multiline else ["\n"]), *([FORMULA] if formula else [])]
    suspect = pc.match_substring_regex(cells, "|".join([AT_THE_ENDS, CONTROL, INVISIBLE, MAYBE_NOT_NFC, *others]))
    rows = np.flatnonzero(pc.fill_null(suspect, False).to_numpy(zero_copy_only=False))
    if not len(rows):
        return []
    some = cells.take(rows)
    checks = {
        "whitespace": pc.match_substring_regex(some, AT_THE_ENDS),
        "unicode-nfc": pc.not_equal(pc.utf8_normalize(some, "NFC"), some),
        "control-character": pc.match_substring_regex(some, CONTROL),
        "invisible-character": pc.match_substring_regex(some, INVISIBLE),
    }
    if not multiline:
        checks["line-break"] = pc.match_substring(some, "\n")
    if formula:
        checks["formula"] = pc.match_substring_regex(some, FORMULA)
    found = []
    for check, bad in checks.items():
        everywhere = np.zeros(len(cells), dtype=bool)
        everywhere[rows[pc.fill_null(bad, False).to_numpy(zero_copy_only=False)]] = True
        found.append((check, everywhere))
    return found


def _printable_ascii_ends(cells: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray] | None:
    """The first and last byte of each cell (0 where missing) when every cell is printable ASCII,
    as ids and names usually are; None otherwise. Read straight from the Arrow buffers: a minimum
    and a maximum over the bytes cost far less than regular expressions over the cells."""
    if cells.type != STRING:  # the offsets below are read as 64-bit
        return None
    firsts, lasts = [], []
    for chunk in cells.chunks:
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int64)[chunk.offset: chunk.offset + len(chunk) + 1]
        body = np.frombuffer(data_buffer, np.uint8)[offsets[0]:offsets[-1]] if len(chunk) and data_buffer else np.empty(0, np.uint8)
        if len(body) and (body.min() < 0x20 or body.max() > 0x7E):
            return None
        starts, ends = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
        filled = (ends > starts) & pc.is_valid(chunk).to_numpy(zero_copy_only=False)
        first, last = np.zeros(len(chunk), np.uint8), np.zeros(len(chunk), np.uint8)
        first[filled], last[filled] = body[starts[filled]], body[ends[filled] - 1]
        firsts.append(first)
        lasts.append(last)
    return np.concatenate(firsts or [np.empty(0, np.uint8)]), np.concatenate(lasts or [np.empty(0, np.uint8)])


def _form_is_fixed(spec: dict) -> bool:
    """An enum, an integer or date type, or a pattern built only of listed characters (no "."
    and no negated class such as the URL pattern's [^\\s], which lets invisible characters in)."""
    constraints = spec.get("constraints", {})
    pattern = constraints.get("pattern")
    closed_pattern = pattern is not None and "[^" not in pattern and "." not in pattern.replace("\\.", "")
    return spec.get("type", "string") != "string" or "enum" in constraints or closed_pattern
