"""The ``nkl-data`` command line. Exit codes: 0 valid, 1 invalid data, 2 usage errors."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

import pyarrow

from . import dictionary
from .package import DESCRIPTOR, PackageError, find_root, here_or_bundled, open_package
from .parse import CsvError
from .problems import InvalidPackage, totals

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nkl-data", description="Validate and work with the nkl-data package.")
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        help="print the code version and the version of the data package this folder or the install holds",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate a data package, or one table of it, and report every problem")
    check.add_argument(
        "path",
        nargs="?",
        help="a package folder, its datapackage.json, or one table's CSV file inside a package "
        "(default: the package in the current folder, else the bundled one)",
    )
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument(
        "--base",
        metavar="REV",
        help="judge PATH's CSV files by the descriptor and schemas of git revision REV of the repository "
        "that holds PATH, not by PATH's own (how a pull request is checked)",
    )
    check.add_argument(
        "--max-errors",
        type=_count,
        default=1000,
        metavar="N",
        help="list at most N problems (default 1000; 0 lists all); every problem is counted",
    )
    fmt = commands.add_parser("fmt", help="rewrite the CSV files in canonical form")
    fmt.add_argument("path", nargs="?", default=".", help="a package folder, its datapackage.json, or one table's CSV file")
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    cover = commands.add_parser("coverage", help="write docs/coverage.md (rows per table, country, year, source)")
    cover.add_argument("path", nargs="?", default=".", help="the package folder (default: the current folder)")
    cover.add_argument("--check", action="store_true", help="change nothing; exit 1 if docs/coverage.md is out of date")
    differ = commands.add_parser(
        "diff",
        help="compare two versions of the data package (paths or git revisions)",
        description="Compare two versions: OLD NEW, or both named with --rev and --path in order "
        "(nkl-data diff --rev v0.1.0 --path .). A name that is both a path and a revision is refused.",
    )
    differ.add_argument(
        "versions",
        nargs="*",
        metavar="OLD NEW",
        help="a package folder, its datapackage.json, or a git revision such as v0.1.0 or HEAD~1",
    )
    differ.add_argument(
        "--rev",
        dest="sides",
        action=_Side,
        kind="rev",
        metavar="REV",
        help="a git revision of the repository holding the current folder, never taken for a path",
    )
    differ.add_argument(
        "--path",
        dest="sides",
        action=_Side,
        kind="path",
        metavar="PATH",
        help="a package folder or its datapackage.json, never taken for a revision",
    )
    differ.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    differ.add_argument(
        "--check-version",
        action="store_true",
        help="exit 1 unless the data version was bumped at least as much as the changes require",
    )
    contribution = commands.add_parser(
        "contribution",
        help="judge a pull request's data by the base revision's rules (what the pull-request workflow runs)",
        description="Read HEAD's datasets/*.csv as data, validate them with BASE's descriptor and schemas and this installed "
        "code, check their canonical form and the generated documents, and list every other changed file as "
        "needing a maintainer's review. Exit 0 valid and only data, 1 problems, 3 files for a maintainer.",
    )
    contribution.add_argument("base", help="the base revision (the target branch's commit)")
    contribution.add_argument("head", help="the pull request's commit")
    contribution.add_argument("--format", choices=["text", "github"], default="text")
    document = commands.add_parser("dictionary", help=f"write {dictionary.TARGET.as_posix()} from the schemas")
    document.add_argument(
        "path", nargs="?", default=".", help="the package folder or its datapackage.json (default: the current folder)"
    )
    document.add_argument(
        "--check", action="store_true", help=f"change nothing; exit 1 if {dictionary.TARGET.as_posix()} is out of date"
    )
    exporting = _writer(
        commands,
        "export",
        "write the tables as Parquet, SQLite (for Datasette) or JSON",
        "folder to write into (created if needed; files of the same name are replaced)",
    )
    exporting.add_argument(
        "--format",
        type=_export_format,
        required=True,
        help="parquet: OUTDIR/<table>.parquet; sqlite: OUTDIR/nkl.db and a Datasette metadata.json; "
        "json: OUTDIR/<table>.json and a datapackage.json",
    )
    _writer(
        commands,
        "site",
        "write a self-contained web page of the data to OUTDIR/index.html",
        "folder to write index.html into (created if missing)",
    )
    _writer(
        commands,
        "release-zip",
        "write the data package as OUTDIR/nkl-data-<data version>.zip",
        "folder to write the zip into (created if missing)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_VALID
    # Each command imports what it needs only when it runs: validation starts parsing before
    # pandas and pandera are imported, and the other commands do not pay for what they do not use.
    handlers = {
        "validate": lambda: validate_command(args.path, args.format, args.base, args.max_errors or None),
        "fmt": lambda: fmt_command(args.path, args.check),
        "coverage": lambda: coverage_command(args.path, args.check),
        "diff": lambda: _module("compare").run(args),
        "contribution": lambda: _module("contribution").run(args),
        "dictionary": lambda: dictionary.run(args),
        "export": lambda: _written(_module("export").export(args.format, args.outdir, args.source or here_or_bundled())),
        "site": lambda: _written([_module("publish.site").build(args.outdir, args.source or here_or_bundled())]),
        "release-zip": lambda: _written([_module("release").data_zip(args.outdir, args.source or here_or_bundled())]),
    }
    try:
        return handlers[args.command]()
    except PackageError as error:  # no such path, not a data package, unknown revision
        print(f"nkl-data: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (InvalidPackage, CsvError) as error:  # the data itself is wrong
        print(f"nkl-data: {error}", file=sys.stderr)
        return EXIT_INVALID


def versions() -> str:
    """Both versions: the code's (the installed distribution) and the data's (the package commands default to)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        code = version("nkl-data")
    except PackageNotFoundError:  # a checkout that was never installed
        code = "0+unknown"
    source = here_or_bundled()
    try:
        data = f"{open_package(source).version} ({'this folder' if source else 'bundled'})"
    except PackageError as error:
        data = f"unreadable ({error})"
    return f"nkl-data {code}, data {data}"


class _Version(argparse.Action):
    """Like argparse's version action, but reads the data version only when asked."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(versions())
        parser.exit()


class _Side(argparse.Action):
    """--rev and --path append to one list, in the order given: the first is OLD, the second NEW."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def __call__(self, parser, namespace, value, option_string=None):
        from .revision import Revision

        sides = list(getattr(namespace, self.dest) or [])
        sides.append(Revision(value) if self.kind == "rev" else Path(value))
        setattr(namespace, self.dest, sides)


def _module(name: str):
    return importlib.import_module(f"{__package__}.{name}")


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}")
    return int(value)


def _export_format(value: str) -> str:
    formats = _module("export").FORMATS
    if value not in formats:
        raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {', '.join(formats)})")
    return value


def _writer(commands, name: str, help: str, outdir_help: str) -> argparse.ArgumentParser:
    """A command that writes files from a package into OUTDIR."""
    parser = commands.add_parser(name, help=help)
    parser.add_argument("outdir", help=outdir_help)
    parser.add_argument(
        "--source",
        help="a package folder or its datapackage.json, validated first "
        "(default: the package in the current folder, else the bundled one)",
    )
    return parser


def _written(paths) -> int:
    print("\n".join(map(str, paths)))
    return EXIT_VALID


def _table_of(package, file: Path):
    table = package.table_for_file(file)
    if table is None:
        raise PackageError(f"{file}: not one of the tables of the package in {package.root}")
    return table


def resolve(path: str | None) -> tuple[str | None, str | None]:
    """(package source, one table's name or None) for a command-line PATH."""
    if path is None:
        return here_or_bundled(), None
    target = Path(path)
    if target.is_file() and target.name != DESCRIPTOR:
        for folder in target.resolve().parents:
            if (folder / DESCRIPTOR).is_file():
                return str(folder), _table_of(open_package(folder), target).name
        raise PackageError(f"{path}: not inside a data package (no {DESCRIPTOR} above it)")
    return path, None


def validate_command(path: str | None, format_: str, base: str | None = None, limit: int | None = 1000) -> int:
    """Print the first LIMIT problems (None: all) and the count of every kind."""
    from .problems import as_github, as_json, as_text
    from .validate import validate

    if base is None:
        source, only = resolve(path)
        report = validate(source)
    else:
        from .revision import rules_at

        root, file = files_root(path)
        with rules_at(base, root) as package:
            only = None if file is None else _table_of(package, file).name
            report = validate(package)
    found = report.listing(limit, only)
    if format_ == "json":
        print(as_json(found))
    elif format_ == "github":
        # at most LIMIT annotations and one line of totals, however much is wrong
        if found.total:
            print(as_github(found, {name: t.field_names for name, t in report.package.tables.items()}))
        else:
            print(summary(report, found, only, base).splitlines()[-1])
    else:
        if found.total:
            print(as_text(found))
            print()
        print(summary(report, found, only, base))
    return EXIT_INVALID if found.total else EXIT_VALID


def files_root(path: str | None) -> tuple[Path, Path | None]:
    """(the folder whose datasets/ hold the files, one table's file or None) for validate --base.

    A table's file is always datasets/<name>.csv (descriptor.RESOURCE_PATH), so a CSV file's
    package folder is the one above its datasets/ folder.
    """
    target = Path(path or ".")
    if target.is_dir():
        return target, None
    if target.name == DESCRIPTOR and target.is_file():
        return target.parent, None
    if target.is_file() and target.suffix == ".csv" and target.parent.name == "datasets":
        return target.parent.parent, target
    raise PackageError(f"{path}: expected a package folder, its {DESCRIPTOR}, or a table's datasets/<name>.csv")


def fmt_command(path: str, check: bool) -> int:
    from .canonical import NotCsv, format_table

    source, only = resolve(path)
    package = open_package(source)
    status = EXIT_VALID
    for table in package.tables.values():
        if only and table.name != only:
            continue
        try:
            result = format_table(table, check=check)
        except (NotCsv, OSError) as error:  # OSError: missing, a folder, unreadable
            print(f"{table.path}: cannot format: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        if result.changed:
            print(f"{table.path}: {'not canonical' if check else 'reformatted'}")
            status = EXIT_INVALID if check else status
    return status


def coverage_command(path: str, check: bool) -> int:
    from . import coverage

    root = find_root(path)
    target = root / "docs" / "coverage.md"
    before = target.read_text(encoding="utf-8") if target.exists() else None
    if check:
        gaps = root / "docs" / "gaps.md"
        fresh = coverage.report(root, gaps.read_text(encoding="utf-8") if gaps.exists() else "")
        if fresh != before:
            print(f"{target}: out of date; run nkl-data coverage", file=sys.stderr)
            return EXIT_INVALID
        return EXIT_VALID
    print(coverage.write(root, root))
    return EXIT_VALID


def summary(report, found, only: str | None = None, base: str | None = None) -> str:
    names = [only] if only else list(report.package.tables)
    width = max(map(len, names), default=0)
    rules = f"; descriptor and schemas of {base}" if base else ""
    lines = [f"data package {report.package.root} (version {report.package.version}{rules})"]
    for name in names:
        rows = report.rows.get(name)
        lines.append(f"  {name:<{width}}  {'unreadable' if rows is None else f'{rows} rows'}")
    lines.append(totals(found) if found.total else "valid")
    return "\n".join(lines)


def entry() -> None:
    """The ``nkl-data`` console script: main(), then exit at once.

    Tearing the interpreter down (freeing every frame and module one by one) costs about a tenth
    of a second after a large validation and does nothing a finished command needs: every file it
    wrote is closed by then, and the output is flushed here.
    """
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        # Arrow's default allocator (mimalloc) made a large validation slower and less steady
        # here than the C library's malloc did (medians of 1.47 s and 1.29 s over 9 interleaved runs)
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader stopped reading (nkl-data validate | head)
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
