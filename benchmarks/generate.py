"""Make a copy of the data package whose worker_movements table has N generated valid rows.

Rows are built column by column with numpy (hypothesis, used by the property tests, is far too slow
for a million rows); they reference the shipped sources, countries and deadlines, so every rule,
foreign keys included, has real work to do. With --notes-every K, one row in K gets a quoted note
of two lines, as real notes can be. Usage: python benchmarks/generate.py N OUTDIR [--notes-every K]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

import nkl_data
from nkl_data.package import bundled_root, open_package


def generate(rows: int, outdir: Path, source: Path | None = None, seed: int = 0, notes_every: int = 0) -> Path:
    root = Path(source) if source else bundled_root()
    outdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "datapackage.json", outdir)
    for folder in ("schemas", "datasets"):
        shutil.rmtree(outdir / folder, ignore_errors=True)
        shutil.copytree(root / folder, outdir / folder)
    tables = nkl_data.load_all(root)
    schema = open_package(root).table("worker_movements")
    enum = lambda name: schema.field(name)["constraints"]["enum"]  # noqa: E731
    rng = np.random.default_rng(seed)
    sources = tables["sources"]
    picked = rng.integers(0, len(sources), rows)
    source_ids = sources["source_id"].astype(str).to_numpy()[picked]
    # an event cannot postdate the page that reports it
    start = pd.Timestamp("1990-01-01")
    span = (sources["published_date"].to_numpy()[picked] - start.to_datetime64()) // np.timedelta64(1, "D")
    days = start + pd.to_timedelta((rng.random(rows) * (span + 1)).astype(int), unit="D")
    dates = days.strftime("%Y-%m-%d")
    low = rng.integers(0, 1000, rows)
    best = low + rng.integers(0, 1000, rows)
    frame = pd.DataFrame({
        "movement_id": dates + "-generated-" + pd.Index(np.arange(rows)).astype(str),
        "date": dates,
        "date_precision": "day",
        "country_iso3": rng.choice(tables["countries"]["iso3"].astype(str).to_numpy(), rows),
        "location": rng.choice(["Vladivostok International Airport", "Dandong", "Khabarovsk", "Владивосток", "단둥"], rows),
        "movement_type": rng.choice(enum("movement_type"), rows),
        "quantity_text": "about " + pd.Index(best).astype(str),
        "count_low": low.astype(str),
        "count_best": best.astype(str),
        "count_high": (best + rng.integers(0, 1000, rows)).astype(str),
        "reported_by": rng.choice(["NHK", "Yonhap News Agency", "Interfax"], rows),
        "deadline_id": rng.choice(np.append(tables["deadlines"]["deadline_id"].astype(str).to_numpy(), ""), rows),
        "source_id": source_ids,
        "notes": np.where(np.arange(rows) % notes_every == 0, "Seen at the airport, then on the train;\nreported a week later", "")
                 if notes_every else "",
    }, columns=schema.field_names)
    frame = frame.sort_values("movement_id")
    frame.to_csv(outdir / "datasets" / "worker_movements.csv", index=False, lineterminator="\n")
    return outdir


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--notes-every", type=int, default=0)
    args = parser.parse_args()
    print(generate(args.rows, args.outdir, notes_every=args.notes_every))
