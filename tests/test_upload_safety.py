"""The .docx upload gate: hostile files are refused with a clear message, real documents pass."""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.upload_safety import CHUNK, DocxLimits, UploadRejected, check_docx
from models import errors
from tests import hostile_docx as corpus
from tests.hostile_docx import EXPECTED, GOOD, HOSTILE

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ALWAYS_FINE = {"[Content_Types].xml", "_rels/.rels", corpus.DOCUMENT}


def refusal(data: bytes, limits: DocxLimits = DocxLimits(), filename: str = "") -> str:
    """Return the message the gate refuses the upload with."""
    with pytest.raises(UploadRejected) as refused:
        check_docx(data, limits, filename)
    return str(refused.value)


def with_document_xml(document_xml: bytes) -> bytes:
    return corpus.variant({corpus.DOCUMENT: document_xml})


@pytest.fixture
def marked_translator():
    """Install a translator that marks what it translated, and put the identity back after."""
    errors.set_translator(lambda text: f"[{text}]")
    yield
    errors.set_translator(lambda text: text)


# ---------------------------------------------------------------- the corpus


def test_every_hostile_case_names_its_message():
    assert HOSTILE.keys() == EXPECTED.keys()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused_with_its_own_message(case):
    assert EXPECTED[case] in refusal(HOSTILE[case]())


@pytest.mark.parametrize("case", sorted(GOOD))
def test_real_document_passes_and_opens_in_python_docx(case):
    data = GOOD[case]()
    check_docx(data, filename="Chính sách.docx")
    assert docx.Document(io.BytesIO(data)).sections  # the corpus's good files are real ones


def test_refusal_message_is_translated_with_its_values(marked_translator):
    message = refusal(corpus.external_image())
    assert message.startswith("[The file shows a picture linked from outside the file")
    assert "(http://evil.example/track.png)" in message


def test_gate_needs_no_flask():
    code = "import sys, documents.upload_safety; sys.exit('flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ---------------------------------------------------------------- names and limits


@pytest.mark.parametrize(("filename", "fragment"), [
    ("policy.pdf", "The file policy.pdf is not a Word document (.docx)"),
    ("policy", "The file policy is not a Word document (.docx)"),
    ("policy.docm", "policy.docm is a macro-enabled document (.docm)"),
    ("policy.dotx", "policy.dotx is a Word template"),
    ("policy.doc", "policy.doc is an old Word 97-2003 document (.doc)"),
])
def test_name_other_than_docx_is_refused(filename, fragment):
    assert fragment in refusal(corpus.python_docx_plain(), filename=filename)


def test_extension_is_matched_whatever_its_case():
    check_docx(corpus.python_docx_plain(), filename="POLICY.DOCX")


def test_limits_come_from_the_config_keys_that_are_set():
    limits = DocxLimits.from_config({"DOCX_MAX_BYTES": "1048576", "DOCX_MAX_RATIO": 50,
                                     "SECRET_KEY": "x"})
    assert (limits.max_bytes, limits.max_ratio) == (1 << 20, 50)
    assert limits.max_entries == DocxLimits().max_entries


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        DocxLimits.from_config({"DOCX_MAX_ENTRIES": 0})


@pytest.mark.parametrize(("limits", "fragment"), [
    (DocxLimits(max_bytes=30_000), "too large: 35.9 KB, the limit is 29.3 KB"),
    (DocxLimits(max_entries=10), "holds more than 10 parts"),
    (DocxLimits(max_unpacked_bytes=500_000), "when unpacked, the limit is 488.3 KB"),
    (DocxLimits(max_ratio=5, ratio_grace_bytes=10_000), "times its packed size, more than the 5"),
    (DocxLimits(max_xml_part_bytes=100_000), "part word/styles.xml is more than 97.7 KB of text"),
])
def test_each_limit_refuses_a_document_over_it(limits, fragment):
    assert fragment in refusal(corpus.python_docx_plain(), limits)


# ---------------------------------------------------------------- the XML scan


def padded_document(marker: str, offset: int) -> bytes:
    """Return a document.xml whose `marker` starts `offset` bytes into the part."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return (head + " " * (offset - len(head)) + marker).encode() + corpus.word_xml(
        corpus.paragraph("x")).split(b"?>", 1)[1]


@pytest.mark.parametrize("offset", [CHUNK - 9, CHUNK - 2, CHUNK - 1, CHUNK, CHUNK + 1,
                                    2 * CHUNK - 16, 2 * CHUNK - 17])
def test_declaration_across_a_chunk_boundary_is_found(offset):
    data = with_document_xml(padded_document('<!DOCTYPE w:document [<!ENTITY a "b">]>', offset))
    assert "DOCTYPE or ENTITY declaration" in refusal(data)


@pytest.mark.parametrize("offset", [CHUNK - 9, CHUNK - 5, CHUNK - 1, CHUNK, 2 * CHUNK - 16])
def test_comments_and_cdata_across_a_chunk_boundary_pass(offset):
    marker = "<!-- reviewed --><![CDATA[a < b]]>"
    check_docx(with_document_xml(padded_document(marker, offset)))


@pytest.mark.parametrize("offset", [CHUNK - 8, CHUNK - 3, CHUNK, CHUNK + 1])
def test_alt_chunk_across_a_chunk_boundary_is_found(offset):
    body = " " * offset + '<w:altChunk r:id="rId99"/>'
    assert "altChunk" in refusal(with_document_xml(corpus.word_xml(body)))


def test_word_altchunk_in_text_is_not_an_element():
    check_docx(with_document_xml(corpus.word_xml(corpus.paragraph("see altChunk and x:altChunks"))))


def test_document_in_utf16_passes_when_clean():
    xml = corpus.word_xml(corpus.paragraph("Chính sách")).decode().replace('"UTF-8"', '"UTF-16"')
    data = with_document_xml(xml.encode("utf-16"))
    check_docx(data)
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "Chính sách"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_declaration_in_utf16_without_byte_order_mark_is_found(codec):
    xml = corpus.xxe_document_body().decode().replace('"UTF-8"', '"UTF-16"')
    assert "DOCTYPE or ENTITY declaration" in refusal(with_document_xml(xml.encode(codec)))


def test_xml_declaring_another_encoding_than_its_bytes_is_refused():
    xml = corpus.word_xml(corpus.paragraph("x")).replace(b'"UTF-8"', b'"ISO-8859-1"')
    assert "text encoding Word never writes" in refusal(with_document_xml(xml))


# ---------------------------------------------------------------- LibreOffice


def test_committed_libreoffice_fixture_comes_from_its_source():
    with zipfile.ZipFile(corpus.FIXTURES / "safety_libreoffice_features.docx") as archive:
        body = archive.read(corpus.DOCUMENT).decode()
        assert "word/media/image1.png" in archive.namelist()
    assert (corpus.FIXTURES / "safety_libreoffice_features.fodt").exists()
    assert "Upload safety fixture" in body and "trên 90 ngày." in body


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
@pytest.mark.parametrize("target", ["docx", "docx:MS Word 2007 XML"])
def test_libreoffice_written_docx_passes(tmp_path, target):
    source = corpus.FIXTURES / "safety_libreoffice_features.fodt"
    # A profile of its own: LibreOffice instances sharing one profile block each other.
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", target, "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    check_docx((tmp_path / "safety_libreoffice_features.docx").read_bytes(), filename="lo.docx")


# ---------------------------------------------------------------- cost of the bombs


@pytest.mark.parametrize("case", ["zip_bomb", "zip_bomb_overlapping", "zip_bomb_lying_sizes",
                                  "xml_part_bomb", "huge_file"])
def test_bomb_is_refused_quickly_in_little_memory(case):
    data = HOSTILE[case]()
    tracemalloc.start()
    started = time.perf_counter()
    refusal(data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 << 20, f"{case}: peak {peak / 2**20:.1f} MB"
    assert elapsed < 1.0, f"{case}: {elapsed:.2f} s"


# ---------------------------------------------------------------- property-based


def check_quietly(data: bytes) -> None:
    """Run the gate; refusing is fine, any other exception fails the property."""
    with contextlib.suppress(UploadRejected):
        check_docx(data)


BASE = corpus.python_docx_rich()
BASE_PARTS = corpus.members(BASE)


def header_positions(data: bytes) -> list[int]:
    """Return the offsets of every zip header byte: the bytes zipfile itself interprets."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        directory = archive.start_dir
    local = [i.header_offset + n for i in infos for n in range(30 + len(i.filename))]
    return local + list(range(directory, len(data)))


HEADERS = header_positions(BASE)
TOKENS = [b"<!DOCTYPE x>", b"<!--", b"<![CDATA[", b"<!", b"&", b"<", b">", b'"', b"\x00",
          b"\xff\xfe", b"\xef\xbb\xbf", b'encoding="UTF-16"', b'TargetMode="External"',
          b"altChunk", b"<w:altChunk/>", b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"/"]
# SAFETY_FUZZ_EXAMPLES=5000 runs a longer search; 250 keeps the suite at a few seconds.
FUZZ = settings(max_examples=int(os.environ.get("SAFETY_FUZZ_EXAMPLES", "250")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(edits=st.lists(st.tuples(st.one_of(st.sampled_from(HEADERS),
                                          st.integers(0, len(BASE) - 1)),
                                st.integers(0, 255)), min_size=1, max_size=12),
       cut=st.integers(1, len(BASE)))
def test_mutated_bytes_raise_nothing_but_upload_rejected(edits, cut):
    data = bytearray(BASE)
    for position, value in edits:
        data[position] = value
    check_quietly(bytes(data[:cut]))


@st.composite
def mutated_parts(draw) -> dict[str, bytes]:
    parts = dict(BASE_PARTS)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(parts) or ["word/document.xml"]))
        body = parts.get(name, b"")
        action = draw(st.sampled_from(["insert", "cut", "drop", "add", "rename", "replace"]))
        at = draw(st.integers(0, len(body)))
        if action == "insert":
            parts[name] = body[:at] + draw(st.sampled_from(TOKENS)) + body[at:]
        elif action == "cut":
            parts[name] = body[:at] + body[at + draw(st.integers(1, 64)):]
        elif action == "drop":
            parts.pop(name, None)
        elif action == "add":
            parts[draw(st.sampled_from(["word/x.xml", "a.rels", "word/_rels/x.xml.rels",
                                        "word/media/p.png", "x"]))] = draw(st.binary(max_size=64))
        elif action == "rename":
            parts[draw(st.text("abc/._[]", min_size=1, max_size=12))] = parts.pop(name, b"")
        else:
            parts[name] = draw(st.binary(max_size=256))
    return parts


@FUZZ
@given(parts=mutated_parts(), stored=st.booleans())
def test_mutated_parts_raise_nothing_but_upload_rejected(parts, stored):
    check_quietly(corpus.pack(parts, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED))


ENTRIES = corpus.good_entries()


@FUZZ
@given(changes=st.lists(st.tuples(
    st.integers(0, len(ENTRIES) - 1),
    st.sampled_from(["size", "crc", "method", "flags", "stream"]),
    st.integers(0, 2**32 - 1)), min_size=1, max_size=4))
def test_lying_zip_headers_raise_nothing_but_upload_rejected(changes):
    entries = list(ENTRIES)
    for index, field, value in changes:
        entry = entries[index]
        if field == "stream":
            entries[index] = corpus.RawEntry(entry.name, entry.stream[:value % 400], entry.crc,
                                             entry.size, entry.method, entry.flags)
        else:
            value = value % 65536 if field in ("method", "flags") else value
            entries[index] = corpus.RawEntry(**{**entry.__dict__, field: value})
    check_quietly(corpus.raw_zip(entries))
