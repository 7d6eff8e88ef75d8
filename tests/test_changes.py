"""Every change to the descriptor and schemas is classified, and needs the bump docs/versioning.md
gives it: each case of tests/corpus/schema_changes is committed on top of a release in a git
history built here, then diffed and version-checked."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from nkl_data import compare as nd
from nkl_data.changes import BUMP
from support import REPO, edit, git, set_version

CASES = json.loads((Path(__file__).parent / "corpus" / "schema_changes" / "cases.json").read_text(encoding="utf-8"))
SMALLER = {"major": "0.2.0", "minor": "0.1.1", "patch": "0.1.0"}  # from 0.1.0, one step too small
ENOUGH = {"major": "1.0.0", "minor": "0.2.0", "patch": "0.1.1"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_change_is_classified_and_needs_its_bump(repo, name):
    case = CASES[name]
    for change in case["edits"]:
        edit(repo.root, change)
    set_version(repo, ENOUGH[case["bump"]])
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", name)
    result = nd.diff(nd.Revision("v0.1.0"), nd.Revision("HEAD"))
    found = [[c.table, c.change, c.column, c.property] for c in result.schema_changes]
    assert found == case["expect"]
    assert result.required_bump == case["bump"]
    assert not result.empty and "no differences" not in result.to_text() and "No differences" not in result.to_markdown()
    ok, messages = nd.check_version(result)
    assert ok, messages
    too_small = dataclasses.replace(result, new_version=SMALLER[case["bump"]])
    ok, messages = nd.check_version(too_small)
    assert not ok and all(f"requires a {case['bump']} bump" in m for m in messages), messages


def test_every_kind_of_change_has_a_case():
    covered = {change for case in CASES.values() for _, change, _, _ in case["expect"]}
    # retyping is tested in test_compare; the descriptor checks leave missingValues no other value than
    # [""] and no property unknown to changes.py, so those two kinds are the net under future properties
    elsewhere = {"column_retyped", "missing_values_changed", "property_changed"}
    assert set(BUMP) - covered == elsewhere


def test_the_release_that_made_a_title_optional_needs_a_major_bump(repo):
    # the change that took the data from 0.1.0 to 1.0.0: sources.title lost "required"
    title = ["fields", 2, "constraints"]
    edit(repo.root, {"file": "schemas/sources.json", "at": title, "set": {"required": True}})
    git(repo.root, "commit", "-qam", "titles required, as in 0.1.0")
    git(repo.root, "tag", "titles-required")
    edit(repo.root, {"file": "schemas/sources.json", "at": title, "delete": True})
    set_version(repo, "0.2.0")
    git(repo.root, "commit", "-qam", "titles optional")
    result = nd.diff(nd.Revision("titles-required"), nd.Revision("HEAD"))
    assert [str(c) for c in result.schema_changes] == ["sources: column title: constraint required loosened (true -> false)"]
    assert nd.check_version(result) == (
        False,
        [
            "sources: column title: constraint required loosened (true -> false) requires a major bump; version went 0.1.0 -> 0.2.0 (minor)"
        ],
    )


def test_the_repository_history_from_0_1_0_needs_a_major_bump(monkeypatch):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    # the newest commit whose data version is 0.1.0: the parent of the commit that first changed it
    changed = [
        c
        for c in git(REPO, "log", "--format=%H", "--", "datapackage.json").splitlines()
        if json.loads(git(REPO, "show", f"{c}:datapackage.json"))["version"] != "0.1.0"
    ]
    if not changed:
        pytest.skip("no release after 0.1.0 in this history")
    monkeypatch.chdir(REPO)
    result = nd.diff(nd.Revision(f"{changed[-1]}^"), nd.Revision("HEAD"))
    assert result.required_bump == "major"
    assert ("sources", "constraint_loosened", "title", "required") in {
        (c.table, c.change, c.column, c.property) for c in result.schema_changes
    }
