"""Where the writers (export, site, release-zip) put their files: inside OUTDIR, never elsewhere.

File names come partly from the descriptor (a table's name, the data version), which a stranger
may have written. The descriptor checks already keep those names plain; this is the last guard:
a name is one path component, and a file is never written through a symbolic link that an earlier
run, or anyone else, left in OUTDIR.
"""

from __future__ import annotations

from pathlib import Path

from .package import PackageError


def prepare(outdir: str | Path) -> Path:
    """OUTDIR, created if missing; refused when it exists and is not a folder."""
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise PackageError(f"{folder}: not a folder; give a folder to write into")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output(outdir: Path, name: str) -> Path:
    """OUTDIR/NAME, checked: NAME is one plain file name, and the path is not a link or a folder."""
    path = _plain(outdir, name, "file")
    if path.is_dir():
        raise PackageError(f"{path}: a folder; refusing to replace it")
    if path.resolve().parent != outdir.resolve():
        raise PackageError(f"{path}: outside {outdir}; refusing to write it")
    return path


def subfolder(outdir: Path, name: str) -> Path:
    """OUTDIR/NAME as a folder, created if missing: one plain name, not a link, inside OUTDIR."""
    return prepare(_plain(outdir, name, "folder"))


def _plain(outdir: Path, name: str, kind: str) -> Path:
    """OUTDIR/NAME when NAME is one plain path component and the path is not a symbolic link."""
    if not name or name in (".", "..") or any(c in name for c in "/\\\0"):
        raise PackageError(f"{name!r}: not a plain {kind} name; refusing to write outside {outdir}")
    path = outdir / name
    if path.is_symlink():
        raise PackageError(f"{path}: a symbolic link; refusing to write through it (remove it first)")
    return path
