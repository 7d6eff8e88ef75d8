"""Hostile contributions: huge cells, huge files, quoting chaos, descriptors that point away."""

import json
import subprocess
import sys

import pytest

from nkl_data.cli import main


def row(package, **changes):
    template = package.rows("worker_movements")[0]
    return {**template, **changes}


def test_ten_megabyte_cell_gets_a_verdict(package):
    package.write("worker_movements", [row(package, notes="x" * 10_000_000)])
    assert package.problems() == []
    package.write("worker_movements", [row(package, location="y" * 10_000_000 + " ")])
    found = [p for p in package.problems() if p.check == "whitespace"]
    assert found and found[0].line == 2 and len(found[0].value) < 300


def test_many_lines_get_every_bad_line(package):
    header = ",".join(package.header("worker_movements"))
    good = ",".join(row(package, movement_id="{id}", date="2019-12-23").values())
    lines = [good.replace("{id}", f"2019-12-23-row-{i}") for i in range(200_000)]
    lines[150_000] = lines[150_000].replace(",arrival,", ",flight,").replace(",departure,", ",flight,")
    lines[199_999] += ",extra"
    package.csv("worker_movements").write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    found = {(p.line, p.check) for p in package.problems() if p.table == "worker_movements"}
    assert (200_001, "malformed-csv") in found


def test_quoting_chaos_is_a_clear_error(package):
    package.csv("worker_movements").write_text('movement_id,date\n"""a""b"c,"\n""""""""\n"' * 1000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "nkl_data.cli", "validate", str(package.root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "worker_movements.csv" in result.stdout


@pytest.mark.parametrize("field", ["path", "schema"])
@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.json", "https://example.org/evil.csv"])
def test_descriptor_pointing_away_is_a_usage_error(package, capsys, field, target):
    descriptor = json.loads((package.root / "datapackage.json").read_text())
    descriptor["resources"][3][field] = target
    (package.root / "datapackage.json").write_text(json.dumps(descriptor))
    assert main(["validate", str(package.root)]) == 2
    assert "package" in capsys.readouterr().err


def test_single_table_validation_resolves_foreign_keys(package, capsys):
    line = package.add("worker_estimates", source_id="no-such-source")
    package.add("statements", claim_type="rumour")
    assert main(["validate", "--format", "json", str(package.csv("worker_estimates"))]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert {e["table"] for e in errors} == {"worker_estimates"}
    assert any(e["check"] == "foreign-key" and e["line"] == line for e in errors)


def test_single_table_outside_a_package_is_a_usage_error(tmp_path):
    stray = tmp_path / "stray.csv"
    stray.write_text("a\n1\n")
    assert main(["validate", str(stray)]) == 2


def test_github_annotations(package, capsys):
    line = package.add("statements", claim_type="rumour, really")
    assert main(["validate", "--format", "github", str(package.root)]) == 1
    out = capsys.readouterr().out
    column = package.header("statements").index("claim_type") + 1
    annotation = next(line for line in out.splitlines() if line.startswith("::error "))
    properties, message = annotation.removeprefix("::error ").split("::", 1)
    props = dict(item.split("=", 1) for item in properties.split(","))
    assert props["line"] == str(line) and props["col"] == str(column)
    assert props["file"].endswith("statements.csv")
    assert "rumour, really" in message
