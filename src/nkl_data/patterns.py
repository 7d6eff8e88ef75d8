"""A schema's ``pattern`` run with RE2, which cannot backtrack, meaning what Python's ``re`` means.

Frictionless reads a pattern as a Python regular expression. Python's engine backtracks: a pattern
with overlapping repeats, such as ``[^\\s/?#]+[^\\s]*``, takes time quadratic in the length of a
cell it rejects (39 s for a 100 KB URL). RE2, Arrow's engine, takes linear time, but reads a few
things differently: its ``\\s`` is ASCII white space only. So the pattern is parsed with Python's
own parser and written out again for RE2, ``\\s`` as the characters Python calls white space.
Anything whose meaning could differ (Unicode ``\\w``, ``\\d`` and ``\\b``, ``$`` before a final line
feed, look-arounds, back-references, flags, repeats over RE2's limit of 1000) is not translated:
such a pattern runs with Python's engine, as pandas runs it. Only the whole value is matched.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

try:  # Python's own regular-expression parser (re._parser from 3.11); without it, nothing is translated
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    sre = sre_parse = None

# What Python's \s matches in a str pattern (str.isspace), as (first, last) code points
PYTHON_SPACE = (
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
LAST = 0x10FFFF
RE2_MAX_REPEAT = 1000


class Untranslatable(Exception):
    """The pattern uses something RE2 reads differently, or not at all."""


@lru_cache(maxsize=256)
def to_re2(pattern: str) -> str | None:
    """An RE2 pattern that fully matches exactly the strings PATTERN fully matches in Python, or None."""
    if sre_parse is None:
        return None
    try:
        parsed = sre_parse.parse(pattern)
        if parsed.state.flags & ~re.UNICODE:  # (?i), (?s), (?x) ... written into the pattern
            return None
        translated = f"^(?:{_sequence(parsed)})$"
        pc.match_substring_regex(pa.array([""]), translated)  # RE2 compiles it, or refuses (too large, ...)
        return translated
    except (Untranslatable, re.error, RecursionError, pa.ArrowInvalid):
        return None


def fullmatch(cells: pa.Array | pa.ChunkedArray, pattern: str) -> pa.Array | pa.ChunkedArray:
    """Whether each cell matches PATTERN whole (null where missing), with RE2; raises
    ``Untranslatable`` when only Python's engine can say."""
    translated = to_re2(pattern)
    if translated is None:
        raise Untranslatable(pattern)
    return pc.match_substring_regex(cells, translated)


def _sequence(items) -> str:
    return "".join(_item(op, argument) for op, argument in items)


def _item(op, argument) -> str:
    if op is sre.LITERAL:
        return _char(argument)
    if op is sre.NOT_LITERAL:
        return _class([(argument, argument)], negate=True)
    if op is sre.ANY:  # no DOTALL flag (refused above): any character but the line feed, in both engines
        return "."
    if op is sre.IN:
        return _in(argument)
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(branch) for branch in argument[1]) + ")"
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, items = argument
        if add_flags or del_flags:
            raise Untranslatable("flags")
        return "(?:" + _sequence(items) + ")"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, items = argument
        if low > RE2_MAX_REPEAT or (high is not sre.MAXREPEAT and high > RE2_MAX_REPEAT):
            raise Untranslatable("repeat")
        count = f"{{{low},}}" if high is sre.MAXREPEAT else (f"{{{low}}}" if low == high else f"{{{low},{high}}}")
        return "(?:" + _sequence(items) + ")" + count + ("?" if op is sre.MIN_REPEAT else "")
    if op is sre.AT and argument in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
        return r"\A"  # no MULTILINE flag (refused above): the start of the value in both engines
    if op is sre.AT and argument is sre.AT_END_STRING:
        return r"\z"
    raise Untranslatable(str(op))  # look-arounds, back-references, $, \b, atomic groups, ...


def _in(items) -> str:
    negate = bool(items) and items[0][0] is sre.NEGATE
    ranges = []
    for op, argument in items[1:] if negate else items:
        if op is sre.LITERAL:
            ranges.append((argument, argument))
        elif op is sre.RANGE:
            ranges.append(argument)
        elif op is sre.CATEGORY and argument is sre.CATEGORY_SPACE:
            ranges.extend(PYTHON_SPACE)
        elif op is sre.CATEGORY and argument is sre.CATEGORY_NOT_SPACE:
            ranges.extend(_complement(PYTHON_SPACE))
        else:  # \w, \d and their negations are Unicode-wide in Python, ASCII in RE2
            raise Untranslatable(str(argument))
    return _class(ranges, negate)


def _class(ranges, negate: bool = False) -> str:
    if not ranges:
        return "[^\\x{0}-\\x{10ffff}]" if not negate else "[\\x{0}-\\x{10ffff}]"
    body = "".join(_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _complement(ranges) -> list[tuple[int, int]]:
    gaps, start = [], 0
    for low, high in sorted(ranges):
        if low > start:
            gaps.append((start, low - 1))
        start = max(start, high + 1)
    if start <= LAST:
        gaps.append((start, LAST))
    return gaps


def _char(code: int) -> str:
    return f"\\x{{{code:x}}}"
