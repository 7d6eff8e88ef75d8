"""Write the site: OUTDIR/index.html, OUTDIR/country/<iso3>.html for every country a row mentions,
and the downloads under OUTDIR/data/.

Every page is self-contained (inline style and script, charts and map drawn as SVG), so the site
opens from disk or any static host with no network. The data is written by strangers, so every value
is escaped, every link is http(s) or relative, and each page's Content-Security-Policy allows only its
own script and style (by hash) and no loads at all: markup that slipped through could neither run
nor fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from pathlib import Path

from ..loading import load_all
from ..outdir import output, prepare, subfolder
from ..package import Package, open_package
from . import country, downloads, front
from .charts import esc
from .mentions import mentions, page_name


def build(outdir: str | Path, source: str | Path | None = None) -> Path:
    """Write the site for SOURCE (a package folder or its descriptor; default: bundled); return index.html."""
    package = open_package(source)
    frames = load_all(source)  # an unusable or invalid package is refused before anything is written
    out = prepare(outdir)
    countries = subfolder(out, "country")
    files = downloads.write(package, out)
    mentioned = mentions(package, frames)
    pages = {iso3 for iso3 in mentioned if page_name(iso3)}
    for iso3 in sorted(pages):
        body = country.page(package, frames, iso3, mentioned[iso3], pages, files)
        write(output(countries, str(page_name(iso3))), document(package, body.title, body.html))
    target = output(out, "index.html")
    body = front.page(package, frames, mentioned, pages, files)
    write(target, document(package, body.title, body.html))
    return target


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def document(package: Package, title: str, body: str) -> str:
    """A whole page; the style and script are inline and allowed by their hashes, nothing else is."""
    style, script = asset("page.css"), asset("page.js")
    policy = (
        f"default-src 'none'; script-src '{digest(script)}'; style-src '{digest(style)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(title)}</title>",
            f"<style>{style}</style>",
            f"<script>{script}</script>",
            "</head>",
            "<body>",
            body,
            f"<footer>Built by <code>nkl-data site</code> from data version {esc(package.version)}. "
            "Every point and row links to the page that supports it. "
            "Map: Natural Earth country shapes (public domain), Equal Earth projection.</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def digest(text: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
