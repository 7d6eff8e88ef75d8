import json
import subprocess
import sys

import pytest

from nkl_data.cli import main
from support import REPO


def test_valid_package_exits_0(capsys):
    assert main(["validate", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "statements" in out


def test_invalid_data_exits_1_with_json_contract(package, capsys):
    line = package.add("worker_movements", movement_type="flight")
    assert main(["validate", str(package.root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    error = next(e for e in report["errors"] if e["check"] == "enum")
    assert set(error) == {"table", "line", "column", "check", "message", "value"}
    assert (error["table"], error["line"], error["column"], error["value"]) == (
        "worker_movements",
        line,
        "movement_type",
        "flight",
    )


def test_valid_json_report(capsys):
    assert main(["validate", str(REPO), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "errors": [], "error_count": 0, "truncated": False}


@pytest.mark.parametrize("argv", [["validate", "/no/such/path"], ["validate", "--format", "xml"], ["frobnicate"], []])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2


def test_text_report_names_file_line_column_and_hint(package, capsys):
    line = package.add("statements", claim_type="rumour")
    assert main(["validate", str(package.root)]) == 1
    out = capsys.readouterr().out
    assert f"statements.csv:{line}: column claim_type:" in out
    assert "hint: use one of the values the schema lists" in out
    assert "INVALID: 1 problem" in out


def test_malformed_csv_gives_no_traceback(package):
    package.csv("sources").write_bytes(b'source_id,publisher\n"unterminated,x\n')
    result = subprocess.run(
        [sys.executable, "-m", "nkl_data.cli", "validate", str(package.root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "sources.csv" in result.stdout


def test_the_validate_command_imports_pandas_only_after_the_parse_starts():
    # validation hides the import of pandas and pandera behind the parse; importing either on the
    # way to validate() would silently serialise them again
    code = "import sys, nkl_data, nkl_data.cli, nkl_data.validate; print(sorted({'pandas', 'pandera'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_version_prints_code_and_data_versions(package, capsys, monkeypatch):
    from importlib.metadata import version

    monkeypatch.chdir(package.root)
    set_data_version(package, "9.8.7")
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"nkl-data {version('nkl-data')}, data 9.8.7 (this folder)"


def test_python_dash_m_runs_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "nkl_data", "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("nkl-data ") and "(bundled)" in done.stdout


def set_data_version(package, value: str) -> None:
    path = package.root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = value
    path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def test_validate_base_judges_the_files_by_the_revision_s_rules(repo, capsys):
    # a pull request that widens an enum and adds a row only the wider enum allows
    path = repo.root / "schemas" / "statements.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "claim_type")["constraints"]["enum"].append("rumour")
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    line = repo.add("statements", claim_type="rumour")
    assert main(["validate", str(repo.root)]) == 0  # by its own rules it passes
    capsys.readouterr()
    assert main(["validate", str(repo.root), "--base", "v0.1.0", "--format", "json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["table"], e["line"], e["column"], e["check"]) for e in errors] == [("statements", line, "claim_type", "enum")]
    assert main(["validate", str(repo.csv("statements")), "--base", "v0.1.0"]) == 1
    out = capsys.readouterr().out
    assert "descriptor and schemas of v0.1.0" in out and "INVALID: 1 problem" in out
    assert main(["validate", str(repo.csv("countries")), "--base", "v0.1.0"]) == 0


def test_validate_base_needs_a_repository_and_a_revision(repo, tmp_path, capsys):
    assert main(["validate", str(repo.root), "--base", "no-such-rev"]) == 2
    assert "no-such-rev: not a revision" in capsys.readouterr().err
    outside = tmp_path / "outside"
    outside.mkdir()
    assert main(["validate", str(outside), "--base", "HEAD"]) == 2
    assert "not in a git repository" in capsys.readouterr().err


@pytest.fixture
def many_wrong(package):
    """A worker_movements table with 30 enum problems, 30 whitespace problems and one count-order problem."""
    rows = package.rows("worker_movements")[:30]
    for row in rows:
        row.update(movement_type="flight", location=row["location"] + " ")
    rows[4].update(quantity_text="3 to 7", count_low="7", count_best="3", count_high="")
    package.write("worker_movements", rows)
    return package


def test_max_errors_caps_the_json_list_and_counts_every_problem(many_wrong, capsys):
    assert main(["validate", str(many_wrong.root), "--format", "json", "--max-errors", "0"]) == 1
    everything = json.loads(capsys.readouterr().out)
    assert everything["error_count"] == len(everything["errors"]) == 61 and everything["truncated"] is False
    assert main(["validate", str(many_wrong.root), "--format", "json", "--max-errors", "7"]) == 1
    capped = json.loads(capsys.readouterr().out)
    assert capped["errors"] == everything["errors"][:7]
    assert (capped["error_count"], capped["truncated"], capped["valid"]) == (61, True, False)


def test_text_groups_problems_by_file_column_and_rule(many_wrong, capsys):
    assert main(["validate", str(many_wrong.root)]) == 1
    out = capsys.readouterr().out
    assert "  movement_type [enum]: 30 problems" in out and "  location [whitespace]: 30 problems" in out
    assert "  count_best [count-order]: 1 problem\n" in out
    assert out.count("column movement_type: must be one of") == 5  # the first few of the group
    assert out.count("    ... and 25 more") == 2
    assert out.count("hint: use one of the values the schema lists") == 1
    assert "INVALID: 61 problems" in out


def test_text_lists_no_more_than_max_errors(many_wrong, capsys):
    assert main(["validate", str(many_wrong.root), "--max-errors", "3"]) == 1
    out = capsys.readouterr().out
    assert sum(line.startswith("    ") and "[" in line and "]" in line and ".csv:" in line for line in out.splitlines()) == 3
    assert "  movement_type [enum]: 30 problems" in out and "the first 3 are listed" in out


def test_github_emits_at_most_the_cap_and_one_summary(many_wrong, capsys):
    assert main(["validate", str(many_wrong.root), "--format", "github", "--max-errors", "10"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("::error file=") for line in lines) == 10
    assert len(lines) == 11 and lines[-1].startswith("::error title=nkl-data::INVALID: 61 problems")


def test_an_enum_message_is_worded_once(many_wrong):
    from nkl_data.validate import validate

    listed = [p for p in validate(many_wrong.root).listing(None).listed if p.check == "enum"]
    assert len(listed) == 30 and len({id(p.message) for p in listed}) == 1


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_max_errors_must_be_a_whole_number(value):
    assert main(["validate", "--max-errors", value]) == 2
