"""The wheel bundles the data: after pip install, loading works with no checkout and no network."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from support import REPO

STRAYS = ["datasets/draft.csv", "datasets/.hidden.csv", "datasets/old/sources.csv", "schemas/draft.json", "schemas/notes.txt"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the repository whose data folders also hold files the descriptor does not name."""
    source = tmp_path_factory.mktemp("source")
    for name in ["src", "datasets", "schemas"]:
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ["pyproject.toml", "hatch_build.py", "README.md", "LICENSE", "datapackage.json"]:
        shutil.copy(REPO / name, source / name)
    for stray in STRAYS:
        (source / stray).parent.mkdir(parents=True, exist_ok=True)
        (source / stray).write_text("a\n1\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(source)],
        check=True,
        timeout=300,
    )
    return next(out.glob("nkl_data-*.whl"))


def test_wheel_holds_exactly_the_files_the_descriptor_names(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    named = {"datapackage.json", *(r[key] for r in descriptor["resources"] for key in ("path", "schema"))}
    assert {n.removeprefix("nkl_data/data/") for n in names if n.startswith("nkl_data/data/")} == named
    assert {"nkl_data/publish/page.css", "nkl_data/publish/page.js", "nkl_data/publish/world.json"} <= set(
        names
    )  # style, script, map


def test_the_build_hook_needs_only_the_standard_library():
    """pip builds a wheel where only hatchling is installed: the hook must not import numpy,
    pandas or pyarrow (nkl_data's __init__ does)."""
    script = (
        "import sys; sys.modules.update(dict.fromkeys(['numpy', 'pandas', 'pyarrow'], None)); "
        "sys.path.insert(0, sys.argv[1]); from hatch_build import descriptor_checks; from pathlib import Path; "
        "package = descriptor_checks(Path(sys.argv[1])).open_package(Path(sys.argv[1])); "
        "print(len(package.tables), 'nkl_data' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script, str(REPO)], capture_output=True, text=True, timeout=60)
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert (result.returncode, result.stdout.split()) == (0, [str(len(descriptor["resources"])), "False"]), result.stderr


def test_a_refused_package_is_not_built(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ["pyproject.toml", "hatch_build.py", "README.md", "LICENSE", "datapackage.json"]:
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "schemas", source / "schemas")
    shutil.copytree(REPO / "datasets", source / "datasets")
    (source / "datapackage.json").unlink()
    (source / "datapackage.json").symlink_to(REPO / "datapackage.json")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and "symbolic link" in result.stdout + result.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


def test_installed_wheel_loads_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies come from this environment; nkl_data itself only from the wheel
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300
    )
    code = (
        "import nkl_data; c = nkl_data.load('countries').set_index('iso3'); "
        "print(nkl_data.__file__); print(c.loc['NAM', 'iso2']); print(len(nkl_data.load('statements')))"
    )
    # without PYTHONPATH, which would let a checkout's src/ shadow the installed wheel
    clean = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=clean)
    assert result.returncode == 0, result.stderr
    location, iso2, statements = result.stdout.split()
    assert location.startswith(str(venv))
    assert iso2 == "NA"
    assert int(statements) > 0
