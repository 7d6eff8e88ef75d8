import pytest

from nkl_data.canonical import NotCsv, canonical
from nkl_data.cli import main
from nkl_data.package import open_package
from support import REPO


def movements(package):
    return open_package(package.root).table("worker_movements")


def test_shipped_files_are_canonical():
    assert main(["fmt", "--check", str(REPO)]) == 0


def test_fmt_is_identity_on_a_valid_package(package):
    before = {p.name: p.read_bytes() for p in (package.root / "datasets").glob("*.csv")}
    assert main(["fmt", str(package.root)]) == 0
    assert {p.name: p.read_bytes() for p in (package.root / "datasets").glob("*.csv")} == before


def test_fmt_fixes_layout_and_changes_nothing_else(package):
    path = package.csv("worker_movements")
    original = path.read_text(encoding="utf-8")
    header, *rows = original.rstrip("\n").split("\n")
    messy = "\ufeff" + "\r\n".join([header, *reversed(rows)]) + "\r\n\r\n"
    path.write_bytes(messy.encode("utf-8"))
    assert main(["fmt", "--check", str(package.root)]) == 1
    assert path.read_bytes() == messy.encode("utf-8"), "--check must not write"
    assert main(["fmt", str(package.root)]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert package.problems() == []


def test_fmt_normalises_to_nfc_and_minimal_quoting(package):
    table = movements(package)
    text = 'movement_id,notes\n"2019-01-01-b","Montre\u0301al"\n"2019-01-01-a","a, b"\n'
    assert canonical(text, table) == 'movement_id,notes\n2019-01-01-a,"a, b"\n2019-01-01-b,Montr\u00e9al\n'


@pytest.mark.parametrize("text", ["a,b\n1,2,3\n", 'a,b\n"1,2\n', ""])
def test_fmt_refuses_what_it_cannot_parse_safely(package, text):
    with pytest.raises(NotCsv):
        canonical(text, movements(package))


def test_fmt_reports_an_unparseable_file_and_leaves_it(package, capsys):
    path = package.csv("worker_movements")
    path.write_bytes(b'movement_id,date\n"2019-01-01-a,x\n')
    assert main(["fmt", str(package.root)]) == 1
    assert path.read_bytes() == b'movement_id,date\n"2019-01-01-a,x\n'
    assert "cannot format" in capsys.readouterr().err


def test_fmt_keeps_a_carriage_return_inside_a_cell_quoted(package):
    table = movements(package)
    text = 'movement_id,notes\n2019-01-01-a,"first\rsecond"\n2019-01-01-b,"a\r\nb"\n'
    assert canonical(text, table) == text  # Python's csv writer would write both bare, splitting the records


def test_a_file_saved_with_crlf_has_its_line_breaks_in_cells_converted_too(package):
    table = movements(package)
    assert (
        canonical('movement_id,notes\r\n2019-01-01-a,"one\r\ntwo"\r\n', table) == 'movement_id,notes\n2019-01-01-a,"one\ntwo"\n'
    )


def cells(text: str) -> list[list[str]]:
    import csv
    import io
    import unicodedata

    return sorted(
        [unicodedata.normalize("NFC", c) for c in row]
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        if row
    )


@pytest.mark.parametrize("case", sorted((REPO / "tests" / "corpus").glob("*/*.csv")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fmt_never_changes_what_a_cell_holds(package, case):
    text = case.read_bytes().decode("utf-8", errors="replace")
    try:
        formatted = canonical(text, movements(package))
    except NotCsv:
        return  # refused: nothing changed
    crlf_file = "\r\n" in text and text.count("\n") == text.count("\r\n")
    before = cells(text.replace("\r\n", "\n") if crlf_file else text)
    assert cells(formatted) == before
    assert canonical(formatted, movements(package)) == formatted  # and formatting twice changes nothing


def test_fmt_reports_a_folder_where_a_csv_should_be(package, capsys):
    path = package.csv("countries")
    path.unlink()
    path.mkdir()
    assert main(["fmt", "--check", str(package.root)]) == 1
    assert "countries.csv: cannot format: Is a directory" in capsys.readouterr().err
