"""The wheel bundles exactly the files the descriptor names, as the release zip does.

A folder mapped whole into the wheel would carry whatever else lay in datasets/ or schemas/ (a
draft table, a stray export) to every user, unchecked. This build hook opens the package with the
project's own descriptor checks and adds the descriptor, each table's CSV file and each schema,
nothing more; a package the checks refuse is not built. Editable installs read the checkout and
bundle nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = "nkl_data/data"  # where nkl_data.package.bundled_root() looks


class DataPackageFiles(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))  # the checks, from the code being built
        try:
            from nkl_data.package import DESCRIPTOR, PackageError, open_package
        finally:
            sys.path.pop(0)
        try:
            package = open_package(root)
        except PackageError as error:
            raise RuntimeError(f"not building a wheel of a refused data package:\n{error}") from None
        names = [DESCRIPTOR, *(r[key] for r in package.descriptor["resources"] for key in ("schema", "path"))]
        for name in dict.fromkeys(names):
            build_data["force_include"][str(root / name)] = f"{BUNDLED}/{name}"
