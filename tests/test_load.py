import pandas as pd
import pytest

import nkl_data
from support import REPO, TABLES


def test_tables_in_descriptor_order():
    assert nkl_data.tables() == TABLES


def test_load_types_and_namibia():
    countries = nkl_data.load("countries")
    assert countries.set_index("iso3").loc["NAM", "iso2"] == "NA"
    statements = nkl_data.load("statements")
    assert statements["date"].dtype.kind == "M"
    assert isinstance(statements["claim_type"].dtype, pd.CategoricalDtype)
    assert isinstance(statements["summary"].dtype, pd.StringDtype)


def test_load_all_matches_load():
    everything = nkl_data.load_all()
    assert set(everything) == set(nkl_data.tables())
    pd.testing.assert_frame_equal(everything["deadlines"], nkl_data.load("deadlines"))


def test_unknown_table():
    with pytest.raises(nkl_data.PackageError, match="no table"):
        nkl_data.load("workers")


def test_source_is_validated_as_it_loads(package):
    package.add("worker_estimates", method="guess")
    with pytest.raises(nkl_data.InvalidPackage) as raised:
        nkl_data.load("countries", source=package.root)
    assert any(p.check == "enum" and p.table == "worker_estimates" for p in raised.value.problems)


def test_valid_source_loads(package):
    frame = nkl_data.load("worker_estimates", source=package.root / "datapackage.json")
    assert len(frame) == len(package.rows("worker_estimates"))


def test_bundled_load_does_not_import_the_validator():
    import subprocess
    import sys

    code = "import sys, nkl_data; nkl_data.load_all(); print(sorted(m for m in ('pandera', 'frictionless') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO.parent)
    assert out.stdout.strip() == "[]", out.stderr


def test_versions():
    assert nkl_data.data_version() == nkl_data.open_package().descriptor["version"]
    assert nkl_data.__version__
