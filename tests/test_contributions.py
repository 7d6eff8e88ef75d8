"""A corpus of contributed worker_movements files: each bad one is rejected with the right file,
line, column and rule; each tricky-but-valid one is accepted. worker_movements is used because no
other table refers to it, so one replaced file tests exactly one contribution.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nkl_data.cli import main

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "bad" / "expected.json").read_text())


def contribute(package, case: Path):
    shutil.copy(case, package.csv("worker_movements"))
    return package.problems()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_contribution_is_rejected_where_it_is_wrong(package, name):
    problems = contribute(package, CORPUS / "bad" / f"{name}.csv")
    found = {(p.line, p.column, p.check) for p in problems if p.table == "worker_movements"}
    for line, column, check in EXPECTED[name]:
        assert (line, column, check) in found, (
            f"{name}: expected {check} at line {line}, column {column}; got {sorted(found, key=str)}"
        )
    assert all(p.file.endswith("worker_movements.csv") for p in problems if p.table == "worker_movements")


def test_every_bad_case_has_an_expectation():
    assert {p.stem for p in (CORPUS / "bad").glob("*.csv")} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted((CORPUS / "good").glob("*.csv")), ids=lambda p: p.stem)
def test_tricky_valid_contribution_is_accepted(package, case):
    assert contribute(package, case) == []


@pytest.mark.parametrize("case", sorted((CORPUS / "good").glob("*.csv")), ids=lambda p: p.stem)
def test_valid_contribution_is_already_canonical(package, case):
    contribute(package, case)
    assert main(["fmt", "--check", str(package.root)]) == 0


def test_cli_never_prints_a_traceback_for_bad_data(package):
    for case in sorted((CORPUS / "bad").glob("*.csv")):
        shutil.copy(case, package.csv("worker_movements"))
        result = subprocess.run(
            [sys.executable, "-m", "nkl_data.cli", "validate", "--format", "json", str(package.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, case.name
        assert "Traceback" not in result.stderr, case.name
        assert json.loads(result.stdout)["valid"] is False
