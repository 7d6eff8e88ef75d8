"""pandera schemas derived from the Frictionless Table Schemas in ``schemas/``.

The schema JSON is the single source of truth: this module only translates each field's type and
constraints into pandera checks on the *text* of each cell, so that a bad value is reported with the
text the contributor wrote. pandera's own Frictionless converter is not used because it leaves dates
unchecked, makes integers non-nullable and ignores missing values (see the project README).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc

from . import patterns
from .cast import loaded_type
from .package import Table
from .parse import header_problem
from .problems import Found, Problem, flag, shown
from .read import RawTable, arrow, convert

# pandera's names for its built-in checks, and ours.
BUILTIN_CHECKS = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "primary-key",
    "column_in_schema": "header",
    "column_in_dataframe": "header",
    "column_ordered": "header",
    "dataframe_column_labels_unique": "header",
}


def build(table: Table, typed: pd.DataFrame | None = None, uniqueness: bool = True) -> pa.DataFrameSchema:
    """The schema for TABLE's text frame.

    TYPED, the same rows already converted (``read.typed``), saves converting each integer and
    date column again for its type and range checks; without it the checks convert for themselves.
    Without UNIQUENESS the schema leaves the primary key and unique columns to the caller
    (``problems`` checks them itself: pandera's report of many repeats reshapes the whole frame).
    """
    # a one-column primary key is reported as "primary-key", not twice
    columns = {spec["name"]: _column(spec, uniqueness and [spec["name"]] != table.primary_key, typed) for spec in table.fields}
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        unique=(table.primary_key or None) if uniqueness else None,
        report_duplicates="exclude_first",
        name=table.name,
    )


def problems(raw: RawTable, file: str, typed: pd.DataFrame | None = None) -> list[Found]:
    """Run the schema derived from the table's Frictionless schema on RAW's text, lazily.

    The failing cells of each column and check come back as one ``Flagged``, its message worded once.
    """
    table = raw.table
    found: list[Found] = _repeats(raw, file)
    try:
        build(table, typed, uniqueness=False).validate(raw.frame, lazy=True)
        return found
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    names = cases["check"].astype(str)
    checks = names.map({name: BUILTIN_CHECKS.get(name, name) for name in names.unique()})  # one look-up per check
    if (checks == "header").any():
        found.append(header_problem(table, raw.header, file))
    cases = cases.assign(check=checks)[(checks != "header").to_numpy()]
    placed = cases["index"].notna().to_numpy()
    for case in cases[~placed].itertuples(index=False):  # a failure of a whole column, if any
        found.append(
            Problem(
                table.name,
                None,
                case.column,
                case.check,
                describe(table.field(case.column), case.check),
                None if _is_missing(case.failure_case) else str(case.failure_case),
                file,
            )
        )
    for (column, check), group in cases[placed].groupby(["column", "check"], sort=False):
        group = group.drop_duplicates("index").sort_values("index")
        rows, values = group["index"].to_numpy(dtype=np.int64), group["failure_case"].to_numpy()
        found.append(
            flag(
                table.name,
                file,
                column,
                check,
                rows,
                raw.lines,
                describe(table.field(column), check),
                lambda row, rows=rows, values=values: _shown(values[np.searchsorted(rows, row)]),
            )
        )
    return found


def _repeats(raw: RawTable, file: str) -> list[Found]:
    """Repeated primary keys (every repeat after the first) and repeated values of unique columns
    (every row that holds one), as pandera reports them.

    A key that is strictly increasing, as in a canonical (sorted) file, is proven unique by
    comparing neighbours; otherwise the key is hashed. Missing cells repeat nothing (``required``
    reports them).
    """
    table, frame = raw.table, raw.frame
    found: list[Found] = []
    key = table.primary_key
    if key and set(key) <= set(frame.columns) and not strictly_increasing(frame, key):
        cells = frame[key]
        repeated = _sorted_repeats(frame, key)
        if repeated is None:
            repeated = (cells.notna().all(axis=1) & cells.duplicated(keep="first")).to_numpy()
        found.append(
            flag(
                table.name,
                file,
                key[0],
                "primary-key",
                np.flatnonzero(repeated),
                raw.lines,
                f"duplicate primary key ({', '.join(key)}): another row above has the same key",
                lambda row: ", ".join(cells.iloc[row]),
            )
        )
    for spec in table.fields:
        name = spec["name"]
        if spec.get("constraints", {}).get("unique") and [name] != key and name in frame.columns:
            values = frame[name]
            repeated = values.notna() & values.duplicated(keep=False)
            found.append(
                flag(
                    table.name,
                    file,
                    name,
                    "unique",
                    np.flatnonzero(repeated.to_numpy()),
                    raw.lines,
                    describe(spec, "unique"),
                    lambda row, values=values: values.iat[row],
                )
            )
    return found


def _sorted_repeats(frame: pd.DataFrame, key: list[str]) -> np.ndarray | None:
    """Each row whose one-column KEY repeats the row above, when the key never decreases (a
    canonical file with a repeated key): then every repeat sits next to its first. None otherwise."""
    if len(key) != 1:
        return None
    values = arrow(frame[key[0]])
    if values.null_count or len(values) < 2:
        return None
    before, after = values.slice(0, len(values) - 1), values.slice(1)
    if not pc.all(pc.less_equal(before, after)).as_py():
        return None
    return np.concatenate([[False], pc.equal(before, after).to_numpy(zero_copy_only=False)])


def _shown(value) -> str | None:
    return None if _is_missing(value) else shown(str(value))


LISTED_VALUES = 20  # an enum's values that its message names: a schema may list thousands


def describe(spec: dict[str, Any], check: str) -> str:
    """The message for a failed CHECK on field SPEC, worded from the schema itself."""
    constraints = spec.get("constraints", {})
    kind = spec.get("type", "string")
    allowed = [str(v) for v in constraints.get("enum", [])]
    more = f", ... ({len(allowed):,} values in all: see the schema)" if len(allowed) > LISTED_VALUES else ""
    messages = {
        "required": "a value is required",
        "type": f"not a valid {kind}" + (" (YYYY-MM-DD, a real calendar date from year 1 to 9999)" if kind == "date" else ""),
        "enum": "must be one of: " + ", ".join(allowed[:LISTED_VALUES]) + more,
        "pattern": f"does not match the pattern {constraints.get('pattern')!r}",
        "min-length": f"shorter than {constraints.get('minLength')} characters",
        "max-length": f"longer than {constraints.get('maxLength')} characters",
        "minimum": f"less than the minimum {constraints.get('minimum')}",
        "maximum": f"greater than the maximum {constraints.get('maximum')}",
        "unique": "repeats a value that must be unique in this column",
    }
    return messages.get(check, check)


def _column(spec: dict[str, Any], unique_check: bool, typed: pd.DataFrame | None) -> pa.Column:
    constraints = spec.get("constraints", {})
    kind = spec.get("type", "string")
    name = spec["name"]

    def as_type(s: pd.Series) -> pd.Series:
        if typed is not None and name in typed.columns and typed.index.equals(s.index):
            return typed[name]
        return convert(s, spec)

    checks = []
    if kind in ("integer", "date"):
        checks.append(_check("type", lambda s: as_type(s).notna()))
    if "enum" in constraints:
        if loaded_type(spec) == "enum":  # loaded as a categorical, which has a category only for an allowed value
            checks.append(_check("enum", lambda s: as_type(s).notna()))
        else:
            allowed = [str(v) for v in constraints["enum"]]
            checks.append(_check("enum", lambda s: s.isin(allowed)))
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        checks.append(_check("pattern", lambda s: _fullmatch(s, pattern)))
    if "minLength" in constraints:
        checks.append(_check("min-length", lambda s, n=constraints["minLength"]: s.str.len() >= n))
    if "maxLength" in constraints:
        checks.append(_check("max-length", lambda s, n=constraints["maxLength"]: s.str.len() <= n))
    for bound, keep in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b)):
        if bound in constraints:
            limit = pd.Timestamp(constraints[bound]) if kind == "date" else constraints[bound]
            # a value of the wrong type fails "type", not the bound
            checks.append(_check(bound, lambda s, b=limit, k=keep: _within(as_type(s), b, k)))
    return pa.Column(
        None,
        checks=checks,
        nullable=not constraints.get("required", False),
        unique=unique_check and bool(constraints.get("unique", False)),
        required=True,
        name=spec["name"],
    )


def _fullmatch(values: pd.Series, pattern: str) -> pd.Series:
    """Whether each value matches PATTERN whole: with RE2, which takes time linear in the value,
    wherever RE2 means the same (``patterns``); otherwise with Python's engine, through pandas."""
    if patterns.to_re2(pattern) is None:
        return values.str.fullmatch(pattern)
    matched = patterns.fullmatch(arrow(values), pattern)
    return pd.Series(pc.fill_null(matched, False).to_numpy(zero_copy_only=False), index=values.index)


def _check(rule: str, keep) -> pa.Check:
    """A vectorised check named by our rule name; missing cells pass (``required`` covers them)."""
    return pa.Check(lambda s: s.isna() | keep(s).fillna(False).astype(bool), error=rule, ignore_na=False)


def _within(values: pd.Series, bound: Any, keep) -> pd.Series:
    return values.isna() | keep(values, bound).fillna(False).astype(bool)


def strictly_increasing(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether a one-column KEY is present in every row and strictly increasing, and so unique.

    Canonical files are sorted by their key, so this cheap comparison of neighbours usually
    proves uniqueness; when it does not, the full uniqueness check runs.
    """
    if len(key) != 1 or key[0] not in frame.columns:
        return False
    values = arrow(frame[key[0]])
    if values.null_count or len(values) < 2:
        return not values.null_count
    ordered = pc.less(values.slice(0, len(values) - 1), values.slice(1))
    return bool(pc.all(ordered).as_py())


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
