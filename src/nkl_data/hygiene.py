"""Cell hygiene and safety: what a schema cannot see but a contributor's spreadsheet can introduce.

Text cells must not carry white space at their ends, control characters, non-NFC Unicode,
invisible or direction-changing characters (which make a cell read differently from what it
holds), or a leading character that a spreadsheet would run as a formula. A line feed is allowed
only in fields the schema marks ``"multiline": true`` (summaries, descriptions, notes).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .problems import Problem
from .read import RawTable

# C0 controls and DEL, except the line feed (judged by "multiline") and C1 controls.
CONTROL = r"[\x00-\x09\x0b-\x1f\x7f-\x9f]"
# zero-width characters, bidirectional marks, embeddings, overrides and isolates, word joiners, BOM
INVISIBLE = r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_problems(raw: RawTable, file: str) -> list[Problem]:
    problems = []
    specs = {f["name"]: f for f in raw.table.fields}
    for column in raw.frame.columns:
        spec = specs.get(column)
        if spec is None:
            continue
        cells = raw.frame[column].dropna()
        if cells.empty:
            continue
        checks = [
            ("whitespace", "leading or trailing white space", cells != cells.str.strip()),
            ("control-character", "contains a control character (tab, carriage return, ...)", cells.str.contains(CONTROL, regex=True)),
            ("invisible-character", "contains an invisible or direction-changing character", cells.str.contains(INVISIBLE, regex=True)),
            ("unicode-nfc", "text is not in Unicode NFC form", _not_nfc(cells)),
        ]
        if not spec.get("multiline"):
            checks.append(("line-break", "a line break is only allowed in summaries, descriptions and notes", cells.str.contains("\n", regex=False)))
        if spec.get("type", "string") == "string":
            checks.append(("formula", "starts with a character a spreadsheet would run as a formula (= + - @)", cells.str.startswith(FORMULA_START)))
        for check, message, bad in checks:
            for index in bad.index[bad.fillna(False).astype(bool)]:
                problems.append(Problem(raw.table.name, int(raw.lines[index]), column, check, message, _show(cells[index]), file))
    return problems


def _not_nfc(cells: pd.Series) -> pd.Series:
    return pd.Series([not unicodedata.is_normalized("NFC", value) for value in cells], index=cells.index)


def _show(value: str) -> str:
    """The offending value with invisible characters made visible, shortened if huge."""
    shown = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") and c != "\n" else c for c in value)
    return shown if len(shown) <= 200 else shown[:200] + f"... ({len(value)} characters)"
