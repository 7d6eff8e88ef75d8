"""Property-based: rows generated from the schema are valid and survive load/write byte for byte."""

import datetime as dt
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nkl_data
from nkl_data.canonical import canonical, to_csv_text
from nkl_data.hygiene import FORMULA_START, is_invisible
from nkl_data.package import open_package
from support import copy_package

SAFE_TEXT = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")).filter(lambda c: not is_invisible(c))


def text(multiline: bool = False, min_size: int = 1):
    alphabet = st.one_of(SAFE_TEXT, st.just("\n")) if multiline else SAFE_TEXT
    raw = st.text(alphabet, min_size=min_size, max_size=40)
    cleaned = raw.map(lambda s: unicodedata.normalize("NFC", s).strip())
    return cleaned.filter(lambda s: len(s) >= min_size and not s.startswith(FORMULA_START))


def optional(strategy):
    return st.one_of(st.just(""), strategy)


@st.composite
def movement(draw, countries, sources, deadlines, schema):
    field = {f["name"]: f for f in schema["fields"]}
    precision = draw(st.sampled_from(field["date_precision"]["constraints"]["enum"]))
    source_id, published = draw(st.sampled_from(sources))
    day = draw(st.dates(dt.date(1990, 1, 1), published))  # an event cannot postdate its source
    day = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    slug = draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True))
    counts = sorted(draw(st.lists(st.integers(0, 10**7), min_size=3, max_size=3)))
    keep = draw(st.lists(st.booleans(), min_size=3, max_size=3))
    low, best, high = (str(c) if k else "" for c, k in zip(counts, keep))
    return {
        "movement_id": f"{day.isoformat()}-{slug}",
        "date": day.isoformat(),
        "date_precision": precision,
        "country_iso3": draw(st.sampled_from(countries)),
        "location": draw(optional(text())),
        "movement_type": draw(st.sampled_from(field["movement_type"]["constraints"]["enum"])),
        "quantity_text": draw(optional(text())),
        "count_low": low,
        "count_best": best,
        "count_high": high,
        "reported_by": draw(text()),
        "deadline_id": draw(optional(st.sampled_from(deadlines))),
        "source_id": source_id,
        "notes": draw(optional(text(multiline=True))),
    }


def test_generated_rows_are_valid_and_round_trip(tmp_path_factory):
    package = copy_package(tmp_path_factory.mktemp("prop"))
    opened = open_package(package.root)
    table = opened.table("worker_movements")
    countries = [r["iso3"] for r in package.rows("countries")]
    sources = [(r["source_id"], dt.date.fromisoformat(r["published_date"])) for r in package.rows("sources")]
    deadlines = [r["deadline_id"] for r in package.rows("deadlines")]
    rows = st.lists(
        movement(countries, sources, deadlines, table.schema), min_size=1, max_size=8, unique_by=lambda r: r["movement_id"]
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows)
    def check(generated):
        package.write("worker_movements", generated)
        written = canonical(package.csv("worker_movements").read_text(encoding="utf-8"), table)
        package.csv("worker_movements").write_text(written, encoding="utf-8")
        assert package.problems() == []
        loaded = nkl_data.load("worker_movements", source=package.root)
        assert to_csv_text(loaded, table).encode("utf-8") == package.csv("worker_movements").read_bytes()

    check()
