"""Load tables as typed pandas DataFrames.

The bundled copy was validated before release, so loading it imports neither pandera nor
frictionless. A package you name with ``source`` is validated first, whole, because its foreign keys
reach across tables; an invalid one raises ``InvalidPackage`` listing every problem.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .package import open_package
from .problems import InvalidPackage
from .read import read_raw, typed


def tables(source: str | Path | None = None) -> list[str]:
    """Names of the package's tables, in the order of datapackage.json."""
    return list(open_package(source).tables)


def load(table: str, source: str | Path | None = None) -> pd.DataFrame:
    """One table: dates as datetime64, counts as Int64, enums as categoricals, text as strings."""
    return load_all(source, only=table)[table]


def load_all(source: str | Path | None = None, *, only: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table by name (or just ONLY), validating the package first when SOURCE is given."""
    package = open_package(source)
    wanted = [package.table(only).name] if only else list(package.tables)
    if source is None:
        return {name: typed(read_raw(package.tables[name])) for name in wanted}
    from .validate import validate

    report = validate(source)
    if not report.valid:
        raise InvalidPackage(report.problems)
    return {name: report.frames[name] for name in wanted}
