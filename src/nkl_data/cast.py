"""Text cells to the types their schema fields name, with Arrow compute kernels (no pandas).

Types come from the Frictionless field types in ``schemas/`` and nowhere else. A cell whose text
does not convert becomes null; validation reports it before anyone relies on the typed value.
pandas' own parsers cost ten times as much on a million rows.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .parse import STRING

DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INTEGER_TEXT = r"[+-]?[0-9]{1,18}"  # up to 18 digits: always fits in int64

Cells = pa.Array | pa.ChunkedArray


def loaded_type(spec: dict[str, Any]) -> str:
    """How a schema field is typed once loaded: "integer", "date", "enum" or "text".

    Any other Frictionless type loads as text. Exports follow this too, so a file never claims a
    type the loader does not give.
    """
    declared = spec.get("type", "string")
    if declared in ("integer", "date"):
        return declared
    return "enum" if spec.get("constraints", {}).get("enum") is not None else "text"


def cast(cells: Cells, spec: dict[str, Any]) -> Cells:
    """CELLS (text) as the field's loaded type: int64, timestamp[s], dictionary over the enum's
    values (in the schema's order), or the text itself."""
    loaded = loaded_type(spec)
    if loaded == "integer":
        return integers(cells)
    if loaded == "date":
        return dates(cells)
    if loaded == "enum":
        values = pa.array([str(v) for v in spec["constraints"]["enum"]], STRING)
        codes = pc.index_in(cells, value_set=values)  # null: missing or not allowed
        codes = codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes
        return pa.DictionaryArray.from_arrays(codes, values)
    return cells


def integers(text: Cells) -> Cells:
    """Int64 values; null where the text is not an integer. When every cell is plain digits (the
    usual case) one cast does it; otherwise each cell is matched against INTEGER_TEXT first."""
    if pc.all(pc.ascii_is_decimal(text)).as_py() is not False and (pc.max(pc.binary_length(text)).as_py() or 0) <= 18:
        return pc.cast(text, pa.int64())
    valid = pc.fill_null(pc.match_substring_regex(text, f"^{INTEGER_TEXT}$"), False)
    digits = pc.replace_substring_regex(pc.if_else(valid, text, pa.scalar(None, STRING)), r"^\+", "")
    return pc.cast(digits, pa.int64())


def dates(text: Cells) -> Cells:
    """Timestamps (seconds) at midnight; null where the text is not a real YYYY-MM-DD date of the
    years 1 to 9999, the dates Python's datetime (and so every reader downstream) can hold.

    Arrow's own cast accepts only real YYYY-MM-DD dates, so when every cell is one (the usual case)
    it does all the work. Otherwise each cell is checked on its own: it must have the shape and keep
    its day of the month, because strptime alone accepts 2019-1-5 and 2019-02-30 (as 2 March).
    Arrow accepts year 0, which Python's datetime cannot hold: such a date is null too.
    """
    try:
        parsed = pc.cast(pc.cast(text, pa.date32()), pa.timestamp("s"))
    except pa.ArrowInvalid:
        shaped = pc.fill_null(pc.match_substring_regex(text, f"^{DATE_TEXT}$"), False)
        text = pc.if_else(shaped, text, pa.scalar(None, STRING))
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        day_as_written = pc.cast(pc.utf8_slice_codeunits(text, 8, 10), pa.int64())
        exact = pc.fill_null(pc.equal(pc.day(parsed), day_as_written), False)  # 2019-02-30 parses as 2 March
        parsed = pc.if_else(exact, parsed, pa.scalar(None, parsed.type))
    in_range = pc.fill_null(pc.greater_equal(pc.year(parsed), 1), True)  # four digits: never past 9999
    return parsed if pc.all(in_range).as_py() else pc.if_else(in_range, parsed, pa.scalar(None, parsed.type))


def cast_columns(cells: pa.Table, fields: list[dict[str, Any]]) -> dict[str, Cells]:
    """Each column of CELLS whose field loads as something other than text, cast."""
    return {
        spec["name"]: cast(cells.column(spec["name"]), spec)
        for spec in fields
        if spec["name"] in cells.column_names and loaded_type(spec) != "text"
    }
