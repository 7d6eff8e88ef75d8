"""Text from the data is escaped where it lands: the hostile strings of tests/corpus/escaping add no
markup to Markdown (docs/coverage.md, diff --format markdown), forge no workflow command in a
GitHub Actions log, and become no link that is not http(s) or relative on the page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from nkl_data import compare as nd
from nkl_data import escape
from nkl_data.coverage import report
from nkl_data.package import open_package
from nkl_data.problems import Problem, as_github
from nkl_data.publish.front import header
from nkl_data.publish.site import build
from nkl_data.publish.view import View, link
from support import REPO, git, set_version

HOSTILE = json.loads((Path(__file__).parent / "corpus" / "escaping" / "hostile.json").read_text(encoding="utf-8"))
ONE_LINE, LINE_BREAKS = HOSTILE["one_line"], HOSTILE["line_breaks"]
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class Html(HTMLParser):
    """The tags of an HTML fragment, in order, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(attrs))))

    def handle_data(self, data):
        self.text.append(data)


def rendered(markdown: str) -> Html:
    return Html(MARKDOWN.render(markdown))


def quotable(text: str) -> bool:
    """Whether Python's csv writer (which the test helpers use) quotes TEXT as it must: it leaves a
    carriage return without a line feed bare, which would split the record."""
    return "\r" not in text.replace("\r\n", "")


def plain_twins(strings: list[str]) -> list[str]:
    """Harmless text of the same count, to render the same document without the hostile strings."""
    return [f"plain text {i}" for i in range(len(strings))]


# Markdown -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ONE_LINE + LINE_BREAKS)
def test_markdown_text_renders_as_exactly_its_characters(text):
    html = rendered(f"| a | b |\n|---|---|\n| {escape.markdown_text(text)} | {escape.markdown_code(text, in_table=True)} |\n")
    assert [tag for tag, _ in html.tags] == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td", "code"]
    one_line = " ".join(escape.LINE_BREAKS.split(text))
    assert "".join(html.text).count(one_line) == 2


def test_coverage_adds_no_markup_for_any_text_in_the_data(package):
    def coverage(publishers: list[str]) -> Html:
        rows = package.rows("sources")
        for row, publisher in zip(rows, publishers):
            row["publisher"] = publisher
        package.write("sources", rows)
        return rendered(report(package.root))

    hostile, plain = coverage(ONE_LINE), coverage(plain_twins(ONE_LINE))
    assert hostile.tags == plain.tags
    assert all(text in "".join(hostile.text) for text in ONE_LINE)


def test_diff_markdown_adds_no_markup_and_text_forges_no_log_line(repo, capsys):
    def diff(values: list[str], rows_of: list[bool]) -> tuple[Html, str]:
        git(repo.root, "checkout", "-q", "v0.1.0", "--", ".")
        path = repo.root / "schemas" / "statements.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        next(f for f in schema["fields"] if f["name"] == "claim_type")["constraints"]["enum"].extend(values)
        path.write_text(json.dumps(schema), encoding="utf-8")
        rows = repo.rows("statements")
        repo.write(
            "statements",
            [*rows, *({**rows[0], "statement_id": value, "notes": value} for value, row in zip(values, rows_of) if row)],
        )
        set_version(repo, "1.0.0")
        result = nd.diff(nd.Revision("v0.1.0"), Path(repo.root))
        return rendered(result.to_markdown()), result.to_text() + "\n" + "\n".join(nd.check_version(result)[1])

    values = ONE_LINE + LINE_BREAKS
    rows_of = [quotable(value) for value in values]  # each value is an enum value too, and a row's key when it can be written
    (hostile, text), (plain, _) = diff(values, rows_of), diff(plain_twins(values), rows_of)
    assert hostile.tags == plain.tags
    assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]


# GitHub annotations -------------------------------------------------------------------------------


def test_an_annotation_is_one_line_whatever_the_data_holds():
    texts = ONE_LINE + LINE_BREAKS
    problems = [Problem("sources", 2, "publisher", "enum", f"no row has {text}", text, f"datasets/{text}.csv") for text in texts]
    *lines, totals = as_github(problems, {"sources": ["source_id", "publisher"]}).split("\n")
    assert len(lines) == len(problems)
    assert totals.startswith("::error title=nkl-data::INVALID: ") and not any(c in totals for c in "\r\n\u2028\u2029")
    for line in lines:
        assert line.startswith("::error file=")
        head, _ = line[len("::error ") :].split("::", 1)  # the properties end at the first "::"
        assert set(dict(part.split("=", 1) for part in head.split(","))) == {"file", "line", "col", "title"}
        assert not any(c in line for c in "\r\n\x0b\x0c\x85\u2028\u2029")


def test_the_validate_command_prints_nothing_that_starts_a_command_but_its_annotations(package, capsys):
    from nkl_data.cli import main

    texts = [text for text in LINE_BREAKS if quotable(text)]
    for index, text in enumerate(texts):
        package.edit("worker_movements", index, location=text)
    assert main(["validate", "--format", "github", str(package.root)]) == 1
    *commands, totals = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert len(commands) >= len(texts)
    assert all(line.startswith("::error file=") and line.split(",", 1)[0].endswith("worker_movements.csv") for line in commands)
    assert totals.startswith("::error title=nkl-data::INVALID: ")


# The page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("href", HOSTILE["hrefs_refused"])
def test_a_link_that_is_not_http_or_relative_is_text(href):
    assert escape.safe_href(href) is None
    assert "<a" not in link("label", href)


@pytest.mark.parametrize("href", HOSTILE["hrefs_kept"])
def test_http_and_relative_links_are_kept(href):
    assert escape.safe_href(href) == href
    assert link("label", href).startswith("<a href=")


def test_the_licence_link_is_checked_even_if_the_descriptor_was_not(package):
    opened = open_package(package.root)
    opened.descriptor["licenses"][0]["path"] = "javascript:alert(1)"  # past the descriptor checks
    text = header(View(opened, {}), [])
    assert 'href="javascript' not in text and "CC-BY-4.0" in text


def test_every_href_on_every_page_is_http_or_relative(tmp_path):
    build(tmp_path, REPO)
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) > 1
    for path in pages:
        html = Html(path.read_text(encoding="utf-8"))
        hrefs = [dict(attrs)["href"] for tag, attrs in html.tags if "href" in dict(attrs)]
        assert hrefs and all(escape.safe_href(h) == h for h in hrefs), path.name


def test_a_problem_prints_on_one_line_whatever_its_message_quotes():
    for text in LINE_BREAKS:
        problem = Problem(
            "sources", 2, "source_id", "foreign-key", f"no row in sources has source_id = {text}", text, "datasets/x.csv"
        )
        assert "\n" not in str(problem) and "\r" not in str(problem) and "\u2028" not in str(problem)
