"""Every contract rule has a failing example; the shipped package passes."""

import datetime as dt
import json

import pytest

from nkl_data.problems import sort
from nkl_data.validate import validate
from support import REPO, checks


def test_shipped_package_is_valid():
    report = validate(REPO)
    assert report.problems == []
    assert all(report.rows[name] > 0 for name in report.package.tables)


CASES = [
    # schema rules: types, enums, patterns, required, ranges, keys
    ("sources", dict(url="ftp://example.org/x"), "url", "pattern"),
    ("sources", dict(url="https://"), "url", "pattern"),
    ("sources", dict(archive_url="javascript:alert(1)"), "archive_url", "pattern"),
    ("sources", dict(url="https://example.org/\u200bpath"), "url", "invisible-character"),
    ("sources", dict(source_id="upi-2020-01-16-x "), "source_id", "whitespace"),
    ("countries", dict(iso3="RUS\u202e"), "iso3", "invisible-character"),
    ("sources", dict(source_type="blog"), "source_type", "enum"),
    ("sources", dict(source_id="Has Capitals"), "source_id", "pattern"),
    ("sources", dict(source_id="a" * 101), "source_id", "max-length"),
    ("sources", dict(publisher=""), "publisher", "required"),
    ("sources", dict(published_date="1989-12-31"), "published_date", "minimum"),
    ("sources", dict(published_date="16/01/2020"), "published_date", "type"),
    ("sources", dict(language="english"), "language", "pattern"),
    ("sources", dict(published_date_precision="week"), "published_date_precision", "enum"),
    ("sources", dict(published_date="2019-11-06", published_date_precision="month"), "published_date", "date-precision"),
    ("sources", dict(language="xx-Qqqq-ZZZZZZZZZ"), "language", "language"),
    ("countries", dict(iso3="RUS"), "iso3", "primary-key"),
    ("countries", dict(iso3="XKX", iso2="XK"), "iso3", "iso-code"),
    ("countries", dict(iso3="NOR", iso2="NX"), "iso2", "iso-code"),
    ("countries", dict(region="Antarctica"), "region", "enum"),
    ("deadlines", dict(due_date="2017-01-01", adopted_date="2017-12-22"), "due_date", "date-order"),
    ("deadlines", dict(obligation_type="sanction"), "obligation_type", "enum"),
    ("deadlines", dict(source_id="no-such-source"), "source_id", "foreign-key"),
    ("statements", dict(date="2019-02-30"), "date", "type"),
    (
        "statements",
        dict(statement_id="0000-01-01-year-zero", date="0000-01-01"),
        "date",
        "type",
    ),  # Python's dates start at year 1
    ("statements", dict(date="2099-01-01"), "date", "future-date"),
    ("statements", dict(date_precision="week"), "date_precision", "enum"),
    ("statements", dict(claim_type="rumour"), "claim_type", "enum"),
    ("statements", dict(quote=" ".join(["word"] * 31)), "quote", "quote-length"),
    ("statements", dict(quote="x" * 301), "quote", "max-length"),
    ("statements", dict(subject_country_iso3="ATA"), "subject_country_iso3", "foreign-key"),
    ("statements", dict(deadline_id="2019-12-22-no-such-deadline"), "deadline_id", "foreign-key"),
    ("statements", dict(statement_id="2001-01-01-wrong-date"), "statement_id", "id-date"),
    ("statements", dict(statement_id="no-date-first"), "statement_id", "pattern"),
    ("worker_movements", dict(count_low="10", count_best="5"), "count_best", "count-order"),
    ("worker_movements", dict(count_high="-3"), "count_high", "minimum"),
    (
        "worker_movements",
        dict(quantity_text="dozens", count_low="12", count_best="", count_high=""),
        "count_low",
        "quantity-rule",
    ),
    (
        "worker_movements",
        dict(quantity_text="Hundreds", count_low="200", count_best="300", count_high=""),
        "count_low",
        "quantity-rule",
    ),
    ("worker_movements", dict(count_best="1.5"), "count_best", "type"),
    ("worker_movements", dict(movement_type="flight"), "movement_type", "enum"),
    ("worker_movements", dict(country_iso3="rus"), "country_iso3", "pattern"),
    ("worker_estimates", dict(count_best="12", count_high="11"), "count_high", "count-order"),
    ("worker_estimates", dict(method="guess"), "method", "enum"),
    ("worker_estimates", dict(statement_id="2020-01-01-nobody"), "statement_id", "foreign-key"),
    ("worker_estimates", dict(estimator=""), "estimator", "required"),
    # a state's report, the figures taken from it, and the other new tables
    ("worker_estimates", dict(report_id="2019-03-06-rus-2397-midterm", country_iso3="CHN"), "country_iso3", "reference-match"),
    ("worker_movements", dict(report_id="2019-01-01-no-such-report"), "report_id", "foreign-key"),
    ("state_reports", dict(report_kind="annual"), "report_kind", "enum"),
    ("state_reports", dict(un_symbol="S/2019/171"), "un_symbol", "pattern"),
    (
        "state_reports",
        dict(deadline_id="2020-03-22-unscr-2397-op8-final-report", instrument="UNSCR 2375"),
        "instrument",
        "reference-match",
    ),
    ("state_reports", dict(state_iso3="ATA"), "state_iso3", "foreign-key"),
    ("state_reports", dict(summary=""), "summary", "required"),
    ("report_counts", dict(deadline_id=""), "deadline_id", "required"),
    ("report_counts", dict(deadline_id="2019-12-22-no-such-deadline"), "deadline_id", "foreign-key"),
    ("report_counts", dict(quantity_text="dozens", count_low="", count_best="30", count_high=""), "count_low", "quantity-rule"),
    (
        "entry_statistics",
        dict(period_start="2020-01-01", period_end="2019-12-31", stat_id="2019-12-31-rus-x"),
        "period_end",
        "date-order",
    ),
    ("entry_statistics", dict(measure="arrivals"), "measure", "enum"),
    ("entry_statistics", dict(purpose="holiday"), "purpose", "enum"),
    ("entry_statistics", dict(count=""), "count", "required"),
    ("entry_statistics", dict(count="-1"), "count", "minimum"),
]


@pytest.mark.parametrize("table, changes, column, check", CASES)
def test_each_rule_rejects_a_bad_row(package, table, changes, column, check):
    line = package.add(table, **changes)
    found = [p for p in package.problems() if (p.table, p.column, p.check) == (table, column, check)]
    assert found, f"{check} on {table}.{column} not reported"
    assert found[0].line == line
    assert found[0].file.endswith(f"{table}.csv")


def test_an_event_without_a_precision_is_not_dated_after_its_source(package):
    """entry_statistics' period_end has no precision column; the source-date rule still applies to it."""
    source = package.rows("entry_statistics")[0]["source_id"]
    published = next(r["published_date"] for r in package.rows("sources") if r["source_id"] == source)
    later = (dt.date.fromisoformat(published) + dt.timedelta(days=400)).isoformat()
    line = package.add("entry_statistics", stat_id=f"{later}-late", period_end=later)
    assert ("entry_statistics", "period_end", "source-date", line) in {
        (p.table, p.column, p.check, p.line) for p in package.problems()
    }


def test_a_deadline_may_fall_due_after_its_source(package):
    """due_date says mayFollowSource in the schema: a resolution's source predates the deadline it sets."""
    deadlines = package.rows("deadlines")
    assert any(
        r["due_date"] > next(s["published_date"] for s in package.rows("sources") if s["source_id"] == r["source_id"])
        for r in deadlines
    )
    assert not [p for p in package.problems() if p.check == "source-date" and p.table == "deadlines"]


def test_month_precision_needs_the_first_of_the_month(package):
    line = package.add("statements", statement_id="2019-12-15-someone-said", date="2019-12-15", date_precision="month")
    assert ("statements", "date", "date-precision", line) in {(p.table, p.column, p.check, p.line) for p in package.problems()}


def test_deleted_row_still_referenced(package):
    cited = package.rows("statements")[0]["source_id"]
    package.write("sources", [r for r in package.rows("sources") if r["source_id"] != cited])
    found = [p for p in package.problems() if p.check == "foreign-key" and p.value == cited]
    assert {p.table for p in found} >= {"statements"}


def test_lazy_validation_reports_every_problem_at_once(package):
    package.add("statements", date="2019-02-30", claim_type="rumour", summary="")
    package.add("worker_estimates", method="guess", count_low="5", count_best="1")
    found = checks(package.problems())
    assert {
        ("statements", "date", "type"),
        ("statements", "claim_type", "enum"),
        ("statements", "summary", "required"),
        ("worker_estimates", "method", "enum"),
        ("worker_estimates", "count_best", "count-order"),
    } <= found


def test_line_numbers_count_physical_lines(package):
    rows = package.rows("statements")
    rows[0]["summary"] = "first line\nsecond line\nthird line"
    rows.append({**rows[0], "claim_type": "rumour"})
    package.write("statements", rows)
    bad = [p for p in package.problems() if p.check == "enum"]
    # header, then a record on lines 2-4, then one line per record
    assert bad[0].line == 2 + 2 + len(rows) - 1


def test_valid_tricky_text_is_accepted(package):
    package.edit(
        "statements", 0, summary='Quotes "inside", commas, and a\nline break; Корейский текст; 북한 노동자', quote="", notes="NA"
    )
    assert package.problems() == []


@pytest.mark.parametrize(
    "header_change, message",
    [
        (lambda h: h[:-1], "missing notes"),
        (lambda h: h + ["extra"], "unexpected 'extra'"),
        (lambda h: [h[1], h[0], *h[2:]], "out of order"),
        (lambda h: [h[0], "statment_date", *h[2:]], "missing date"),
    ],
)
def test_header_problems(package, header_change, message):
    path = package.csv("statements")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = ",".join(header_change(lines[0].split(",")))
    path.write_text("\n".join(lines), encoding="utf-8")
    found = [p for p in package.problems() if p.check == "header"]
    assert found and found[0].line == 1 and message in found[0].message


def test_ragged_row(package):
    path = package.csv("countries")
    path.write_text(path.read_text(encoding="utf-8") + "ZZZ,ZZ\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").count("\n")
    found = [p for p in package.problems() if p.check == "malformed-csv"]
    assert found and found[0].line == lines and found[0].table == "countries"


def test_not_utf8(package):
    path = package.csv("countries")
    path.write_bytes(path.read_bytes() + "RUS,RU,Россия,Europe,Eastern Europe\n".encode("cp1251"))
    found = [p for p in package.problems() if p.check == "encoding"]
    assert found and found[0].line == path.read_bytes().count(b"\n")


def test_missing_file(package):
    package.csv("deadlines").unlink()
    assert ("deadlines", None, "missing-file") in checks(package.problems())


def test_an_event_cannot_postdate_its_source(package):
    source = package.rows("sources")[0]
    published = source["published_date"]
    day_after = (dt.date.fromisoformat(published) + dt.timedelta(days=1)).isoformat()
    line = package.add(
        "worker_movements", movement_id=f"{day_after}-after-its-source", date=day_after, source_id=source["source_id"]
    )
    found = [p for p in package.problems() if p.check == "source-date"]
    assert [(p.table, p.line, p.column, p.value) for p in found] == [("worker_movements", line, "date", day_after)]


def test_a_month_precise_source_covers_its_whole_month(package):
    rows = package.rows("sources")
    rows[0].update(published_date="2019-12-01", published_date_precision="month")
    package.write("sources", rows)
    cited = rows[0]["source_id"]
    package.add("worker_movements", movement_id="2019-12-31-end-of-month", date="2019-12-31", source_id=cited)
    assert not [p for p in package.problems() if p.check == "source-date"]
    package.add("worker_movements", movement_id="2020-01-01-next-month", date="2020-01-01", source_id=cited)
    assert [p.value for p in package.problems() if p.check == "source-date"] == ["2020-01-01"]


def test_a_folder_where_a_csv_should_be_is_a_clear_problem(package):
    path = package.csv("deadlines")
    path.unlink()
    path.mkdir()
    found = [p for p in package.problems() if p.table == "deadlines"]
    assert [(p.check, p.message) for p in found] == [("missing-file", "the table's path is a folder, not a CSV file")]


@pytest.mark.parametrize("name", ["draft.csv", ".hidden.csv", "old/sources.csv", "SHOUTING.CSV"])
def test_a_csv_the_descriptor_does_not_name_is_reported(package, name):
    stray = package.root / "datasets" / name
    stray.parent.mkdir(exist_ok=True)
    stray.write_text("a\n1\n", encoding="utf-8")
    found = [p for p in validate(package.root, paths_from_root=True).problems if p.check == "unnamed-file"]
    assert [p.file for p in found] == [f"datasets/{name}"]
    assert "no table of datapackage.json has this file" in found[0].message


def test_a_listing_is_the_start_of_all_problems_in_order(package):
    """Checks count every problem but build only those a report lists: the first ones, in order."""
    rows = package.rows("worker_movements")
    for row in rows[::2]:
        row.update(
            movement_type="flight",
            location=row["location"] + " ",
            quantity_text="3 to 7",
            count_low="7",
            count_best="3",
            count_high="",
        )
    package.write("worker_movements", rows)
    report = validate(package.root)
    everything = sort(report.problems)
    assert report.error_count == len(everything) >= 3 * len(rows[::2])
    for limit in (1, 7, 50, None):
        listing = report.listing(limit)
        assert listing.listed == everything[:limit]
        assert listing.total == len(everything)
        assert listing.truncated == (limit is not None and limit < len(everything))
    counts = report.listing(1).counts
    assert {key[2:]: number for key, number in counts.items()} == {
        ("movement_type", "enum"): len(rows[::2]),
        ("location", "whitespace"): len(rows[::2]),
        ("count_best", "count-order"): len(rows[::2]),
    }


def test_a_header_of_ten_thousand_columns_gets_one_short_problem(package):
    header = package.header("worker_movements") + [f"extra_{i}" for i in range(10_000)]
    package.write(
        "worker_movements", [{**row, **dict.fromkeys(header[15:], "")} for row in package.rows("worker_movements")], header
    )
    found = [p for p in package.problems() if p.check == "header"]
    assert len(found) == 1 and found[0].line == 1
    assert "unexpected 'extra_0', 'extra_1'" in found[0].message and "(10,000 in all)" in found[0].message
    assert len(found[0].message) < 1000 and len(found[0].value) < 300


def test_an_enum_of_fifty_thousand_values_is_named_in_a_short_message(package):
    path = package.root / "schemas" / "worker_movements.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "location")["constraints"] = {"enum": [f"place {i}" for i in range(50_000)]}
    path.write_text(json.dumps(schema), encoding="utf-8")
    found = [p for p in package.problems() if p.check == "enum"]
    assert found and all(p.column == "location" for p in found)
    assert "place 0, place 1" in found[0].message and "(50,000 values in all: see the schema)" in found[0].message
    assert len(found[0].message) < 1000


def test_a_long_rejected_value_is_shown_short(package):
    line = package.add("sources", url="https://" + "a" * 1_000_000 + " ")
    found = [p for p in package.problems() if (p.check, p.line) == ("pattern", line)]
    assert found and found[0].value.endswith("... (1,000,009 characters)") and len(found[0].value) < 300


def test_lines_stay_exact_when_a_column_the_schema_does_not_name_holds_line_breaks(package):
    """Columns the schema does not name are not parsed into values; the lines still count their line breaks."""
    header = package.header("worker_movements") + ["comment"]
    rows = [{**row, "comment": "two\nlines" if i == 0 else ""} for i, row in enumerate(package.rows("worker_movements"))]
    rows[2]["movement_type"] = "flight"
    package.write("worker_movements", rows, header)
    found = {(p.check, p.line) for p in package.problems() if p.table == "worker_movements"}
    assert found == {("header", 1), ("enum", 5)}  # header, a record on lines 2-3, then one line a record


def test_fixed_columns_swept_where_the_schema_failed_give_what_sweeping_them_whole_gives(package):
    """A hidden character in a column of fixed form always breaks the schema, so sweeping only the
    rows the schema flagged finds every hygiene problem that sweeping the whole column finds."""
    from nkl_data import hygiene, pandera_schemas
    from nkl_data.package import open_package
    from nkl_data.parse import parse
    from nkl_data.problems import expand
    from nkl_data.read import raw_table, typed
    from nkl_data.validate import _where_schema_failed

    rows = package.rows("worker_movements")
    rows[1].update(movement_type=" arrival", country_iso3="RUS\u202e")
    rows[3].update(count_low="\u200b5", date_precision="day\t", movement_id=rows[3]["movement_id"] + " ")
    rows[5].update(movement_type="flight", date=rows[5]["date"] + "\u00a0")
    package.write("worker_movements", rows)
    parsed = parse(open_package(package.root).table("worker_movements"))
    raw = raw_table(parsed)
    schema = pandera_schemas.problems(raw, "wm.csv", typed(raw))
    fixed = sorted(set(parsed.columns) - set(hygiene.free_columns(parsed)))
    whole = expand(hygiene.cell_problems(parsed, "wm.csv", fixed))
    assert {p.check for p in whole} == {"whitespace", "invisible-character", "control-character"}
    assert sort(expand(_where_schema_failed(parsed, "wm.csv", schema))) == sort(whole)
