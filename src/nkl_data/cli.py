"""The ``nkl-data`` command line. Exit codes: 0 valid, 1 invalid data, 2 usage errors."""

from __future__ import annotations

import argparse
import sys

from .package import PackageError, find_root

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nkl-data", description="Validate and work with the nkl-data package.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate a data package and report every problem")
    check.add_argument("path", nargs="?", help="a package folder or its datapackage.json (default: the one in the current folder, else the bundled one)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_VALID
    return validate_command(args.path, args.format)


def validate_command(path: str | None, format_: str) -> int:
    from .problems import as_json, as_text
    from .validate import validate

    if path is None:
        try:
            path = str(find_root("."))
        except PackageError:
            path = None
    try:
        report = validate(path)
    except PackageError as error:
        print(f"nkl-data: {error}", file=sys.stderr)
        return EXIT_USAGE
    if format_ == "json":
        print(as_json(report.problems))
    else:
        if report.problems:
            print(as_text(report.problems))
            print()
        print(summary(report))
    return EXIT_VALID if report.valid else EXIT_INVALID


def summary(report) -> str:
    width = max(map(len, report.package.tables), default=0)
    lines = [f"data package {report.package.root} (version {report.package.version})"]
    for name in report.package.tables:
        rows = report.rows.get(name)
        lines.append(f"  {name:<{width}}  {'unreadable' if rows is None else f'{rows} rows'}")
    verdict = "valid" if report.valid else f"INVALID: {len(report.problems)} problem{'s' * (len(report.problems) != 1)}"
    lines.append(verdict)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
