"""Cell hygiene and safety: what a schema cannot see but a contributor's spreadsheet can introduce.

Text cells must not carry white space at their ends, control characters, non-NFC Unicode,
invisible, blank-looking or direction-changing characters (which make a cell read differently from
what it holds, or a required cell look empty), or a leading character that a spreadsheet would run
as a formula. A line feed is allowed only in fields the schema marks ``"multiline": true``
(summaries, descriptions, notes); Unicode's line and paragraph separators nowhere.

A column skips this sweep only when its form is fixed: an integer or date type, an enum, or a
closed pattern, one that admits nothing but printable ASCII letters, digits and punctuation that
can never be a problem at either end of a cell (no space, no = + - @). ``\\S``, ``.``,
``[\\s\\S]`` or ``[^,]`` fix nothing, so columns with such patterns are swept.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .parse import STRING, ParsedTable
from .problems import Flagged, flag

# Patterns in RE2 syntax, for Arrow's regex kernels.
# C0 controls and DEL, except the line feed (judged by "multiline"), and C1 controls.
CONTROL = r"[\x00-\x09\x0b-\x1f\x{7f}-\x{9f}]"
# Every format character is refused: no column needs one today. To allow one deliberately (a
# zero-width joiner for a script that needs it), list the Cf ranges here without it and say why.
# Besides every format character (Unicode category Cf: zero-width spaces and joiners, bidirectional
# marks, embeddings, overrides and isolates, word joiners, tag characters, the BOM, ...): the line
# and paragraph separators, variation selectors, and letters and symbols that render as blank
# space (Hangul fillers, the Braille blank, the combining grapheme joiner, Khmer inherent vowels,
# Mongolian free variation selectors).
INVISIBLE_RANGES = (
    (0x2028, 0x2029),
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0000, 0xE007F),
    (0xE0100, 0xE01EF),
)
INVISIBLE = "[\\p{Cf}" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in INVISIBLE_RANGES) + "]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula
FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_START) + "]"
# exactly the characters Arrow's utf8_trim_whitespace removes
WHITESPACE = r"[\s\pZ\x{85}\x{0b}\x{1c}-\x{1f}]"
AT_THE_ENDS = f"^{WHITESPACE}|{WHITESPACE}$"
# what a closed pattern may admit: printable ASCII that is harmless anywhere in a cell
CLOSED = frozenset(string.ascii_letters + string.digits + "!\"#$%&'()*,./:;<>?[\\]^_`{|}~")
QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")
# Every character that can make text other than NFC, and more: combining marks, conjoining Hangul
# jamo, and the blocks holding the characters NFC replaces (singletons such as U+212B ANGSTROM
# SIGN, composition exclusions). Text without any of them is NFC; the tests hold this to Python's
# Unicode tables. Precomposed text (Hangul syllables, kana, accented Latin, Cyrillic) has none.
MAYBE_NOT_NFC = (
    r"[\pM\x{300}-\x{3ff}\x{900}-\x{dff}\x{f00}-\x{fff}\x{1100}-\x{11ff}\x{1f00}-\x{1fff}\x{2000}\x{2001}"
    r"\x{2126}\x{212a}\x{212b}\x{2329}\x{232a}\x{2adc}\x{f900}-\x{faff}\x{fb1d}-\x{fb4f}\x{1d100}-\x{1d1ff}"
    r"\x{2f800}-\x{2fa1f}]"
)


# Every character any check above can object to: a cell without one is judged by its first and
# last byte alone (a space at either end, a formula's first character).
SUSPECT = "|".join([CONTROL, INVISIBLE, MAYBE_NOT_NFC, WHITESPACE])


def free_columns(parsed: ParsedTable) -> list[str]:
    """The columns that need hygiene checks whatever the schema checks find.

    A column whose schema fixes its form (an enum, an integer or date type, a closed pattern; see
    ``closed_pattern``) cannot carry a hidden character unnoticed: the schema check rejects the
    cell. Such a column needs checking here only when it failed a schema check, for the more
    helpful message.
    """
    specs = parsed.table.specs
    return [c for c in parsed.columns if c in specs and not _form_is_fixed(specs[c])]


MESSAGES = {
    "whitespace": "leading or trailing white space",
    "unicode-nfc": "text is not in Unicode NFC form",
    "control-character": "contains a control character (tab, carriage return, ...)",
    "invisible-character": "contains an invisible, blank-looking or direction-changing character, or a line or paragraph separator",
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
        found = _screened(cells, formula, bool(spec.get("multiline")))
        for check, bad in found.items():
            problems.append(
                flag(
                    parsed.table.name,
                    file,
                    column,
                    check,
                    np.flatnonzero(bad),
                    parsed.lines,
                    MESSAGES[check],
                    lambda row, cells=cells: _show(cells[row].as_py()),
                )
            )
    return problems


def _screened(cells: pa.ChunkedArray, formula: bool, multiline: bool) -> dict[str, np.ndarray]:
    """Each check's failing cells. A cell without a SUSPECT character (most cells, whatever their
    script) can only have a space at an end or a formula's first character, which its first and
    last bytes tell; the cells with one go through the regular expressions of ``_matched``."""
    screen = _screen(cells)
    if screen is None:  # not the layout the screen reads
        return _matched(cells, formula, multiline)
    first, last, suspect = screen
    found = _none_found(len(cells), formula, multiline)
    found["whitespace"] |= (first == ord(" ")) | (last == ord(" "))
    if formula:
        found["formula"] |= np.isin(first, [ord(c) for c in FORMULA_START])
    rows = np.flatnonzero(suspect)
    if len(rows):
        for check, bad in _matched(_take(cells, rows), formula, multiline).items():
            found[check][rows[bad]] = True
    return found


def _none_found(cells: int, formula: bool, multiline: bool) -> dict[str, np.ndarray]:
    """Each check that applies to the column, failed by none of its CELLS yet."""
    skipped = {*([] if formula else ["formula"]), *(["line-break"] if multiline else [])}
    return {check: np.zeros(cells, dtype=bool) for check in MESSAGES if check not in skipped}


def _take(cells: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """The cells at ROWS (ascending), taken chunk by chunk: Arrow's take on a chunked array joins
    all its chunks first, a copy of the whole column."""
    lengths = np.array([len(chunk) for chunk in cells.chunks], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    chunk_of = np.searchsorted(starts, rows, side="right") - 1
    taken = [cells.chunk(k).take(pa.array(rows[chunk_of == k] - starts[k])) for k in np.unique(chunk_of).tolist()]
    return pa.chunked_array(taken, cells.type)


def _matched(cells: pa.ChunkedArray, formula: bool, multiline: bool) -> dict[str, np.ndarray]:
    """Each check's failing cells, found with Arrow's regular expressions.

    One pass of one expression finds the cells that could fail any check; the precise checks, NFC
    normalisation the costliest, then run on those cells alone.
    """
    others = [*([] if multiline else ["\n"]), *([FORMULA] if formula else [])]
    suspect = pc.match_substring_regex(cells, "|".join([AT_THE_ENDS, CONTROL, INVISIBLE, MAYBE_NOT_NFC, *others]))
    rows = np.flatnonzero(pc.fill_null(suspect, False).to_numpy(zero_copy_only=False))
    found = _none_found(len(cells), formula, multiline)
    if not len(rows):
        return found
    some = _take(cells, rows)
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
    for check, bad in checks.items():
        found[check][rows[pc.fill_null(bad, False).to_numpy(zero_copy_only=False)]] = True
    return found


def _screen(cells: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The first and last byte of each cell (0 where missing), and whether the cell holds a byte
    below 0x20, DEL, or a character that may be SUSPECT; None for an Arrow type other than STRING.

    Read straight from the Arrow buffers with numpy, at memory speed: a regular expression over
    every cell costs several times more. A multi-byte character is judged by its first two bytes
    (``_suspect_pairs``), which name its code point or a block of 64 or 4,096 of them.
    """
    if cells.type != STRING:  # the offsets below are read as 64-bit
        return None
    firsts, lasts, suspects = [], [], []
    for chunk in cells.chunks:
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
        body = (
            np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
            if len(chunk) and data_buffer
            else np.empty(0, np.uint8)
        )
        starts, ends = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
        filled = ends > starts
        if chunk.null_count:  # a missing cell is empty in what Arrow's CSV reader writes; in any other, too
            filled &= pc.is_valid(chunk).to_numpy(zero_copy_only=False)
        first, last = np.zeros(len(chunk), np.uint8), np.zeros(len(chunk), np.uint8)
        first[filled], last[filled] = body[starts[filled]], body[ends[filled] - 1]
        suspect = np.zeros(len(chunk), dtype=bool)
        # bytes outside 0x20-0x7E, in two passes: below 0x20 wraps round to 0xE0 and above
        special = np.flatnonzero(np.subtract(body, 0x20, dtype=np.uint8) >= 0x5F)
        if len(special):
            values = body[special]
            at = special[values < 0x80]  # a control character or DEL
            leads = special[values >= 0xC0]  # Arrow has checked the UTF-8: the rest of the character follows
            if len(leads):
                pairs = (body[leads].astype(np.uint16) << 8) | body[leads + 1]
                at = np.concatenate([at, leads[_suspect_pairs()[pairs]]])
            suspect[np.searchsorted(ends, at, side="right")] = True
        firsts.append(first)
        lasts.append(last)
        suspects.append(suspect & filled)
    empty = [np.empty(0, np.uint8)]
    return np.concatenate(firsts or empty), np.concatenate(lasts or empty), np.concatenate(suspects or [np.empty(0, bool)])


@cache
def _suspect_pairs() -> np.ndarray:
    """For each first two bytes of a UTF-8 character (as a 16-bit number), whether any character
    starting with them matches SUSPECT: every non-ASCII code point, encoded, grouped by its first
    two bytes, each group searched once (about 0.05 s)."""
    points = np.arange(0x80, 0x110000, dtype=np.uint32)
    points = points[(points < 0xD800) | (points > 0xDFFF)]  # surrogates are not characters
    two, three, four = points[points < 0x800], points[(points >= 0x800) & (points < 0x10000)], points[points >= 0x10000]

    def byte(values: np.ndarray, mark: int) -> np.ndarray:
        return (mark | values).astype(np.uint8)

    def tail(values: np.ndarray) -> np.ndarray:
        return byte(values & 0x3F, 0x80)

    encoded = np.concatenate(
        [
            np.column_stack([byte(two >> 6, 0xC0), tail(two)]).ravel(),
            np.column_stack([byte(three >> 12, 0xE0), tail(three >> 6), tail(three)]).ravel(),
            np.column_stack([byte(four >> 18, 0xF0), tail(four >> 12), tail(four >> 6), tail(four)]).ravel(),
        ]
    )
    widths = np.concatenate([np.full(len(two), 2), np.full(len(three), 3), np.full(len(four), 4)])
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    keys = (encoded[starts].astype(np.int64) << 8) | encoded[starts + 1]
    group = np.flatnonzero(np.diff(keys, prepend=-1))  # where the first two bytes change
    offsets = np.append(starts[group], len(encoded)).astype(np.int64)
    texts = pa.LargeStringArray.from_buffers(len(group), pa.py_buffer(offsets), pa.py_buffer(encoded))
    table = np.zeros(1 << 16, dtype=bool)
    table[keys[group][pc.match_substring_regex(texts, SUSPECT).to_numpy(zero_copy_only=False)]] = True
    return table


def _form_is_fixed(spec: dict) -> bool:
    """An integer or date type, an enum, or a closed pattern: every cell that passes the schema
    is then free of what this module looks for."""
    constraints = spec.get("constraints", {})
    pattern = constraints.get("pattern")
    return (
        spec.get("type", "string") in ("integer", "date")
        or "enum" in constraints
        or (isinstance(pattern, str) and closed_pattern(pattern))
    )


def closed_pattern(pattern: str) -> bool:
    """Whether PATTERN admits only characters of CLOSED: literals, classes of them ([A-Z0-9_]),
    groups, alternatives, anchors and quantifiers. Anything else (., \\S, \\w, \\d, which also
    matches non-ASCII digits in Python, a negated class, a lookaround) may let any character in.

    >>> closed_pattern("[A-Z]{3}"), closed_pattern("S/AC\\\\.49/[0-9]{4}/[0-9]+"), closed_pattern(r"[\\s\\S]+")
    (True, True, False)
    """
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if pattern[i + 1 : i + 2] not in CLOSED or pattern[i + 1 : i + 2].isalnum():  # \. is a dot; \d, \S are classes
                return False
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            if end is None:
                return False
            i = end
        elif c == "(":
            if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
                return False  # lookarounds, named groups, flags
            i += 3 if pattern.startswith("(?:", i) else 1
        elif c == "{":
            quantifier = QUANTIFIER.match(pattern, i)
            if quantifier is None:
                return False
            i = quantifier.end()
        elif c in ")|*+?^$":
            i += 1
        elif c in CLOSED and c != ".":
            i += 1
        else:
            return False
    return True


def _class_end(pattern: str, start: int) -> int | None:
    """The index after the character class opening at START when all its members are in CLOSED;
    None for a negated class, a shorthand inside it, or a member outside CLOSED."""
    i = start + 1
    if pattern[i : i + 1] == "^":
        return None
    members: list[str] = []
    while i < len(pattern) and (pattern[i] != "]" or not members):
        c = pattern[i]
        if c == "\\":
            escaped = pattern[i + 1 : i + 2]
            if not escaped or escaped.isalnum():
                return None
            members.append(escaped)
            i += 2
        elif c == "-" and members and pattern[i + 1 : i + 2] not in ("", "]"):
            low, high = members.pop(), pattern[i + 1]
            if high in "[\\" or ord(low) > ord(high):
                return None
            members.extend(chr(code) for code in range(ord(low), ord(high) + 1))
            i += 2
        elif c == "[":
            return None  # [[:alpha:]] and nested classes
        else:
            members.append(c)
            i += 1
    if i >= len(pattern) or not set(members) <= CLOSED:
        return None
    return i + 1


def _show(value: str, limit: int = 200) -> str:
    """The offending value with invisible characters made visible, cut to LIMIT characters if
    longer. Only the characters shown are looked at: a cell of megabytes costs no more than a short one."""
    parts, length = [], 0
    for c in value:
        parts.append(f"<U+{ord(c):04X}>" if c != "\n" and (unicodedata.category(c) == "Cc" or is_invisible(c)) else c)
        length += len(parts[-1])
        if length > limit:
            return "".join(parts)[:limit] + f"... ({len(value)} characters)"
    return "".join(parts)


def is_invisible(c: str) -> bool:
    """Whether the character C is one INVISIBLE matches, in Python's own terms."""
    return unicodedata.category(c) == "Cf" or any(first <= ord(c) <= last for first, last in INVISIBLE_RANGES)
