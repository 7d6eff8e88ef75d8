"""Find a data package and describe its tables.

This module only reads ``datapackage.json`` and the schema files it names; it never reads CSV rows.
A descriptor may come from an untrusted pull request, so every path it names must stay inside the
package folder: URLs, absolute paths, ``..`` and symlinks that lead out are refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

DESCRIPTOR = "datapackage.json"


class PackageError(Exception):
    """The path is not a usable data package (a usage error, not a data error)."""


@dataclass(frozen=True)
class Table:
    """One resource of the package: its CSV file and its Frictionless Table Schema."""

    name: str
    path: Path
    schema: dict[str, Any]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict[str, Any]]:
        return self.schema.get("foreignKeys", [])

    @property
    def event_date(self) -> str | None:
        """The column that dates each row as an event (the schema's "eventDate", this project's
        extension); the row's id starts with it."""
        return self.schema.get("eventDate")

    @property
    def precisions(self) -> dict[str, str]:
        """Date column -> the column giving its precision (the field's "precisionField")."""
        return {f["name"]: f["precisionField"] for f in self.fields if "precisionField" in f}

    @property
    def specs(self) -> dict[str, dict[str, Any]]:
        """Each field by its name."""
        return {f["name"]: f for f in self.fields}

    def field(self, name: str) -> dict[str, Any]:
        return next(f for f in self.fields if f["name"] == name)

    def required(self, name: str) -> bool:
        """Required by its constraints, or as part of the primary key (which Table Schema makes required)."""
        return bool(self.field(name).get("constraints", {}).get("required")) or name in self.primary_key


@dataclass(frozen=True)
class Package:
    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise PackageError(f"no table {name!r} in {self.root / DESCRIPTOR}; tables: {', '.join(self.tables)}") from None

    def title(self, name: str) -> str:
        """Table NAME's title in datapackage.json, else its name."""
        resource = next((r for r in self.descriptor["resources"] if r.get("name") == name), {})
        return resource.get("title") or name

    def table_for_file(self, path: Path) -> Table | None:
        target = path.resolve()
        return next((t for t in self.tables.values() if t.path == target), None)


def bundled_root() -> Path:
    """The copy of the package shipped inside the installed wheel.

    An editable install has no bundled copy; it reads the repository checkout it was installed from.
    """
    installed = Path(str(resources.files("nkl_data"))) / "data"
    if (installed / DESCRIPTOR).is_file():
        return installed
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise PackageError("the installed nkl_data has no bundled data package")


def find_root(source: str | Path | None = None) -> Path:
    """The package folder for SOURCE: a folder, its datapackage.json, or the bundled copy."""
    if source is None:
        return bundled_root()
    path = Path(source)
    if path.is_dir():
        path = path / DESCRIPTOR
    if not path.exists():
        raise PackageError(f"{source}: no such file or folder")
    if path.name != DESCRIPTOR or not path.is_file():
        raise PackageError(f"{source}: not a data package (expected a folder holding {DESCRIPTOR}, or that file)")
    return path.resolve().parent


def here_or_bundled() -> str | None:
    """What commands read by default: the package in the current folder, else None (the bundled copy)."""
    return "." if (Path.cwd() / DESCRIPTOR).is_file() else None


def open_package(source: str | Path | None = None) -> Package:
    root = find_root(source)
    descriptor = _read_json(root / DESCRIPTOR, root)
    resources_ = descriptor.get("resources")
    if not isinstance(resources_, list) or not resources_:
        raise PackageError(f"{root / DESCRIPTOR}: 'resources' must be a non-empty list")
    tables: dict[str, Table] = {}
    for index, resource in enumerate(resources_):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(f"{root / DESCRIPTOR}: resource {index} has no name")
        name = resource["name"]
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema = _read_json(inside(root, schema, f"resource {name!r} schema"), root)
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise PackageError(f"{root / DESCRIPTOR}: resource {name!r} has no table schema with fields")
        path = resource.get("path")
        if not isinstance(path, str):
            raise PackageError(f"{root / DESCRIPTOR}: resource {name!r} needs one 'path' to a CSV file")
        tables[name] = Table(name, inside(root, path, f"resource {name!r} path"), schema)
    return Package(root, descriptor, tables)


def inside(root: Path, relative: str, what: str) -> Path:
    """Resolve a descriptor path, refusing anything that leaves ROOT or names the network."""
    if "://" in relative or relative.startswith(("/", "\\")) or Path(relative).is_absolute():
        raise PackageError(f"{root / DESCRIPTOR}: {what} {relative!r} must be a relative path inside the package")
    resolved = (root / relative).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise PackageError(f"{root / DESCRIPTOR}: {what} {relative!r} leads outside the package folder")
    return resolved


def _read_json(path: Path, root: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{path}: not valid UTF-8 JSON ({error})") from None
