"""nkl-data: a sourced dataset on DPRK overseas labour and UN sanctions compliance.

    >>> import nkl_data
    >>> "statements" in nkl_data.tables()
    True
    >>> nkl_data.load("countries").set_index("iso3").loc["NAM", "iso2"]
    'NA'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .load import InvalidPackage, load, load_all, tables
from .package import PackageError, open_package

try:
    __version__ = version("nkl-data")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"


def diff(old, new):
    """Row-level differences between two package versions (paths or git revisions); see nkl_data.compare."""
    from .compare import diff as _diff

    return _diff(old, new)


def data_version(source=None) -> str:
    """The version of the data package (datapackage.json), distinct from the code's __version__."""
    return open_package(source).version


__all__ = ["InvalidPackage", "PackageError", "data_version", "diff", "load", "load_all", "tables", "__version__"]
