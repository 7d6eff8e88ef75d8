"""nkl_data.compare over real git history: a temporary repository whose commits make each kind of change.

Every scenario starts from the release tagged v0.1.0 (the repository's own package), makes one kind
of change, commits it with a version bump that is too small (HEAD~1), then with one that is enough
(HEAD), and checks the diff and both verdicts.
"""

from __future__ import annotations

import json

import pytest

from nkl_data import compare as nd
from nkl_data.cli import main
from nkl_data.package import PackageError
from support import PackageCopy, git, set_version

ESTIMATE = "2020-01-23-rus-zakharova"  # a worker_estimates row with count_best 1000, low and high empty


def estimate_index(package: PackageCopy) -> int:
    return next(i for i, row in enumerate(package.rows("worker_estimates")) if row["estimate_id"] == ESTIMATE)


def edit_schema(package: PackageCopy, table: str, change) -> None:
    path = package.root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


def release_twice(package: PackageCopy, too_small: str, enough: str) -> tuple[nd.DiffResult, nd.DiffResult]:
    """Commit the work tree as version TOO_SMALL, then as ENOUGH; diff each against v0.1.0."""
    for version in (too_small, enough):
        set_version(package, version)
        git(package.root, "add", "-A")
        git(package.root, "commit", "-q", "-m", f"release {version}")
    return nd.diff("v0.1.0", "HEAD~1"), nd.diff("v0.1.0", "HEAD")


def assert_verdicts(low: nd.DiffResult, high: nd.DiffResult, bump: str, failure: str) -> None:
    assert low.required_bump == high.required_bump == bump
    ok, messages = nd.check_version(low)
    assert not ok
    assert failure in messages
    ok, messages = nd.check_version(high)
    assert ok, messages


def kinds(result: nd.DiffResult) -> list[tuple]:
    """(table, change, column) of each schema change, from the JSON contract."""
    return [(c["table"], c["change"], c["column"]) for c in result.to_json()["schema_changes"]]


def only_table(result: nd.DiffResult, name: str) -> dict:
    """NAME's JSON entry, after checking every other table is unchanged."""
    tables = result.to_json()["tables"]
    for other, entry in tables.items():
        if other != name:
            assert entry == {"added": [], "removed": [], "changed": []}, other
    return tables[name]


def test_identical_packages_have_no_differences(repo):
    # the work tree is dirty, so an empty HEAD..v0.1.0 diff shows revisions come from git, not the folder
    repo.edit("worker_estimates", estimate_index(repo), count_best="5")
    for result in (nd.diff("v0.1.0", "HEAD"), nd.diff(str(repo.root), str(repo.root / "datapackage.json"))):
        assert result.required_bump == "none"
        assert result.empty
        assert "no differences" in result.to_text()
        assert "No differences." in result.to_markdown()
        report = result.to_json()
        assert report["schema_changes"] == []
        assert report["old_version"] == report["new_version"] == "0.1.0"
        assert len(report["tables"]) == len(json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))["resources"])
        assert all(entry == {"added": [], "removed": [], "changed": []} for entry in report["tables"].values())
        assert nd.check_version(result)[0]


def test_added_rows_require_a_minor_bump(repo):
    copied = repo.rows("worker_estimates")[0]["estimate_id"]
    repo.add("worker_estimates", 0)
    repo.add("countries", 0, iso3="XKX", iso2="XK", name="Kosovo")
    low, high = release_twice(repo, "0.1.1", "0.2.0")
    estimates = high.to_json()["tables"]["worker_estimates"]
    assert estimates == {"added": [f"{copied}-copy"], "removed": [], "changed": []}
    assert high.to_json()["tables"]["countries"]["added"] == ["XKX"]
    assert list(high.tables["countries"].added["name"]) == ["Kosovo"]
    assert high.schema_changes == []
    assert_verdicts(
        low, high, "minor", "worker_estimates: 1 row added requires a minor bump; version went 0.1.0 -> 0.1.1 (patch)"
    )


def test_removed_row_requires_a_patch_bump(repo):
    rows = repo.rows("worker_movements")
    gone = rows.pop(1)["movement_id"]
    repo.write("worker_movements", rows)
    low, high = release_twice(repo, "0.1.0", "0.1.1")
    assert only_table(high, "worker_movements") == {"added": [], "removed": [gone], "changed": []}
    assert list(high.tables["worker_movements"].removed["movement_id"]) == [gone]
    assert_verdicts(
        low, high, "patch", "worker_movements: 1 row removed requires a patch bump; version went 0.1.0 -> 0.1.0 (none)"
    )


def test_edited_cells_are_reported_by_key_and_field(repo):
    rows = repo.rows("worker_estimates")
    index = next(i for i, row in enumerate(rows) if row["estimate_id"] == ESTIMATE)
    notes = rows[index]["notes"]
    repo.edit("worker_estimates", index, count_best="1200", count_low="900", notes="")
    low, high = release_twice(repo, "0.1.0", "0.1.1")
    assert only_table(high, "worker_estimates") == {
        "added": [],
        "removed": [],
        "changed": [
            {"key": ESTIMATE, "fields": {"count_low": [None, "900"], "count_best": ["1000", "1200"], "notes": [notes, None]}},
        ],
    }
    changed = high.tables["worker_estimates"].changed
    assert list(changed.columns) == ["estimate_id", "column", "old", "new"]
    assert list(changed["column"]) == ["count_low", "count_best", "notes"]
    assert_verdicts(
        low, high, "patch", "worker_estimates: 1 row changed requires a patch bump; version went 0.1.0 -> 0.1.0 (none)"
    )
    assert f"~ {ESTIMATE}" in high.to_text() and 'count_best: "1000" -> "1200"' in high.to_text()


def test_cells_compare_as_text_so_namibia_is_not_missing(repo):
    rows = repo.rows("countries")
    namibia = next(i for i, row in enumerate(rows) if row["iso3"] == "NAM")
    repo.edit("countries", namibia, iso2="")
    result = nd.diff("HEAD", str(repo.root))
    assert only_table(result, "countries")["changed"] == [{"key": "NAM", "fields": {"iso2": ["NA", None]}}]


def test_optional_column_added_requires_a_minor_bump(repo):
    edit_schema(repo, "worker_estimates", lambda s: s["fields"].append({"name": "count_mid", "type": "integer"}))
    rows = repo.rows("worker_estimates")
    notes, first = rows[0]["notes"], rows[0]["estimate_id"]
    for row in rows:
        row["count_mid"] = "7"
    rows[0]["notes"] = "edited"  # a change in a shared column is still reported
    repo.write("worker_estimates", rows, repo.header("worker_estimates") + ["count_mid"])
    low, high = release_twice(repo, "0.1.1", "0.2.0")
    assert kinds(high) == [("worker_estimates", "column_added", "count_mid")]
    entry = only_table(high, "worker_estimates")
    assert entry["changed"] == [{"key": first, "fields": {"notes": [notes or None, "edited"]}}]
    assert_verdicts(
        low,
        high,
        "minor",
        "worker_estimates: column count_mid added (optional) requires a minor bump; version went 0.1.0 -> 0.1.1 (patch)",
    )


def test_required_column_added_requires_a_major_bump(repo):
    edit_schema(
        repo,
        "countries",
        lambda s: s["fields"].append({"name": "un_member", "type": "string", "constraints": {"required": True}}),
    )
    rows = [{**row, "un_member": "yes"} for row in repo.rows("countries")]
    repo.write("countries", rows, repo.header("countries") + ["un_member"])
    low, high = release_twice(repo, "0.2.0", "1.0.0")
    assert kinds(high) == [("countries", "column_added", "un_member")]
    assert_verdicts(
        low,
        high,
        "major",
        "countries: column un_member added (required) requires a major bump; version went 0.1.0 -> 0.2.0 (minor)",
    )


def test_removed_column_requires_a_major_bump(repo):
    edit_schema(repo, "worker_estimates", lambda s: s.update(fields=[f for f in s["fields"] if f["name"] != "notes"]))
    header = [c for c in repo.header("worker_estimates") if c != "notes"]
    rows = repo.rows("worker_estimates")
    rows[estimate_index(repo)]["count_best"] = "999"
    repo.write("worker_estimates", rows, header)
    low, high = release_twice(repo, "0.2.0", "1.0.0")
    assert kinds(high) == [("worker_estimates", "column_removed", "notes")]
    # the removed column is not compared; the shared one is
    assert only_table(high, "worker_estimates")["changed"] == [{"key": ESTIMATE, "fields": {"count_best": ["1000", "999"]}}]
    assert list(high.tables["worker_estimates"].added.columns) == header
    assert_verdicts(
        low, high, "major", "worker_estimates: column notes removed requires a major bump; version went 0.1.0 -> 0.2.0 (minor)"
    )


def test_changed_key_matches_rows_by_the_new_key(repo):
    edit_schema(repo, "worker_estimates", lambda s: s.update(primaryKey=["estimate_id", "country_iso3"]))
    repo.edit("worker_estimates", estimate_index(repo), count_best="1100")
    low, high = release_twice(repo, "0.2.0", "1.0.0")
    report = high.to_json()
    assert kinds(high) == [("worker_estimates", "key_changed", None)]
    assert report["tables"]["worker_estimates"] == {
        "added": [],
        "removed": [],
        "changed": [{"key": [ESTIMATE, "RUS"], "fields": {"count_best": ["1000", "1100"]}}],
    }
    assert_verdicts(
        low,
        high,
        "major",
        "worker_estimates: primary key changed (estimate_id -> estimate_id, country_iso3) requires a major bump; "
        "version went 0.1.0 -> 0.2.0 (minor)",
    )


def test_key_on_a_new_column_reports_every_row_removed_and_added(repo):
    edit_schema(
        repo, "deadlines", lambda s: (s["fields"].insert(0, {"name": "uid", "type": "string"}), s.update(primaryKey=["uid"]))
    )
    old_ids = [row["deadline_id"] for row in repo.rows("deadlines")]
    rows = [{**row, "uid": f"d{i}"} for i, row in enumerate(repo.rows("deadlines"))]
    repo.write("deadlines", rows, ["uid", *repo.header("deadlines")])
    result = nd.diff("HEAD", str(repo.root))
    assert [c.change for c in result.schema_changes] == ["key_changed", "column_added"]
    assert only_table(result, "deadlines") == {"added": [f"d{i}" for i in range(len(old_ids))], "removed": old_ids, "changed": []}
    assert result.required_bump == "major"


def test_retyped_column_requires_a_major_bump(repo):
    def retype(schema):
        field = next(f for f in schema["fields"] if f["name"] == "count_best")
        field["type"] = "string"
        field.pop("constraints")  # minimum applies to numbers and dates only

    edit_schema(repo, "worker_movements", retype)
    low, high = release_twice(repo, "0.2.0", "1.0.0")
    assert kinds(high) == [
        ("worker_movements", "column_retyped", "count_best"),
        ("worker_movements", "constraint_loosened", "count_best"),
    ]
    assert only_table(high, "worker_movements") == {"added": [], "removed": [], "changed": []}
    assert_verdicts(
        low,
        high,
        "major",
        "worker_movements: column count_best retyped (integer -> string) requires a major bump; "
        "version went 0.1.0 -> 0.2.0 (minor)",
    )


def test_table_removed_and_added(repo):
    descriptor = json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "worker_movements")
    resource["name"] = "movements"
    (repo.root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = nd.diff("HEAD", str(repo.root))
    assert [(c.table, c.change) for c in result.schema_changes] == [
        ("movements", "table_added"),
        ("worker_movements", "table_removed"),
    ]
    report = result.to_json()["tables"]
    assert len(report["movements"]["added"]) == len(report["worker_movements"]["removed"]) == len(repo.rows("worker_movements"))
    assert result.required_bump == "major"
    assert result.explain() == [
        "movements: table added requires a minor bump",
        "worker_movements: table removed requires a major bump",
    ]


@pytest.mark.parametrize(
    "old, new, bump",
    [
        ("1.2.0", "2.0.0", "major"),
        ("1.2.3", "1.4.0", "minor"),
        ("1.2.3", "1.2.4", "patch"),
        ("1.2.3", "1.2.3", "none"),
        ("0.1.0", "1.0.0-rc.1", "major"),
        ("1.3.0", "1.2.9", None),
        ("1.2", "1.3.0", None),
        ("", "0.1.0", None),
    ],
)
def test_bump_between(old, new, bump):
    assert nd.bump_between(old, new) == bump


def test_version_that_went_down_fails(repo):
    repo.add("countries", 0, iso3="XKX", iso2="XK", name="Kosovo")
    set_version(repo, "0.0.9")
    ok, messages = nd.check_version(nd.diff("HEAD", str(repo.root)))
    assert not ok and "0.1.0 -> 0.0.9" in messages[0]


def test_unknown_revision_is_a_package_error(repo, tmp_path, monkeypatch):
    with pytest.raises(PackageError, match="no-such-rev: no such file or folder, and not a revision"):
        nd.diff("no-such-rev", "HEAD")
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(PackageError, match="not in a git repository"):
        nd.diff("HEAD", str(repo.root))


# The command line -------------------------------


def cli(argv: list[str]) -> int:
    return main(argv)


def test_cli_json_is_the_contract_and_check_version_exits_1(repo, capsys):
    repo.add("worker_estimates", 0)
    set_version(repo, "0.1.1")
    git(repo.root, "commit", "-qam", "add a row")
    assert cli(["diff", "v0.1.0", "HEAD", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == nd.diff("v0.1.0", "HEAD").to_json()
    assert set(json.loads(out)) == {"old_version", "new_version", "required_bump", "schema_changes", "tables"}
    assert cli(["diff", "v0.1.0", "HEAD", "--format", "json", "--check-version"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["required_bump"] == "minor"  # stdout stays pure JSON
    assert "worker_estimates: 1 row added requires a minor bump; version went 0.1.0 -> 0.1.1 (patch)" in captured.err


def test_cli_markdown_summarises_counts_per_table(repo, capsys):
    copied = repo.rows("worker_estimates")[0]["estimate_id"]
    repo.add("worker_estimates", 0)
    repo.edit("statements", 0, notes="edited by the test")
    set_version(repo, "0.2.0")
    assert cli(["diff", "v0.1.0", str(repo.root), "--format", "markdown", "--check-version"]) == 0
    out = capsys.readouterr().out
    assert "| `worker_estimates` | 1 | 0 | 0 |" in out
    assert "| `statements` | 0 | 0 | 1 |" in out
    assert "Required version bump: **minor**" in out
    assert f"- added `{copied}-copy`" in out
    assert "Version check passed" in out


def test_cli_text_for_identical_revisions(repo, capsys):
    assert cli(["diff", "v0.1.0", "HEAD", "--check-version"]) == 0
    out = capsys.readouterr().out
    assert "no differences" in out and "version check passed" in out


@pytest.mark.parametrize("argv", [["diff", "no-such-rev", "HEAD"], ["diff", "HEAD", "/no/such/package"]])
def test_cli_usage_errors_exit_2_without_traceback(repo, capsys, argv):
    assert cli(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("nkl-data: ") and "Traceback" not in captured.err
    assert captured.out == ""
