"""nkl-data: a sourced dataset on DPRK overseas labour and UN sanctions compliance.

    >>> import nkl_data
    >>> "statements" in nkl_data.tables()
    True
    >>> nkl_data.load("countries").set_index("iso3").loc["NAM", "iso2"]
    'NA'

The loader and the version are looked up on first use, so that ``import nkl_data`` (and the
command line, which starts parsing before pandas is imported) costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .package import PackageError, open_package
from .problems import InvalidPackage

if TYPE_CHECKING:
    from pathlib import Path

    from .compare import DiffResult
    from .loading import load, load_all, tables

_LOADER = ("load", "load_all", "tables")


def __getattr__(name: str) -> Any:
    if name in _LOADER:
        from . import loading

        return getattr(loading, name)
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("nkl-data")
        except PackageNotFoundError:  # running from a checkout without installing
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LOADER, "__version__"])


def diff(old: str | Path, new: str | Path) -> DiffResult:
    """Row-level differences between two package versions (paths or git revisions); see nkl_data.compare."""
    from .compare import diff as _diff

    return _diff(old, new)


def data_version(source: str | Path | None = None) -> str:
    """The version of the data package (datapackage.json), distinct from the code's __version__."""
    return open_package(source).version


__all__ = ["InvalidPackage", "PackageError", "__version__", "data_version", "diff", "load", "load_all", "tables"]
