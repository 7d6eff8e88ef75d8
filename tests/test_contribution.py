"""The base branch judges a pull request: in a git history built here, a contributor's branch is
checked by ``nkl-data contribution BASE HEAD`` as the pull-request workflow runs it. The honest
contribution ends green; one that loosens the rules its rows are checked by does not; anything
outside the data is listed for a maintainer."""

from __future__ import annotations

import json

import pytest

from nkl_data.cli import main
from support import PackageCopy, edit, git

CONTRIBUTED_ROW = dict(  # the worked example of CONTRIBUTING.md, with an id of its own
    movement_id="2019-12-23-vladivostok-airport-arrivals-retold", source_id="upi-2019-12-23-laborers-stay-on", date="2019-12-23", date_precision="day", country_iso3="RUS",
    location="Vladivostok International Airport", movement_type="arrival", quantity_text="about 30", count_low="",
    count_best="30", count_high="", reported_by="NHK", deadline_id="2019-12-22-unscr-2397-op8-repatriation", notes="",
    report_id="")


@pytest.fixture
def base(repo: PackageCopy) -> PackageCopy:
    """The base branch: the package with its generated documents up to date, as main should be."""
    assert main(["coverage", str(repo.root)]) == 0
    assert main(["dictionary", str(repo.root)]) == 0
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "generated documents")
    git(repo.root, "branch", "-q", "base")
    git(repo.root, "checkout", "-q", "-b", "contribution")
    return repo


def contribute(package: PackageCopy, docs: bool = True, fmt: bool = True) -> None:
    """Follow CONTRIBUTING.md: add the row, nkl-data fmt, make docs, commit."""
    package.write("worker_movements", [*package.rows("worker_movements"), CONTRIBUTED_ROW])
    if fmt:
        assert main(["fmt", str(package.root)]) == 0
    if docs:
        assert main(["coverage", str(package.root)]) == 0 and main(["dictionary", str(package.root)]) == 0
    git(package.root, "add", "-A")
    git(package.root, "commit", "-qm", "a contributed row")


def judge(capsys, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["contribution", "base", "HEAD", *options])
    return code, capsys.readouterr().out


def test_the_honest_contributor_gets_a_green_run(base, capsys):
    contribute(base)
    code, out = judge(capsys)
    assert code == 0, out
    assert out.strip().endswith("valid; only data changed")


def test_generated_documents_must_be_regenerated(base, capsys):
    contribute(base, docs=False)
    code, out = judge(capsys)
    assert code == 1
    assert "docs/coverage.md" in out and "run make docs and commit the result" in out


def test_rows_must_be_canonical(base, capsys):
    rows = base.rows("worker_movements")
    base.write("worker_movements", [rows[-1], *rows[:-1]])  # out of key order
    git(base.root, "commit", "-qam", "rows out of order")
    code, out = judge(capsys)
    assert code == 1 and "not in canonical form" in out and "datasets/worker_movements.csv" in out


def test_a_pull_request_cannot_loosen_the_rules_its_rows_are_checked_by(base, capsys):
    edit(base.root, {"file": "schemas/statements.json", "at": ["fields", 9, "constraints", "enum"], "append": "rumour"})
    base.add("statements", claim_type="rumour")
    assert main(["fmt", str(base.root)]) == 0
    assert main(["validate", str(base.root)]) == 0  # by its own rules the pull request is valid
    assert main(["coverage", str(base.root)]) == 0 and main(["dictionary", str(base.root)]) == 0
    git(base.root, "add", "-A")
    git(base.root, "commit", "-qm", "a rumour, and the rule that allows it")
    code, out = judge(capsys, "--format", "github")
    assert code == 1
    annotations = [l for l in out.splitlines() if l.startswith("::error ")]
    assert [a for a in annotations if "file=datasets/statements.csv" in a and "title=nkl-data enum" in a and "'rumour'" in a]
    assert "::warning file=schemas/statements.json,title=needs a maintainer's review::" in out


@pytest.mark.parametrize("path, content", [
    (".github/workflows/contribution.yml", "name: mine\n"), ("src/nkl_data/rules.py", "RULES = []\n"),
    ("datapackage.json", None), ("docs/gaps.md", "None.\n"), ("README.md", "hello\n")])
def test_anything_outside_the_data_needs_a_maintainer(base, capsys, path, content):
    target = base.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None:  # the descriptor, edited in a way that changes no rule
        descriptor = json.loads(target.read_text(encoding="utf-8"))
        descriptor["description"] += " Edited."
        content = json.dumps(descriptor, indent=2) + "\n"
    target.write_text(content, encoding="utf-8")
    git(base.root, "add", "-A")
    git(base.root, "commit", "-qm", f"change {path}")
    code, out = judge(capsys)
    assert code == 3
    assert "needs a maintainer's review" in out and f"  {path}" in out


def test_a_new_table_file_is_reported_and_a_link_is_never_read(base, capsys):
    (base.root / "datasets" / "new_table.csv").write_text("a\n1\n", encoding="utf-8")
    (base.root / "datasets" / "countries.csv").unlink()
    (base.root / "datasets" / "countries.csv").symlink_to("/etc/hostname")
    git(base.root, "add", "-A")
    git(base.root, "commit", "-qm", "a new table and a link")
    code, out = judge(capsys)
    assert code == 1
    assert "datasets/new_table.csv" in out and "unnamed-file" in out
    assert "the table's file does not exist" in out  # the link was not followed, so countries.csv is missing
    assert "  datasets/countries.csv" in out.split("needs a maintainer's review")[1]


def test_the_base_must_be_a_revision(base, capsys):
    assert main(["contribution", "no-such-base", "HEAD"]) == 2
    assert "no-such-base" in capsys.readouterr().err
