"""Reading an uploaded CSV safely: size, file type and encoding checked before the parser runs.

Every problem that makes the file unreadable as a whole raises UnreadableFile with a message
that says what to fix; records come out numbered as a spreadsheet shows them (header = row 1).
"""

import csv
from collections.abc import Iterator
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.errors import ValidationError

# Leading bytes of files people pick by mistake instead of a CSV export.
SIGNATURES = [(b"PK\x03\x04", _l("an Excel workbook (.xlsx) or another ZIP file")),
              (b"\xd0\xcf\x11\xe0", _l("an old Excel (.xls) or other Office file")),
              (b"%PDF", _l("a PDF document")), (b"\x89PNG", _l("a PNG image")),
              (b"\xff\xd8\xff", _l("a JPEG image")), (b"\xff\xfe", _l("UTF-16 text")),
              (b"\xfe\xff", _l("UTF-16 text"))]


class UnreadableFile(ValidationError):
    """The file as a whole cannot be imported; nothing was written."""


def shown(text: str, limit: int = 40) -> str:
    """Return file content safe to echo in a message: printable characters only, shortened."""
    # Terminal escape sequences in a cell must not reach the CLI's output.
    cleaned = "".join(ch for ch in text if ch.isprintable())
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def too_large_message(max_bytes: int) -> str:
    """Explain the size limit in megabytes."""
    return _("The file is larger than the %(mb).1f MB limit. Split it into smaller files.",
             mb=max_bytes / 2**20)


def refuse_oversize(stream: BinaryIO, max_bytes: int) -> None:
    """Raise UnreadableFile up front when a seekable stream is larger than the limit."""
    try:
        start = stream.tell()
        size = stream.seek(0, 2) - start
        stream.seek(start)
    except (AttributeError, OSError, ValueError):
        return  # not seekable: ByteLines still stops at the limit while reading
    if size > max_bytes:
        raise UnreadableFile(too_large_message(max_bytes))


def refuse_non_text(head: bytes) -> None:
    """Raise UnreadableFile when the first bytes show a workbook, PDF, image or UTF-16."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            raise UnreadableFile(_("This file is %(kind)s, not a CSV file. Export the sheet as "
                                   "\"CSV UTF-8\" and upload that.", kind=str(kind)))


class ByteLines:
    """Decoded lines of an upload, refusing binary content, wrong encodings and oversize input."""

    def __init__(self, stream: BinaryIO, max_bytes: int):
        self.stream, self.max_bytes = stream, max_bytes
        self.consumed = 0
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        # readline() is bounded too, so one endless line cannot fill the memory.
        while raw := self.stream.readline(self.max_bytes - self.consumed + 1):
            self.consumed += len(raw)
            self.line += 1
            if self.consumed > self.max_bytes:
                raise UnreadableFile(too_large_message(self.max_bytes))
            if self.line == 1:
                refuse_non_text(raw)
            yield self._decode(raw)

    def _decode(self, raw: bytes) -> str:
        if b"\x00" in raw:
            raise UnreadableFile(_("Line %(line)d contains binary data (NUL bytes): this is not "
                                   "a CSV text file.", line=self.line))
        try:
            return raw.decode("utf-8-sig" if self.line == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_(
                "Line %(line)d is not UTF-8 text (byte 0x%(byte)02X at position %(pos)d). Save "
                "the file as \"CSV UTF-8\" and upload it again.",
                line=self.line, byte=raw[exc.start], pos=exc.start + 1)) from None


def csv_problem(detail: str, line: int) -> UnreadableFile:
    """Turn a csv module error into a message that says what to fix."""
    hints = {"unexpected end of data": _("a quoted value is opened but never closed"),
             "expected after": _("a quote inside a value must be doubled (\"\")"),
             "field larger than field limit": _("a value is far too long"),
             "new-line character seen in unquoted field": _("the line endings are not "
                                                            "standard")}
    hint = next((text for key, text in hints.items() if key in detail), detail)
    return UnreadableFile(_("The CSV is malformed in the record starting on line %(line)d: "
                            "%(hint)s.", line=line, hint=hint))


class CsvRecords:
    """(row number, values) of each CSV record; `consumed` counts the bytes read so far."""

    def __init__(self, stream: BinaryIO, max_bytes: int):
        self.lines = ByteLines(stream, max_bytes)

    @property
    def consumed(self) -> int:
        """Bytes of the file read so far (for progress bars)."""
        return self.lines.consumed

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        # strict: an unclosed quote is an error, not a value that swallows the rest of the file.
        records = csv.reader(iter(self.lines), strict=True)
        row = 0
        while True:
            start = self.lines.line + 1
            try:
                values = next(records)
            except StopIteration:
                return
            except csv.Error as exc:
                raise csv_problem(str(exc), start) from None
            row += 1
            yield row, values
