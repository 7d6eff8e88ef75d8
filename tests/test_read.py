import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from nkl_data.cast import loaded_type
from nkl_data.package import open_package
from nkl_data.parse import STRING, Lines, _line_breaks_per_record, _parse, record_lines
from nkl_data.read import convert, read_raw, typed


def test_lossless_text(package):
    package.add("countries", iso3="ZZZ", iso2="NA", name="null", region="Africa", subregion="None")
    package.add("countries", iso3="ZZY", iso2="007", name="NaN", region="Africa", subregion="N/A")
    raw = read_raw(open_package(package.root).table("countries"))
    tail = raw.frame.tail(2)
    assert tail["iso2"].tolist() == ["NA", "007"]
    assert tail["name"].tolist() == ["null", "NaN"]
    assert tail["subregion"].tolist() == ["None", "N/A"]
    assert not tail.isna().any().any()


def test_only_the_empty_cell_is_missing(package):
    package.edit("statements", 0, quote="", notes="")
    frame = read_raw(open_package(package.root).table("statements")).frame
    assert frame.loc[0, "quote"] is pd.NA
    assert frame.loc[0, "notes"] is pd.NA
    assert frame["summary"].notna().all()


def test_types_follow_the_schema(package):
    table = open_package(package.root).table("worker_estimates")
    frame = typed(read_raw(table))
    assert frame["as_of_date"].dtype.kind == "M"
    assert str(frame["count_best"].dtype) == "Int64"
    assert isinstance(frame["method"].dtype, pd.CategoricalDtype)
    assert list(frame["method"].cat.categories) == table.field("method")["constraints"]["enum"]
    assert isinstance(frame["estimator"].dtype, pd.StringDtype)


def test_integer_keeps_missing_as_na(package):
    package.edit("worker_estimates", 0, count_low="", count_best="007", count_high="")
    frame = typed(read_raw(open_package(package.root).table("worker_estimates")))
    assert frame.loc[0, "count_low"] is pd.NA
    assert frame.loc[0, "count_best"] == 7


@pytest.mark.parametrize(
    "text, expected, blank",
    [
        (b"h\na\nb\n", [2, 3], []),
        (b"h\na\nb", [2, 3], []),
        (b'h\n"a\nstill a"\nb\n', [2, 4], []),
        (b'h,i\n"a\nstill a","and\nb\nc"\nb,x\n"c\nd",y', [2, 6, 7], []),  # breaks in two columns of one record
        (b'"h\nh",i\na,"x\ny"\nb,z\n', [3, 5], []),  # a header across two lines
        (b'h\n"a\r\n\r\nstill a"\nb\n"c\nd"\n', [2, 5, 6], []),  # carriage returns: read by the csv module
        (b'h\n"a\nstill a"\n\nb\n', [2, 5], [4]),  # a blank line: read by the csv module
    ],
)
def test_record_lines(text, expected, blank):
    header = next(csv.reader(io.StringIO(text.decode(), newline="")))
    cells = _parse(pa.py_buffer(text), [f"c{i}" for i in range(len(header))])
    lines, blanks = record_lines(text, cells)
    assert (np.asarray(lines).tolist(), blanks) == (expected, blank)


@pytest.mark.parametrize(
    "text, expected",
    [
        (b'h,i\n"a\nstill a","and\nb\nc"\nb,x\n"c\nd",y\n', [2, 6, 7]),
        (b'h\n"a\nstill a"\nb\n"c\n\nd"\n', [2, 4, 5]),  # an empty line inside a value: counted now
        (b'h\n"a\nstill a"\n\nb\n', [2, 5]),  # a blank line: read by the csv module, now
    ],
)
def test_lines_of_a_file_with_multi_line_values_are_counted_when_asked_for(tmp_path, text, expected):
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    header = next(csv.reader(io.StringIO(text.decode(), newline="")))
    cells = _parse(pa.py_buffer(text), [f"c{i}" for i in range(len(header))])
    lines, _ = record_lines(text, cells, path=path)
    assert isinstance(lines, Lines) == (b"\n\n" not in text)
    assert np.asarray(lines).tolist() == expected and lines[1] == expected[1] and len(lines) == len(expected)


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"name": "n", "type": "integer", "constraints": {"minimum": 0}}, "integer"),
        ({"name": "d", "type": "date"}, "date"),
        ({"name": "e", "type": "string", "constraints": {"enum": ["a", "b"]}}, "enum"),
        ({"name": "s"}, "text"),  # Table Schema's default type is string
        ({"name": "x", "type": "number"}, "text"),  # types the loader does not convert stay text
    ],
)
def test_loaded_type_names_what_convert_produces(spec, expected):
    assert loaded_type(spec) == expected
    dtype = convert(pd.Series(["1"], dtype="string"), spec).dtype
    assert {
        "integer": dtype == "Int64",
        "date": dtype.kind == "M",
        "enum": isinstance(dtype, pd.CategoricalDtype),
        "text": isinstance(dtype, pd.StringDtype),
    }[expected]


def test_line_breaks_counted_from_the_bytes_equal_the_string_kernel_count():
    """Chunks, slices, missing cells and several breaks in one cell: the byte scan counts what Arrow's kernel counts."""
    notes = pa.chunked_array([["a\nb", None, "", "\n\n"], ["x"], ["\nline\n", "y", None]], STRING)
    other = pa.chunked_array([["\n", "b", "c", "d", "e", "f"], ["g\nh", None]], STRING)
    cells = pa.table({"notes": notes, "other": other}).slice(1)
    expected = sum(pc.fill_null(pc.count_substring(column, "\n"), 0).to_numpy(zero_copy_only=False) for column in cells.columns)
    assert _line_breaks_per_record(cells).tolist() == expected.tolist() == [0, 0, 2, 0, 2, 1, 0]


@pytest.mark.parametrize("at", [0, 1, (1 << 20) - 2, (1 << 20) - 1, 1 << 20, 3 << 20])
def test_adjacent_line_feeds_are_found_across_the_slices_of_the_count(at):
    from nkl_data.parse import _newlines

    text = bytearray(b"x" * (4 << 20))
    text[at : at + 2] = b"\n\n"
    text[at + 5] = 10  # a lone line feed after them
    assert _newlines(bytes(text)) == (3, True)
    text[at + 1] = ord("x")
    assert _newlines(bytes(text)) == (2, False)
