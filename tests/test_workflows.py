"""The CI configuration keeps the promises of the README: actions pinned by commit, permissions on
every workflow and read-only except the release's publish job, no event text in a run: line, and a
pull_request_target workflow that never runs the pull request's code. The rules are checked against
the real workflows and against tests/corpus/workflows, where each file breaks one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CORPUS = sorted((Path(__file__).parent / "corpus" / "workflows").glob("*.yml"))
PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}")
READ_ONLY = {"read", "none"}


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key on as true
    return workflow


def problems(path: Path) -> list[str]:
    """Every way the workflow at PATH breaks the rules, in words."""
    workflow, found = load(path), []
    events = workflow["on"] if isinstance(workflow["on"], (dict, list)) else [workflow["on"]]
    target = "pull_request_target" in events
    if "permissions" not in workflow:
        found.append("no top-level permissions")
    elif _writes(workflow["permissions"]):
        found.append("write permission outside a publish job")
    for name, job in workflow["jobs"].items():
        steps = job.get("steps", [])
        if "permissions" not in job and _writes(workflow.get("permissions", {})):
            found.append(f"job {name!r} inherits write permission")
        if _writes(job.get("permissions", {})):
            runs_code = [s for s in steps if "checkout" in str(s.get("uses", "")) or "pip install" in str(s.get("run", ""))]
            if runs_code:
                found.append(f"job {name!r} may write but checks out code")
            if "needs" not in job:
                found.append(f"job {name!r} may write but does not follow a read-only build job")
        for step in steps:
            uses = step.get("uses")
            if uses and not uses.startswith("./") and not PINNED.fullmatch(uses):
                found.append(f"{uses} is not pinned to a full commit SHA")
            if "${{" in str(step.get("run", "")):
                found.append("an expression in a run: line")
            if target and "checkout" in str(uses):
                ref = str(step.get("with", {}).get("ref", ""))
                if "head" in ref or "merge" in ref or not ref:
                    found.append("checks out the pull request's head")
                if step.get("with", {}).get("persist-credentials") is not False:
                    found.append("keeps the token in the checkout")
    if target and "secrets." in path.read_text(encoding="utf-8"):
        found.append("uses a secret")
    return found


def _writes(permissions) -> bool:
    if isinstance(permissions, str):
        return permissions not in READ_ONLY and permissions != "read-all"
    return any(value not in READ_ONLY for value in (permissions or {}).values())


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflows_keep_the_rules(path):
    assert problems(path) == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_each_corpus_workflow_breaks_its_rule(path):
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expected: ")
    assert any(expected in problem for problem in problems(path)), problems(path)


def test_pull_requests_are_judged_by_the_base_branch():
    workflow = load(REPO / ".github" / "workflows" / "contribution.yml")
    assert list(workflow["on"]) == ["pull_request_target"]
    steps = workflow["jobs"]["judge"]["steps"]
    checkout = next(s for s in steps if "checkout" in s.get("uses", ""))
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    runs = [s.get("run", "") for s in steps]
    assert any(r.startswith("nkl-data contribution ") for r in runs)
    assert not any("pip install" in r and r.strip() != "python -m pip install ." for r in runs)  # only the base is installed
    assert sum("pip install" in r for r in runs) == 1
    install = runs.index("python -m pip install .")
    fetch = next(i for i, r in enumerate(runs) if "git fetch" in r)
    assert install < fetch  # the pull request's commits arrive after the base is installed, and are never checked out


def test_the_diff_in_ci_names_revisions_explicitly():
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "nkl-data diff" in line:
                assert re.search(r"nkl-data diff --rev \S+ --rev \S+", line), line


def test_codeowners_leave_only_the_data_to_the_contribution_workflow():
    lines = [
        entry.split()
        for entry in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if entry and not entry.startswith("#")
    ]
    assert lines[0][0] == "*" and len(lines[0]) > 1
    assert {owner[0] for owner in lines[1:] if len(owner) == 1} == {
        "/datasets/*.csv",
        "/docs/coverage.md",
        "/docs/data-dictionary.md",
    }
