"""Find a data package and describe its tables.

This module only reads ``datapackage.json`` and the schema files it names; it never reads CSV rows.
A descriptor may come from an untrusted pull request, so it is checked as data (``descriptor``) and
every file it names must be a plain file inside the package folder: URLs, absolute paths, ``..``
and symbolic links are refused. A symlinked descriptor or CSV would let every command check a
decoy while the files users download go unchecked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .descriptor import cross_problems, descriptor_problems, schema_problems

DESCRIPTOR = "datapackage.json"
MAX_JSON_BYTES = 1 << 20  # a descriptor or schema larger than this is not a hand-kept file
MAX_JSON_DEPTH = 32  # nesting deeper than this is no schema's


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
    if path.is_dir() and not path.is_symlink():
        path = path / DESCRIPTOR
    if path.name == DESCRIPTOR and path.is_symlink():
        raise PackageError(f"{path}: a symbolic link; the descriptor must be a plain file in the package folder")
    if not path.exists():
        raise PackageError(f"{source}: no such file or folder")
    if path.name != DESCRIPTOR or not path.is_file():
        raise PackageError(f"{source}: not a data package (expected a folder holding {DESCRIPTOR}, or that file)")
    return path.resolve().parent


def here_or_bundled() -> str | None:
    """What commands read by default: the package in the current folder, else None (the bundled copy)."""
    return "." if (Path.cwd() / DESCRIPTOR).is_file() else None


def open_package(source: str | Path | None = None) -> Package:
    """The package at SOURCE, its descriptor and schemas checked; PackageError says everything wrong."""
    root = find_root(source)
    return read_package(root, root)


def read_package(rules: Path, files: Path) -> Package:
    """The package whose descriptor and schemas are in the folder RULES and whose CSV files are in FILES.

    Usually both are the package folder. ``validate --base`` reads the rules from a git revision
    and the files from the work tree.
    """
    where = rules / DESCRIPTOR
    descriptor = read_json(where, rules)
    _refuse({where: descriptor_problems(descriptor)})  # the schemas cannot be found without it
    schemas: dict[str, dict[str, Any]] = {}
    files_of: dict[str, Path] = {}
    found: dict[Path, list[str]] = {}
    for resource in descriptor["resources"]:
        path = inside(rules, resource["schema"], f"resource {resource['name']!r} schema")
        schema = read_json(path, rules)
        found[path] = schema_problems(schema)
        schemas[resource["name"]], files_of[resource["name"]] = schema, path
    _refuse(found)
    for table, problem in cross_problems(schemas):
        found[files_of[table]].append(problem)
    _refuse(found)
    tables = {
        resource["name"]: Table(
            resource["name"], inside(files, resource["path"], f"resource {resource['name']!r} path"), schemas[resource["name"]]
        )
        for resource in descriptor["resources"]
    }
    return Package(files, descriptor, tables)


def inside(root: Path, relative: str, what: str) -> Path:
    """ROOT/RELATIVE, refusing anything that leaves ROOT, names the network or passes a symbolic link.

    The file itself need not exist (a missing CSV is reported by validation).
    """
    if "://" in relative or relative.startswith(("/", "\\")) or Path(relative).is_absolute() or "\\" in relative:
        raise PackageError(f"{root / DESCRIPTOR}: {what} {relative!r} must be a relative path inside the package")
    parts = Path(relative).parts
    if ".." in parts:
        raise PackageError(f"{root / DESCRIPTOR}: {what} {relative!r} leads outside the package folder")
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise PackageError(
                f"{root / DESCRIPTOR}: {what} {relative!r}: {current} is a symbolic link; "
                "the package's files must be plain files inside its folder"
            )
    return root.resolve() / relative


def read_json(path: Path, root: Path) -> Any:
    """The JSON value of PATH, a plain file of at most MAX_JSON_BYTES nested at most MAX_JSON_DEPTH deep."""
    try:
        if path.is_symlink():
            raise PackageError(f"{path}: a symbolic link; the package's files must be plain files inside its folder")
        if path.is_dir():
            raise PackageError(f"{path}: a folder, not a JSON file")
        if path.stat().st_size > MAX_JSON_BYTES:
            raise PackageError(f"{path}: larger than {MAX_JSON_BYTES >> 20} MiB; not a descriptor or schema")
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{path}: not valid UTF-8 JSON ({error})") from None
    except RecursionError:
        raise PackageError(f"{path}: nested too deeply") from None
    except OSError as error:
        raise PackageError(f"{path}: cannot be read ({error.strerror or error})") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise PackageError(f"{path}: nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _refuse(found: dict[Path, list[str]]) -> None:
    """Raise one PackageError listing every problem of every file, if there are any."""
    blocks = [
        f"{path}: not a usable data package:\n" + "\n".join(f"  - {p}" for p in problems)
        for path, problems in found.items()
        if problems
    ]
    if blocks:
        raise PackageError("\n".join(blocks))


def _depth(value: Any) -> int:
    """How deeply VALUE nests lists and objects, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
