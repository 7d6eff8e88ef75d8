"""A descriptor and its schemas are data from a stranger: each case of tests/corpus/descriptors is
refused by every command with exit 2 and a message naming the file and the property, never a
traceback; the shipped package passes the same checks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nkl_data.cli import main
from nkl_data.descriptor import descriptor_problems, schema_problems
from nkl_data.package import PackageError, open_package
from support import REPO, edit

CASES = json.loads((Path(__file__).parent / "corpus" / "descriptors" / "cases.json").read_text(encoding="utf-8"))


def apply(root: Path, case: dict) -> Path:
    """Make CASE's one change to the package at ROOT; return the changed file."""
    edit(root, case)
    return root / case["file"]


def test_the_shipped_descriptor_and_schemas_have_no_problems():
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor_problems(descriptor) == []
    for resource in descriptor["resources"]:
        assert schema_problems(json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))) == [], resource["name"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_is_refused_with_a_message_naming_file_and_property(package, capsys, name):
    case = CASES[name]
    changed = apply(package.root, case)
    assert main(["validate", str(package.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nkl-data: {changed}"), err
    assert case["refused"] in err


@pytest.mark.parametrize("command", [["fmt", "--check"], ["coverage", "--check"], ["dictionary", "--check"]])
def test_every_command_refuses_the_package(package, capsys, command):
    apply(package.root, CASES["resource_path_in_git_folder"])
    assert main([*command, str(package.root)]) == 2
    assert "must be one file datasets/<name>.csv" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["export", "--format", "json"], ["site"], ["release-zip"]])
def test_every_writer_refuses_the_package_before_writing(package, tmp_path, capsys, command):
    apply(package.root, CASES["name_reserved_by_sqlite"])
    out = tmp_path / "out"
    assert main([*command, str(out), "--source", str(package.root)]) == 2
    assert "the name is reserved" in capsys.readouterr().err
    assert not out.exists()


def test_a_refusal_is_never_a_traceback(package):
    apply(package.root, CASES["field_defined_twice"])
    result = subprocess.run(
        [sys.executable, "-m", "nkl_data.cli", "validate", str(package.root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "defined twice" in result.stderr


def test_every_problem_is_reported_at_once(package):
    for name in ("version_two_parts", "duplicate_resource_names", "encoding_not_utf8"):
        apply(package.root, CASES[name])
    with pytest.raises(PackageError) as refused:
        open_package(package.root)
    message = str(refused.value)
    assert all(
        CASES[name]["refused"] in message for name in ("version_two_parts", "duplicate_resource_names", "encoding_not_utf8")
    )


def test_a_symlinked_descriptor_is_refused(package, tmp_path):
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "datapackage.json").write_text((package.root / "datapackage.json").read_text(encoding="utf-8"), encoding="utf-8")
    (package.root / "datapackage.json").unlink()
    (package.root / "datapackage.json").symlink_to(decoy / "datapackage.json")
    for source in (package.root, package.root / "datapackage.json"):
        with pytest.raises(PackageError, match="symbolic link"):
            open_package(source)


def test_symlinked_schema_or_csv_even_inside_the_package_is_refused(package):
    # a link inside the package is still a decoy: the file users download is not the one checked
    schema = package.root / "schemas" / "countries.json"
    schema.unlink()
    schema.symlink_to(package.root / "schemas" / "sources.json")
    with pytest.raises(PackageError, match=r"countries\.json is a symbolic link"):
        open_package(package.root)


def test_a_symlinked_datasets_folder_is_refused(package, tmp_path):
    (package.root / "datasets").rename(tmp_path / "elsewhere")
    (package.root / "datasets").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PackageError, match="datasets is a symbolic link"):
        open_package(package.root)


def test_a_symlink_loop_is_a_clear_error(package, capsys):
    loop = package.csv("countries")
    loop.unlink()
    loop.symlink_to(loop)
    assert main(["validate", str(package.root)]) == 2
    assert "countries.csv is a symbolic link" in capsys.readouterr().err


def test_absurd_nesting_and_size_are_refused(package):
    path = package.root / "schemas" / "countries.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(PackageError, match="nested"):
        open_package(package.root)
    path.write_text('{"fields": [], "description": "' + "x" * (2 << 20) + '"}', encoding="utf-8")
    with pytest.raises(PackageError, match="larger than 1 MiB"):
        open_package(package.root)
    deep: list = ["x"]
    for _ in range(40):
        deep = [deep]
    path.write_text(json.dumps({"fields": [{"name": "a", "example": deep}]}), encoding="utf-8")
    with pytest.raises(PackageError, match="nested more than 32 levels"):
        open_package(package.root)


def test_a_folder_where_a_schema_should_be_is_a_clear_error(package):
    path = package.root / "schemas" / "countries.json"
    path.unlink()
    path.mkdir()
    with pytest.raises(PackageError, match=r"countries\.json: a folder, not a JSON file"):
        open_package(package.root)
