"""Streamed, capped CSV and XLSX exports, escaped against spreadsheet formula injection."""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return text.strip() == text and not text.lower().lstrip("+-").startswith(("inf", "nan"))


def escape_cell(value) -> str:
    """Render a value as text a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value).replace("\x00", "")
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Yield CSV lines (with a BOM so Excel reads UTF-8) one row at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([escape_cell(v) for v in row])


def xlsx_stream(header: list[str], rows: Iterable[list], chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Write an XLSX in constant memory to a temporary file, then yield it in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False})
        sheet = book.add_worksheet("export")
        bold = book.add_format({"bold": True})
        for col, title in enumerate(header):
            sheet.write_string(0, col, str(title), bold)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                sheet.write_string(r, col, escape_cell(value))
        book.close()
        with open(path, "rb") as stream:
            while block := stream.read(chunk):
                yield block
    finally:
        os.unlink(path)
