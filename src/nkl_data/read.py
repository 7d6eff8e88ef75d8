"""A table's CSV file as pandas DataFrames: its text as written, and its rows typed as the schema says.

The text frame wraps the parsed Arrow buffers without copying them (``parse``), so "NA", "null"
and "007" stay text and only the empty cell is missing (pd.NA, never NaN). The typed frame takes
its types from ``cast``, which takes them from ``schemas/``. This module does not judge values;
``validate`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cast import Cells, cast, loaded_type
from .package import Table
from .parse import STRING, ParsedTable, parse
from .problems import Problem

TEXT = pd.StringDtype()  # missing is pd.NA, never NaN


@dataclass(frozen=True)
class RawTable:
    """All cells as text, and the physical line on which each record starts."""

    table: Table
    frame: pd.DataFrame
    lines: np.ndarray
    header: list[str]
    problems: list[Problem]  # layout problems that did not stop parsing (BOM, CRLF, blank lines, ...)


def read_raw(table: Table, display_path: str = "") -> RawTable:
    """Parse TABLE's file into text columns; raise ``parse.CsvError`` when it is not parseable CSV."""
    return raw_table(parse(table, display_path))


def raw_table(parsed: ParsedTable) -> RawTable:
    frame = parsed.cells.to_pandas(types_mapper=lambda _: TEXT)
    return RawTable(parsed.table, frame, parsed.lines, parsed.header, parsed.problems)


def typed(raw: RawTable, cast_columns: dict[str, Cells] | None = None) -> pd.DataFrame:
    """The raw text frame with each column converted to the type its schema field names.

    CAST_COLUMNS, the columns already cast (``cast.cast``), are used as they are. Cells that do not
    convert become missing; validation reports them before anyone relies on this.
    """
    columns, specs = {}, raw.table.specs
    for name in raw.frame.columns:
        spec = specs.get(name)
        if spec is None:
            columns[name] = raw.frame[name]
        elif cast_columns is not None and name in cast_columns:
            columns[name] = as_series(cast_columns[name], spec, raw.frame.index, name)
        else:
            columns[name] = convert(raw.frame[name], spec)
    return pd.DataFrame(columns, index=raw.frame.index, copy=False)


def convert(values: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """VALUES (text) as the field's loaded type; text that does not convert becomes missing."""
    if loaded_type(spec) == "text":
        return values.astype(TEXT)
    return as_series(cast(arrow(values), spec), spec, values.index, values.name)


def as_series(cells: Cells, spec: dict[str, Any], index: pd.Index, name: Any) -> pd.Series:
    """Cast Arrow cells as the pandas column the loader documents: Int64, datetime64[s], a
    categorical over the enum's values, or strings."""
    loaded = loaded_type(spec)
    if loaded == "integer":
        values = cells.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    elif loaded == "enum":
        codes = pc.fill_null(cells.indices, -1).to_numpy(zero_copy_only=False)
        values = pd.Categorical.from_codes(codes, categories=cells.dictionary.to_pylist())
    elif loaded == "date":
        values = cells.to_pandas()
    else:
        values = cells.to_pandas(types_mapper=lambda _: TEXT)
    return pd.Series(values.array if isinstance(values, pd.Series) else values, index=index, name=name)


def arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a text column (no copy for Arrow-backed columns), for Arrow's
    compute kernels; missing cells are null, an empty string stays empty."""
    return pa.array(values, type=STRING, from_pandas=True)
