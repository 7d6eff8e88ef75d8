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
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate a data package, or one table of it, and report every problem")
    check.add_argument("path", nargs="?", help="a package folder, its datapackage.json, or one table's CSV file inside a package "
                                               "(default: the package in the current folder, else the bundled one)")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument("--max-errors", type=_count, default=1000, metavar="N",
                       help="list at most N problems (default 1000; 0 lists all); every problem is counted")
    fmt = commands.add_parser("fmt", help="rewrite the CSV files in canonical form")
    fmt.add_argument("path", nargs="?", default=".", help="a package folder, its datapackage.json, or one table's CSV file")
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    cover = commands.add_parser("coverage", help="write docs/coverage.md (rows per table, country, year, source)")
    cover.add_argument("path", nargs="?", default=".", help="the package folder (default: the current folder)")
    cover.add_argument("--check", action="store_true", help="change nothing; exit 1 if docs/coverage.md is out of date")
    differ = commands.add_parser("diff", help="compare two versions of the data package (paths or git revisions)")
    differ.add_argument("old", help="a package folder, its datapackage.json, or a git revision such as v0.1.0 or HEAD~1")
    differ.add_argument("new", help="the same, for the newer version")
    differ.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    differ.add_argument("--check-version", action="store_true",
                        help="exit 1 unless the data version was bumped at least as much as the changes require")
    document = commands.add_parser("dictionary", help=f"write {dictionary.TARGET.as_posix()} from the schemas")
    document.add_argument("path", nargs="?", default=".", help="the package folder or its datapackage.json (default: the current folder)")
    document.add_argument("--check", action="store_true", help=f"change nothing; exit 1 if {dictionary.TARGET.as_posix()} is out of date")
    exporting = _writer(commands, "export", "write the tables as Parquet, SQLite (for Datasette) or JSON",
                        "folder to write into (created if needed; files of the same name are replaced)")
    exporting.add_argument("--format", type=_export_format, required=True,
                           help="parquet: OUTDIR/<table>.parquet; sqlite: OUTDIR/nkl.db and a Datasette metadata.json; "
                                "json: OUTDIR/<table>.json and a datapackage.json")
    _writer(commands, "site", "write a self-contained web page of the data to OUTDIR/index.html",
            "folder to write index.html into (created if missing)")
    _writer(commands, "release-zip", "write the data package as OUTDIR/nkl-data-<data version>.zip",
            "folder to write the zip into (created if missing)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_VALID
    # Each command imports what it needs only when it runs: validation starts parsing before
    # pandas and pandera are imported, and the other commands do not pay for what they do not use.
    handlers = {
        "validate": lambda: validate_command(args.path, args.format, args.max_errors or None),
        "fmt": lambda: fmt_command(args.path, args.check),
        "coverage": lambda: coverage_command(args.path, args.check),
        "diff": lambda: _module("compare").run(args),
        "dictionary": lambda: dictionary.run(args),
        "export": lambda: _written(_module("export").export(args.format, args.outdir, args.source or here_or_bundled())),
        "site": lambda: _written([_module("site").build(args.outdir, args.source or here_or_bundled())]),
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
    parser.add_argument("--source", help="a package folder or its datapackage.json, validated first "
                                         "(default: the package in the current folder, else the bundled one)")
    return parser


def _written(paths) -> int:
    print("\n".join(map(str, paths)))
    return EXIT_VALID


def resolve(path: str | None) -> tuple[str | None, str | None]:
    """(package source, one table's name or None) for a command-line PATH."""
    if path is None:
        return here_or_bundled(), None
    target = Path(path)
    if target.is_file() and target.name != DESCRIPTOR:
        for folder in target.resolve().parents:
            if (folder / DESCRIPTOR).is_file():
                table = open_package(folder).table_for_file(target)
                if table is None:
                    raise PackageError(f"{path}: not one of the tables of the package in {folder}")
                return str(folder), table.name
        raise PackageError(f"{path}: not inside a data package (no {DESCRIPTOR} above it)")
    return path, None


def validate_command(path: str | None, format_: str, limit: int | None = 1000) -> int:
    """Print the first LIMIT problems (None: all) and the count of every kind."""
    from .problems import as_github, as_json, as_text
    from .validate import validate

    source, only = resolve(path)
    report = validate(source)
    found = report.listing(limit, only)
    if format_ == "json":
        print(as_json(found))
    elif format_ == "github":
        # at most LIMIT annotations and one line of totals, however much is wrong
        if found.total:
            print(as_github(found, {name: t.field_names for name, t in report.package.tables.items()}))
        else:
            print(summary(report, found, only).splitlines()[-1])
    else:
        if found.total:
            print(as_text(found))
            print()
        print(summary(report, found, only))
    return EXIT_INVALID if found.total else EXIT_VALID


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
        except (NotCsv, FileNotFoundError) as error:
            print(f"{table.path}: cannot format: {error}", file=sys.stderr)
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


def summary(report, found, only: str | None = None) -> str:
    names = [only] if only else list(report.package.tables)
    width = max(map(len, names), default=0)
    lines = [f"data package {report.package.root} (version {report.package.version})"]
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
