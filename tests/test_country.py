"""Country pages: one per country a row mentions, each with exactly those rows, their sources, a chart
of the country's estimates and a timeline of its other dated rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkl_data.publish.mentions import Figure, page_name
from nkl_data.publish.site import build
from site_pages import Page, csv_rows, mentioned_countries, schemas, source_urls
from support import REPO


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("site"), REPO).parent


def rows_mentioning(iso3: str) -> dict[str, list[dict[str, str]]]:
    """table -> its rows with a country column (by the schemas' foreign keys) equal to ISO3."""
    found = {}
    for name, schema in schemas(REPO).items():
        columns = [fk["fields"][0] for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] == "countries"]
        rows = [row for row in csv_rows(REPO, name) if any(row[c] == iso3 for c in columns)] if columns else []
        if rows:
            found[name] = rows
    return found


def key(table: str) -> str:
    return schemas(REPO)[table]["primaryKey"][0]


def test_one_page_for_each_country_a_row_mentions(repo_site):
    assert sorted(p.name for p in (repo_site / "country").glob("*.html")) == sorted(
        f"{i.lower()}.html" for i in mentioned_countries(REPO)
    )


@pytest.mark.parametrize("iso3", ["RUS", "CHN", "MLT", "SGP"])
def test_a_country_page_lists_exactly_the_rows_that_mention_it_each_linking_its_source(repo_site, iso3):
    page = Page((repo_site / "country" / f"{iso3.lower()}.html").read_text(encoding="utf-8"))
    urls = source_urls(REPO)
    for table, rows in rows_mentioning(iso3).items():
        listed = [e.attrs["id"] for e in page.find("tr") if e.attrs.get("id", "").startswith(f"{table}:")]
        assert sorted(listed) == sorted(f"{table}:{row[key(table)]}" for row in rows), table
        links = [e.attrs["href"] for e in page.find("a") if e.inside("section", id=table) and e.attrs["href"].startswith("http")]
        assert set(urls[row["source_id"]] for row in rows) <= set(links), table


def test_a_country_page_charts_its_estimates_and_dates_its_other_rows(repo_site):
    page = Page((repo_site / "country" / "rus.html").read_text(encoding="utf-8"))
    found = rows_mentioning("RUS")
    counted = [r for r in found["worker_estimates"] if r["count_low"] or r["count_best"] or r["count_high"]]
    assert len(page.links_in_chart("estimates")) == len(counted)
    dated = [
        r for name, rows in found.items() if schemas(REPO)[name].get("eventDate") and name != "worker_estimates" for r in rows
    ]
    assert len(page.links_in_chart("timeline")) == len(dated)  # deadlines are drawn as rules, not points
    assert len([e for e in page.find("line") if e.attrs.get("class") == "rule"]) == len(csv_rows(REPO, "deadlines"))


def test_a_statement_about_another_country_links_to_that_countrys_page(repo_site):
    statement = next(
        r
        for r in csv_rows(REPO, "statements")
        if r["speaker_country_iso3"] and r["subject_country_iso3"] and r["speaker_country_iso3"] != r["subject_country_iso3"]
    )
    page = Page((repo_site / "country" / f"{statement['speaker_country_iso3'].lower()}.html").read_text(encoding="utf-8"))
    hrefs = {e.attrs["href"] for e in page.find("a") if e.inside("tr", id=f"statements:{statement['statement_id']}")}
    assert f"../country/{statement['subject_country_iso3'].lower()}.html" in hrefs


def test_a_reference_to_a_row_not_on_the_page_leads_to_the_front_page(repo_site):
    statement = next(r for r in csv_rows(REPO, "statements") if r["deadline_id"] and r["subject_country_iso3"])
    page = Page((repo_site / "country" / f"{statement['subject_country_iso3'].lower()}.html").read_text(encoding="utf-8"))
    hrefs = {e.attrs["href"] for e in page.find("a") if e.inside("tr", id=f"statements:{statement['statement_id']}")}
    assert f"../index.html#deadlines:{statement['deadline_id']}" in hrefs


def test_figures_read_as_the_source_gave_them():
    assert [
        str(Figure(*f))
        for f in [
            (5, 5, 5),
            (None, 2000, None),
            (1500, 2000, 3000),
            (1500, None, None),
            (None, None, 25),
            (500, None, 700),
            (24, 30, None),
        ]
    ] == ["5", "2,000", "2,000 (1,500 to 3,000)", "at least 1,500", "at most 25", "500 to 700", "30 (at least 24)"]
    assert Figure(None, None, 25).value == 25 and Figure(24, None, 30).value == 24 and Figure(None, None, None).value is None


def test_only_a_plain_three_letter_code_names_a_page():
    assert page_name("RUS") == "rus.html"
    for bad in ["../x", "RU", "RUSS", "R/S", "ru"]:
        assert page_name(bad) is None
