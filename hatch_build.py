"""The wheel bundles exactly the files the descriptor names, as the release zip does.

A folder mapped whole into the wheel would carry whatever else lay in datasets/ or schemas/ (a
draft table, a stray export) to every user, unchecked. This build hook opens the package with the
project's own descriptor checks and adds the descriptor, each table's CSV file and each schema,
nothing more; a package the checks refuse is not built. Editable installs read the checkout and
bundle nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = "nkl_data/data"  # where nkl_data.package.bundled_root() looks


class DataPackageFiles(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        checks = descriptor_checks(root)  # the checks, from the code being built
        try:
            package = checks.open_package(root)
        except checks.PackageError as error:
            raise RuntimeError(f"not building a wheel of a refused data package:\n{error}") from None
        names = [checks.DESCRIPTOR, *(r[key] for r in package.descriptor["resources"] for key in ("schema", "path"))]
        for name in dict.fromkeys(names):
            build_data["force_include"][str(root / name)] = f"{BUNDLED}/{name}"


def descriptor_checks(root: Path) -> types.ModuleType:
    """``nkl_data.package``, from the code being built, without the rest of nkl_data.

    A build runs where only hatchling is installed (pip's build isolation): the package's
    ``__init__`` imports numpy. ``package`` and ``descriptor`` need only the standard library, so
    they are imported under a bare stand-in for the package, which is then removed again.
    """
    saved = {name: module for name, module in sys.modules.items() if name == "nkl_data" or name.startswith("nkl_data.")}
    for name in saved:
        del sys.modules[name]
    stand_in = types.ModuleType("nkl_data")
    stand_in.__path__ = [str(root / "src" / "nkl_data")]
    sys.modules["nkl_data"] = stand_in
    try:
        return importlib.import_module("nkl_data.package")
    finally:
        for name in [name for name in sys.modules if name == "nkl_data" or name.startswith("nkl_data.")]:
            del sys.modules[name]
        sys.modules.update(saved)
