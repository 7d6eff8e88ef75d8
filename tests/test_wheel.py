"""The wheel bundles the data: after pip install, loading works with no checkout and no network."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from support import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(REPO)],
                   check=True, timeout=300)
    return next(out.glob("nkl_data-*.whl"))


def test_wheel_contains_the_data_package(wheel):
    import zipfile
    names = zipfile.ZipFile(wheel).namelist()
    for table in ["sources", "countries", "deadlines", "statements", "worker_movements", "worker_estimates"]:
        assert f"nkl_data/data/datasets/{table}.csv" in names
        assert f"nkl_data/data/schemas/{table}.json" in names
    assert "nkl_data/data/datapackage.json" in names
    assert {"nkl_data/publish/page.css", "nkl_data/publish/page.js", "nkl_data/publish/world.json"} <= set(names)  # style, script, map


def test_installed_wheel_loads_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies come from this environment; nkl_data itself only from the wheel
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    code = ("import nkl_data; c = nkl_data.load('countries').set_index('iso3'); "
            "print(nkl_data.__file__); print(c.loc['NAM', 'iso2']); print(len(nkl_data.load('statements')))")
    # without PYTHONPATH, which would let a checkout's src/ shadow the installed wheel
    clean = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=clean)
    assert result.returncode == 0, result.stderr
    location, iso2, statements = result.stdout.split()
    assert location.startswith(str(venv))
    assert iso2 == "NA"
    assert int(statements) > 0
