"""Helpers shared by the tests: a private copy of the data package that a test may break."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

from nkl_data.validate import validate

REPO = Path(__file__).resolve().parents[1]
# the tables users get, in the descriptor's order: the public contract the loader tests hold
TABLES = [
    "sources",
    "countries",
    "deadlines",
    "statements",
    "worker_movements",
    "worker_estimates",
    "state_reports",
    "report_counts",
    "entry_statistics",
]
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


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


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def git_package(root: Path, version: str = "0.1.0") -> PackageCopy:
    """A git repository at ROOT holding a copy of the package at VERSION, committed and tagged vVERSION."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "datapackage.json", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "datasets", root / "datasets")
    package = PackageCopy(root)
    set_version(package, version)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first release")
    git(root, "tag", f"v{version}")
    return package


def set_version(package: PackageCopy, version: str) -> None:
    path = package.root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def edit(root: Path, change: dict) -> None:
    """Make one change to a JSON file of the package at ROOT, as the corpus writes it.

    {"file", "at": [keys]} with "set": value, "delete": true, "append": item, "remove": item or
    "swap": [i, j]; or {"rename": [old, new]} to move a file. "at": [] is the whole file.
    """
    if "rename" in change:
        old, new = change["rename"]
        (root / old).rename(root / new)
        return
    path = root / change["file"]
    value = json.loads(path.read_text(encoding="utf-8"))
    *parents, last = change["at"] or [None]
    if last is None:
        value = change["set"]
    else:
        target = value
        for key in parents:
            target = target[key]
        if change.get("delete"):
            del target[last]
        elif "append" in change:
            target[last].append(change["append"])
        elif "remove" in change:
            target[last].remove(change["remove"])
        elif "swap" in change:
            i, j = change["swap"]
            target[last][i], target[last][j] = target[last][j], target[last][i]
        else:
            target[last] = change["set"]
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
