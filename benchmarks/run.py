"""Run the performance comparisons of the README and print the table of its four targets.

1. Real-shaped valid rows, 1M: validate <= 2x the floor (import pandera.pandas + pyarrow's CSV
   read), >= 30x faster than frictionless validate, peak memory <= 2x the floor's.
2. Wrong rows, 1M (every row wrong; one row in ten wrong): <= 1.5x the valid run's time and peak
   memory; problems past the cap counted, not built.
3. A huge cell, header, enum or rejected pattern: cost linear in its size; at ten times the size
   at most twelve times the added time (benchmarks/scaling.py).
4. Time per row at 1M rows <= 1.2x that at 100k rows, valid and wrong.

Each command runs in a fresh process, several times; the figures are medians of wall time and of
peak memory (the child's maximum resident set, as wait4 reports it). The commands run twice over:
back to back (all runs of one command, then the next) and interleaved (one run of each per round,
in a new random order each round), since a run's time depends on what ran just before it. It is a
benchmark, not a test: it asserts nothing. It measures the Python it runs under: `make bench`
installs the package as users get it, without the test extras.
Usage: python benchmarks/run.py [--rows 1000000] [--runs 3] [--frictionless-runs 1]
"""

from __future__ import annotations

import argparse
import json
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
HERE = Path(__file__).parent

KINDS = {"valid": 0, "wrong": 1, "wrong 1 in 10": 10}  # generated tables: one row in K wrong (0: none)


def run_once(argv: list[str], expect: int = 0) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process running ARGV."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != expect:  # timing an unexpected path would measure nothing useful
        raise SystemExit(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}, not {expect}")
    return elapsed, usage.ru_maxrss / 1024


def measure(commands: dict[str, tuple[list[str], int, int]], interleaved: bool) -> dict[str, tuple[float, float]]:
    """Median wall seconds and median peak RSS of each command, NAME: (ARGV, RUNS, EXIT CODE).

    Interleaved, the commands take turns, one run each per round, in a new random order each
    round (seeded, so a rerun takes the same turns); otherwise each command runs all its runs
    back to back, in the order given.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    if interleaved:
        order = random.Random(0)
        for round_ in range(max(count for _, count, _ in commands.values())):
            names = [name for name, (_, count, _) in commands.items() if round_ < count]
            order.shuffle(names)
            for name in names:
                runs[name].append(run_once(commands[name][0], commands[name][2]))
    else:
        for name, (argv, count, expect) in commands.items():
            runs[name] = [run_once(argv, expect) for _ in range(count)]
    return {
        name: (statistics.median(t for t, _ in results), statistics.median(m for _, m in results))
        for name, results in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frictionless-runs", type=int, default=1, help="0 skips frictionless (about 100 s a run at 1M rows)")
    parser.add_argument("--scaling-runs", type=int, default=5, help="0 skips the huge cell, header, enum and pattern")
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0,
        help="before measuring, wait (up to 15 minutes) until the 1-minute load average is below this; 0: do not wait",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nkl-bench-") as scratch:  # about 2 GB of generated tables
        work = Path(scratch)
        # generated in child processes, so that this process stays small: a child's peak memory
        # counts what it inherited from this process before it started its program
        folders = {}
        for rows in (args.rows, args.rows // 10):
            for kind, wrong_every in KINDS.items():
                folders[kind, rows] = work / f"{kind.replace(' ', '-')}-{rows}"
                subprocess.run(
                    [PY, str(HERE / "generate.py"), str(rows), str(folders[kind, rows]), "--wrong-every", str(wrong_every)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        commands = _commands(folders, args)
        found = _found(folders["wrong", args.rows])
        _wait_for_quiet(args.quiet_load)
        print(_machine())
        big = folders["valid", args.rows] / "datasets" / "worker_movements.csv"
        print(
            f"worker_movements: {args.rows:,} rows ({big.stat().st_size / 2**20:.0f} MiB) sampled from the shipped rows (benchmarks/generate.py), "
            f"and {args.rows // 10:,}; wrong: every row breaks a rule; wrong 1 in 10: one row in ten does"
        )
        print(f"median of {args.runs} runs (frictionless: {args.frictionless_runs})")
        results = {}
        for interleaved in (False, True):
            label = "interleaved (a new random order each round)" if interleaved else "back to back"
            results[label] = measure(commands, interleaved)
            print(f"\n{label}\n{'command':<58} {'seconds':>8} {'peak MiB':>9}")
            for name, (seconds, peak) in results[label].items():
                print(f"{name:<58} {seconds:>8.2f} {peak:>9.0f}")
        print(f"\n{'target':<58} {'back to back':>12} {'interleaved':>12} {'target':>8}  met")
        for name, target, ratio in _ratios(args.rows):
            values = [_value(ratio, figures) for figures in results.values()]
            print(
                f"{name:<58} "
                + " ".join(f"{'-' if v is None else f'{v:.2f}':>12}" for v in values)
                + f" {target:>8}  {_met(values, target)}"
            )
        print(f"{'2. problems in the wrong table: found / listed (--max-errors 1000)':<58} {found:>25}")
        if args.scaling_runs:
            _scaling(work / "scaling", args.scaling_runs)
        print(f"\nload average (1, 5, 15 min) at the end: {_load()}")


def _commands(folders: dict[tuple[str, int], Path], args) -> dict[str, tuple[list[str], int, int]]:
    validate = lambda folder: [str(BIN / "nkl-data"), "validate", str(folder)]  # noqa: E731
    big = folders["valid", args.rows] / "datasets" / "worker_movements.csv"
    shipped = bundled_root()
    statements = shipped / "datasets" / "statements.csv"
    commands = {
        # the rows hold quoted notes of two lines, which the parser must expect
        f"floor: import pandera.pandas + pyarrow read ({_size(args.rows)})": (
            [
                PY,
                "-c",
                "import pandera.pandas, pyarrow.csv as c; "
                f"c.read_csv({str(big)!r}, parse_options=c.ParseOptions(newlines_in_values=True))",
            ],
            args.runs,
            0,
        ),
        f"frictionless validate ({_size(args.rows)})": (
            [str(BIN / "frictionless"), "validate", str(folders["valid", args.rows] / "datapackage.json")],
            args.frictionless_runs,
            0,
        ),
        **{
            f"nkl-data validate ({kind}, {_size(rows)})": (validate(folder), args.runs, 1 if KINDS[kind] else 0)
            for (kind, rows), folder in folders.items()
        },
        "python: pandas.read_csv(statements)": ([PY, "-c", f"import pandas; pandas.read_csv({str(statements)!r})"], args.runs, 0),
        "python: nkl_data.load('statements')": ([PY, "-c", "import nkl_data; nkl_data.load('statements')"], args.runs, 0),
        "import of the validation libraries": (
            [PY, "-c", "import pandas, pandera.pandas, pyarrow.csv, pyarrow.compute, pycountry, langcodes"],
            args.runs,
            0,
        ),
        "nkl-data validate (shipped package)": (validate(shipped), args.runs, 0),
    }
    return {name: command for name, command in commands.items() if command[1] > 0}


def _ratios(rows: int):
    """(name, target, function of the figures {command: (seconds, MiB)} giving the measured ratio)."""
    big, small = _size(rows), _size(rows // 10)
    v, floor = f"nkl-data validate (valid, {big})", f"floor: import pandera.pandas + pyarrow read ({big})"
    ratios = [
        (f"1. validate / floor, time (valid, {big})", "<= 2", lambda f: f[v][0] / f[floor][0]),
        (f"1. frictionless / validate, time (valid, {big})", ">= 30", lambda f: f[f"frictionless validate ({big})"][0] / f[v][0]),
        (f"1. validate / floor, peak memory (valid, {big})", "<= 2", lambda f: f[v][1] / f[floor][1]),
    ]
    for kind in ("wrong", "wrong 1 in 10"):
        w = f"nkl-data validate ({kind}, {big})"
        ratios += [
            (f"2. {kind} / valid, time ({big})", "<= 1.5", lambda f, w=w: f[w][0] / f[v][0]),
            (f"2. {kind} / valid, peak memory ({big})", "<= 1.5", lambda f, w=w: f[w][1] / f[v][1]),
        ]
    for kind in KINDS:
        ratios.append(
            (
                f"4. time per row, {big} / {small} ({kind})",
                "<= 1.2",
                lambda f, kind=kind: (
                    (f[f"nkl-data validate ({kind}, {big})"][0] / rows)
                    / (f[f"nkl-data validate ({kind}, {small})"][0] / (rows // 10))
                ),
            )
        )
    return ratios + [
        (
            "load(statements) / pandas.read_csv(statements)",
            "<= 1.3",
            lambda f: f["python: nkl_data.load('statements')"][0] / f["python: pandas.read_csv(statements)"][0],
        ),
        (
            "validate shipped / import of validation libraries",
            "<= 1.3",
            lambda f: f["nkl-data validate (shipped package)"][0] / f["import of the validation libraries"][0],
        ),
    ]


def _size(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows // 1000}k" if rows % 1000 == 0 else f"{rows:,}"


def _value(ratio, figures) -> float | None:
    try:
        return ratio(figures)
    except KeyError:  # a command that was skipped
        return None


def _met(values: list[float | None], target: str) -> str:
    """yes, no, or which order met TARGET ("<= 2", ">= 30")."""
    if all(v is None for v in values):
        return "not measured"
    sign, bound = target.split()
    met = [v is not None and (v <= float(bound) if sign == "<=" else v >= float(bound)) for v in values]
    return "yes" if all(met) else "no" if not any(met) else ("back to back only" if met[0] else "interleaved only")


def _found(folder: Path) -> str:
    """How many problems the wrong table has, and how many the JSON lists."""
    result = subprocess.run([str(BIN / "nkl-data"), "validate", "--format", "json", str(folder)], capture_output=True, text=True)
    report = json.loads(result.stdout)
    return f"{report['error_count']:,} / {len(report['errors']):,}"


RESOLUTION = 0.02  # seconds: added times below this are not told apart from no time at all


def _scaling(outdir: Path, runs: int) -> None:
    """Target 3: each case's added time at ten times the size is at most 12 times (1.2 x linear)
    that at the smaller size, the smaller taken as at least RESOLUTION."""
    result = subprocess.run(
        [PY, str(HERE / "scaling.py"), str(outdir), "--runs", str(runs)], check=True, capture_output=True, text=True
    )
    cases: dict[str, list[dict]] = {}
    for line in result.stdout.splitlines():
        case = json.loads(line)
        cases.setdefault(case["case"], []).append(case)
    print(f"\n3. added seconds (fastest of {runs}, in one warm process, less the shipped package's fastest)")
    print(f"{'case':<40} {'smaller':>20} {'larger':>20} {'larger / smaller':>17}  target  met")
    for small, large in cases.values():
        ratio = large["added"] / max(small["added"], RESOLUTION)
        bound = 1.2 * large["size"] / small["size"]
        print(
            f"{large['grows']:<40} {small['size']:>10,}: {small['added']:>6.3f} {large['size']:>10,}: {large['added']:>6.3f} "
            f"{ratio:>17.1f}  <= {bound:g}  {_met([ratio], f'<= {bound}')}"
        )


def _machine() -> str:
    from importlib.metadata import version

    libraries = ", ".join(f"{name} {version(name)}" for name in ("pandas", "pandera", "pyarrow", "frictionless"))
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}\n"
        f"{libraries}; load average (1, 5, 15 min) at the start: {_load()}"
    )


def _wait_for_quiet(below: float, longest: float = 900, step: float = 30) -> None:
    """Sleep in steps until the 1-minute load average (which counts other people's work, and this
    script's own generating) is below BELOW, or LONGEST seconds have passed."""
    waited = 0.0
    while below and os.getloadavg()[0] >= below and waited < longest:
        time.sleep(step)
        waited += step


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
