"""The data package as one zip for a release: datapackage.json, its schema files and its CSV files.

The file list comes from the descriptor, so nothing else lying in the folder slips in. The package
is validated first, and the zip holds exactly the bytes that were validated (read before, checked
unchanged after): a release never ships invalid data. The archive is reproducible (fixed order,
timestamps and permissions), so the same data always gives the same bytes. Files sit at the top
of the zip, where Frictionless tools look for ``datapackage.json``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .outdir import output, prepare
from .package import DESCRIPTOR, Package, PackageError, open_package
from .problems import InvalidPackage

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record


def data_zip(outdir: str | Path, source: str | Path | None = None) -> Path:
    """Write OUTDIR/nkl-data-<data version>.zip; raise InvalidPackage if the data is not valid."""
    from .validate import validate

    package = open_package(source)
    contents = {name: path.read_bytes() for name, path in package_files(package).items()}
    report = validate(package)
    if not report.valid:
        raise InvalidPackage(report.problems)
    changed = [name for name, path in package_files(package).items() if path.read_bytes() != contents[name]]
    if changed:
        raise PackageError(f"{', '.join(changed)} changed while the package was being validated; run release-zip again")
    return write_zip(package, outdir, contents)


def write_zip(package: Package, outdir: str | Path, contents: dict[str, bytes] | None = None) -> Path:
    """The zip of a package already known to be valid: CONTENTS (name -> bytes), else its files as they are now.

    The site passes none: its package was validated as it loaded.
    """
    if contents is None:
        contents = {name: path.read_bytes() for name, path in package_files(package).items()}
    target = output(prepare(outdir), f"nkl-data-{package.version}.zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name])
    return target


def package_files(package: Package) -> dict[str, Path]:
    """Every file of the package by its name in the zip: the descriptor, each schema, each table's CSV."""
    files = {DESCRIPTOR: package.root / DESCRIPTOR}
    for resource in package.descriptor["resources"]:
        for key in ("schema", "path"):
            files[resource[key]] = package.root / resource[key]
    return files
