"""The site's downloads: the package's files byte for byte, the release zip, linked from every page."""

from __future__ import annotations

import json
import zipfile

from nkl_data.publish.site import build
from nkl_data.release import data_zip
from site_pages import Page, pages
from support import REPO


def test_the_site_carries_the_package_files_and_the_release_zip(tmp_path):
    outdir = build(tmp_path / "site", REPO).parent
    version = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"]
    for name in [
        "datapackage.json",
        *(f"schemas/{p.name}" for p in (REPO / "schemas").glob("*.json")),
        *(f"datasets/{p.name}" for p in (REPO / "datasets").glob("*.csv")),
    ]:
        assert (outdir / "data" / name).read_bytes() == (REPO / name).read_bytes(), name
    archive = outdir / "data" / f"nkl-data-{version}.zip"
    assert archive.read_bytes() == data_zip(tmp_path / "release", REPO).read_bytes()
    with zipfile.ZipFile(archive) as opened:
        assert "datapackage.json" in opened.namelist()


def test_every_page_links_the_zip_the_descriptor_and_every_csv(tmp_path):
    outdir = build(tmp_path / "site", REPO).parent
    wanted = {p.relative_to(outdir).as_posix() for p in (outdir / "data").rglob("*") if p.is_file()}
    for path in pages(outdir):
        links = {
            (path.parent / e.attrs["href"]).resolve()
            for e in Page(path.read_text(encoding="utf-8")).find("a")
            if "download" in e.attrs
        }
        assert {p.relative_to(outdir.resolve()).as_posix() for p in links} == wanted, path.name


def test_files_the_descriptor_does_not_name_stay_out(package, tmp_path):
    # a stray CSV under datasets/ makes the package invalid (unnamed-file); other strays are only left out
    (package.root / "schemas" / "draft.json").write_text("{}\n", encoding="utf-8")
    (package.root / "notes.txt").write_text("draft\n", encoding="utf-8")
    outdir = build(tmp_path / "site", package.root).parent
    assert not (outdir / "data" / "schemas" / "draft.json").exists()
    assert not (outdir / "data" / "notes.txt").exists()
