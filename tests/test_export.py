"""Each export, read back with an ordinary reader, holds exactly what nkl_data.load_all() holds."""

import asyncio
import datetime
import html
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import nkl_data
from nkl_data import export as ex
from nkl_data.cli import main
from nkl_data.package import PackageError, open_package
from support import PackageCopy

PACKAGE = open_package()
TABLES = list(PACKAGE.tables)


def plain(value):
    """A cell as a plain Python value: None when missing, a date as "YYYY-MM-DD"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (datetime.date, pd.Timestamp)):  # Timestamp and datetime are dates too
        return value.strftime("%Y-%m-%d")
    return value.item() if hasattr(value, "item") else value  # numpy scalars


def records(frame: pd.DataFrame) -> list[dict]:
    return [{column: plain(value) for column, value in row.items()} for row in frame.astype(object).to_dict("records")]


def from_parquet(outdir: Path, name: str) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()} for row in pq.read_table(outdir / f"{name}.parquet").to_pylist()]


def from_sqlite(outdir: Path, name: str) -> list[dict]:
    with sqlite3.connect(outdir / "nkl.db") as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid')]


def from_json(outdir: Path, name: str) -> list[dict]:
    return json.loads((outdir / f"{name}.json").read_text(encoding="utf-8"))


READERS = {"parquet": from_parquet, "sqlite": from_sqlite, "json": from_json}


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    """The bundled package exported in every format into one folder (their file names do not collide)."""
    folder = tmp_path_factory.mktemp("export")
    for format_ in ex.FORMATS:
        ex.export(format_, folder)
    return folder


@pytest.fixture(scope="module")
def expected() -> dict[str, list[dict]]:
    return {name: records(frame) for name, frame in nkl_data.load_all().items()}


def cli(argv: list[str]) -> int:
    return main(argv)


# Round trips -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_", ex.FORMATS)
def test_every_table_round_trips(outdir, expected, format_):
    for name in TABLES:
        assert READERS[format_](outdir, name) == expected[name], name


@pytest.mark.parametrize("format_", ex.FORMATS)
def test_namibia_stays_na_and_missing_stays_missing(outdir, format_):
    countries = {row["iso3"]: row for row in READERS[format_](outdir, "countries")}
    assert countries["NAM"]["iso2"] == "NA"
    estimates = READERS[format_](outdir, "worker_estimates")
    expected = {
        key: (None if pd.isna(value) else value)
        for key, value in zip(nkl_data.load("worker_estimates")["estimate_id"], nkl_data.load("worker_estimates")["statement_id"])
    }
    assert {row["estimate_id"]: row["statement_id"] for row in estimates} == expected
    assert None in expected.values()
    assert any(row["count_low"] is None for row in estimates)


@pytest.mark.parametrize("format_", ex.FORMATS)
def test_tricky_text_survives(package: PackageCopy, tmp_path, format_):
    package.add(
        "worker_estimates",
        0,
        quantity_text="NA",
        estimator="None",
        notes="null\nsecond line",
        count_low="",
        count_best="007",
        count_high="",
    )
    ex.export(format_, tmp_path / "out", source=package.root)
    loaded = nkl_data.load_all(package.root)
    rows = READERS[format_](tmp_path / "out", "worker_estimates")
    assert rows == records(loaded["worker_estimates"])
    tricky = {
        "quantity_text": "NA",
        "estimator": "None",
        "notes": "null\nsecond line",
        "count_low": None,
        "count_best": 7,
        "count_high": None,
    }
    assert {column: rows[-1][column] for column in tricky} == tricky


# Parquet -----------------------------------------------------------------------------------------


def test_parquet_types_nullability_and_descriptions_follow_the_schema(outdir):
    for name, table in PACKAGE.tables.items():
        schema = pq.read_schema(outdir / f"{name}.parquet")
        assert schema.names == table.field_names
        assert schema.metadata[b"description"].decode() == table.schema["description"]
        for spec in table.fields:
            field = schema.field(spec["name"])
            kind = spec.get("type", "string")
            if kind == "date":
                assert field.type == pa.date32(), spec["name"]
            elif kind == "integer":
                assert field.type == pa.int64(), spec["name"]
            elif "enum" in spec.get("constraints", {}):
                assert pa.types.is_dictionary(field.type) and field.type.value_type == pa.string(), spec["name"]
            else:
                assert field.type == pa.string(), spec["name"]
            assert field.nullable is not table.required(spec["name"])
            assert field.metadata[b"description"].decode() == spec["description"]


def test_pandas_reads_parquet_with_the_loaders_types(outdir):
    loaded = nkl_data.load("worker_estimates")
    frame = pd.read_parquet(outdir / "worker_estimates.parquet")
    assert frame["count_low"].dtype == "Int64" and frame["count_low"].isna().sum() == loaded["count_low"].isna().sum()
    assert isinstance(frame["method"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["estimator"].dtype, pd.StringDtype)
    assert frame["as_of_date"].tolist() == loaded["as_of_date"].dt.date.tolist()


# SQLite ------------------------------------------------------------------------------------------


def test_sqlite_columns_and_keys_follow_the_schema(outdir):
    with sqlite3.connect(outdir / "nkl.db") as connection:
        for name, table in PACKAGE.tables.items():
            info = connection.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
            assert [column[1] for column in info] == table.field_names
            assert {c[1]: c[2] for c in info} == {
                f["name"]: "INTEGER" if f.get("type") == "integer" else "TEXT" for f in table.fields
            }
            assert [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] == table.primary_key
            assert {c[1] for c in info if c[3]} == {f["name"] for f in table.fields if table.required(f["name"])}
            keys = connection.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()  # id, seq, table, from, to, ...
            assert {(k[3], k[2], k[4]) for k in keys} == {
                (fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0]) for fk in table.foreign_keys
            }
            dates = [f["name"] for f in table.fields if f.get("type") == "date"]
            for column in dates:
                assert connection.execute(f'SELECT DISTINCT typeof("{column}") FROM "{name}"').fetchall() == [("text",)]


def test_sqlite_enforces_foreign_keys(outdir, tmp_path):
    database = shutil.copy(outdir / "nkl.db", tmp_path / "nkl.db")
    row = dict(from_sqlite(outdir, "deadlines")[0])
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        insert = f"INSERT INTO deadlines ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute(insert, list({**row, "deadline_id": "2099-01-01-new", "source_id": "no-such-source"}.values()))
        connection.execute(insert, list({**row, "deadline_id": "2099-01-01-new"}.values()))  # a good reference inserts
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute("DELETE FROM sources WHERE source_id = ?", (row["source_id"],))


def test_sqlite_tables_are_filled_parents_first():
    order = ex.dependency_order(PACKAGE)
    assert sorted(order) == sorted(TABLES)
    for name, table in PACKAGE.tables.items():
        for key in table.foreign_keys:
            assert order.index(key["reference"]["resource"]) < order.index(name)


def test_foreign_key_cycle_is_refused(package):
    path = package.root / "schemas" / "sources.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["foreignKeys"] = [{"fields": ["source_id"], "reference": {"resource": "deadlines", "fields": ["deadline_id"]}}]
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(PackageError, match="cycle"):
        ex.dependency_order(open_package(package.root))


def test_sqlite_holds_table_and_column_descriptions(outdir):
    with sqlite3.connect(outdir / "nkl.db") as connection:
        tables = connection.execute('SELECT "table", title, description FROM _tables').fetchall()
        columns = connection.execute('SELECT "table", "column", type, description FROM _columns').fetchall()
    assert tables == [(name, PACKAGE.title(name), t.schema["description"]) for name, t in PACKAGE.tables.items()]
    assert columns == [
        (name, f["name"], f.get("type", "string"), f["description"]) for name, t in PACKAGE.tables.items() for f in t.fields
    ]
    assert PACKAGE.title("deadlines") == "Security Council deadlines"  # a title, not the name


def test_export_replaces_an_earlier_database(tmp_path):
    ex.export("sqlite", tmp_path)
    ex.export("sqlite", tmp_path)
    assert len(from_sqlite(tmp_path, "countries")) == len(nkl_data.load("countries"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metadata.json", "nkl.db"]


def test_datasette_metadata_describes_every_table_and_column(outdir):
    metadata = json.loads((outdir / "metadata.json").read_text(encoding="utf-8"))
    licence = PACKAGE.descriptor["licenses"][0]
    assert (metadata["title"], metadata["license"], metadata["license_url"]) == (
        PACKAGE.descriptor["title"],
        licence["name"],
        licence["path"],
    )
    tables = metadata["databases"]["nkl"]["tables"]
    for name, table in PACKAGE.tables.items():
        assert tables[name]["description"] == table.schema["description"]
        assert tables[name]["columns"] == {f["name"]: f["description"] for f in table.fields}


def test_datasette_serves_the_database_with_its_metadata(outdir):
    datasette = pytest.importorskip("datasette.app", reason="datasette is not installed; it is in the test extra")
    metadata = json.loads((outdir / "metadata.json").read_text(encoding="utf-8"))
    iso2 = PACKAGE.tables["countries"].field("iso2")["description"]

    async def visit():
        app = datasette.Datasette([str(outdir / "nkl.db")], metadata=metadata)
        await app.invoke_startup()
        namibia = (await app.client.get("/nkl/countries.json?_shape=array&iso3=NAM")).json()
        page = (await app.client.get("/nkl/countries")).text
        database = (await app.client.get("/nkl.json")).json()
        return namibia, page, database

    namibia, page, database = asyncio.run(visit())
    assert namibia[0]["iso2"] == "NA"
    assert PACKAGE.tables["countries"].schema["description"] in page
    assert f"<dt>iso2</dt><dd>{html.escape(iso2)}</dd>".replace("&#x27;", "&#39;") in page  # Datasette's column list
    assert f'<a href="{PACKAGE.descriptor["licenses"][0]["path"]}">' in page
    estimates = next(t for t in database["tables"] if t["name"] == "worker_estimates")
    assert {k["other_table"] for k in estimates["foreign_keys"]["outgoing"]} == {
        "countries",
        "statements",
        "sources",
        "state_reports",
    }


# JSON --------------------------------------------------------------------------------------------


def test_json_writes_numbers_dates_and_nulls(outdir):
    estimates = from_json(outdir, "worker_estimates")
    first = estimates[0]
    assert type(first["count_best"]) is int
    assert isinstance(first["as_of_date"], str) and datetime.date.fromisoformat(first["as_of_date"])
    assert '"statement_id": null' in (outdir / "worker_estimates.json").read_text(encoding="utf-8")


def test_json_descriptor_inlines_the_schemas_and_is_a_valid_package(outdir):
    from frictionless import validate

    descriptor = json.loads((outdir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == PACKAGE.version
    for resource in descriptor["resources"]:
        assert resource["schema"] == PACKAGE.tables[resource["name"]].schema
        assert resource["path"] == f"{resource['name']}.json"
    report = validate(outdir / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


# Command line ------------------------------------------------------------------------------------


def test_cli_exports_a_named_package(package, tmp_path, capsys):
    assert cli(["export", "--format", "json", str(tmp_path / "out"), "--source", str(package.root)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "out" / f"{name}.json") for name in TABLES] + [str(tmp_path / "out" / "datapackage.json")]


def test_cli_refuses_an_invalid_package(package, tmp_path, capsys):
    package.add("worker_estimates", 0, method="guess")
    assert cli(["export", "--format", "sqlite", str(tmp_path / "out"), "--source", str(package.root)]) == 1
    assert "not valid" in capsys.readouterr().err
    assert not (tmp_path / "out" / "nkl.db").exists()


def test_cli_usage_error_for_a_missing_source(tmp_path, capsys):
    assert cli(["export", "--format", "parquet", str(tmp_path / "out"), "--source", str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_unknown_format_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'csv'"):
        ex.export("csv", tmp_path / "out")
    assert not (tmp_path / "out").exists()
