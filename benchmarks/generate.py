"""Make a copy of the data package whose worker_movements table has N rows shaped like the shipped ones.

Each generated row is a shipped row picked at random, with a new id, date and counts; its text
stays as written, so the rows keep the shipped rows' quoted cells, scripts (Hangul, Cyrillic,
kana and kanji), vague words and notes. On top of what the sample brings, one row in 10 gets a
vague word ("dozens", counted by the rule) and one in 100 a note of two lines, the mix a year of
contributions has shown. Rows cite the shipped sources, countries, deadlines and reports, so every
rule, foreign keys included, has real work to do.

With --wrong-every K, one row in K breaks a rule, the rules of WRONG taking turns (K=1: every row
is wrong). A benchmark of wrong rows measures the reporting of problems, not just their finding.

Usage: python benchmarks/generate.py N OUTDIR [--wrong-every K] [--seed S]
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from nkl_data.package import bundled_root, open_package

VAGUE_EVERY, NOTES_EVERY = 10, 100
DAY = np.timedelta64(1, "D")


def generate(rows: int, outdir: Path, source: Path | None = None, seed: int = 0, wrong_every: int = 0) -> Path:
    """Write OUTDIR: the package at SOURCE (default: the bundled one) with ROWS generated movements."""
    root = Path(source) if source else bundled_root()
    outdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "datapackage.json", outdir)
    for folder in ("schemas", "datasets"):
        shutil.rmtree(outdir / folder, ignore_errors=True)
        shutil.copytree(root / folder, outdir / folder)
    shipped = {
        name: _text(root / "datasets" / f"{name}.csv") for name in ("worker_movements", "sources", "countries", "state_reports")
    }
    schema = open_package(root).table("worker_movements")
    rng = np.random.default_rng(seed)
    frame = shipped["worker_movements"].iloc[rng.integers(0, len(shipped["worker_movements"]), rows)].reset_index(drop=True)
    published = shipped["sources"].set_index("source_id")["published_date"]
    _new_dates(frame, published.reindex(frame["source_id"]).to_numpy().astype("datetime64[D]"), rng)
    _new_counts(frame, rng)
    every = np.arange(rows)
    words = schema.field("quantity_text")["vagueWords"]
    _vague(frame, every % VAGUE_EVERY == VAGUE_EVERY // 2, words, rng)
    _two_line_notes(frame, every % NOTES_EVERY == NOTES_EVERY // 3)
    frame["movement_id"] = frame["date"] + "-" + frame["movement_id"].str.slice(11) + "-" + pd.Series(every).astype(str)
    frame = frame.sort_values("movement_id", ignore_index=True)
    if wrong_every:
        wrong = np.flatnonzero(every % wrong_every == wrong_every // 2)
        breakers = list(WRONG.values())
        for turn, breaker in enumerate(breakers):
            breaker(frame, wrong[turn :: len(breakers)], shipped)
    frame[schema.field_names].to_csv(outdir / "datasets" / "worker_movements.csv", index=False, lineterminator="\n")
    return outdir


def _text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")


def _new_dates(frame: pd.DataFrame, published: np.ndarray, rng: np.random.Generator) -> None:
    """A day within ten years before the row's source was published (never before 1990), then
    cut to the row's own precision: the 1st of the month, or 1 January."""
    earliest = np.maximum(published - 3650 * DAY, np.datetime64("1990-01-01"))
    days = earliest + (rng.random(len(frame)) * ((published - earliest) // DAY + 1)).astype(np.int64) * DAY
    precision = frame["date_precision"].to_numpy()
    days = np.where(precision == "month", days.astype("datetime64[M]").astype("datetime64[D]"), days)
    days = np.where(precision == "year", days.astype("datetime64[Y]").astype("datetime64[D]"), days)
    frame["date"] = np.datetime_as_string(days, unit="D")


def _new_counts(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Every count of a row scaled by one factor, so their order holds; vague words keep their counts."""
    factor = rng.uniform(0.5, 2.0, len(frame))
    for column in ("count_low", "count_best", "count_high"):
        counts = pd.to_numeric(frame[column].replace("", np.nan))
        scaled = (counts * factor).round().astype("Int64").astype(str).replace("<NA>", "")
        frame[column] = scaled.where(~_is_vague(frame), frame[column])


def _is_vague(frame: pd.DataFrame) -> pd.Series:
    return frame["quantity_text"].str.strip().str.lower().isin(["dozens", "hundreds", "thousands", "tens of thousands"])


def _vague(frame: pd.DataFrame, where: np.ndarray, words: dict[str, int], rng: np.random.Generator) -> None:
    chosen = rng.choice(list(words), int(where.sum()))
    frame.loc[where, "quantity_text"] = [word.capitalize() if i % 3 == 0 else word for i, word in enumerate(chosen)]
    frame.loc[where, "count_low"] = [str(words[word]) for word in chosen]
    frame.loc[where, ["count_best", "count_high"]] = ""


def _two_line_notes(frame: pd.DataFrame, where: np.ndarray) -> None:
    """The row's own note broken after its first sentence (or in the middle) onto a second line."""

    def broken(note: str) -> str:
        cut = note.find(". ")
        if cut < 0:
            cut = note.find(" ", len(note) // 2)
        return f"{note}\nRead again later." if cut < 0 else f"{note[: cut + 1]}\n{note[cut + 2 :]}"

    frame.loc[where, "notes"] = frame.loc[where, "notes"].map(broken)


# Each breaks one rule on the rows AT (some break a second one on the way, as real mistakes do).
Breaker = Callable[[pd.DataFrame, np.ndarray, dict[str, pd.DataFrame]], None]


def _set(**cells: str) -> Breaker:
    def breaker(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
        for column, value in cells.items():
            frame.loc[at, column] = value

    return breaker


def _edit(column: str, change: Callable[[pd.Series], pd.Series]) -> Breaker:
    def breaker(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
        frame.loc[at, column] = change(frame.loc[at, column]).to_numpy()

    return breaker


def _day_before(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
    """The id keeps the old date: id-date."""
    day = frame.loc[at, "date"].to_numpy().astype("datetime64[D]") - DAY
    frame.loc[at, "date"] = np.datetime_as_string(np.maximum(day, np.datetime64("1990-01-01")), unit="D")
    frame.loc[at, "date_precision"] = "day"


def _earliest_source(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
    """Cite the earliest source, published before most rows' dates: source-date."""
    frame.loc[at, "source_id"] = shipped["sources"].sort_values("published_date")["source_id"].iloc[0]


def _other_state(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
    """Name a state's report on a row about another country: reference-match."""
    report = shipped["state_reports"].iloc[0]
    frame.loc[at, "report_id"] = report["report_id"]
    frame.loc[at, "country_iso3"] = next(c for c in shipped["countries"]["iso3"] if c != report["state_iso3"])


def _repeat_id(frame: pd.DataFrame, at: np.ndarray, shipped: dict[str, pd.DataFrame]) -> None:
    """The previous row's id again: primary-key (and the canonical order is broken)."""
    at = at[at > 0]
    frame.loc[at, "movement_id"] = frame.loc[at - 1, "movement_id"].to_numpy()


WRONG: dict[str, Breaker] = {
    "enum": _set(movement_type="flight"),
    "pattern": _edit("country_iso3", lambda s: s.str.lower()),
    "type (integer)": _set(count_best="1.5"),
    "type (date)": _set(date="2019-02-30"),
    "required": _set(reported_by=""),
    "minimum": _set(count_low="-1"),
    "count-order": _set(count_low="20", count_best="10", count_high=""),
    "quantity-rule": _set(quantity_text="dozens", count_low="12", count_best="", count_high=""),
    "id-date": _day_before,
    "future-date": _set(date="2099-01-01"),
    "date-precision": _set(date_precision="year"),
    "source-date": _earliest_source,
    "foreign-key": _set(source_id="no-such-source"),
    "reference-match": _other_state,
    "whitespace": _edit("location", lambda s: s + " "),
    "invisible-character": _set(location="Dan\u200bdong"),
    "line-break": _set(location="Dandong\nSinuiju"),
    "formula": _set(location="=1+2"),
    "unicode-nfc": _set(location="Sinu\u0306iju"),
    "control-character": _set(location="Dandong\tport"),
    "primary-key": _repeat_id,
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--wrong-every", type=int, default=0, help="one row in K breaks a rule; 1: every row")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(generate(args.rows, args.outdir, seed=args.seed, wrong_every=args.wrong_every))
