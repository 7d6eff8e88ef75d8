"""The site's downloads: the data package it shows, file by file and as the release zip.

Files are copied byte for byte under ``OUTDIR/data/`` in the package's own layout, so the copied
``datapackage.json`` still finds its schemas and CSVs; the zip is the one ``nkl-data release-zip``
makes for the same data (same bytes). Every page links them, so the site alone is enough to get
the data.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..outdir import output, subfolder
from ..package import DESCRIPTOR, Package
from ..release import package_files, write_zip
from .charts import esc

FOLDER = "data"


@dataclass(frozen=True)
class Download:
    """A file of the site: its path from the site's root, its size, and the group it is listed in."""

    path: str
    size: int
    label: str


def write(package: Package, outdir: Path) -> list[Download]:
    """Copy the package's files and write its zip under OUTDIR/data/; list them, the zip first."""
    folder = subfolder(outdir, FOLDER)
    files = []
    for name, source in package_files(package).items():
        *parents, filename = name.split("/")
        target_folder = folder
        for part in parents:
            target_folder = subfolder(target_folder, part)
        shutil.copyfile(source, output(target_folder, filename))
        files.append(Path(name))
    archive = write_zip(package, folder)
    found = [Download(f"{FOLDER}/{archive.name}", archive.stat().st_size, "the data package")]
    found += [Download(f"{FOLDER}/{r.as_posix()}", (folder / r).stat().st_size, kind(r)) for r in sorted(files)]
    return found


def kind(relative: Path) -> str:
    """How the page groups a file: the descriptor, a table's CSV, or a schema."""
    if relative.as_posix() == DESCRIPTOR:
        return "the data package"
    return "Tables (CSV)" if relative.suffix == ".csv" else "Schemas"


def nav(downloads: list[Download], base: str) -> str:
    """The downloads grouped by kind, as links from a page BASE away from the site's root."""
    groups: dict[str, list[Download]] = {}
    for d in downloads:
        groups.setdefault(d.label, []).append(d)
    lines = []
    for label, items in groups.items():
        links = " ".join(
            f'<a href="{esc(base + d.path)}" download>{esc(d.path.rsplit("/", 1)[-1])}</a>'
            f' <span class="size">{size(d.size)}</span>'
            for d in items
        )
        lines.append(f"<li>{esc(label[:1].upper() + label[1:])}: {links}</li>")
    return f'<ul class="downloads">{"".join(lines)}</ul>'


def size(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n} B"
