from nkl_data.cli import main
from nkl_data.coverage import report
from support import REPO


def test_committed_coverage_report_is_up_to_date():
    assert main(["coverage", "--check", str(REPO)]) == 0


def test_report_counts_rows_from_the_data(package):
    before = report(package.root)
    package.add(
        "worker_estimates", estimate_id="1999-01-01-chn-test", as_of_date="1999-01-01", country_iso3="CHN", statement_id=""
    )
    after = report(package.root)
    estimates = len(package.rows("worker_estimates"))
    assert f"| `worker_estimates` | {estimates} |" in after and after != before
    assert "| China (CHN) |" in after


def test_check_fails_when_stale(package):
    assert main(["coverage", str(package.root)]) == 0
    assert main(["coverage", "--check", str(package.root)]) == 0
    package.add("statements")
    assert main(["coverage", "--check", str(package.root)]) == 1
