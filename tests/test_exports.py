"""CSV/XLSX export cells cannot run as spreadsheet formulas."""

import io

import pytest
from openpyxl import load_workbook

from portal.exports import csv_stream, escape_cell, xlsx_stream


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+2", "'+1+2"),
    ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"),
    ("-1250000", "-1250000"), ("Nguyễn Văn An", "Nguyễn Văn An"), (None, ""), (42, "42"),
    ("a\x00b", "ab")])
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_csv_stream_escapes_every_cell_and_starts_with_bom():
    body = "".join(csv_stream(["name"], [["=1+1"], ["ok"]]))
    assert body.startswith("\ufeffname")
    assert "'=1+1" in body


def test_xlsx_stream_writes_text_not_formulas():
    data = b"".join(xlsx_stream(["name"], [["=1+1"], ["Trần"]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"]] == ["name", "'=1+1", "Trần"]
