"""The pandera schemas derived from the Frictionless schemas."""

import json

import pandas as pd
import pandera.pandas as pa
import pytest

from nkl_data.package import open_package
from nkl_data.pandera_schemas import BUILTIN_CHECKS, _repeats, _sorted_repeats, build, strictly_increasing
from nkl_data.problems import expand
from nkl_data.read import TEXT, read_raw


@pytest.mark.parametrize(
    "ids, expected",
    [
        (["a", "b", "c"], True),
        (["a", "c", "b"], False),
        (["a", "a", "b"], False),
        (["a", None, "b"], False),
        (["a"], True),
        ([], True),
    ],
)
def test_strictly_increasing_proves_a_key_unique(ids, expected):
    frame = pd.DataFrame({"id": pd.array(ids, dtype=TEXT)})
    assert strictly_increasing(frame, ["id"]) is expected


def test_a_sorted_file_with_a_repeated_key_is_still_caught(package):
    rows = package.rows("worker_movements")
    rows.insert(1, dict(rows[0]))  # adjacent duplicate, order otherwise kept
    package.write("worker_movements", rows)
    found = [p for p in package.problems() if p.check == "primary-key"]
    assert [(p.table, p.line) for p in found] == [("worker_movements", 3)]


def test_a_pattern_must_match_the_whole_value_even_with_alternatives(package):
    path = package.root / "schemas" / "worker_movements.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "location")["constraints"] = {"pattern": "Dandong|Vladivostok"}
    path.write_text(json.dumps(schema), encoding="utf-8")
    for index, location in enumerate(["Dandong", "Vladivostok", "Dandong Airport", "Near Vladivostok"]):
        package.edit("worker_movements", index, location=location)
    found = {p.line: p.value for p in package.problems() if p.check == "pattern" and p.line <= 5}
    assert found == {4: "Dandong Airport", 5: "Near Vladivostok"}


def test_repeats_are_the_rows_pandera_reports(package):
    """Uniqueness is checked without pandera (whose report of many repeats reshapes the whole
    frame); it finds the rows pandera finds."""
    rows = package.rows("countries")
    rows += [dict(rows[3]), {**rows[5], "iso3": "ZZZ"}, dict(rows[3]), {**rows[7], "iso3": "ZZY"}]  # repeated iso3 and iso2
    package.write("countries", rows)
    raw = read_raw(open_package(package.root).table("countries"))
    ours = {(p.line, p.column, p.check) for p in expand(_repeats(raw, "countries.csv"))}
    with pytest.raises(pa.errors.SchemaErrors) as failed:
        build(raw.table).validate(raw.frame, lazy=True)
    cases = failed.value.failure_cases
    theirs = {
        (int(raw.lines[int(case.index)]), case.column, BUILTIN_CHECKS[case.check])
        for case in cases.itertuples()
        if BUILTIN_CHECKS.get(case.check) in ("unique", "primary-key")
    }
    assert ours == theirs
    assert {check for _, _, check in ours} == {"unique", "primary-key"}


@pytest.mark.parametrize("ids", [["a", "b", "b", "c", "c", "c"], ["b", "a", "b", "c", "a", "c"], ["a", "a"]])
def test_repeats_of_a_sorted_key_are_those_hashing_finds(ids):
    """A key that never decreases is checked by comparing neighbours; hashing finds the same rows."""
    frame = pd.DataFrame({"id": pd.array(ids, dtype=TEXT)})
    by_hash = frame.duplicated(keep="first").to_numpy().tolist()
    if ids == sorted(ids):
        assert _sorted_repeats(frame, ["id"]).tolist() == by_hash
    else:
        assert _sorted_repeats(frame, ["id"]) is None
