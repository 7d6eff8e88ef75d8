"""Helpers shared by the tests: a private copy of the data package that a test may break."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from nkl_data.validate import validate

REPO = Path(__file__).resolve().parents[1]


class PackageCopy:
    def __init__(self, root: Path):
        self.root = root

    def csv(self, table: str) -> Path:
        return self.root / "datasets" / f"{table}.csv"

    def rows(self, table: str) -> list[dict[str, str]]:
        with self.csv(table).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def header(self, table: str) -> list[str]:
        return next(csv.reader(self.csv(table).open(encoding="utf-8", newline="")))

    def write(self, table: str, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header or self.header(table), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        self.csv(table).write_text(out.getvalue(), encoding="utf-8")

    def edit(self, table: str, index: int = 0, **changes: str) -> None:
        """Change cells of one existing row."""
        rows = self.rows(table)
        rows[index].update(changes)
        self.write(table, rows)

    def add(self, table: str, template: int = 0, **changes: str) -> int:
        """Append a copy of row TEMPLATE with CHANGES; return the new row's line number.

        The copy gets its own key (the template's with "-copy" appended) unless CHANGES gives one.
        """
        rows = self.rows(table)
        key = self.header(table)[0]
        rows.append({**rows[template], key: rows[template][key] + "-copy", **changes})
        self.write(table, rows)
        return len(rows) + 1

    def problems(self):
        return validate(self.root).problems


def copy_package(tmp_path: Path) -> PackageCopy:
    root = tmp_path / "pkg"
    root.mkdir()
    shutil.copy(REPO / "datapackage.json", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "datasets", root / "datasets")
    return PackageCopy(root)


def checks(problems) -> set[tuple[str, str | None, str]]:
    return {(p.table, p.column, p.check) for p in problems}
