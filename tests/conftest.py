from pathlib import Path

import pytest

from support import PackageCopy, copy_package


@pytest.fixture
def package(tmp_path: Path) -> PackageCopy:
    """A private copy of the repository's data package that a test may break."""
    return copy_package(tmp_path)
