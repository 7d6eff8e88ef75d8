"""The data package as one zip for a release: datapackage.json, its schema files and its CSV files.

The file list comes from the descriptor, so nothing else lying in the folder slips in. The package
is validated first: a release never ships invalid data. The archive is reproducible (fixed order,
timestamps and permissions), so the same data always gives the same bytes. Files sit at the top
of the zip, where Frictionless tools look for ``datapackage.json``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .problems import InvalidPackage
from .package import DESCRIPTOR, Package, inside, open_package

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record


def data_zip(outdir: str | Path, source: str | Path | None = None) -> Path:
    """Write OUTDIR/nkl-data-<data version>.zip; raise InvalidPackage if the data is not valid."""
    from .validate import validate

    package = open_package(source)
    report = validate(package.root)
    if not report.valid:
        raise InvalidPackage(report.problems)
    return write_zip(package, outdir)


def package_files(package: Package) -> list[Path]:
    """The descriptor and every schema and CSV file it names, sorted, each once."""
    files = [package.root / DESCRIPTOR]
    for resource in package.descriptor["resources"]:
        files += [inside(package.root, resource[key], key) for key in ("schema", "path") if isinstance(resource.get(key), str)]
    return sorted(set(files))


def write_zip(package: Package, outdir: str | Path) -> Path:
    """The zip of a package already known to be valid (the site's, which was validated as it loaded)."""
    target = Path(outdir) / f"nkl-data-{package.version}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in package_files(package):
            info = zipfile.ZipInfo(path.relative_to(package.root).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return target
