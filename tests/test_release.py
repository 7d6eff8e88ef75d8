import csv
import json
import os
import zipfile

import pytest

from nkl_data import InvalidPackage
from nkl_data.cli import main
from nkl_data.release import data_zip
from support import REPO


def expected_files(root) -> dict[str, bytes]:
    """The descriptor, every schema and every CSV of the folder, by their names in the zip."""
    paths = [root / "datapackage.json", *(root / "schemas").glob("*.json"), *(root / "datasets").glob("*.csv")]
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


def command(*argv: str) -> int:
    return main(["release-zip", *argv])


def test_zip_holds_exactly_the_descriptor_schemas_and_csvs_named_by_data_version(tmp_path):
    version = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"]
    path = data_zip(tmp_path, REPO)
    assert path == tmp_path / f"nkl-data-{version}.zip"
    with zipfile.ZipFile(path) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == expected_files(REPO)


def test_files_the_descriptor_does_not_name_stay_out(package, tmp_path):
    (package.root / "schemas" / "notes.txt").write_text("scratch\n", encoding="utf-8")
    (package.root / "schemas" / "draft.json").write_text("{}\n", encoding="utf-8")
    (package.root / "README.md").write_text("# local\n", encoding="utf-8")
    with zipfile.ZipFile(data_zip(tmp_path, package.root)) as archive:
        names = set(archive.namelist())
    assert names == set(expected_files(package.root)) - {"schemas/draft.json"}


def test_a_csv_the_descriptor_does_not_name_stops_the_release(package, tmp_path):
    (package.root / "datasets" / "draft.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InvalidPackage, match="unnamed-file"):
        data_zip(tmp_path, package.root)
    assert not list(tmp_path.glob("*.zip"))


@pytest.mark.parametrize("command", [["release-zip"], ["site"], ["export", "--format", "json"]])
def test_writers_never_write_through_a_link_left_in_outdir(package, tmp_path, capsys, command):
    outdir, victim = tmp_path / "out", tmp_path / "victim.txt"
    outdir.mkdir()
    victim.write_text("untouched\n", encoding="utf-8")
    version = json.loads((package.root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    name = {"release-zip": f"nkl-data-{version}.zip", "site": "index.html", "export": "sources.json"}[command[0]]
    (outdir / name).symlink_to(victim)
    assert main([*command, str(outdir), "--source", str(package.root)]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "untouched\n"


def test_an_outdir_that_is_a_file_is_refused(package, tmp_path, capsys):
    (tmp_path / "out").write_text("", encoding="utf-8")
    assert command(str(tmp_path / "out"), "--source", str(package.root)) == 2
    assert "not a folder" in capsys.readouterr().err


def test_same_data_gives_the_same_bytes(package, tmp_path):
    first = data_zip(tmp_path / "a", package.root).read_bytes()
    for path in package.root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    assert data_zip(tmp_path / "b", package.root).read_bytes() == first


def test_invalid_data_is_not_released(package, tmp_path):
    package.add("statements", claim_type="rumour")
    with pytest.raises(InvalidPackage):
        data_zip(tmp_path, package.root)
    assert not list(tmp_path.glob("*.zip"))


def test_frictionless_reads_the_zip(tmp_path):
    from frictionless import validate

    report = validate(str(data_zip(tmp_path, REPO)))
    assert report.valid
    rows = {}
    for path in (REPO / "datasets").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            rows[path.stem] = sum(1 for _ in csv.DictReader(f))
    assert {task.name: task.stats["rows"] for task in report.tasks} == rows


def test_command(package, tmp_path, capsys):
    descriptor = json.loads((package.root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "2.3.4"
    (package.root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert command(str(tmp_path / "dist"), "--source", str(package.root)) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "dist" / "nkl-data-2.3.4.zip")
    assert command(str(tmp_path / "dist"), "--source", str(tmp_path / "nowhere")) == 2
    package.add("statements", claim_type="rumour")
    assert command(str(tmp_path / "dist2"), "--source", str(package.root)) == 1
