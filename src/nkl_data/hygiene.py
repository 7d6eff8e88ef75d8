"""Cell hygiene and safety: what a schema cannot see but a contributor's spreadsheet can introduce.

Text cells must not carry white space at their ends, control characters, non-NFC Unicode,
invisible or direction-changing characters (which make a cell read differently from what it
holds), or a leading character that a spreadsheet would run as a formula. A line feed is allowed
only in fields the schema marks ``"multiline": true`` (summaries, descriptions, notes).
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow.compute as pc

from .problems import Problem
from .parse import ParsedTable

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


def free_columns(parsed: ParsedTable) -> list[str]:
    """The columns that need hygiene checks whatever the schema checks find.

    A column whose schema fixes its form (an enum, an integer or date type, a closed pattern)
    cannot carry a hidden character unnoticed: the schema check rejects the cell. Such a column
    needs checking here only when it failed a schema check, for the more helpful message.
    """
    specs = {f["name"]: f for f in parsed.table.fields}
    return [c for c in parsed.columns if c in specs and not _form_is_fixed(specs[c])]


def cell_problems(parsed: ParsedTable, file: str, columns: list[str] | None = None) -> list[Problem]:
    """Hygiene problems in PARSED's cells (in COLUMNS only, when given)."""
    problems = []
    specs = {f["name"]: f for f in parsed.table.fields}
    for column in parsed.columns if columns is None else columns:
        spec = specs.get(column)
        if spec is None:
            continue
        cells = parsed.cells.column(column)
        if cells.null_count == len(cells):
            continue
        formula = spec.get("type", "string") == "string"
        # one pass finds the rare suspect cells; the precise checks run only when there are some
        suspect = "|".join([AT_THE_ENDS, CONTROL, INVISIBLE, "\n", *([FORMULA] if formula else [])])
        suspects = pc.any(pc.match_substring_regex(cells, suspect)).as_py()
        checks = []
        if suspects:
            checks.append(("whitespace", "leading or trailing white space", pc.match_substring_regex(cells, AT_THE_ENDS)))
        if not pc.all(pc.string_is_ascii(cells)).as_py():  # ASCII text is always NFC
            checks.append(("unicode-nfc", "text is not in Unicode NFC form", pc.not_equal(pc.utf8_normalize(cells, "NFC"), cells)))
        if suspects:
            checks += [
                ("control-character", "contains a control character (tab, carriage return, ...)", pc.match_substring_regex(cells, CONTROL)),
                ("invisible-character", "contains an invisible or direction-changing character", pc.match_substring_regex(cells, INVISIBLE)),
            ]
            if not spec.get("multiline"):
                checks.append(("line-break", "a line break is only allowed in summaries, descriptions and notes", pc.match_substring(cells, "\n")))
            if formula:
                checks.append(("formula", "starts with a character a spreadsheet would run as a formula (= + - @)", pc.match_substring_regex(cells, FORMULA)))
        for check, message, bad in checks:
            for index in np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False)):
                problems.append(Problem(parsed.table.name, int(parsed.lines[index]), column, check, message, _show(cells[index].as_py()), file))
    return problems


def _form_is_fixed(spec: dict) -> bool:
    """An enum, an integer or date type, or a pattern built only of listed characters (no "."
    and no negated class such as the URL pattern's [^\\s], which lets invisible characters in)."""
    constraints = spec.get("constraints", {})
    pattern = constraints.get("pattern")
    closed_pattern = pattern is not None and "[^" not in pattern and "." not in pattern.replace("\\.", "")
    return spec.get("type", "string") != "string" or "enum" in constraints or closed_pattern


def _show(value: str) -> str:
    """The offending value with invisible characters made visible, shortened if huge."""
    shown = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") and c != "\n" else c for c in value)
    return shown if len(shown) <= 200 else shown[:200] + f"... ({len(value)} characters)"
