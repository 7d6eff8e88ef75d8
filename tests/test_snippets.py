"""The README's snippets for other tools, run against every shipped CSV: nothing lost, nothing invented.

Each snippet is taken from the README as written and run with its file name replaced, so the README
cannot drift from what the tests check. A reader keeps Namibia's `NA` and `007` as text and reads
only an empty cell as missing; every cell must equal what Python's csv module reads.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Read the data with other tools", 1)[1].split("\n## ", 1)[0]
PYTHON = re.findall(r"```python\n(.*?)```", SECTION, re.S)
R = re.findall(r"```r\n(.*?)```", SECTION, re.S)
EXAMPLE = "datasets/countries.csv"
CSVS = sorted((REPO / "datasets").glob("*.csv"))


def expected(path: Path) -> list[list[str | None]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return [[cell or None for cell in row] for row in rows[1:]]


def as_rows(frame) -> list[list[str | None]]:
    """A pandas, polars or DuckDB result as lists of cells, missing as None."""
    if hasattr(frame, "fetchall"):  # DuckDB relation
        return [list(row) for row in frame.fetchall()]
    if hasattr(frame, "iter_rows"):  # polars
        return [list(row) for row in frame.iter_rows()]
    return [[None if cell != cell else cell for cell in row] for row in frame.itertuples(index=False)]


def run(snippet: str, path: Path):
    namespace: dict = {}
    exec(snippet.replace(EXAMPLE, path.as_posix()), namespace)
    return namespace["countries"]


def test_the_readme_has_the_snippets():
    assert len(PYTHON) == 3 and all(EXAMPLE in s for s in PYTHON)
    assert len(R) == 1 and EXAMPLE in R[0]


@pytest.mark.parametrize("snippet", PYTHON, ids=["pandas", "polars", "duckdb"])
@pytest.mark.parametrize("path", CSVS, ids=lambda p: p.stem)
def test_snippet_reads_every_cell_as_written(snippet, path):
    assert as_rows(run(snippet, path)) == expected(path)


@pytest.mark.parametrize("snippet", PYTHON, ids=["pandas", "polars", "duckdb"])
def test_snippet_keeps_codes_and_only_empty_is_missing(snippet, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text('code,name,note\n007,NA,"two\nlines"\nNA,,None\nnull,NaN,N/A\n', encoding="utf-8")
    assert as_rows(run(snippet, path)) == [["007", "NA", "two\nlines"], ["NA", None, "None"], ["null", "NaN", "N/A"]]


def test_the_files_are_what_the_readme_promises():
    for path in CSVS:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n"), path.name
        raw.decode("utf-8")
        header = raw.split(b"\n", 1)[0].decode("utf-8").split(",")
        schema = json.loads((REPO / "schemas" / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert header == [field["name"] for field in schema["fields"]]


def test_r_snippet_reads_every_column_as_text_and_only_empty_as_missing():
    """readr's default na = c("", "NA") would drop Namibia: the README must override both defaults."""
    assert 'na = ""' in R[0] and '.default = "c"' in R[0]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed; the R snippet's options are checked above")
def test_r_snippet_runs(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,name\n007,NA\nNA,\n", encoding="utf-8")
    script = R[0].replace(EXAMPLE, path.as_posix()) + (
        "\ncat(countries$code[1], countries$name[1], countries$code[2], is.na(countries$code[2]), is.na(countries$name[2]))\n"
    )
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["007", "NA", "NA", "FALSE", "TRUE"]
