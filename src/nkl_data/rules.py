"""Rules a Frictionless Table Schema cannot say: across fields of a row and across tables.

Each rule is a small function from the loaded package to a list of problems. Rules read typed
columns; a cell whose text did not convert is already reported by the schema checks and is skipped
here, so one mistake is reported once. Column names below are the public contract of the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .package import Table
from .problems import Problem
from .parse import STRING
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

    def problem(self, index, column: str | None, check: str, message: str, value=None) -> Problem:
        line = None if index is None else int(self.raw.lines[index])
        return Problem(self.table.name, line, column, check, message, None if value is None else str(value), self.file)


Package = dict[str, Loaded]
Rule = Callable[[Package], list[Problem]]


def count_order(package: Package) -> list[Problem]:
    problems = []
    for loaded in _with_columns(package, "count_low", "count_best", "count_high"):
        frame = loaded.typed
        for low, high in (("count_low", "count_best"), ("count_best", "count_high"), ("count_low", "count_high")):
            bad = frame.index[(frame[low] > frame[high]).fillna(False)]
            for i in bad:
                problems.append(loaded.problem(i, high, "count-order", f"{high} is less than {low} ({frame[low][i]})", frame[high][i]))
    return problems


def date_order(package: Package) -> list[Problem]:
    """A date never falls before the date its field's "notBefore" names (a due date, a period's end)."""
    problems = []
    for loaded in package.values():
        frame = loaded.typed
        for column, spec in loaded.table.specs.items():
            earlier = spec.get("notBefore")
            if not earlier or not {column, earlier} <= set(frame.columns):
                continue
            for i in frame.index[(frame[column] < frame[earlier]).fillna(False)]:
                problems.append(loaded.problem(i, column, "date-order",
                                               f"{column} is before {earlier} ({_day(frame[earlier][i])})", _day(frame[column][i])))
    return problems


def no_future_dates(package: Package, today: dt.date | None = None) -> list[Problem]:
    limit = pd.Timestamp(today or dt.date.today())
    problems = []
    for loaded in package.values():
        for column in _date_columns(loaded):
            values = loaded.typed[column]
            for i in values.index[(values > limit).fillna(False)]:
                problems.append(loaded.problem(i, column, "future-date", f"the date is after today ({limit.date()})", _day(values[i])))
    return problems


def date_precision(package: Package) -> list[Problem]:
    """A month-precise date is the 1st of its month; a year-precise one is 1 January."""
    problems = []
    for loaded, column, precision_column in _dated(package):
        precision = loaded.typed[precision_column]
        coarse = loaded.typed.index[(precision != "day").fillna(False).to_numpy()]  # most rows are day-precise
        dates, precision = loaded.typed[column][coarse], precision[coarse].astype("string")
        text = loaded.raw.frame[column][coarse]  # valid dates only (typed is missing elsewhere): compare the text's tail
        not_first = (precision == "month") & ~text.str.endswith("-01")
        not_new_year = (precision == "year") & ~text.str.endswith("-01-01")
        wrong = (not_first | not_new_year) & dates.notna()
        for i in coarse[wrong.fillna(False).to_numpy()]:
            problems.append(loaded.problem(i, column, "date-precision",
                                           f"with {precision_column} {precision[i]} the date must be the first day of the {precision[i]}", _day(dates[i])))
    return problems


def not_after_source(package: Package) -> list[Problem]:
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
    problems = []
    for loaded in package.values():
        # a date that may fall after its source (a deadline) says so in the schema: "mayFollowSource"
        column = loaded.table.event_date
        if column is None or not {column, "source_id"} <= set(loaded.typed.columns) or loaded.table.field(column).get("mayFollowSource"):
            continue
        dates = loaded.typed[column]
        cited = loaded.typed["source_id"]
        found = pc.index_in(arrow(cited), value_set=pa.array(latest_by_source.index, STRING))
        found = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
        limit = pd.Series(latest_by_source.to_numpy()[found], index=cited.index).where(found >= 0)
        for i in loaded.typed.index[(dates > limit).fillna(False)]:
            problems.append(loaded.problem(i, column, "source-date",
                                           f"the date is after its source {loaded.typed['source_id'][i]} was published ({_day(limit[i])})", _day(dates[i])))
    return problems


def id_starts_with_date(package: Package) -> list[Problem]:
    problems = []
    for loaded in package.values():
        id_column, date_column = (loaded.table.primary_key or [None])[0], loaded.table.event_date
        if date_column is None or not {id_column, date_column} <= set(loaded.typed.columns):
            continue
        ids, dates = loaded.raw.frame[id_column], loaded.raw.frame[date_column]
        prefix = pc.binary_join_element_wise(arrow(dates), pa.scalar("-", STRING), pa.scalar("", STRING))
        mismatch = pc.fill_null(pc.not_equal(pc.utf8_slice_codeunits(arrow(ids), 0, 11), prefix), False)
        for i in loaded.typed.index[mismatch.to_numpy(zero_copy_only=False)]:
            problems.append(loaded.problem(i, id_column, "id-date", f"the id must start with the row's {date_column} ({dates[i]}-)", ids[i]))
    return problems


def vague_words(package: Package) -> list[Problem]:
    """A vague word becomes numbers by one rule, kept in the schema (quantity_text's vagueWords)."""
    problems = []
    for loaded in _with_columns(package, "quantity_text", "count_low", "count_best", "count_high"):
        words = next((f.get("vagueWords") for f in loaded.table.fields if f["name"] == "quantity_text"), None)
        if not words:
            continue
        frame = loaded.typed
        text = pc.utf8_lower(pc.utf8_trim_whitespace(arrow(frame["quantity_text"])))
        vague = pc.fill_null(pc.is_in(text, value_set=pa.array(list(words), STRING)), False)
        for i in frame.index[vague.to_numpy(zero_copy_only=False)]:
            low = words[text[i].as_py()]
            if pd.isna(frame["count_low"][i]) or frame["count_low"][i] != low or pd.notna(frame["count_best"][i]) or pd.notna(frame["count_high"][i]):
                problems.append(loaded.problem(i, "count_low", "quantity-rule",
                                               f"{frame['quantity_text'][i]!r} means count_low {low} with count_best and count_high empty",
                                               "" if pd.isna(frame["count_low"][i]) else frame["count_low"][i]))
    return problems


def quote_length(package: Package) -> list[Problem]:
    problems = []
    for loaded in _with_columns(package, "quote"):
        quotes = loaded.typed["quote"]
        words = quotes.str.split().str.len()
        for i in quotes.index[(words > QUOTE_MAX_WORDS).fillna(False)]:
            problems.append(loaded.problem(i, "quote", "quote-length", f"the quote has {words[i]} words; at most {QUOTE_MAX_WORDS} are allowed", quotes[i]))
    return problems


def iso_codes(package: Package) -> list[Problem]:
    """iso3 must be a real ISO 3166-1 code and iso2 the same country's alpha-2 code."""
    import pycountry

    loaded = package.get("countries")
    if loaded is None or not {"iso3", "iso2"} <= set(loaded.typed.columns):
        return []
    problems = []
    frame = loaded.typed
    for i in frame.index:
        iso3, iso2 = frame["iso3"][i], frame["iso2"][i]
        if pd.isna(iso3):
            continue
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            problems.append(loaded.problem(i, "iso3", "iso-code", "not an ISO 3166-1 alpha-3 code", iso3))
        elif not pd.isna(iso2) and iso2 != country.alpha_2:
            problems.append(loaded.problem(i, "iso2", "iso-code", f"{iso3} is {country.name}, whose alpha-2 code is {country.alpha_2}", iso2))
    return problems


def language_tags(package: Package) -> list[Problem]:
    import langcodes

    problems = []
    for loaded in _with_columns(package, "language"):
        tags = loaded.typed["language"]
        invalid = {tag for tag in tags.dropna().unique() if not langcodes.tag_is_valid(tag)}
        for i in tags.index[tags.isin(invalid)]:
                problems.append(loaded.problem(i, "language", "language", "not a valid BCP 47 language tag", tags[i]))
    return problems


def foreign_keys(package: Package) -> list[Problem]:
    """Every reference named in a schema's foreignKeys must exist in the referenced table."""
    problems = []
    for loaded in package.values():
        for key in loaded.table.foreign_keys:
            fields = _as_list(key["fields"])
            target_name = key["reference"]["resource"] or loaded.table.name
            target_fields = _as_list(key["reference"]["fields"])
            target = package.get(target_name)
            if target is None or not set(target_fields) <= set(target.raw.frame.columns) or not set(fields) <= set(loaded.raw.frame.columns):
                continue
            refs = loaded.raw.frame[fields]
            if len(fields) == 1:  # Arrow kernels: a million references cost a few milliseconds
                cells = arrow(refs[fields[0]])
                known = pc.is_in(cells, value_set=arrow(target.raw.frame[target_fields[0]].dropna()))
                broken = pc.and_not(pc.is_valid(cells), pc.fill_null(known, False)).to_numpy(zero_copy_only=False)
            else:
                known = set(target.raw.frame[target_fields].dropna().itertuples(index=False, name=None))
                present = refs.notna().all(axis=1)
                broken = present & pd.Series([ref not in known for ref in refs.itertuples(index=False, name=None)], index=refs.index)
            for i in refs.index[broken]:
                ref = [refs[f][i] for f in fields]
                value = ", ".join(ref)
                problems.append(loaded.problem(i, fields[0], "foreign-key",
                                               f"no row in {target_name} has {'/'.join(target_fields)} = {value}", value))
            problems += _same_values(loaded, target, key)
    return problems


def _same_values(loaded: Loaded, target: Loaded, key: dict) -> list[Problem]:
    """A reference whose key declares "sameValues" {column: target column} must agree with the row it names.

    A figure taken from a state's report is about that state: the row's country_iso3 is the report's state_iso3.
    """
    pairs = key.get("sameValues") or {}
    fields, target_fields = _as_list(key["fields"]), _as_list(key["reference"]["fields"])
    columns, target_columns = set(loaded.raw.frame.columns), set(target.raw.frame.columns)
    if not pairs or len(fields) != 1 or not ({fields[0], *pairs} <= columns and {target_fields[0], *pairs.values()} <= target_columns):
        return []
    ref = loaded.raw.frame[fields[0]]
    named = target.raw.frame.drop_duplicates(target_fields[0]).set_index(target_fields[0])
    found = ref.notna() & ref.isin(named.index)
    problems = []
    for column, target_column in pairs.items():
        expected = named[target_column].reindex(ref[found]).set_axis(ref.index[found])
        actual = loaded.raw.frame[column][found]
        for i in actual.index[(actual != expected).fillna(actual.isna() != expected.isna())]:
            problems.append(loaded.problem(i, column, "reference-match",
                                           f"{fields[0]} {ref[i]} has {target_column} {expected[i]}; {column} must be the same", actual[i]))
    return problems


RULES: list[Rule] = [count_order, date_order, no_future_dates, date_precision, not_after_source,
                     id_starts_with_date, vague_words, quote_length, iso_codes, language_tags, foreign_keys]


def run(package: Package) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(package)]


def _with_columns(package: Package, *columns: str) -> Iterable[Loaded]:
    return [loaded for loaded in package.values() if set(columns) <= set(loaded.typed.columns)]


def _dated(package: Package) -> Iterable[tuple[Loaded, str, str]]:
    """(table, date column, its precision column) for every date whose precision a column gives."""
    return [(loaded, column, precision) for loaded in package.values()
            for column, precision in loaded.table.precisions.items() if {column, precision} <= set(loaded.typed.columns)]


def _date_columns(loaded: Loaded) -> list[str]:
    return [f["name"] for f in loaded.table.fields if f.get("type") == "date" and f["name"] in loaded.typed.columns]


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
