"""CITATION.cff tells people how to cite the data; it must name the data version they downloaded."""

import json

import yaml

from support import REPO


def test_citation_matches_the_data_package():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == descriptor["version"]  # a string: unquoted 1.0 would read as a number
    assert citation["title"] == descriptor["title"]
    assert citation["license"] == descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert citation["type"] == "dataset"
    assert citation["message"] and all(author.get("name") for author in citation["authors"])
