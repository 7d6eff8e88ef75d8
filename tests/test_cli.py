import json
import subprocess
import sys

import pytest

from support import REPO
from nkl_data.cli import main


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
    assert (error["table"], error["line"], error["column"], error["value"]) == ("worker_movements", line, "movement_type", "flight")


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
    result = subprocess.run([sys.executable, "-m", "nkl_data.cli", "validate", str(package.root)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "sources.csv" in result.stdout


def test_the_validate_command_imports_pandas_only_after_the_parse_starts():
    # validation hides the import of pandas and pandera behind the parse; importing either on the
    # way to validate() would silently serialise them again
    code = "import sys, nkl_data, nkl_data.cli, nkl_data.validate; print(sorted({'pandas', 'pandera'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


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
