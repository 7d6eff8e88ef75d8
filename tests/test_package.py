import json

import pytest

from nkl_data.package import PackageError, bundled_root, open_package
from support import TABLES


def test_opens_a_folder_or_its_descriptor(package):
    by_folder = open_package(package.root)
    by_file = open_package(package.root / "datapackage.json")
    assert list(by_folder.tables) == list(by_file.tables)
    assert by_folder.table("countries").primary_key == ["iso3"]


def test_bundled_copy_has_every_table():
    assert list(open_package(bundled_root()).tables) == TABLES


@pytest.mark.parametrize("where", ["nowhere", "datasets/countries.csv"])
def test_not_a_package(package, where):
    with pytest.raises(PackageError):
        open_package(package.root / where)


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "https://example.org/x.csv", "datasets/../../x.csv"])
def test_descriptor_paths_must_stay_inside(package, path):
    descriptor = json.loads((package.root / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = path
    (package.root / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(PackageError, match=r"must be one file datasets/<name>\.csv"):
        open_package(package.root)


def test_symlink_out_of_the_package_is_refused(package, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("x\n1\n")
    link = package.root / "datasets" / "sources.csv"
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(PackageError, match="is a symbolic link"):
        open_package(package.root)


def test_a_key_column_is_required_even_without_the_constraint(package):
    path = package.root / "schemas" / "countries.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["constraints"].pop("required")  # iso3, the primary key
    path.write_text(json.dumps(schema), encoding="utf-8")
    countries = open_package(package.root).table("countries")
    assert countries.required("iso3") and countries.required("name")
    assert not open_package(package.root).table("statements").required("quote")


def test_title_comes_from_the_descriptor_else_the_name(package):
    path = package.root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["resources"][1]["title"]  # countries
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    opened = open_package(package.root)
    assert (opened.title("deadlines"), opened.title("countries")) == ("Security Council deadlines", "countries")


def test_event_dates_and_precisions_come_from_the_schemas(package):
    schema_path = package.root / "schemas" / "worker_estimates.json"
    schema = json.loads(schema_path.read_text())
    table = open_package(package.root).table("worker_estimates")
    assert table.event_date == schema["eventDate"] == "as_of_date"
    assert table.precisions == {"as_of_date": "date_precision"}
    schema.pop("eventDate")
    schema_path.write_text(json.dumps(schema))
    assert open_package(package.root).table("worker_estimates").event_date is None
    # without an event date, an id no longer has to start with one
    package.add("worker_estimates", estimate_id="not-dated-first")
    assert "id-date" not in {p.check for p in package.problems()}
