"""Time validation of packages with one huge thing in them, at two sizes, to show its cost grows linearly.

The cases: a huge cell (a note, and a location with a space at its end), a header of many columns
(each row as wide), an enum of many values on a column every row breaks, and a URL that its
pattern rejects at its very end (the input that makes a backtracking engine quadratic). Each
package is validated in this one warm process (imports paid once), as the command line would
(the first 1000 problems listed as text), taking turns with the shipped package; the added time
is the fastest of the case's runs less the fastest of the shipped package's (the least disturbed
runs of each). Prints one line of JSON per case and size.
Usage: python benchmarks/scaling.py OUTDIR [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import time
from pathlib import Path

import pyarrow

from nkl_data.package import bundled_root
from nkl_data.problems import as_text
from nkl_data.validate import validate

# (case, what grows, smaller size, larger size)
CASES = [
    ("cell", "bytes in one cell", 1_000_000, 10_000_000),
    ("header", "header columns", 1_000, 10_000),
    ("enum", "values in an enum", 5_000, 50_000),  # a schema file holds at most 1 MiB: about 70,000 such values
    ("pattern", "bytes in a URL its pattern rejects", 1_000_000, 10_000_000),
]


def build(case: str, size: int, outdir: Path) -> Path:
    root = bundled_root()
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    shutil.copy(root / "datapackage.json", outdir)
    for folder in ("schemas", "datasets"):
        shutil.copytree(root / folder, outdir / folder)
    movements = _rows(outdir, "worker_movements")
    if case == "cell":
        movements[0]["notes"] = "x" * size
        movements[1]["location"] = "y" * size + " "
        _write(outdir, "worker_movements", movements)
    elif case == "header":
        extra = [f"extra_{i}" for i in range(size - len(movements[0]))]
        _write(outdir, "worker_movements", [{**row, **dict.fromkeys(extra, "v")} for row in movements], [*movements[0], *extra])
    elif case == "enum":
        path = outdir / "schemas" / "worker_movements.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        location = next(field for field in schema["fields"] if field["name"] == "location")
        location["constraints"] = {"enum": [f"place {i}" for i in range(size)]}
        path.write_text(json.dumps(schema), encoding="utf-8")
    elif case == "pattern":
        sources = _rows(outdir, "sources")
        sources[0]["url"] = "https://" + "a" * size + " "
        _write(outdir, "sources", sources)
    return outdir


def added(package: Path, runs: int) -> float:
    """Seconds PACKAGE takes beyond the shipped package, runs of the two taking turns."""
    times: dict[Path, list[float]] = {package: [], bundled_root(): []}
    for _ in range(runs):
        for each, spent in times.items():
            start = time.perf_counter()
            as_text(validate(each).listing(1000))
            spent.append(time.perf_counter() - start)
    return min(times[package]) - min(times[bundled_root()])


def _rows(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "datasets" / f"{table}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write(root: Path, table: str, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (root / "datasets" / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())  # as the nkl-data script does
    validate(bundled_root())  # the imports
    for case, grows, *sizes in CASES:
        for size in sizes:
            package = build(case, size, args.outdir / f"{case}-{size}")
            print(json.dumps({"case": case, "grows": grows, "size": size, "added": added(package, args.runs)}), flush=True)
            shutil.rmtree(package)


if __name__ == "__main__":
    main()
