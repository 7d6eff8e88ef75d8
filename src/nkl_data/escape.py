"""Text from the data, made safe for the place it lands: Markdown, a log line, a link on the page.

Cells, column names and descriptor values are written by contributors. Printed into Markdown
(docs/coverage.md, the pull-request summary of ``diff --format markdown``), a GitHub Actions log
(where a line starting with ``::`` is a workflow command) or an ``href``, such text could add a
link, a table column, a forged annotation or a ``javascript:`` address. Each function here says
what it guarantees; callers pass raw text. HTML escaping of the page's text is ``charts.esc``.
"""

from __future__ import annotations

import re

# Characters that end a line somewhere: Markdown renderers, terminals or the Actions runner.
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# ASCII punctuation that can start Markdown markup inside a line (links, emphasis, code, HTML,
# tables, strikethrough, entities); CommonMark lets a backslash escape each of them.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!])")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def one_line(text: str) -> str:
    """TEXT with every character that is not printable (line breaks, controls, invisible and
    direction-changing characters) written as a visible escape such as \\u2028, so that a log or a
    terminal shows one honest line."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in text)


def markdown_text(text: str) -> str:
    """TEXT as inline Markdown that renders as exactly these characters: one line, every markup
    character escaped (a table cell stays one cell: pipes are escaped too)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", LINE_BREAKS.sub(" ", text))


def markdown_code(text: str, in_table: bool = False) -> str:
    """TEXT as a Markdown code span on one line, whatever backticks it holds; IN_TABLE escapes
    pipes, which GitHub's tables read as cell borders even inside code."""
    text = LINE_BREAKS.sub(" ", text)
    if not text:
        return ""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    code = f"{ticks}{pad}{text}{pad}{ticks}"
    return code.replace("|", "\\|") if in_table else code


def markdown_link(label: str, url: object) -> str:
    """A Markdown link to URL when it is a safe_href, else the label alone; the label is escaped and
    the address's brackets and parentheses percent-encoded, so neither can end the link early."""
    href = safe_href(url)
    if href is None:
        return markdown_text(label)
    for raw, encoded in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("[", "%5B"), ("]", "%5D")):
        href = href.replace(raw, encoded)
    return f"[{markdown_text(label)}]({href})"


def github_message(text: str) -> str:
    """TEXT as the message of a GitHub Actions workflow command: line breaks percent-encoded, as
    the runner decodes them, and nothing else that could end the line."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return one_line(text)


def github_property(text: str) -> str:
    """TEXT as a property of a workflow command (file=..., title=...): also ':' and ',' encoded, which
    would otherwise end the property or the command's head."""
    return github_message(text).replace(":", "%3A").replace(",", "%2C")


def safe_href(url: object) -> str | None:
    """URL when it is an http(s) address or a relative reference (a path, ?query or #fragment);
    None for any other scheme (javascript:, data:, file:), a host-relative //address, or text with
    spaces or invisible characters, which browsers strip before they read the scheme."""
    if not isinstance(url, str) or not url or not url.isprintable() or any(c.isspace() or c == "\\" for c in url):
        return None
    scheme = SCHEME.match(url)
    if scheme is None:
        return None if url.startswith("//") else url
    return url if scheme.group().lower() in ("http:", "https:") and url[scheme.end() :].startswith("//") else None
