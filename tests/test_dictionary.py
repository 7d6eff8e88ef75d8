import json

from nkl_data.cli import main
from nkl_data.dictionary import TARGET, render
from support import REPO, PackageCopy


def edit_schema(package: PackageCopy, table: str, column: str, **changes) -> None:
    path = package.root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == column).update(changes)
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


def row(markdown: str, table: str, column: str) -> list[str]:
    """The cells of COLUMN's row in TABLE's section."""
    section = markdown.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in section.splitlines() if line.startswith(f"| `{column}` |"))
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def cli(argv: list[str]) -> int:
    return main(argv)


def test_committed_dictionary_is_up_to_date():
    committed = (REPO / TARGET).read_text(encoding="utf-8")
    assert render(REPO) == committed, f"{TARGET} is out of date with schemas/; run nkl-data dictionary"


def test_changing_a_schema_description_changes_the_dictionary(package):
    before = render(package.root)
    edit_schema(package, "countries", "iso2", description="Two-letter code; a changed description.")
    after = render(package.root)
    assert row(after, "countries", "iso2")[4] == "Two-letter code; a changed description."
    assert "Namibia's is NA" in before and "Namibia's is NA" not in after


def test_columns_show_type_required_constraints_and_description_from_the_schema():
    markdown = render(REPO)
    assert row(markdown, "countries", "region")[:4] == [
        "`region`",
        "string",
        "yes",
        "one of `Africa`, `Americas`, `Asia`, `Europe`, `Oceania`",
    ]
    _name, kind, required, constraints, _, _ = row(markdown, "statements", "statement_id")
    assert (kind, required) == ("string", "yes")
    assert constraints == "unique; at most 100 characters; matches `[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z0-9]+)+` (whole value)"
    assert row(markdown, "worker_estimates", "count_low")[1:4] == ["integer", "no", "minimum `0`"]
    assert row(markdown, "sources", "published_date")[1] == "date"
    assert "may hold line breaks" in row(markdown, "statements", "summary")[3]
    assert "- Primary key: `estimate_id`" in markdown
    assert "- Foreign key: `country_iso3` → [countries](#countries).`iso3`" in markdown.split("\n## worker_estimates\n")[1]


def test_example_is_the_first_non_empty_value_as_written(package):
    rows = package.rows("worker_estimates")
    rows[0]["statement_id"] = rows[1]["statement_id"] = ""  # the first rows have none
    rows[2]["statement_id"] = package.rows("statements")[0]["statement_id"]
    package.write("worker_estimates", rows)
    package.edit("countries", 0, iso2="NA")  # an example that a careless reader would turn into "missing"
    markdown = render(package.root)
    assert row(markdown, "worker_estimates", "statement_id")[5] == f"`{rows[2]['statement_id']}`"
    assert row(markdown, "countries", "iso2")[5] == "`NA`"
    assert row(markdown, "sources", "archive_url")[5] == ""  # no row has one


def test_pipes_and_line_breaks_stay_inside_one_cell(package):
    edit_schema(
        package,
        "sources",
        "publisher",
        description="Either this | or that,\nover two lines.",
        constraints={"required": True, "pattern": "a|b"},
    )
    markdown = render(package.root)
    cells = row(markdown, "sources", "publisher")
    assert cells[3] == r"matches `a\|b` (whole value)"
    assert cells[4] == r"Either this \| or that, over two lines."
    assert len(cells) == 6


def test_check_exits_1_and_names_the_file_when_stale(package, capsys):
    target = package.root / TARGET
    assert cli(["dictionary", "--check", str(package.root)]) == 1
    assert f"{target}: missing" in capsys.readouterr().err
    assert cli(["dictionary", str(package.root)]) == 0
    assert target.read_text(encoding="utf-8") == render(package.root)
    assert cli(["dictionary", "--check", str(package.root)]) == 0
    edit_schema(package, "statements", "quote", description="Changed.")
    assert cli(["dictionary", "--check", str(package.root)]) == 1
    assert f"{target}: out of date" in capsys.readouterr().err


def test_not_a_package_is_a_usage_error(tmp_path, capsys):
    assert cli(["dictionary", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"nkl-data: {tmp_path}")
    assert not (tmp_path / TARGET).exists()
