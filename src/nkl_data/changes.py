"""Every change between two versions' descriptors and schemas, each with the version bump it needs.

The policy of docs/versioning.md lives here, one rule per kind of change. Its question is whether
a user's code or stored rows can break:

- a table or column removed, retyped or renamed, a required column added, the key changed, a
  table's file moved or its columns reordered (positional readers and direct downloads break):
  major;
- a constraint or rule loosened (a value the old rules refused can now reach users' code):
  major; a constraint changed in a way that is neither clearly looser nor clearly tighter (a new
  pattern): major;
- a constraint or rule tightened (every existing row still passes, or validation says so), a
  foreign key added, an optional column or a table added: minor;
- words only (titles, descriptions, examples) and descriptor metadata other than the licence:
  patch.

Whatever is not recognised is a change too: a difference this module cannot classify is reported
as ``property_changed`` and needs a major bump until someone teaches it better, so a schema change
is never reported as no difference at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .escape import one_line
from .package import Package

# rules this project adds to the Table Schema, by what loosens them
SWITCHES = ("multiline", "mayFollowSource")  # true lets more rows through
NAMED = ("precisionField", "notBefore")  # naming a column adds a rule
WORDS = ("title", "description", "example", "$schema")  # documentation only
LOWER_BOUNDS, UPPER_BOUNDS = ("minimum", "minLength"), ("maximum", "maxLength")
FLAGS = ("required", "unique")

BUMP = {
    "table_added": "minor",
    "table_removed": "major",
    "table_moved": "major",
    "schema_moved": "major",
    "tables_reordered": "major",
    "column_added": "minor",
    "column_removed": "major",
    "column_retyped": "major",
    "columns_reordered": "major",
    "key_changed": "major",
    "constraint_loosened": "major",
    "constraint_tightened": "minor",
    "constraint_changed": "major",
    "enum_reordered": "minor",
    "foreign_key_added": "minor",
    "foreign_key_removed": "major",
    "rule_loosened": "major",
    "rule_tightened": "minor",
    "rule_changed": "major",
    "missing_values_changed": "major",
    "licence_changed": "major",
    "property_changed": "major",
    "words_changed": "patch",
    "metadata_changed": "patch",
    "edited": "patch",
}
PACKAGE = None  # the table of a change to the descriptor as a whole
WHOLE = {
    "table_added": "table added",
    "table_removed": "table removed",
    "table_moved": "file moved",
    "schema_moved": "schema file moved",
    "tables_reordered": "tables reordered",
    "columns_reordered": "columns reordered",
    "key_changed": "primary key changed",
    "licence_changed": "licence changed",
    "missing_values_changed": "missing values changed",
    "edited": "schema edited without changing a rule",
}
NOUNS = {"constraint": "constraint", "enum": "constraint", "rule": "rule"}


@dataclass(frozen=True)
class SchemaChange:
    """One change: which table (None for the package), what kind, which column and property, and
    the old and new values as DETAIL (text from the descriptor or schema, to be escaped when shown)."""

    table: str | None
    change: str
    column: str | None = None
    bump: str = "none"
    detail: str = ""
    property: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "change": self.change,
            "column": self.column,
            "property": self.property,
            "detail": self.detail or None,
            "bump": self.bump,
        }

    def describe(self, quote: Callable[[str], str] = str) -> str:
        """What changed, in words; QUOTE wraps each name and value taken from the schemas (Markdown
        code spans, say), so that text written by a contributor is never read as markup."""
        noun, _, verb = self.change.rpartition("_")
        if self.change in WHOLE:
            what = WHOLE[self.change]
        elif noun in ("column", "foreign_key"):
            what = f"column {quote(self.column)} {verb}" if noun == "column" else f"foreign key {verb}"
        else:
            subject = " ".join(filter(None, [NOUNS.get(noun, ""), quote(self.property) if self.property else ""]))
            what = f"{subject} {verb}" if self.column is None else f"column {quote(self.column)}: {subject} {verb}"
        return what + (f" ({quote(self.detail)})" if self.detail else "")

    def __str__(self) -> str:
        """One line, whatever the schema's values hold (a line break in an enum value cannot forge a log line)."""
        return f"{self.table or 'package'}: {self.describe(one_line)}"


def schema_changes(old: Package, new: Package) -> list[SchemaChange]:
    """Every change from OLD's descriptor and schemas to NEW's: the package first, then table by
    table (new order, then removed tables)."""
    changes = _package_changes(old.descriptor, new.descriptor)
    for name in [*new.tables, *(n for n in old.tables if n not in new.tables)]:
        before, after = old.tables.get(name), new.tables.get(name)
        if before is None or after is None:
            kind = "table_added" if before is None else "table_removed"
            changes.append(_change(name, kind))
            continue
        found = _resource_changes(name, _resource(old.descriptor, name), _resource(new.descriptor, name))
        found += _schema_changes(name, before.schema, after.schema)
        if not found and _canonical(before.schema) != _canonical(after.schema):
            found.append(_change(name, "edited"))  # the net under every rule above
        changes += found
    return changes


# The package -------------------------------------------------------------------------------------


def _package_changes(old: dict, new: dict) -> list[SchemaChange]:
    found = []
    for key in sorted(set(old) | set(new)):
        if key in ("version", "resources") or old.get(key) == new.get(key):
            continue
        kind = "licence_changed" if key == "licenses" else "metadata_changed"
        found.append(_change(PACKAGE, kind, prop=None if key == "licenses" else key, detail=_was(old.get(key), new.get(key))))
    shared_old = [r["name"] for r in old["resources"] if r["name"] in {s["name"] for s in new["resources"]}]
    shared_new = [r["name"] for r in new["resources"] if r["name"] in set(shared_old)]
    if shared_old != shared_new:
        found.append(_change(PACKAGE, "tables_reordered", detail=f"{', '.join(shared_old)} -> {', '.join(shared_new)}"))
    return found


def _resource_changes(table: str, old: dict, new: dict) -> list[SchemaChange]:
    found = []
    for key in sorted(set(old) | set(new)):
        if key == "name" or _same(old.get(key), new.get(key), key):
            continue
        detail = _was(old.get(key), new.get(key))
        if key == "path":
            found.append(_change(table, "table_moved", detail=detail))
        elif key == "schema":
            found.append(_change(table, "schema_moved", detail=detail))
        elif key == "licenses":
            found.append(_change(table, "licence_changed", detail=detail))
        elif key in WORDS:
            found.append(_change(table, "words_changed", prop=key))
        else:
            found.append(_change(table, "metadata_changed", prop=key, detail=detail))
    return found


# A table's schema --------------------------------------------------------------------------------


def _schema_changes(table: str, old: dict, new: dict) -> list[SchemaChange]:
    found = []
    old_key, new_key = _names(old.get("primaryKey", [])), _names(new.get("primaryKey", []))
    if old_key != new_key:
        found.append(_change(table, "key_changed", detail=f"{', '.join(old_key)} -> {', '.join(new_key)}"))
    old_fields, new_fields = {f["name"]: f for f in old["fields"]}, {f["name"]: f for f in new["fields"]}
    found += [_change(table, "column_removed", column=c) for c in old_fields if c not in new_fields]
    for column, spec in new_fields.items():
        if column not in old_fields:
            required = bool(spec.get("constraints", {}).get("required"))
            found.append(
                SchemaChange(
                    table, "column_added", column, "major" if required else "minor", "required" if required else "optional"
                )
            )
        else:
            found += _field_changes(table, column, old_fields[column], spec)
    shared = [c for c in old_fields if c in new_fields]
    reordered = [c for c in new_fields if c in old_fields]
    if shared != reordered:
        found.append(_change(table, "columns_reordered", detail=f"{', '.join(shared)} -> {', '.join(reordered)}"))
    found += _foreign_key_changes(table, old.get("foreignKeys", []), new.get("foreignKeys", []))
    found += _named_rule(table, None, "eventDate", old.get("eventDate"), new.get("eventDate"))
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        found.append(_change(table, "missing_values_changed", detail=_was(old.get("missingValues"), new.get("missingValues"))))
    for key in sorted((set(old) | set(new)) - {"fields", "primaryKey", "foreignKeys", "eventDate", "missingValues"}):
        if old.get(key) != new.get(key):
            found.append(
                _change(
                    table,
                    "words_changed" if key in WORDS else "property_changed",
                    prop=key,
                    detail="" if key in WORDS else _was(old.get(key), new.get(key)),
                )
            )
    return found


def _field_changes(table: str, column: str, old: dict, new: dict) -> list[SchemaChange]:
    found = []
    if old.get("type", "string") != new.get("type", "string"):
        retyped = f"{old.get('type', 'string')} -> {new.get('type', 'string')}"
        found.append(_change(table, "column_retyped", column=column, detail=retyped))
    old_rules, new_rules = old.get("constraints", {}), new.get("constraints", {})
    for key in [*old_rules, *(k for k in new_rules if k not in old_rules)]:
        found += _constraint(table, column, key, old_rules.get(key), new_rules.get(key))
    for key in SWITCHES:
        before, after = bool(old.get(key)), bool(new.get(key))
        if before != after:
            found.append(
                _change(
                    table,
                    "rule_loosened" if after else "rule_tightened",
                    column=column,
                    prop=key,
                    detail=f"{str(before).lower()} -> {str(after).lower()}",
                )
            )
    for key in NAMED:
        found += _named_rule(table, column, key, old.get(key), new.get(key))
    found += _vague_words(table, column, old.get("vagueWords") or {}, new.get("vagueWords") or {})
    handled = {"name", "type", "constraints", *SWITCHES, *NAMED, "vagueWords"}
    for key in sorted((set(old) | set(new)) - handled):
        if not _same(old.get(key), new.get(key), key):
            found.append(
                _change(
                    table,
                    "words_changed" if key in WORDS else "property_changed",
                    column=column,
                    prop=key,
                    detail="" if key in WORDS else _was(old.get(key), new.get(key)),
                )
            )
    return found


def _constraint(table: str, column: str, key: str, old: Any, new: Any) -> list[SchemaChange]:
    """One constraint's change: tightened (fewer values allowed), loosened (more), or changed."""
    if key in FLAGS:
        old, new = bool(old), bool(new)
    if old == new:
        return []
    was = _was(old, new)
    change = lambda kind, detail=was: [_change(table, kind, column=column, prop=key, detail=detail)]  # noqa: E731
    if old is None or new is None or key in FLAGS:
        added = new is not None and new is not False
        return change("constraint_tightened" if added else "constraint_loosened")
    if key == "enum":
        more, fewer = [v for v in new if v not in old], [v for v in old if v not in new]
        detail = "; ".join(part for part in (f"+ {_list(more)}" if more else "", f"- {_list(fewer)}" if fewer else "") if part)
        if more and fewer:
            return change("constraint_changed", detail)
        if more or fewer:
            return change("constraint_loosened" if more else "constraint_tightened", detail)
        return change("enum_reordered", "")
    if key in LOWER_BOUNDS + UPPER_BOUNDS and type(old) is type(new):  # numbers with numbers, ISO dates with ISO dates
        raised = new > old
        return change("constraint_tightened" if raised == (key in LOWER_BOUNDS) else "constraint_loosened")
    return change("constraint_changed")


def _named_rule(table: str, column: str | None, key: str, old: Any, new: Any) -> list[SchemaChange]:
    """A rule switched on by naming a column (eventDate, precisionField, notBefore)."""
    if old == new:
        return []
    kind = "rule_tightened" if old is None else "rule_loosened" if new is None else "rule_changed"
    return [_change(table, kind, column=column, prop=key, detail=_was(old, new))]


def _vague_words(table: str, column: str, old: dict, new: dict) -> list[SchemaChange]:
    """A word added is a rule more (tightened); a word removed lets any counts through (loosened)."""
    found = []
    for word in [*old, *(w for w in new if w not in old)]:
        before, after = old.get(word), new.get(word)
        if before == after:
            continue
        kind = "rule_tightened" if before is None else "rule_loosened" if after is None else "rule_changed"
        found.append(_change(table, kind, column=column, prop="vagueWords", detail=f"{word}: {_was(before, after)}"))
    return found


def _foreign_key_changes(table: str, old: list, new: list) -> list[SchemaChange]:
    """Foreign keys matched by what they link; sameValues pairs are rules on a matched key."""
    before, after = {_link(k): k for k in old}, {_link(k): k for k in new}
    found = [_change(table, "foreign_key_removed", detail=_show_link(link)) for link in before if link not in after]
    found += [_change(table, "foreign_key_added", detail=_show_link(link)) for link in after if link not in before]
    for link in [link for link in after if link in before]:
        old_pairs, new_pairs = before[link].get("sameValues") or {}, after[link].get("sameValues") or {}
        for column in [*old_pairs, *(c for c in new_pairs if c not in old_pairs)]:
            was, now = old_pairs.get(column), new_pairs.get(column)
            if was != now:
                kind = "rule_tightened" if was is None else "rule_loosened" if now is None else "rule_changed"
                found.append(
                    _change(table, kind, column=column, prop="sameValues", detail=f"{_show_link(link)}: {_was(was, now)}")
                )
    return found


# Small helpers -----------------------------------------------------------------------------------


def _change(table: str | None, kind: str, column: str | None = None, prop: str | None = None, detail: str = "") -> SchemaChange:
    return SchemaChange(table, kind, column, BUMP[kind], detail, prop)


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _link(key: dict) -> tuple:
    reference = key["reference"]
    return tuple(_names(key["fields"])), reference["resource"], tuple(_names(reference["fields"]))


def _show_link(link: tuple) -> str:
    fields, resource, target = link
    return f"{', '.join(fields)} -> {resource or 'itself'}.{', '.join(target)}"


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _same(old: Any, new: Any, key: str) -> bool:
    """Equal, counting the Table Schema's defaults (a missing format is "default")."""
    defaults = {"format": "default"}
    return (old if old is not None else defaults.get(key)) == (new if new is not None else defaults.get(key))


def _was(old: Any, new: Any) -> str:
    return f"{_value(old)} -> {_value(new)}"


def _value(value: Any) -> str:
    if value is None:
        return "none"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def _list(values: list) -> str:
    return ", ".join(map(str, values))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
