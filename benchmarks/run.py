"""Run the performance comparisons of the README side by side and print a table of times and ratios.

Each command runs in a fresh process, the commands taking turns in a random order round by round
(several runs, median wall time); peak memory is the child's maximum resident set size as the OS reports it (wait4). It is a benchmark, not a test: it asserts
nothing. It measures the Python it runs under: `make bench` installs the package as users get it,
without the test extras (with hypothesis installed, pandera imports it on first use, about 0.1 s).
Usage: python benchmarks/run.py [--rows 1000000] [--runs 3] [--frictionless-runs 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nkl_data.package import bundled_root

PY = sys.executable
BIN = Path(PY).parent


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process running ARGV."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:  # timing an error path would measure nothing useful
        raise SystemExit(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024


def measure(commands: dict[str, tuple[list[str], int]]) -> dict[str, tuple[float, float]]:
    """Median wall seconds and median peak RSS of each command, NAME: (ARGV, RUNS).

    The commands take turns, one run each per round, in a new random order each round (seeded, so
    a rerun takes the same turns). A run's time depends on what ran just before it (a process that
    follows one that freed much memory starts warm), so neither blocks of runs nor a fixed order
    would treat the commands alike.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    order = random.Random(0)
    for round_ in range(max(count for _, count in commands.values())):
        names = [name for name, (_, count) in commands.items() if round_ < count]
        order.shuffle(names)
        for name in names:
            runs[name].append(run_once(commands[name][0]))
    return {name: (statistics.median(t for t, _ in results), statistics.median(m for _, m in results))
            for name, results in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frictionless-runs", type=int, default=1, help="0 skips frictionless (about 45 s a run at 1M rows)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nkl-bench-") as scratch:  # about 0.5 GB of generated tables
        work = Path(scratch)
        # generated in child processes, so that this process stays small: a child's peak memory
        # counts what it inherited from this process before it started its program
        here = Path(__file__).parent
        big, small = work / "big", work / "small"
        for rows, folder in ((args.rows, big), (args.rows // 10, small)):
            subprocess.run([PY, str(here / "generate.py"), str(rows), str(folder)], check=True, stdout=subprocess.DEVNULL)
        big_csv = big / "datasets" / "worker_movements.csv"
        shipped = bundled_root()
        # the rows hold quoted notes of two lines, which the parser must expect
        floor = lambda f: [PY, "-c", "import pandera.pandas, pyarrow.csv as c; "  # noqa: E731
                                     f"c.read_csv({str(f)!r}, parse_options=c.ParseOptions(newlines_in_values=True))"]
        validate = lambda p: [str(BIN / "nkl-data"), "validate", str(p)]  # noqa: E731
        statements = shipped / "datasets" / "statements.csv"
        commands = {
            "floor: import pandera.pandas + pyarrow read (big)": (floor(big_csv), args.runs),
            "nkl-data validate (big)": (validate(big), args.runs),
            "frictionless validate (big)": ([str(BIN / "frictionless"), "validate", str(big / "datapackage.json")], args.frictionless_runs),
            "nkl-data validate (small)": (validate(small), args.runs),
            "python: pandas.read_csv(statements)": ([PY, "-c", f"import pandas; pandas.read_csv({str(statements)!r})"], args.runs),
            "python: nkl_data.load('statements')": ([PY, "-c", "import nkl_data; nkl_data.load('statements')"], args.runs),
            "import of the validation libraries": ([PY, "-c", "import pandas, pandera.pandas, pyarrow.csv, pyarrow.compute, pycountry, langcodes"], args.runs),
            "nkl-data validate (shipped package)": (validate(shipped), args.runs),
        }
        rows = measure({name: command for name, command in commands.items() if command[1] > 0})

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        print(f"big: worker_movements with {args.rows:,} rows shaped like the shipped ones ({big_csv.stat().st_size / 2**20:.0f} MiB); "
              f"small: {args.rows // 10:,} rows")
        print(f"median of {args.runs} runs (frictionless: {args.frictionless_runs})\n")
        print(f"{'command':<52} {'seconds':>8} {'peak MiB':>9}")
        for name, (seconds, peak) in rows.items():
            print(f"{name:<52} {seconds:>8.2f} {peak:>9.0f}")
        t = {name: value[0] for name, value in rows.items()}
        m = {name: value[1] for name, value in rows.items()}
        big_validate, floor_time = t["nkl-data validate (big)"], t["floor: import pandera.pandas + pyarrow read (big)"]
        print("\nratio                                                  measured  target")
        if "frictionless validate (big)" in t:
            print(f"{'frictionless / nkl-data validate (big)':<52} {t['frictionless validate (big)'] / big_validate:>9.1f}  >= 30")
        print(f"{'nkl-data validate / floor (big)':<52} {big_validate / floor_time:>9.2f}  <= 2")
        print(f"{'peak memory: nkl-data validate / floor (big)':<52} {m['nkl-data validate (big)'] / m['floor: import pandera.pandas + pyarrow read (big)']:>9.2f}  <= 2")
        per_row_big = big_validate / args.rows
        per_row_small = t["nkl-data validate (small)"] / (args.rows // 10)
        print(f"{'time per row: big / small':<52} {per_row_big / per_row_small:>9.2f}  <= 1.5")
        print(f"{'load(statements) / pandas.read_csv(statements)':<52} {t['python: nkl_data.load(' + chr(39) + 'statements' + chr(39) + ')'] / t['python: pandas.read_csv(statements)']:>9.2f}  <= 1.3")
        print(f"{'validate shipped / import of validation libraries':<52} {t['nkl-data validate (shipped package)'] / t['import of the validation libraries']:>9.2f}  <= 1.3")


if __name__ == "__main__":
    main()
