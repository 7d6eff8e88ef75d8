"""Judge a pull request's data by the base revision's rules, and say what needs a maintainer.

The pull-request workflow runs this from a checkout of the base branch, with the base branch's
code installed. The pull request's files are read from git as blobs and written to a temporary
folder as data: they are never checked out, installed, imported or run. Its rows are then checked
with the base's descriptor and schemas (so a pull request cannot loosen the rules its own rows are
checked by), in canonical form, and against the generated documents it commits.

What a contributor may change without a maintainer: the CSV files of the tables (datasets/*.csv)
and the two documents generated from them (docs/coverage.md, docs/data-dictionary.md), which must
be exactly what the base's code makes. Anything else (code, schemas, the descriptor, workflows, a
new table, a symbolic link) is listed as needing a maintainer's review: the base's checks cannot
judge it.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import coverage, dictionary
from .canonical import NotCsv, format_table
from .escape import github_message, github_property, one_line
from .package import Package, PackageError, open_package
from .problems import Problem, as_github, as_text
from .revision import RULES, blob, changed, export, files, relabelled, repository

DATA = re.compile(r"datasets/[a-z0-9_-][a-z0-9._-]*\.csv")  # a table's file, as descriptor.RESOURCE_PATH has it
GAPS = "docs/gaps.md"
GENERATED: dict[str, tuple[str, Callable[[Path], str]]] = {
    "docs/coverage.md": ("nkl-data coverage", lambda root: coverage.report(root, _text(root / GAPS))),
    str(dictionary.TARGET.as_posix()): ("nkl-data dictionary", dictionary.render),
}
PLAIN_FILE = "100644"  # git's mode for a regular, non-executable file
EXIT_OK, EXIT_INVALID, EXIT_MAINTAINER = 0, 1, 3


@dataclass(frozen=True)
class Verdict:
    """What the base's rules found in the pull request's data, and the files they cannot judge."""

    package: Package
    problems: list[Problem]
    for_maintainer: list[str]

    @property
    def exit_code(self) -> int:
        return EXIT_INVALID if self.problems else EXIT_MAINTAINER if self.for_maintainer else EXIT_OK


def judge(base: str, head: str, where: Path | None = None) -> Verdict:
    """Check HEAD's data with BASE's rules, in the git repository that holds WHERE (default: here)."""
    from .validate import validate

    top = repository(where or Path.cwd())
    touched = changed(top, base, head)
    entries = dict((path, mode) for mode, path in files(top, head, "datasets"))
    data = [path for path, mode in entries.items() if mode == PLAIN_FILE and DATA.fullmatch(path)]
    for_maintainer = [
        path
        for path in touched
        if path not in GENERATED and path not in data and not (DATA.fullmatch(path) and path not in entries)
    ]  # a table's file deleted is judged as data (missing-file)
    with tempfile.TemporaryDirectory(prefix="nkl-data-contribution-") as folder:
        root = Path(folder)
        (root / "datasets").mkdir()
        for path in data:
            (root / path).write_bytes(blob(top, head, path))
        export(top, base, root, [*RULES, GAPS])
        package = relabelled(lambda: open_package(root), root, base)
        report = validate(package, paths_from_root=True)
        problems = [*report.problems, *_not_canonical(package)]
        if report.valid:
            problems += _stale_documents(root, top, head)
    return Verdict(package, problems, for_maintainer)


def _not_canonical(package: Package) -> list[Problem]:
    found = []
    for table in package.tables.values():
        try:
            result = format_table(table, check=True)
        except (NotCsv, OSError):
            continue  # validation has said why the file cannot be read
        if result.changed:
            file = table.path.relative_to(package.root.resolve()).as_posix()
            found.append(
                Problem(
                    table.name,
                    None,
                    None,
                    "not-canonical",
                    "the file is not in canonical form (row order, quoting, line endings, NFC); run nkl-data fmt",
                    None,
                    file,
                )
            )
    return found


def _stale_documents(root: Path, top: Path, head: str) -> list[Problem]:
    """Each generated document the pull request carries must be what the base's code makes from its data."""
    found = []
    for path, (command, render) in GENERATED.items():
        try:
            committed = blob(top, head, path)
        except PackageError:
            committed = None
        if committed != render(root).encode("utf-8"):
            state = "missing" if committed is None else "not what the data makes"
            found.append(
                Problem(
                    "",
                    None,
                    None,
                    "generated-file",
                    f"{state}: {command} writes it from the tables and schemas; run make docs and commit the result",
                    None,
                    path,
                )
            )
    return found


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


# Command line ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Print the verdict; 0 valid and only data, 1 problems, 3 files that need a maintainer's review."""
    verdict = judge(args.base, args.head)
    columns = {name: t.field_names for name, t in verdict.package.tables.items()}
    problems = verdict.problems
    if args.format == "github":
        lines = [as_github(problems, columns)] if problems else []
        why = github_message("the base branch's checks cannot judge a change outside datasets/*.csv; a maintainer reviews it")
        lines += [
            f"::warning file={github_property(path)},title=needs a maintainer's review::{why}" for path in verdict.for_maintainer
        ]
    else:
        lines = [as_text(problems), ""] if problems else []
        if verdict.for_maintainer:
            lines += [
                "needs a maintainer's review (the base branch's checks cannot judge these):",
                *(f"  {one_line(path)}" for path in verdict.for_maintainer),
                "",
            ]
    count = len(problems)
    lines.append(
        f"data judged by the rules of {one_line(args.base)}: "
        + ("valid" if not count else f"INVALID: {count} problem{'s' * (count != 1)}")
        + (
            f"; {len(verdict.for_maintainer)} file{'s' * (len(verdict.for_maintainer) != 1)} for a maintainer"
            if verdict.for_maintainer
            else "; only data changed"
        )
    )
    print("\n".join(lines))
    return verdict.exit_code
