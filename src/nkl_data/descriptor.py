"""The shape datapackage.json and its table schemas must have before anything else reads them.

A descriptor and its schemas can come from a stranger's pull request, so they are data like the
CSV files and are checked the same way: every problem is collected and reported at once, each naming
the file and the property, and the package is refused (a usage error) rather than half-read. After
these checks the rest of the code may index a field's name, a constraint or a foreign key without
guarding against the wrong type.

What is refused, and why:
- resource files outside ``datasets/*.csv`` and schemas outside ``schemas/*.json`` (no dot-files,
  no other folders): what users download and what the wheel bundles is exactly what was validated;
- resource names that are not Frictionless names, repeated, or that an export would collide with
  (``sqlite_*``, a leading ``_`` or ``.``, ``datapackage``);
- a data version that is not ``X.Y.Z``;
- Frictionless types, formats, constraints and properties this validator does not enforce: a rule
  the validator silently ignored would pass rows it promises to reject;
- references (primary and foreign keys, ``eventDate``, ``precisionField``, ``notBefore``,
  ``sameValues``) to columns or tables that do not exist.

What is not judged here: whether a pattern is a good one, or whether the rows obey the schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

NAME = re.compile(r"[a-z0-9._-]+")  # a Frictionless name
RESERVED_NAMES = re.compile(r"sqlite_.*|[_.].*|datapackage")  # the SQLite, JSON and Parquet exports' own names
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
RESOURCE_PATH = re.compile(r"datasets/[a-z0-9_-][a-z0-9._-]*\.csv")
SCHEMA_PATH = re.compile(r"schemas/[a-z0-9_-][a-z0-9._-]*\.json")
HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")

TYPES = ("string", "integer", "date")  # what cast.py converts and checks
CONSTRAINTS = ("required", "unique", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum")
FIELD_PROPERTIES = (
    "name",
    "type",
    "format",
    "title",
    "description",
    "example",
    "constraints",
    "multiline",
    "precisionField",
    "vagueWords",
    "notBefore",
    "mayFollowSource",
)
SCHEMA_PROPERTIES = ("$schema", "title", "description", "fields", "primaryKey", "foreignKeys", "missingValues", "eventDate")
RESOURCE_PROPERTIES = (
    "name",
    "title",
    "description",
    "path",
    "schema",
    "format",
    "mediatype",
    "encoding",
    "profile",
    "licenses",
    "sources",
)
MAX_PATTERN = 1000  # characters


def descriptor_problems(descriptor: Any) -> list[str]:
    """What is wrong with the shape of DESCRIPTOR (datapackage.json), resource by resource."""
    if not isinstance(descriptor, dict):
        return [f"must be a JSON object, not {_kind(descriptor)}"]
    found = []
    version = descriptor.get("version")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        found.append(f"'version' must be a data version X.Y.Z, such as 1.0.0 (found {version!r})")
    for key in ("name", "title", "description"):
        if key in descriptor and not isinstance(descriptor[key], str):
            found.append(f"'{key}' must be a string")
    found += _licence_problems(descriptor.get("licenses"), "")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return found + ["'resources' must be a non-empty list of tables"]
    names: dict[str, int] = {}
    paths: dict[str, int] = {}
    for index, resource in enumerate(resources):
        where = f"resource {index}"
        if not isinstance(resource, dict):
            found.append(f"{where} must be an object, not {_kind(resource)}")
            continue
        name = resource.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            found.append(
                f"{where}: 'name' must be a Frictionless name (lowercase letters, digits, '.', '_', '-'); found {_short(name)}"
            )
        else:
            where = f"resource {name!r}"
            if RESERVED_NAMES.fullmatch(name):
                found.append(
                    f"{where}: the name is reserved (sqlite_*, a leading '_' or '.', 'datapackage' are used by the exports)"
                )
            if name in names:
                found.append(f"{where}: the name is used by resource {names[name]} too")
            names.setdefault(name, index)
        found += [
            f"{where}: '{key}' is not a resource property this validator knows"
            for key in resource
            if key not in RESOURCE_PROPERTIES
        ]
        path = resource.get("path")
        if not isinstance(path, str) or not RESOURCE_PATH.fullmatch(path):
            found.append(f"{where}: 'path' must be one file datasets/<name>.csv (lowercase, no folders); found {path!r}")
        elif path in paths:
            found.append(f"{where}: 'path' {path} is the file of resource {paths[path]} too")
        else:
            paths[path] = index
        schema = resource.get("schema")
        if not isinstance(schema, str) or not SCHEMA_PATH.fullmatch(schema):
            found.append(
                f"{where}: 'schema' must name one file schemas/<name>.json (lowercase, no folders); found {_short(schema)}"
            )
        for key, allowed in (("format", ("csv",)), ("mediatype", ("text/csv",)), ("encoding", ("utf-8", "utf8"))):
            value = resource.get(key)
            if value is not None and (not isinstance(value, str) or value.lower() not in allowed):
                found.append(f"{where}: '{key}' must be {allowed[0]} (found {_short(value)}); the files are read as {allowed[0]}")
        for key in ("title", "description"):
            if key in resource and not isinstance(resource[key], str):
                found.append(f"{where}: '{key}' must be a string")
        found += _licence_problems(resource.get("licenses"), f"{where}: ")
    return found


def schema_problems(schema: Any) -> list[str]:
    """What is wrong with one table schema on its own (references to other tables are checked later)."""
    if not isinstance(schema, dict):
        return [f"must be a JSON object, not {_kind(schema)}"]
    found = [f"'{key}' is not a schema property this validator knows" for key in schema if key not in SCHEMA_PROPERTIES]
    for key in ("$schema", "title", "description"):
        if key in schema and not isinstance(schema[key], str):
            found.append(f"'{key}' must be a string")
    if "missingValues" in schema and schema["missingValues"] != [""]:
        found.append(f"'missingValues' must be [\"\"] (only the empty cell is missing); found {_short(schema['missingValues'])}")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return found + ["'fields' must be a non-empty list of fields"]
    specs: dict[str, dict] = {}
    for index, spec in enumerate(fields):
        problems, name = _field_problems(spec, index)
        found += problems
        if name is not None:
            if name in specs:
                found.append(f"field {name!r} is defined twice")
            specs.setdefault(name, spec)
    found += _reference_problems(schema, specs)
    return found


def cross_problems(schemas: dict[str, dict]) -> list[tuple[str, str]]:
    """(table, problem) for each foreign key that names a table, or a column of another table, that
    does not exist. SCHEMAS maps each resource name to its schema, already free of problems of its own.
    """
    found = []
    for name, schema in schemas.items():
        for index, key in enumerate(schema.get("foreignKeys", [])):
            target_name = key["reference"]["resource"] or name  # "" is the table itself
            where = f"foreign key {index}"
            target = schemas.get(target_name)
            if target is None:
                found.append((name, f"{where} references table {target_name!r}, which the package does not have"))
                continue
            columns = {spec["name"] for spec in target["fields"]}
            referenced = [*_names(key["reference"]["fields"]), *key.get("sameValues", {}).values()]
            found += [
                (name, f"{where} references column {column!r}, which table {target_name!r} does not have")
                for column in referenced
                if column not in columns
            ]
    return found


# Fields -------------------------------------------------------------------------------------------


def _field_problems(spec: Any, index: int) -> tuple[list[str], str | None]:
    if not isinstance(spec, dict):
        return [f"field {index} must be an object, not {_kind(spec)}"], None
    name = spec.get("name")
    if not isinstance(name, str) or not name or not name.isprintable() or name != name.strip() or len(name) > 100:
        return [
            f"field {index} needs a 'name': one line of printable text without spaces at its ends (found {_short(name)})"
        ], None
    where = f"field {name!r}"
    found = [f"{where}: '{key}' is not a field property this validator knows" for key in spec if key not in FIELD_PROPERTIES]
    kind = spec.get("type", "string")
    if kind not in TYPES:
        found.append(f"{where}: type {_short(kind)} is not checked by this validator; use one of {', '.join(TYPES)}")
        kind = None
    if spec.get("format", "default") != "default":
        found.append(f"{where}: format {_short(spec.get('format'))} is not checked by this validator; leave 'format' out")
    for key in ("title", "description"):
        if key in spec and not isinstance(spec[key], str):
            found.append(f"{where}: '{key}' must be a string")
    for key in ("multiline", "mayFollowSource"):
        if key in spec and not isinstance(spec[key], bool):
            found.append(f"{where}: '{key}' must be true or false")
    if "vagueWords" in spec:
        words = spec["vagueWords"]
        if not isinstance(words, dict) or not words or not all(isinstance(w, str) and w and _count(n) for w, n in words.items()):
            found.append(f"{where}: 'vagueWords' must map each word to a whole number of at least 0")
        if name != "quantity_text":
            found.append(f"{where}: 'vagueWords' is read only on quantity_text")
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*found, f"{where}: 'constraints' must be an object, not {_kind(constraints)}"], name
    found += [f"{where}: constraint '{key}' is not enforced by this validator" for key in constraints if key not in CONSTRAINTS]
    found += [f"{where}: " + problem for problem in _constraint_problems(constraints, kind)]
    return found, name


def _constraint_problems(constraints: dict, kind: str | None) -> list[str]:
    found = []
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            found.append(f"constraint '{key}' must be true or false")
    if "enum" in constraints:
        values = constraints["enum"]
        if not isinstance(values, list) or not values:
            found.append(f"constraint 'enum' must be a non-empty list, not {_short(values)}")
        elif kind is not None and not all(_is_value(v, kind) for v in values):
            found.append(f"constraint 'enum' must list {kind} values only")
        elif len({str(v) for v in values}) != len(values):
            found.append("constraint 'enum' lists a value twice")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        if kind != "string":
            found.append("constraint 'pattern' applies only to string fields")
        elif not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
            found.append(f"constraint 'pattern' must be a regular expression of at most {MAX_PATTERN} characters")
        else:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as error:
                found.append(f"constraint 'pattern' is not a valid regular expression ({error})")
    for key in ("minLength", "maxLength"):
        if key in constraints and (kind != "string" or not _count(constraints[key])):
            found.append(f"constraint '{key}' must be a whole number of at least 0, on a string field")
    lengths = [constraints.get(key) for key in ("minLength", "maxLength")]
    if all(_count(n) for n in lengths) and lengths[0] > lengths[1]:
        found.append("constraint 'minLength' is greater than 'maxLength'")
    for key in ("minimum", "maximum"):
        if key in constraints and (kind not in ("integer", "date") or not _is_value(constraints[key], kind)):
            found.append(
                f"constraint '{key}' must be a {'date YYYY-MM-DD' if kind == 'date' else 'whole number'}, "
                f"on an integer or date field (found {_short(constraints[key])})"
            )
    bounds = [constraints.get(key) for key in ("minimum", "maximum")]
    if kind in ("integer", "date") and all(_is_value(b, kind) for b in bounds) and bounds[0] > bounds[1]:
        found.append("constraint 'minimum' is greater than 'maximum'")
    return found


# References within a schema ----------------------------------------------------------------------


def _reference_problems(schema: dict, specs: dict[str, dict]) -> list[str]:
    found = []
    key = schema.get("primaryKey")
    if key is not None:
        columns = _string_list(key)
        if columns is None or not columns or len(set(columns)) != len(columns):
            found.append("'primaryKey' must be a column name or a list of different column names")
        else:
            found += [f"'primaryKey' names column {c!r}, which the schema does not define" for c in columns if c not in specs]
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        found.append(f"'foreignKeys' must be a list, not {_kind(foreign)}")
        foreign = []
    for index, fk in enumerate(foreign):
        found += [f"foreign key {index}: {p}" for p in _foreign_key_problems(fk, specs)]
    event = schema.get("eventDate")
    if event is not None and (not isinstance(event, str) or specs.get(event, {}).get("type") != "date"):
        found.append(f"'eventDate' must name a date column of this schema; found {_short(event)}")
    for name, spec in specs.items():
        for property_, wanted in (("precisionField", "string"), ("notBefore", "date")):
            if property_ not in spec:
                continue
            other = spec[property_]
            named = specs.get(other) if isinstance(other, str) and other != name else None
            if spec.get("type") != "date":
                found.append(f"field {name!r}: '{property_}' belongs on a date field")
            elif named is None or named.get("type", "string") != wanted:
                found.append(
                    f"field {name!r}: '{property_}' must name another {wanted} column of this schema; found {_short(other)}"
                )
    if any("vagueWords" in spec for spec in specs.values()) and not {"count_low", "count_best", "count_high"} <= set(specs):
        found.append("'vagueWords' needs the columns count_low, count_best and count_high, which the rule fills")
    return found


def _foreign_key_problems(fk: Any, specs: dict[str, dict]) -> list[str]:
    if not isinstance(fk, dict):
        return [f"must be an object, not {_kind(fk)}"]
    found = [
        f"'{key}' is not a foreign key property this validator knows"
        for key in fk
        if key not in ("fields", "reference", "sameValues")
    ]
    fields = _string_list(fk.get("fields"))
    reference = fk.get("reference")
    if fields is None or not fields:
        return found + ["'fields' must be a column name or a list of column names"]
    found += [f"names column {c!r}, which the schema does not define" for c in fields if c not in specs]
    if not isinstance(reference, dict) or not isinstance(reference.get("resource"), str):
        return found + ["'reference' must be an object with 'resource' (a table name, or \"\" for this table) and 'fields'"]
    found += [
        f"'reference': '{key}' is not a reference property this validator knows"
        for key in reference
        if key not in ("resource", "fields")
    ]
    target = _string_list(reference.get("fields"))
    if target is None or len(target) != len(fields):
        found.append("'reference' must name as many 'fields' as the key has")
    same = fk.get("sameValues")
    if same is not None:
        if not isinstance(same, dict) or not same or not all(isinstance(k, str) and isinstance(v, str) for k, v in same.items()):
            found.append("'sameValues' must map columns of this table to columns of the referenced one")
        else:
            found += [f"'sameValues' names column {c!r}, which the schema does not define" for c in same if c not in specs]
            if len(fields) != 1:
                found.append("'sameValues' is read only on a one-column foreign key")
    return found


# Licences ----------------------------------------------------------------------------------------


def _licence_problems(licences: Any, where: str) -> list[str]:
    if licences is None:
        return []
    if not isinstance(licences, list) or not all(isinstance(item, dict) for item in licences):
        return [f"{where}'licenses' must be a list of objects"]
    found = []
    for item in licences:
        for key in ("name", "title", "path"):
            if key in item and not isinstance(item[key], str):
                found.append(f"{where}licence '{key}' must be a string")
        path = item.get("path")
        if isinstance(path, str) and not HTTP_URL.fullmatch(path):
            found.append(f"{where}licence 'path' must be an http or https address; found {_short(path)}")
    return found


# Small helpers -----------------------------------------------------------------------------------


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _string_list(value: Any) -> list[str] | None:
    """VALUE as a list of strings (a lone string is a list of one); None when it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_value(value: Any, kind: str) -> bool:
    """Whether VALUE, as written in JSON, is a value of the Frictionless type KIND."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and is_date(value)
    return isinstance(value, str)


def is_date(text: str) -> bool:
    """YYYY-MM-DD, a real calendar date that Python's datetime can hold (year 1 to 9999)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _kind(value: Any) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _short(value: Any) -> str:
    """VALUE for a message: its repr, shortened so that a huge value cannot flood the output."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
