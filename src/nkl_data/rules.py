"""Rules a Frictionless Table Schema cannot say: across fields of a row and across tables.

Each rule is a small function from the loaded package to a list of problems. Rules read typed
columns; a cell whose text did not convert is already reported by the schema checks and is skipped
here, so one mistake is reported once. A rule finds its rows with one vectorised comparison and
returns them ``Flagged``: a row's message is written only if the row is listed. Column names below
are the public contract of the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .package import Table
from .parse import STRING
from .problems import Flagged, Found, flag
from .read import RawTable, arrow

QUOTE_MAX_WORDS = 30


@dataclass(frozen=True)
class Loaded:
    """A table read and typed, with the lines its records start on."""

    raw: RawTable
    typed: pd.DataFrame
    file: str

    @property
    def table(self) -> Table:
        return self.raw.table

    def flag(
        self,
        rows,
        column: str | None,
        check: str,
        message: str | Callable[[int], str],
        value: Callable[[int], object] | None = None,
    ) -> Flagged:
        """The rows ROWS (a boolean mask, missing meaning no, or positions) fail CHECK in COLUMN;
        MESSAGE and VALUE as ``problems.flag`` takes them."""
        return flag(self.table.name, self.file, column, check, _positions(rows), self.raw.lines, message, value)


Package = dict[str, Loaded]
Rule = Callable[[Package], list[Found]]


def count_order(package: Package) -> list[Found]:
    found = []
    for loaded in _with_columns(package, "count_low", "count_best", "count_high"):
        frame = loaded.typed
        for low, high in (("count_low", "count_best"), ("count_best", "count_high"), ("count_low", "count_high")):
            found.append(
                loaded.flag(
                    frame[low] > frame[high],
                    high,
                    "count-order",
                    lambda i, frame=frame, low=low, high=high: f"{high} is less than {low} ({frame[low].iat[i]})",
                    lambda i, frame=frame, high=high: frame[high].iat[i],
                )
            )
    return found


def date_order(package: Package) -> list[Found]:
    """A date never falls before the date its field's "notBefore" names (a due date, a period's end)."""
    found = []
    for loaded in package.values():
        frame = loaded.typed
        for column, spec in loaded.table.specs.items():
            earlier = spec.get("notBefore")
            if not earlier or not {column, earlier} <= set(frame.columns):
                continue
            found.append(
                loaded.flag(
                    frame[column] < frame[earlier],
                    column,
                    "date-order",
                    lambda i, frame=frame, column=column, earlier=earlier: (
                        f"{column} is before {earlier} ({_day(frame[earlier].iat[i])})"
                    ),
                    lambda i, frame=frame, column=column: _day(frame[column].iat[i]),
                )
            )
    return found


def no_future_dates(package: Package, today: dt.date | None = None) -> list[Found]:
    limit = pd.Timestamp(today or dt.date.today())
    found = []
    for loaded in package.values():
        for column in _date_columns(loaded):
            values = loaded.typed[column]
            found.append(
                loaded.flag(
                    values > limit,
                    column,
                    "future-date",
                    f"the date is after today ({limit.date()})",
                    lambda i, values=values: _day(values.iat[i]),
                )
            )
    return found


def date_precision(package: Package) -> list[Found]:
    """A month-precise date is the 1st of its month; a year-precise one is 1 January."""
    found = []
    for loaded, column, precision_column in _dated(package):
        precision = arrow(loaded.raw.frame[precision_column])
        text = arrow(loaded.raw.frame[column])  # valid dates only (typed is missing elsewhere): compare the text's tail
        dates = loaded.typed[column]
        valid = pa.array(dates.notna().to_numpy())
        for unit, first_day in (("month", "-01"), ("year", "-01-01")):
            wrong = pc.and_(pc.and_(pc.equal(precision, unit), pc.invert(pc.ends_with(text, first_day))), valid)
            found.append(
                loaded.flag(
                    wrong,
                    column,
                    "date-precision",
                    f"with {precision_column} {unit} the date must be the first day of the {unit}",
                    lambda i, dates=dates: _day(dates.iat[i]),
                )
            )
    return found


def not_after_source(package: Package) -> list[Found]:
    """An event cannot be dated after the page that reports it was published.

    A source dated only to the month or year is given until the end of that month or year.
    """
    sources = package.get("sources")
    if sources is None or not {"source_id", "published_date", "published_date_precision"} <= set(sources.typed.columns):
        return []
    frame = sources.typed.dropna(subset=["source_id", "published_date"])
    precision = frame["published_date_precision"].astype("string").fillna("day")
    published = frame["published_date"]
    latest = published.where(precision != "month", published + pd.offsets.MonthEnd(0))
    latest = latest.where(precision != "year", published + pd.offsets.YearEnd(0))
    latest_by_source = pd.Series(latest.to_numpy(), index=frame["source_id"].astype(str).to_numpy())
    latest_by_source = latest_by_source[~latest_by_source.index.duplicated()]
    found = []
    for loaded in package.values():
        # a date that may fall after its source (a deadline) says so in the schema: "mayFollowSource"
        column = loaded.table.event_date
        if (
            column is None
            or not {column, "source_id"} <= set(loaded.typed.columns)
            or loaded.table.field(column).get("mayFollowSource")
        ):
            continue
        dates = loaded.typed[column]
        cited = loaded.typed["source_id"]
        known = pc.index_in(arrow(cited), value_set=pa.array(latest_by_source.index, STRING))
        known = pc.fill_null(known, -1).to_numpy(zero_copy_only=False)
        limit = pd.Series(latest_by_source.to_numpy()[known], index=cited.index).where(known >= 0)
        found.append(
            loaded.flag(
                dates > limit,
                column,
                "source-date",
                lambda i, cited=cited, limit=limit: (
                    f"the date is after its source {cited.iat[i]} was published ({_day(limit.iat[i])})"
                ),
                lambda i, dates=dates: _day(dates.iat[i]),
            )
        )
    return found


def id_starts_with_date(package: Package) -> list[Found]:
    found = []
    for loaded in package.values():
        id_column, date_column = (loaded.table.primary_key or [None])[0], loaded.table.event_date
        if date_column is None or not {id_column, date_column} <= set(loaded.typed.columns):
            continue
        ids, dates = loaded.raw.frame[id_column], loaded.raw.frame[date_column]
        prefix = pc.binary_join_element_wise(arrow(dates), pa.scalar("-", STRING), pa.scalar("", STRING))
        mismatch = pc.not_equal(pc.utf8_slice_codeunits(arrow(ids), 0, 11), prefix)
        found.append(
            loaded.flag(
                mismatch,
                id_column,
                "id-date",
                lambda i, dates=dates, date_column=date_column: (
                    f"the id must start with the row's {date_column} ({dates.iat[i]}-)"
                ),
                lambda i, ids=ids: ids.iat[i],
            )
        )
    return found


def vague_words(package: Package) -> list[Found]:
    """A vague word becomes numbers by one rule, kept in the schema (quantity_text's vagueWords)."""
    found = []
    for loaded in _with_columns(package, "quantity_text", "count_low", "count_best", "count_high"):
        words = next((f.get("vagueWords") for f in loaded.table.fields if f["name"] == "quantity_text"), None)
        if not words:
            continue
        frame = loaded.typed
        text = pc.utf8_lower(pc.utf8_trim_whitespace(arrow(frame["quantity_text"])))
        word = pc.index_in(text, value_set=pa.array(list(words), STRING))  # null: not a vague word
        low = pd.Series(
            pc.take(pa.array(list(words.values()), pa.int64()), word)
            .to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
            .array,
            index=frame.index,
        )
        counted = frame["count_low"].eq(low).fillna(False) & frame["count_best"].isna() & frame["count_high"].isna()
        found.append(
            loaded.flag(
                low.notna() & ~counted,
                "count_low",
                "quantity-rule",
                lambda i, frame=frame, low=low: (
                    f"{frame['quantity_text'].iat[i]!r} means count_low {low.iat[i]} with count_best and count_high empty"
                ),
                lambda i, frame=frame: "" if pd.isna(frame["count_low"].iat[i]) else frame["count_low"].iat[i],
            )
        )
    return found


def quote_length(package: Package) -> list[Found]:
    found = []
    for loaded in _with_columns(package, "quote"):
        quotes = loaded.typed["quote"]
        words = quotes.str.split().str.len()
        found.append(
            loaded.flag(
                words > QUOTE_MAX_WORDS,
                "quote",
                "quote-length",
                lambda i, words=words: f"the quote has {words.iat[i]} words; at most {QUOTE_MAX_WORDS} are allowed",
                lambda i, quotes=quotes: quotes.iat[i],
            )
        )
    return found


def iso_codes(package: Package) -> list[Found]:
    """iso3 must be a real ISO 3166-1 code and iso2 the same country's alpha-2 code."""
    import pycountry

    loaded = package.get("countries")
    if loaded is None or not {"iso3", "iso2"} <= set(loaded.typed.columns):
        return []
    iso3, iso2 = loaded.typed["iso3"], loaded.typed["iso2"]
    countries = {code: pycountry.countries.get(alpha_3=code) for code in iso3.dropna().unique()}  # each code looked up once
    alpha_2 = iso3.map({code: country.alpha_2 for code, country in countries.items() if country is not None})
    return [
        loaded.flag(iso3.notna() & alpha_2.isna(), "iso3", "iso-code", "not an ISO 3166-1 alpha-3 code", lambda i: iso3.iat[i]),
        loaded.flag(
            alpha_2.notna() & iso2.notna() & (iso2 != alpha_2),
            "iso2",
            "iso-code",
            lambda i: f"{iso3.iat[i]} is {countries[iso3.iat[i]].name}, whose alpha-2 code is {alpha_2.iat[i]}",
            lambda i: iso2.iat[i],
        ),
    ]


def language_tags(package: Package) -> list[Found]:
    import langcodes

    found = []
    for loaded in _with_columns(package, "language"):
        tags = loaded.typed["language"]
        invalid = {tag for tag in tags.dropna().unique() if not langcodes.tag_is_valid(tag)}
        found.append(
            loaded.flag(
                tags.isin(invalid), "language", "language", "not a valid BCP 47 language tag", lambda i, tags=tags: tags.iat[i]
            )
        )
    return found


def foreign_keys(package: Package) -> list[Found]:
    """Every reference named in a schema's foreignKeys must exist in the referenced table."""
    found = []
    for loaded in package.values():
        for key in loaded.table.foreign_keys:
            fields = _as_list(key["fields"])
            target_name = key["reference"]["resource"] or loaded.table.name
            target_fields = _as_list(key["reference"]["fields"])
            target = package.get(target_name)
            if (
                target is None
                or not set(target_fields) <= set(target.raw.frame.columns)
                or not set(fields) <= set(loaded.raw.frame.columns)
            ):
                continue
            refs = loaded.raw.frame[fields]
            if len(fields) == 1:  # Arrow kernels: a million references cost a few milliseconds
                cells = arrow(refs[fields[0]])
                known = pc.is_in(cells, value_set=arrow(target.raw.frame[target_fields[0]].dropna()))
                broken = pc.and_not(pc.is_valid(cells), pc.fill_null(known, False))
            else:
                known = set(target.raw.frame[target_fields].dropna().itertuples(index=False, name=None))
                present = refs.notna().all(axis=1)
                broken = present & pd.Series(
                    [ref not in known for ref in refs.itertuples(index=False, name=None)], index=refs.index
                )
            value = lambda i, refs=refs: ", ".join(refs.iloc[i])  # noqa: E731
            found.append(
                loaded.flag(
                    broken,
                    fields[0],
                    "foreign-key",
                    lambda i, value=value, target_name=target_name, target_fields=target_fields: (
                        f"no row in {target_name} has {'/'.join(target_fields)} = {value(i)}"
                    ),
                    value,
                )
            )
            found += _same_values(loaded, target, key)
    return found


def _same_values(loaded: Loaded, target: Loaded, key: dict) -> list[Found]:
    """A reference whose key declares "sameValues" {column: target column} must agree with the row it names.

    A figure taken from a state's report is about that state: the row's country_iso3 is the report's state_iso3.
    """
    pairs = key.get("sameValues") or {}
    fields, target_fields = _as_list(key["fields"]), _as_list(key["reference"]["fields"])
    columns, target_columns = set(loaded.raw.frame.columns), set(target.raw.frame.columns)
    if (
        not pairs
        or len(fields) != 1
        or not ({fields[0], *pairs} <= columns and {target_fields[0], *pairs.values()} <= target_columns)
    ):
        return []
    ref = arrow(loaded.raw.frame[fields[0]])
    named = target.raw.frame.dropna(subset=target_fields[:1]).drop_duplicates(target_fields[0])
    at = pc.index_in(ref, value_set=arrow(named[target_fields[0]]))  # the referenced row; null: none
    found = []
    for column, target_column in pairs.items():
        expected, actual = pc.take(arrow(named[target_column]), at), arrow(loaded.raw.frame[column])
        same = pc.or_kleene(pc.equal(actual, expected), pc.and_(pc.is_null(actual), pc.is_null(expected)))
        found.append(
            loaded.flag(
                pc.and_not(pc.is_valid(at), pc.fill_null(same, False)),
                column,
                "reference-match",
                lambda i, column=column, target_column=target_column, expected=expected: (
                    f"{fields[0]} {ref[i].as_py()} has {target_column} {expected[i].as_py()}; {column} must be the same"
                ),
                lambda i, actual=actual: actual[i].as_py(),
            )
        )
    return found


RULES: list[Rule] = [
    count_order,
    date_order,
    no_future_dates,
    date_precision,
    not_after_source,
    id_starts_with_date,
    vague_words,
    quote_length,
    iso_codes,
    language_tags,
    foreign_keys,
]


def run(package: Package) -> list[Found]:
    return [found for rule in RULES for found in rule(package)]


def _positions(rows) -> np.ndarray:
    """Row positions from a boolean mask (pandas, Arrow or numpy; missing means no) or from positions."""
    if isinstance(rows, (pa.Array, pa.ChunkedArray)):
        rows = pc.fill_null(rows, False).to_numpy(zero_copy_only=False)
    elif isinstance(rows, pd.Series):
        rows = rows.fillna(False).to_numpy(dtype=bool) if rows.dtype != bool else rows.to_numpy()
    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64)


def _with_columns(package: Package, *columns: str) -> Iterable[Loaded]:
    return [loaded for loaded in package.values() if set(columns) <= set(loaded.typed.columns)]


def _dated(package: Package) -> Iterable[tuple[Loaded, str, str]]:
    """(table, date column, its precision column) for every date whose precision a column gives."""
    return [
        (loaded, column, precision)
        for loaded in package.values()
        for column, precision in loaded.table.precisions.items()
        if {column, precision} <= set(loaded.typed.columns)
    ]


def _date_columns(loaded: Loaded) -> list[str]:
    return [f["name"] for f in loaded.table.fields if f.get("type") == "date" and f["name"] in loaded.typed.columns]


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
