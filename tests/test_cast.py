import pyarrow as pa
import pytest

from nkl_data.cast import cast, dates, integers
from nkl_data.parse import STRING

DATE_TEXTS = [
    "2019-01-05",
    "2020-02-29",
    "2019-02-29",
    "2019-02-30",
    "2019-1-5",
    "2019-01-05 ",
    " 2019-01-05",
    "20190105",
    "2019-13-01",
    "2019-00-10",
    "2019-01-00",
    "2019/01/05",
    "+2019-01-05",
    "0001-01-01",
    "9999-12-31",
    "2019-01-05T00:00",
    "१९९०-01-01",
    None,
]
INTEGER_TEXTS = [
    "0",
    "7",
    "007",
    "-5",
    "+5",
    "0x10",
    "1e3",
    "5.0",
    " 5",
    "5 ",
    "٣",
    "123456789012345678",
    "1234567890123456789",
    "9223372036854775808",
    "+-5",
    None,
]


def one_by_one(function, texts):
    return [function(pa.array([text], STRING))[0].as_py() for text in texts]


@pytest.mark.parametrize("function, texts", [(dates, DATE_TEXTS), (integers, INTEGER_TEXTS)])
def test_the_fast_path_and_the_cell_by_cell_path_agree(function, texts):
    # a column of clean cells takes one cast; one bad cell sends the whole column cell by cell
    assert function(pa.array(texts, STRING)).to_pylist() == one_by_one(function, texts)


def test_what_counts_as_a_date():
    valid = [text for text, value in zip(DATE_TEXTS, dates(pa.array(DATE_TEXTS, STRING)).to_pylist()) if value is not None]
    assert valid == ["2019-01-05", "2020-02-29", "0001-01-01", "9999-12-31"]


def test_what_counts_as_an_integer():
    values = dict(zip(INTEGER_TEXTS, integers(pa.array(INTEGER_TEXTS, STRING)).to_pylist()))
    assert {text: value for text, value in values.items() if value is not None} == {
        "0": 0,
        "7": 7,
        "007": 7,
        "-5": -5,
        "+5": 5,
        "123456789012345678": 123456789012345678,
    }


def test_enum_keeps_the_schema_order_and_nulls_what_is_not_allowed():
    spec = {"name": "e", "type": "string", "constraints": {"enum": ["b", "a"]}}
    result = cast(pa.chunked_array([["a", "x"], [None, "b"]], STRING), spec)
    assert result.dictionary.to_pylist() == ["b", "a"]
    assert result.indices.to_pylist() == [1, None, None, 0]
