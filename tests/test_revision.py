"""Git revisions are told apart from paths, read without touching the work tree, and refused by
name when they could be either."""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest

from nkl_data import revision
from nkl_data.cli import main
from nkl_data.package import PackageError
from nkl_data.revision import Revision
from support import git, set_version


def decoy(root: Path, name: str) -> Path:
    """A folder called NAME holding a copy of the package with one more country: a shadow of the revision."""
    folder = root / name
    folder.mkdir(parents=True)
    shutil.copy(root / "datapackage.json", folder)
    shutil.copytree(root / "schemas", folder / "schemas")
    shutil.copytree(root / "datasets", folder / "datasets")
    with (folder / "datasets" / "countries.csv").open("a", encoding="utf-8") as f:
        f.write("XKX,XK,Kosovo,Europe,Southern Europe\n")
    return folder


@pytest.mark.parametrize("name", ["v0.1.0", "HEAD"])
def test_a_name_that_is_both_a_folder_and_a_revision_is_refused(repo, capsys, name):
    decoy(repo.root, name)
    assert main(["diff", name, "HEAD" if name != "HEAD" else "v0.1.0"]) == 2
    err = capsys.readouterr().err
    assert f"'{name}' is both a path and a git revision" in err and f"--rev {name}" in err


def test_rev_is_never_shadowed_by_a_folder(repo, capsys):
    decoy(repo.root, "v0.1.0")
    assert main(["diff", "--rev", "v0.1.0", "--rev", "HEAD", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["countries"]["added"] == []
    assert main(["diff", "--rev", "v0.1.0", "--path", "v0.1.0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["countries"]["added"] == ["XKX"]


@pytest.mark.parametrize("argv", [["diff", "--rev", "v0.1.0"], ["diff", "--rev", "v0.1.0", "HEAD"], ["diff", "a", "b", "c"]])
def test_two_versions_named_one_way(repo, capsys, argv):
    assert main(argv) == 2
    assert "nkl-data: " in capsys.readouterr().err


def test_an_option_is_never_passed_to_git_as_a_revision(repo):
    with ExitStack() as stack, pytest.raises(PackageError, match="not a revision"):
        revision.package_folder(Revision("--output=/tmp/x"), stack)


def test_a_revision_refusal_names_the_revision_not_a_temporary_folder(repo):
    path = repo.root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["name"] = "sqlite_master"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    git(repo.root, "commit", "-qam", "a reserved name")
    with pytest.raises(PackageError) as refused:
        revision.open_revision_package(Revision("HEAD"), ExitStack())
    assert str(refused.value).startswith("HEAD:datapackage.json: not a usable data package")
    assert "nkl-data-revision-" not in str(refused.value)


def test_rules_come_from_the_revision_and_rows_from_the_folder(repo):
    set_version(repo, "0.2.0")  # an uncommitted descriptor: the revision's is used
    with revision.rules_at("v0.1.0", repo.root) as package:
        assert package.version == "0.1.0"
        assert package.root == repo.root
        assert package.table("countries").path == (repo.root / "datasets" / "countries.csv").resolve()


def test_blobs_and_changes_are_read_from_git(repo):
    repo.add("countries", 0, iso3="XKX", iso2="XK", name="Kosovo")
    (repo.root / "README.md").write_text("hello\n", encoding="utf-8")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "a row and a readme")
    assert revision.changed(repo.root, "v0.1.0", "HEAD") == ["README.md", "datasets/countries.csv"]
    assert b"XKX,XK,Kosovo" in revision.blob(repo.root, "HEAD", "datasets/countries.csv")
    assert b"XKX" not in revision.blob(repo.root, "v0.1.0", "datasets/countries.csv")
    assert ("100644", "datasets/countries.csv") in revision.files(repo.root, "HEAD", "datasets")
