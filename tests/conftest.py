from pathlib import Path

import pytest

from support import PackageCopy, copy_package, git_package


@pytest.fixture
def package(tmp_path: Path) -> PackageCopy:
    """A private copy of the repository's data package that a test may break."""
    return copy_package(tmp_path)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> PackageCopy:
    """A git repository holding a copy of the package, released as v0.1.0; the current folder.

    Scenarios count version bumps from 0.1.0, whatever the repository's own version is.
    """
    package = git_package(tmp_path / "repo")
    monkeypatch.chdir(package.root)
    return package
