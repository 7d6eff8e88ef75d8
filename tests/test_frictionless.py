"""The package is valid for the Frictionless toolchain too, not only for our validator."""

import json
import subprocess
import sys
from pathlib import Path

from support import REPO

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def frictionless(root: Path) -> dict:
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"], cwd=root, capture_output=True, text=True, timeout=300
    )
    return json.loads(result.stdout)


def test_frictionless_accepts_the_shipped_package():
    report = frictionless(REPO)
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert report["valid"], errors


def test_frictionless_rejects_what_we_reject(package):
    package.add("statements", claim_type="rumour")
    package.add("worker_estimates", source_id="no-such-source")
    report = frictionless(package.root)
    types = {e["type"] for task in report["tasks"] for e in task["errors"]}
    assert not report["valid"]
    assert {"constraint-error", "foreign-key"} <= types
    ours = {p.check for p in package.problems()}
    assert {"enum", "foreign-key"} <= ours
