"""Schema patterns run with RE2 mean what they mean in Python's engine, which Frictionless uses."""

import json
import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkl_data.parse import STRING
from nkl_data.patterns import PYTHON_SPACE, fullmatch, to_re2
from support import REPO

SHIPPED = sorted(
    {
        field["constraints"]["pattern"]
        for path in (REPO / "schemas").glob("*.json")
        for field in json.loads(path.read_text(encoding="utf-8"))["fields"]
        if "pattern" in field.get("constraints", {})
    }
)
URL = next(
    field
    for field in json.loads((REPO / "schemas" / "sources.json").read_text(encoding="utf-8"))["fields"]
    if field["name"] == "url"
)["constraints"]["pattern"]
MORE = [r"\s+", r"\S+", r"[\s\S]", r"[^\S]*x", r"a.b", r"(?:ab|cd)+?e", r"[^a]b?", r"^abc", r"\Aabc\Z", r"[-a-c]", r"x[^\s/]*"]
TEXT = [
    "",
    "a",
    "abc",
    "ab\n",
    "a\nb",
    "2019-12-23-dandong",
    "2019-12-23-",
    "RUS",
    "rus",
    "RUS ",
    "https://example.org/a b",
    "https://example.org/path?q=1#x",
    "http://",
    "https:///x",
    "https://a\u3000b",
    "https://a\u0085",
    "https://a\x0b",
    "https://a\u200b",
    "en",
    "zh-Hans",
    "S/AC.49/2019/12",
    "UNSCR 2397",
    "OP8",
    " \t\n\r\x0b\x0c\x1c\x1f\u2028\u3000",
    "x y",
    "abcde",
    "cde",
    "ab",
    "-",
    "b",
    "\u00e9\u0301",
    "\U0001f600",
]


def test_every_shipped_pattern_runs_with_re2():
    assert SHIPPED and [pattern for pattern in SHIPPED if to_re2(pattern) is None] == []


@pytest.mark.parametrize("pattern", SHIPPED + MORE)
def test_re2_matches_what_python_fully_matches(pattern):
    expected = [re.fullmatch(pattern, text) is not None for text in TEXT]
    assert fullmatch(pa.array(TEXT, STRING), pattern).to_pylist() == expected


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("hts:/?#a.-\n \t\x0b\u3000\u0085\u00a0\u2029")), max_size=20))
def test_re2_and_python_agree_on_generated_text(text):
    for pattern in [*SHIPPED, *MORE]:
        assert fullmatch(pa.array([text], STRING), pattern).to_pylist() == [re.fullmatch(pattern, text) is not None], pattern


@pytest.mark.parametrize(
    "pattern", [r"\w+", r"\d", r"\bx", r"abc$", r"(?i)abc", r"a(?=b)", r"(a)\1", r"a{1001}", r"(?s:.)", r"a++"]
)
def test_what_re2_reads_otherwise_is_left_to_python(pattern):
    assert to_re2(pattern) is None


def test_white_space_is_what_python_calls_white_space():
    python = [c for c in range(0x110000) if re.match(r"\s", chr(c))]
    ours = [c for low, high in PYTHON_SPACE for c in range(low, high + 1)]
    assert ours == python


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["https://", "http://", "https:", ""]).flatmap(
        lambda start: st.text(st.sampled_from(list("ab/?#: \t\u3000\u00a0\n")), max_size=12).map(lambda rest: start + rest)
    )
)
def test_the_url_pattern_accepts_what_it_accepted_before_it_was_rewritten(text):
    """The URL pattern was rewritten so that it cannot backtrack, even in Python's engine (which
    Frictionless uses): [^\\s/?#]+[^\\s]* and [^\\s/?#][^\\s]* are the same language, since every
    character of the first class is in the second."""
    assert (re.fullmatch(r"https?://[^\s/?#]+[^\s]*", text) is None) == (re.fullmatch(URL, text) is None)
