"""The base branch judges a pull request: in a git history built here, a contributor's branch is
checked by ``nkl-data contribution BASE HEAD`` as the pull-request workflow runs it. The honest
contribution ends green; one that loosens the rules its rows are checked by does not; anything
outside the data is listed for a maintainer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkl_data.cli import main
from support import PackageCopy, edit, git

CASES = json.loads((Path(__file__).parent / "corpus" / "pull_requests" / "cases.json").read_text(encoding="utf-8"))


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


def open_pull_request(package: PackageCopy, case: dict) -> None:
    """Make CASE's changes on the contributor's branch and commit them, as a contributor would."""
    for change in case.get("edits", []):
        edit(package.root, change)
    for spec in case.get("rows", []):
        if "row" in spec:
            package.write(spec["table"], [*package.rows(spec["table"]), spec["row"]])
        else:
            package.add(spec["table"], spec["copy"], **spec["set"])
    for path, text in case.get("files", {}).items():
        (package.root / path).parent.mkdir(parents=True, exist_ok=True)
        (package.root / path).write_text(text, encoding="utf-8")
    for path, target in case.get("links", {}).items():
        (package.root / path).unlink()
        (package.root / path).symlink_to(target)
    if case.get("fmt"):
        assert main(["fmt", str(package.root)]) == 0
    if case.get("docs"):
        assert main(["coverage", str(package.root)]) == 0 and main(["dictionary", str(package.root)]) == 0
    git(package.root, "add", "-A")
    git(package.root, "commit", "-qm", "a contribution")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_pull_request_is_judged_by_the_base_branch(base, capsys, name):
    case = CASES[name]
    open_pull_request(base, case)
    capsys.readouterr()
    code = main(["contribution", "base", "HEAD", "--format", "github"])
    out = capsys.readouterr().out
    assert code == case["exit"], out
    for fragment in case["reported"]:
        assert fragment in out, (fragment, out)
    assert all(line.startswith(("::error ", "::warning ", "data judged")) for line in out.splitlines() if line), out


def test_a_rule_loosened_in_the_pull_request_lets_its_row_pass_its_own_rules(base):
    # the point of judging by the base: by the pull request's own rules, these rows are valid
    for name in ("enum_widened_for_its_row", "minimum_dropped_for_its_row", "vague_words_deleted_for_its_row"):
        git(base.root, "checkout", "-q", "base", "--", ".")
        open_pull_request(base, CASES[name])
        assert main(["validate", str(base.root)]) == 0, name


def test_the_text_report_lists_the_files_for_a_maintainer(base, capsys):
    open_pull_request(base, CASES["workflow_changed"])
    capsys.readouterr()
    assert main(["contribution", "base", "HEAD"]) == 3
    out = capsys.readouterr().out
    assert (
        "needs a maintainer's review (the base branch's checks cannot judge these):\n  .github/workflows/contribution.yml" in out
    )


def test_the_base_must_be_a_revision(base, capsys):
    assert main(["contribution", "no-such-base", "HEAD"]) == 2
    assert "no-such-base" in capsys.readouterr().err
