"""Read a data package, or only its rules, from a git revision, without touching the work tree.

A revision is exported with ``git archive`` into a temporary folder, so uncommitted edits never
leak into it and nothing in the checkout changes. Files of a revision are read as blobs (``git
show``-like, with ``git cat-file``): they are data, never installed or run.

A name on the command line could be a folder and a revision at once (a folder called ``main``).
Such a name is refused rather than guessed; ``Revision`` and ``Path`` say which is meant.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

from .package import DESCRIPTOR, Package, PackageError, open_package, read_package

T = TypeVar("T")
PACKAGE_FILES = [DESCRIPTOR, "schemas", "datasets"]  # what a revision's package is made of
RULES = [DESCRIPTOR, "schemas"]  # the descriptor and schemas alone: what judges the data


class Revision(str):
    """A git revision named explicitly (``--rev``): never taken for a path."""


def package_folder(spec: str | Path | Revision, stack: ExitStack) -> tuple[Path, str]:
    """(folder holding SPEC's package, a label for messages). SPEC is a Path (a folder or its
    descriptor), a Revision, or a plain string that must be exactly one of the two.

    An exported revision's folder lives as long as STACK.
    """
    if isinstance(spec, Path):
        return spec, str(spec)
    text = str(spec)
    if not isinstance(spec, Revision):
        top = _top(Path.cwd())
        is_revision = top is not None and _commit(top, text) is not None
        if Path(text).exists():
            if is_revision:
                raise PackageError(f"{text!r} is both a path and a git revision; say which: --path {text} or --rev {text}")
            return Path(text), text
        if top is None:
            raise PackageError(f"{text}: no such file or folder, and the current folder is not in a git repository")
        if not is_revision:
            raise PackageError(f"{text}: no such file or folder, and not a revision of the git repository {top}")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nkl-data-revision-")))
    export(repository(Path.cwd()), text, folder, PACKAGE_FILES)
    return folder, text


def open_revision_package(spec: str | Path | Revision, stack: ExitStack) -> tuple[Package, str]:
    """SPEC's package, opened; a refusal names the revision's files as REV:path, not a temporary folder."""
    folder, label = package_folder(spec, stack)
    if isinstance(spec, Path) or folder == Path(label):
        return open_package(folder), label
    return relabelled(lambda: open_package(folder), folder, label), label


@contextmanager
def rules_at(revision: str, files: Path, top: Path | None = None) -> Iterator[Package]:
    """The package made of REVISION's descriptor and schemas and the CSV files under FILES.

    REVISION is read in the git repository at TOP, by default the one that holds FILES. This is how
    the base branch judges a pull request: its rules, the contributor's rows.
    """
    top = top or repository(files)
    with tempfile.TemporaryDirectory(prefix="nkl-data-rules-") as folder:
        export(top, revision, Path(folder), RULES)
        yield relabelled(lambda: read_package(Path(folder), files), Path(folder), revision)


def repository(folder: Path) -> Path:
    """The top of the git repository that holds FOLDER."""
    top = _top(folder)
    if top is None:
        raise PackageError(f"{folder}: not in a git repository, so git revisions cannot be read")
    return top


def commit_of(top: Path, revision: str) -> str:
    """The full commit id REVISION names in the repository at TOP."""
    found = _commit(top, revision)
    if found is None:
        raise PackageError(f"{revision}: not a revision of the git repository {top}")
    return found


def export(top: Path, revision: str, folder: Path, paths: list[str]) -> None:
    """Write PATHS (those the revision has) of REVISION into FOLDER; refuse a revision without a descriptor."""
    commit = commit_of(top, revision)
    listing = git(top, ["ls-tree", "--name-only", commit, "--", *paths], f"{revision}: cannot list its files")
    present = [p for p in listing.split("\n") if p]
    if DESCRIPTOR not in present:
        raise PackageError(f"{revision}: revision {commit[:12]} has no {DESCRIPTOR} at the top of the repository")
    _archive(top, commit, present, folder, revision)


def files(top: Path, revision: str, folder: str) -> list[tuple[str, str]]:
    """(mode, path) of each entry directly in FOLDER at REVISION: 100644 for a plain file, 120000 a link, ..."""
    listing = git(top, ["ls-tree", "-z", commit_of(top, revision), "--", f"{folder}/"], f"{revision}: cannot list {folder}/")
    entries = []
    for entry in filter(None, listing.split("\0")):
        info, path = entry.split("\t", 1)
        entries.append((info.split(" ")[0], path))
    return entries


def blob(top: Path, revision: str, path: str) -> bytes:
    """The bytes of PATH at REVISION, as stored (read as data, never checked out)."""
    try:
        done = subprocess.run(
            ["git", "cat-file", "blob", f"{commit_of(top, revision)}:{path}"], cwd=top, capture_output=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PackageError(f"{revision}:{path}: cannot be read (git: {error})") from None
    if done.returncode != 0:
        raise PackageError(f"{revision}:{path}: cannot be read")
    return done.stdout


def changed(top: Path, base: str, head: str) -> list[str]:
    """The paths HEAD changes since it left BASE (added, modified, deleted or renamed), as git diff BASE...HEAD."""
    listing = git(
        top,
        ["diff", "--name-only", "-z", "--no-renames", f"{commit_of(top, base)}...{commit_of(top, head)}"],
        f"{base}...{head}: cannot compare the revisions",
    )
    return sorted(filter(None, listing.split("\0")))


def git(top: Path, args: list[str], failure: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=top, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PackageError(f"{failure} (git: {error})") from None
    if done.returncode != 0:
        raise PackageError(failure)
    return done.stdout


def _top(folder: Path) -> Path | None:
    start = folder if folder.is_dir() else folder.parent
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def _commit(top: Path, revision: str) -> str | None:
    if not revision or revision.startswith("-"):  # never an option to git
        return None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
            cwd=top,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _archive(top: Path, commit: str, paths: list[str], folder: Path, label: str) -> None:
    """Stream `git archive` of PATHS into FOLDER; the tar "data" filter refuses links and paths that leave it."""
    process = subprocess.Popen(
        ["git", "archive", "--format=tar", commit, "--", *paths], cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            archive.extractall(folder, filter="data")
        process.stdout.read()  # the archive's trailing padding: unread, git could die of a closed pipe
    except (tarfile.TarError, OSError) as error:
        process.kill()
        raise PackageError(f"{label}: cannot export the revision ({error})") from None
    finally:
        process.stdout.close()
        stderr = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        process.wait()
    if process.returncode != 0:
        raise PackageError(f"{label}: git archive failed: {stderr.strip()}")


def relabelled(opening: Callable[[], T], folder: Path, label: str) -> T:
    """OPENING(), with a refusal's temporary folder shown as LABEL: (for example main:schemas/x.json)."""
    try:
        return opening()
    except PackageError as error:
        text = str(error)
        for shown in {str(folder.resolve()), str(folder)}:
            text = text.replace(shown + os.sep, f"{label}:").replace(shown, label)
        raise PackageError(text) from None
