"""Export the package as Parquet, SQLite (with Datasette metadata) or JSON, typed from its schemas.

Rows come from ``load_all``, so a package named with ``source`` is validated first. Types, keys,
titles and descriptions come from ``schemas/*.json`` and ``datapackage.json``; each format says
what the schema says in its own terms. Types follow the loader (``cast.loaded_type``): dates,
integers, enums, and text for everything else, so an export never claims more than the loader does.
Missing stays missing (null) and text stays text: Namibia's "NA" is exported as "NA".
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .cast import loaded_type
from .loading import load_all
from .outdir import output, prepare
from .package import Package, PackageError, Table, open_package

FORMATS = ("parquet", "sqlite", "json")
DATABASE = "nkl"  # OUTDIR/nkl.db; Datasette names the database after the file
ARROW_TYPES = {"integer": pa.int64(), "date": pa.date32(), "enum": pa.dictionary(pa.int32(), pa.string()), "text": pa.string()}
SQL_TYPES = {"integer": "INTEGER"}  # everything else is TEXT; dates as ISO 8601 text
CSV_ONLY = {"dialect", "bytes", "hash"}  # resource properties that describe the CSV file, not the JSON one


def export(format: str, outdir: str | Path, source: str | Path | None = None) -> list[Path]:
    """Write SOURCE's tables (default: the bundled package) to OUTDIR in FORMAT; return the files written."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; one of {', '.join(FORMATS)}")
    package = open_package(source)
    frames = load_all(source)
    outdir = prepare(outdir)
    writer = {"parquet": to_parquet, "sqlite": to_sqlite, "json": to_json}[format]
    return writer(package, frames, outdir)


# Parquet -----------------------------------------------------------------------------------------


def to_parquet(package: Package, frames: dict[str, pd.DataFrame], outdir: Path) -> list[Path]:
    """One OUTDIR/<table>.parquet per table; field descriptions and titles as Arrow field metadata.

    Converted from pandas, so the file also keeps pandas' own metadata: ``pd.read_parquet`` gives
    back Int64 counts, categories and strings (dates come back as dates, not datetime64).
    """
    import pyarrow.parquet as pq  # only this format needs it

    written = []
    for name, table in package.tables.items():
        arrow = pa.Table.from_pandas(frames[name][table.field_names], schema=arrow_schema(package, table), preserve_index=False)
        path = output(outdir, f"{name}.parquet")
        pq.write_table(arrow, path)
        written.append(path)
    return written


def arrow_schema(package: Package, table: Table) -> pa.Schema:
    """TABLE's Arrow schema: types from the loader, nullability from `required`, words from the schema."""
    fields = [
        pa.field(
            spec["name"],
            ARROW_TYPES[loaded_type(spec)],
            nullable=not table.required(spec["name"]),
            metadata=_present({"description": spec.get("description"), "title": spec.get("title")}),
        )
        for spec in table.fields
    ]
    return pa.schema(
        fields,
        metadata=_present(
            {
                "title": package.title(table.name),
                "description": table.schema.get("description"),
                "primary_key": json.dumps(table.primary_key),
                "foreign_keys": json.dumps(table.foreign_keys) if table.foreign_keys else None,
            }
        ),
    )


# SQLite and Datasette ----------------------------------------------------------------------------


def to_sqlite(package: Package, frames: dict[str, pd.DataFrame], outdir: Path) -> list[Path]:
    """OUTDIR/nkl.db (one table per resource, keys enforced, _tables and _columns) and OUTDIR/metadata.json.

    Tables are filled parents first with foreign keys on, so the export itself proves every reference
    resolves. The database is built beside its target and moved into place only when complete.
    """
    database = output(outdir, f"{DATABASE}.db")
    building = output(outdir, f".{DATABASE}.db.partial")
    building.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA foreign_keys = ON")
            for name in dependency_order(package):
                table = package.tables[name]
                connection.execute(create_table(table))
                placeholders = ", ".join("?" * len(table.fields))
                connection.executemany(f"INSERT INTO {_quote(name)} VALUES ({placeholders})", rows(frames[name], table))
            _write_catalogue(connection, package)
            connection.commit()
        os.replace(building, database)
    finally:
        building.unlink(missing_ok=True)
    metadata = output(outdir, "metadata.json")
    _write_json(metadata, datasette_metadata(package))
    return [database, metadata]


def create_table(table: Table) -> str:
    """CREATE TABLE for TABLE: INTEGER or TEXT columns, NOT NULL, UNIQUE, PRIMARY KEY and FOREIGN KEY from the schema."""
    lines = []
    for spec in table.fields:
        column = f"{_quote(spec['name'])} {SQL_TYPES.get(loaded_type(spec), 'TEXT')}"
        if table.required(spec["name"]):
            column += " NOT NULL"
        if spec.get("constraints", {}).get("unique") and table.primary_key != [spec["name"]]:
            column += " UNIQUE"
        lines.append(column)
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({_columns(table.primary_key)})")
    for key in table.foreign_keys:
        parent = key["reference"].get("resource") or table.name  # "" means the table itself
        lines.append(
            f"FOREIGN KEY ({_columns(key['fields'])}) REFERENCES {_quote(parent)} ({_columns(key['reference']['fields'])})"
        )
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def dependency_order(package: Package) -> list[str]:
    """Table names, each after the tables its foreign keys reference."""
    parents = {
        name: {key["reference"].get("resource") or name for key in table.foreign_keys} - {name}
        for name, table in package.tables.items()
    }
    try:
        return list(TopologicalSorter(parents).static_order())
    except CycleError as error:
        raise PackageError(f"the foreign keys of {', '.join(error.args[1])} form a cycle; no table can be filled first") from None


def datasette_metadata(package: Package) -> dict[str, Any]:
    """Datasette's metadata.json: package title and licence, each table's and column's description."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    tables = {
        name: _present(
            {
                "title": package.title(name),
                "description": table.schema.get("description"),
                "columns": {spec["name"]: spec["description"] for spec in table.fields if spec.get("description")},
            }
        )
        for name, table in package.tables.items()
    }
    tables["_tables"] = {"description": "The tables of this database: title and description, from datapackage.json and schemas/."}
    tables["_columns"] = {
        "description": "Every column of every table: its Frictionless type (dates are ISO 8601 text) and description."
    }
    return _present(
        {
            "title": descriptor.get("title") or descriptor.get("name"),
            "description": descriptor.get("description"),
            "license": licence.get("name") or licence.get("title"),
            "license_url": licence.get("path"),
            "databases": {DATABASE: {"tables": tables}},
        }
    )


def _write_catalogue(connection: sqlite3.Connection, package: Package) -> None:
    """_tables and _columns: the schemas' words inside the database, for tools that read no metadata.json."""
    connection.execute('CREATE TABLE _tables ("table" TEXT PRIMARY KEY, title TEXT, description TEXT)')
    connection.execute(
        'CREATE TABLE _columns ("table" TEXT NOT NULL REFERENCES _tables ("table"), "column" TEXT NOT NULL, '
        'type TEXT NOT NULL, description TEXT, PRIMARY KEY ("table", "column"))'
    )
    connection.executemany(
        "INSERT INTO _tables VALUES (?, ?, ?)",
        [(name, package.title(name), t.schema.get("description")) for name, t in package.tables.items()],
    )
    connection.executemany(
        "INSERT INTO _columns VALUES (?, ?, ?, ?)",
        [
            (name, spec["name"], spec.get("type", "string"), spec.get("description"))
            for name, t in package.tables.items()
            for spec in t.fields
        ],
    )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _columns(names: str | list[str]) -> str:
    return ", ".join(_quote(n) for n in ([names] if isinstance(names, str) else names))


# JSON --------------------------------------------------------------------------------------------


def to_json(package: Package, frames: dict[str, pd.DataFrame], outdir: Path) -> list[Path]:
    """OUTDIR/<table>.json (a list of row objects) per table, and OUTDIR/datapackage.json describing them.

    The descriptor is the package's own with each schema inlined and each path pointing at the JSON
    file, so the export is a data package in its own right.
    """
    written = []
    resources = []
    for resource in package.descriptor["resources"]:
        table = package.tables[resource["name"]]
        path = output(outdir, f"{table.name}.json")
        _write_json(path, [dict(zip(table.field_names, row)) for row in rows(frames[table.name], table)])
        written.append(path)
        kept = {k: v for k, v in resource.items() if k not in CSV_ONLY}
        resources.append(
            {
                **kept,
                "path": path.name,
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "schema": table.schema,
            }
        )
    descriptor = output(outdir, "datapackage.json")
    _write_json(descriptor, {**package.descriptor, "resources": resources})
    return [*written, descriptor]


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")


# Shared ------------------------------------------------------------------------------------------


def rows(frame: pd.DataFrame, table: Table) -> list[tuple]:
    """FRAME's rows as plain Python values in schema order: int, "YYYY-MM-DD", str, or None when missing."""
    columns = []
    for spec in table.fields:
        values = frame[spec["name"]]
        loaded = loaded_type(spec)
        if loaded == "date":
            values = values.dt.strftime("%Y-%m-%d")
        plain = int if loaded == "integer" else str
        columns.append([None if pd.isna(v) else plain(v) for v in values.astype(object)])
    return list(zip(*columns)) if columns else []


def _present(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in (None, "", {}, [])}


# Command line ------------------------------------------------------------------------------------
