"""Tracked-changes export: Word's "accept all" gives the proposal, "reject all" the old version.

The reader below does to word/document.xml what accepting or rejecting every change does in
Word (independently of the exporter), then the texts are read directly and through the
portal's importer, which also checks kinds, levels and clause numbers.
"""

import io
import random
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bench.doc_corpus import edit, policy
from documents.blocks import Block, BlockKind, renumber
from documents.compare import compare
from documents.docx_export import ExportMeta
from documents.docx_import import import_docx
from documents.docx_tracked import export_redline_docx, export_tracked_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}
META = ExportMeta("COL-POL-007", "Chính sách thu hồi nợ quá hạn", 3, date(2025, 3, 1),
                  "Proposal", "policy")
AUTHOR = "Nguyễn Văn An"
WHEN = datetime(2026, 2, 3, 9, 30, tzinfo=timezone(timedelta(hours=7)))
WORD_DATE = "2026-02-03T02:30:00Z"
LIBREOFFICE = shutil.which("libreoffice")
CHANGE_TAGS = ("ins", "del", "moveFrom", "moveTo", "pPrChange", "cellIns", "cellDel",
               "moveFromRangeStart", "moveToRangeStart")


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# --- documents -------------------------------------------------------------------------------

def heading(text, level=1):
    return Block(f"h{text}", BlockKind.HEADING, text, level)


def para(text):
    return Block(f"p{text}", BlockKind.PARAGRAPH, text)


def item(text, level=0, number_format="decimal", number=""):
    return Block(f"l{text}", BlockKind.LIST_ITEM, text, level, number, number_format)


def table(key, *rows):
    return Block(f"t{key}", BlockKind.TABLE, cells=tuple(tuple(r) for r in rows))


BUCKETS = table("buckets", ("Nhóm", "Số ngày quá hạn", "Hành động"),
                ("B1", "1-30", "Gọi điện nhắc nợ"), ("B2", "31-60", "Gửi thư thông báo"))


def old_policy() -> list[Block]:
    """The effective version: headings, clauses two levels deep, letters, a table."""
    return renumber([
        heading("Phạm vi áp dụng"),
        para("Quy định này áp dụng cho mọi nhân viên thu hồi nợ của ngân hàng."),
        item("Collectors call the debtor first."),
        item("Calls happen between 8:00 and 20:00 on working days.", 1),
        item("Không gọi vào ngày lễ.", 1),
        item("Visits need written approval of the team lead."),
        item("Letters go by registered post."),
        BUCKETS,
        heading("Ghi nhận liên hệ", 2),
        item("Record every contact within one working day."),
        item("Hồ sơ được lưu trữ mười năm.", 1, "lowerLetter"),
        item("Hồ sơ điện tử được sao lưu hằng ngày.", 1, "lowerLetter"),
        item("Complaints go to compliance."),
    ])


def assemble(*parts) -> list[Block]:
    """Return blocks and lists of blocks as one list, in order."""
    return [b for part in parts for b in ([part] if isinstance(part, Block) else part)]


def _with(blocks, index, **changes):
    out = list(blocks)
    out[index] = replace(out[index], **changes)
    return renumber(out)


def changed_words():
    return _with(old_policy(), 5, text="Visits need prior written approval of a team lead.")


def vietnamese_words():
    return _with(old_policy(), 4, text="Không gọi vào ngày lễ và ngày nghỉ cuối tuần.")


def inserted_clause():
    blocks = old_policy()
    return renumber(assemble(blocks[:3], item("Every call is recorded."), blocks[3:]))


def inserted_at_end():
    return renumber(assemble(old_policy(), para("Hiệu lực từ ngày ký.")))


def inserted_before_table():
    blocks = old_policy()
    return renumber(assemble(blocks[:7], item("Hạn mức theo bảng sau."), blocks[7:]))


def deleted_clause():
    blocks = old_policy()
    return renumber(blocks[:5] + blocks[6:])


def deleted_at_end():
    return renumber(old_policy()[:-1])


def deleted_before_table():
    blocks = old_policy()
    return renumber(blocks[:6] + blocks[7:])


def moved_clause():
    blocks = old_policy()
    return renumber(blocks[:5] + blocks[6:7] + blocks[5:6] + blocks[7:])


def moved_and_edited():
    blocks = old_policy()
    moved = replace(blocks[2], text="Collectors always call the debtor first.")
    return renumber(blocks[:2] + blocks[3:12] + [moved] + blocks[12:])


def restyled():
    blocks = old_policy()
    return renumber(assemble(blocks[:6], heading("Letters go by registered post.", 2),
                             blocks[7:]))


def table_cell_changed():
    rows = [list(r) for r in BUCKETS.cells]
    rows[2][2] = "Gửi thư thông báo lần hai"
    return _with(old_policy(), 7, cells=tuple(tuple(r) for r in rows))


def table_rows_changed():
    rows = list(BUCKETS.cells)
    rows = [rows[0], rows[2], ("B3", "61-90", "Chuyển pháp lý")]
    return _with(old_policy(), 7, cells=tuple(rows))


def table_header_changed():
    rows = list(BUCKETS.cells)
    rows[0] = ("Group", "Days past due", "Action")
    return _with(old_policy(), 7, cells=tuple(rows))


def table_inserted():
    blocks = old_policy()
    extra = table("limits", ("Hạn mức", "Phê duyệt"), ("50.000.000 VND", "Trưởng nhóm"))
    return renumber(assemble(blocks[:8], extra, blocks[8:]))


def table_deleted():
    blocks = old_policy()
    return renumber(blocks[:7] + blocks[8:])


def many_changes():
    blocks = old_policy()
    return renumber(assemble(blocks[0], item("Scope is every collector."), blocks[2:4],
                             replace(blocks[5], text="Visits need approval."), blocks[6:9],
                             blocks[10:12]))


def imported_numbers():
    """Numbers as other documents write them: articles, (1), restarts and gaps."""
    return [
        Block("a1", BlockKind.HEADING, "Phạm vi", 2, "Điều 1.", "decimal"),
        item("Khoản một", 0, number="1."), item("Khoản hai", 0, number="2."),
        item("Điểm a", 1, "lowerLetter", "a)"), item("Điểm b", 1, "lowerLetter", "b)"),
        Block("a2", BlockKind.HEADING, "Đối tượng", 2, "Điều 2.", "decimal"),
        item("Paren one", 0, number="(1)"), item("Paren two", 0, number="(2)"),
        para("Between lists."),
        item("Starts at five", 0, number="5."), item("Six", 0, number="6."),
        item("Gap to nine", 0, number="9."), item("Nine one", 1, number="9.1"),
    ]


def imported_numbers_edited():
    """An article inserted and items dropped, numbers kept as the author typed them."""
    blocks = imported_numbers()
    return assemble(blocks[0], Block("a0", BlockKind.HEADING, "Giải thích từ ngữ", 2, "Điều 2.",
                                     "decimal"),
                    blocks[1:3], blocks[4:5], replace(blocks[5], number="Điều 3."), blocks[6:7],
                    item("Paren three", 0, number="(2)"), blocks[8:10], blocks[11:])


PROPOSALS = [changed_words, vietnamese_words, inserted_clause, inserted_at_end,
             inserted_before_table, deleted_clause,
             deleted_at_end, deleted_before_table, moved_clause, moved_and_edited, restyled,
             table_cell_changed, table_rows_changed, table_header_changed, table_inserted,
             table_deleted, many_changes]


# --- the reader: accept all or reject all, as Word does --------------------------------------

def _document(data: bytes):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def _is_marker(el) -> bool:
    """Tell whether a change element marks a paragraph mark or a row (not a run container)."""
    return el.getparent().tag in (w("rPr"), w("trPr"), w("tcPr"))


def _join_next(p) -> None:
    """Join a paragraph whose mark is removed to the next paragraph, as Word does."""
    following = p.getnext()
    while following is not None and following.tag not in (w("p"), w("tbl"), w("sectPr")):
        following = following.getnext()
    if following is None or following.tag != w("p"):
        return  # Word cannot join it to a table or past the end: the paragraph stays
    content = [c for c in p if c.tag != w("pPr")]
    anchor = following.find(w("pPr"))
    for child in reversed(content):
        if anchor is None:
            following.insert(0, child)
        else:
            anchor.addnext(child)
    p.getparent().remove(p)


def resolve(data: bytes, accept: bool) -> bytes:
    """Return the .docx with every tracked change accepted (or rejected)."""
    root = _document(data)
    kept, dropped = (("ins", "moveTo"), ("del", "moveFrom")) if accept else (
        ("del", "moveFrom"), ("ins", "moveTo"))
    for el in list(root.iter(*(w(t) for t in kept + dropped))):
        if _is_marker(el):
            continue
        if el.tag in (w(t) for t in dropped):
            el.getparent().remove(el)
        else:
            for t in el.iter(w("delText")):
                t.tag = w("t")
            parent, index = el.getparent(), el.getparent().index(el)
            parent[index:index + 1] = list(el)
    for p in list(root.iter(w("p"))):
        rpr = p.find(f"{w('pPr')}/{w('rPr')}")
        if rpr is not None and any(rpr.find(w(t)) is not None for t in dropped):
            _join_next(p)
    for tr in list(root.iter(w("tr"))):
        trpr = tr.find(w("trPr"))
        if trpr is not None and trpr.find(w(dropped[0])) is not None:
            tr.getparent().remove(tr)
    for tc in list(root.iter(w("tc"))):
        if tc.find(f"{w('tcPr')}/{w('cellDel' if accept else 'cellIns')}") is not None:
            tc.getparent().remove(tc)
    for change in list(root.iter(w("pPrChange"))):
        ppr = change.getparent()
        if not accept:
            old = change.find(w("pPr"))
            for child in [c for c in ppr if c.tag not in (w("rPr"), w("pPrChange"))]:
                ppr.remove(child)
            for child in reversed(list(old)):
                ppr.insert(0, child)
        ppr.remove(change)
    for el in list(root.iter(*(w(t) for t in (*kept, *dropped, "cellIns", "cellDel")))):
        el.getparent().remove(el)  # markers left: the change is resolved
    for el in list(root.iter(w("moveFromRangeStart"), w("moveFromRangeEnd"),
                             w("moveToRangeStart"), w("moveToRangeEnd"))):
        el.getparent().remove(el)
    return _replace_part(data, "word/document.xml", etree.tostring(root, xml_declaration=True,
                                                                   encoding="UTF-8",
                                                                   standalone=True))


def _replace_part(data: bytes, name: str, blob: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, blob if info.filename == name else source.read(info))
    return out.getvalue()


def texts(data: bytes) -> list[str]:
    """Return the non-empty paragraph texts of the body after the title, cells included."""
    root = _document(data)
    out = []
    for p in root.iter(w("p")):
        text = "".join(t.text or "" for t in p.iter(w("t"), w("delText")))
        if text:
            out.append(text)
    return out[1:]


def block_texts(blocks) -> list[str]:
    out = []
    for b in blocks:
        out.extend([c for row in b.cells for c in row if c] if b.kind == BlockKind.TABLE
                   else [b.text])
    return out


def content(blocks) -> list[tuple]:
    return [(b.kind, b.level, b.number, b.number_format, b.text, b.cells) for b in blocks]


def tracked(old, new) -> bytes:
    return export_tracked_docx(old, new, META, AUTHOR, WHEN)


# --- accept all, reject all ------------------------------------------------------------------

@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda f: f.__name__)
def test_accept_all_gives_the_proposal_and_reject_all_the_old_version(proposal):
    old, new = old_policy(), proposal()
    data = tracked(old, new)
    assert texts(resolve(data, accept=True)) == block_texts(new)
    assert texts(resolve(data, accept=False)) == block_texts(old)


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda f: f.__name__)
def test_both_versions_keep_kinds_levels_and_clause_numbers(proposal):
    old, new = old_policy(), proposal()
    data = tracked(old, new)
    assert content(import_docx(resolve(data, accept=True)).blocks) == content(new)
    assert content(import_docx(resolve(data, accept=False)).blocks) == content(old)


def test_numbers_written_by_other_documents_survive_in_both_versions():
    old, new = imported_numbers(), imported_numbers_edited()
    data = tracked(old, new)
    assert content(import_docx(resolve(data, accept=True)).blocks) == content(new)
    assert content(import_docx(resolve(data, accept=False)).blocks) == content(old)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_revised_policy_with_ten_percent_changed_resolves_both_ways(seed):
    rng = random.Random(seed)
    old = policy(3000, rng)
    new = edit(old, 0.10, rng).blocks
    data = tracked(old, new)
    assert content(import_docx(resolve(data, accept=True)).blocks) == content(new)
    assert content(import_docx(resolve(data, accept=False)).blocks) == content(old)


WORDS = ("phải", "gọi", "khách hàng", "must", "call", "record", "nợ", "fee")
KINDS = ("item", "item", "item", "heading", "para", "table")
_blocks = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 2),
                             st.sampled_from(["decimal", "lowerLetter", "bullet"]),
                             st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)),
                   min_size=1, max_size=12)


def _build(specs, numbers=None) -> list[Block]:
    """Blocks from (kind, level, format, words); house numbers unless `numbers` are given."""
    out = []
    for k, (kind, level, fmt, words) in enumerate(specs):
        text = " ".join(words)
        if kind == "table":
            out.append(table(text, (text, str(level)), (fmt, text)))
        elif kind == "heading":
            out.append(Block(f"h{k}{text}", BlockKind.HEADING, text, level + 1))
        elif kind == "para":
            out.append(para(f"{text} {k}"))
        else:
            out.append(Block(f"l{k}{text}", BlockKind.LIST_ITEM, text, level, "", fmt))
    out = renumber(out)
    if numbers is not None:  # numbers as an uploaded document may have typed them
        out = [replace(b, number=numbers[k % len(numbers)]) if b.kind == BlockKind.LIST_ITEM
               and b.number_format == "decimal" else b for k, b in enumerate(out)]
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=_blocks, new=_blocks, shared=st.integers(0, 12),
       numbers=st.none() | st.lists(st.sampled_from(["1.", "2.", "5.", "(1)", "Điều 3.", "2.1"]),
                                    min_size=1, max_size=4))
def test_any_revision_resolves_to_both_versions(old, new, shared, numbers):
    # Share a stretch of blocks so the redline has equal, changed and moved blocks too.
    old_blocks = _build(old, numbers)
    new_blocks = _build(new[:1] + old[:shared] + new[1:], numbers)
    data = tracked(old_blocks, new_blocks)
    assert content(import_docx(resolve(data, accept=True)).blocks) == content(new_blocks)
    assert content(import_docx(resolve(data, accept=False)).blocks) == content(old_blocks)


@pytest.mark.parametrize("proposal", [*PROPOSALS, imported_numbers_edited],
                         ids=lambda f: f.__name__)
def test_the_importer_reads_a_tracked_upload_as_its_proposed_text(proposal):
    old = imported_numbers() if proposal is imported_numbers_edited else old_policy()
    new = proposal()
    result = import_docx(tracked(old, new))
    assert content(result.blocks) == content(new)
    assert result.title == META.title


def test_no_changes_gives_a_document_without_tracked_changes():
    data = tracked(old_policy(), old_policy())
    root = _document(data)
    assert not [el for tag in CHANGE_TAGS for el in root.iter(w(tag))]
    assert content(import_docx(data).blocks) == content(old_policy())


# --- what Word is told -----------------------------------------------------------------------

def _changes(root) -> list:
    return [el for tag in CHANGE_TAGS for el in root.iter(w(tag))]


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda f: f.__name__)
def test_every_change_carries_author_date_and_a_unique_id(proposal):
    root = _document(tracked(old_policy(), proposal()))
    changes = _changes(root)
    assert changes
    assert {el.get(w("author")) for el in changes} == {AUTHOR}
    assert {el.get(w("date")) for el in changes} == {WORD_DATE}
    ids = [el.get(w("id")) for el in changes]
    assert len(ids) == len(set(ids))


def test_naive_times_are_taken_as_utc():
    root = _document(export_tracked_docx(old_policy(), changed_words(), META, AUTHOR,
                                         datetime(2026, 2, 3, 2, 30)))
    assert {el.get(w("date")) for el in _changes(root)} == {WORD_DATE}


def test_an_author_name_with_markup_characters_is_written_as_given():
    author = 'Lê "Ba" <QA> & Co'
    root = _document(export_tracked_docx(old_policy(), changed_words(), META, author, WHEN))
    assert {el.get(w("author")) for el in _changes(root)} == {author}


def _paragraph_with(root, text):
    return next(p for p in root.iter(w("p"))
                if "".join(t.text or "" for t in p.iter(w("t"), w("delText"))) == text)


def test_changed_words_are_runs_inside_ins_and_del():
    root = _document(tracked(old_policy(), changed_words()))
    p = _paragraph_with(root, "Visits need prior written approval of thea team lead.")
    assert ["".join(t.text for t in el.iter(w("t"))) for el in p.iter(w("ins"))] == [
        " prior", "a"]
    assert ["".join(t.text for t in el.iter(w("delText"))) for el in p.iter(w("del"))] == [
        "the"]
    assert p.find(f"{w('pPr')}/{w('rPr')}") is None  # the paragraph itself stays


def test_whole_clauses_change_with_their_paragraph_mark():
    root = _document(tracked(old_policy(), inserted_clause()))
    p = _paragraph_with(root, "Every call is recorded.")
    assert p.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is not None
    assert p.find(f"{w('pPr')}/{w('numPr')}") is not None
    root = _document(tracked(old_policy(), deleted_clause()))
    p = _paragraph_with(root, "Visits need written approval of the team lead.")
    assert p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None
    assert [el.tag for el in p if el.tag != w("pPr")] == [w("del")]


def test_a_renumbered_clause_has_no_change_of_its_own():
    root = _document(tracked(old_policy(), deleted_clause()))
    # "Letters go by registered post." was 3., is 2.: Word counts it, nothing is tracked.
    p = _paragraph_with(root, "Letters go by registered post.")
    assert not [el for tag in CHANGE_TAGS for el in p.iter(w(tag))]


def test_a_moved_clause_is_a_word_move_with_named_ranges():
    root = _document(tracked(old_policy(), moved_clause()))
    starts = {tag: root.find(f".//{w(tag)}") for tag in ("moveFromRangeStart", "moveToRangeStart")}
    assert starts["moveFromRangeStart"].get(w("name")) == starts["moveToRangeStart"].get(w("name"))
    text = "Visits need written approval of the team lead."
    origin, target = [p for p in root.iter(w("p"))
                      if "".join(t.text or "" for t in p.iter(w("t"))) == text]
    assert origin.find(w("moveFrom")) is not None
    assert origin.find(f"{w('pPr')}/{w('rPr')}/{w('moveFrom')}") is not None
    assert target.find(w("moveTo")) is not None
    assert target.find(f"{w('pPr')}/{w('rPr')}/{w('moveTo')}") is not None
    for tag in ("moveFromRangeEnd", "moveToRangeEnd"):
        end = root.find(f".//{w(tag)}")
        assert end.get(w("id")) == starts[tag.replace("End", "Start")].get(w("id"))


def test_a_restyled_clause_records_its_old_look():
    root = _document(tracked(old_policy(), restyled()))
    p = _paragraph_with(root, "Letters go by registered post.")
    assert p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) == "Heading2"
    old = p.find(f"{w('pPr')}/{w('pPrChange')}/{w('pPr')}")
    assert old.find(w("pStyle")).get(w("val")) == "ListParagraph"
    assert old.find(w("numPr")) is not None


def test_table_rows_are_inserted_and_deleted_as_rows():
    root = _document(tracked(old_policy(), table_rows_changed()))
    rows = list(root.iter(w("tr")))
    marks = [next((c.tag for c in tr.find(w("trPr")) if c.tag in (w("ins"), w("del"))), None)
             if tr.find(w("trPr")) is not None else None for tr in rows]
    assert marks == [None, w("del"), None, w("ins")]


def test_inserted_words_in_a_header_row_are_bold_like_their_neighbours():
    root = _document(tracked(old_policy(), table_header_changed()))
    header = next(root.iter(w("tr")))
    runs = list(header.iter(w("r")))
    assert header.find(f".//{w('ins')}") is not None and header.find(f".//{w('del')}") is not None
    assert all(r.find(f"{w('rPr')}/{w('b')}") is not None for r in runs)
    body = _paragraph_with(_document(tracked(old_policy(), changed_words())),
                           "Visits need prior written approval of thea team lead.")
    assert all(r.find(w("rPr")) is None for r in body.iter(w("r")))


def test_track_changes_is_switched_on_for_the_reader():
    data = tracked(old_policy(), changed_words())
    settings = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml"))
    assert settings.find(w("trackRevisions")) is not None


def test_same_input_gives_the_same_bytes():
    first, second = tracked(old_policy(), many_changes()), tracked(old_policy(), many_changes())
    assert first == second
    redline = compare(old_policy(), many_changes())
    assert export_redline_docx(redline, META, AUTHOR, WHEN) == first
    assert export_tracked_docx(old_policy(), many_changes(), META, "Trần Thị Bình", WHEN) != first
    assert export_tracked_docx(old_policy(), many_changes(), META, AUTHOR,
                               WHEN.astimezone(UTC) + timedelta(days=1)) != first


# --- a real word processor ------------------------------------------------------------------

ODF = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "dc": "http://purl.org/dc/elements/1.1/",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}


def _libreoffice_content(data: bytes, folder):
    """Convert the file to .odt with LibreOffice; return its content.xml."""
    source = folder / "proposal.docx"
    source.write_bytes(data)
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([LIBREOFFICE, "--headless", f"-env:UserInstallation={profile}",
                        "--convert-to", "odt", "--outdir", str(folder), str(source)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    return etree.fromstring(zipfile.ZipFile(folder / "proposal.odt").read("content.xml"))


def _lo_proposal() -> list[Block]:
    """A clause inserted, one deleted, one edited, one moved to the top; table rows changed."""
    blocks = inserted_clause()
    blocks = blocks[:2] + blocks[-1:] + blocks[2:6] + blocks[7:-1]
    blocks = _with(renumber(blocks), 3, text="Collectors call the debtor first, then write.")
    rows = list(BUCKETS.cells)
    return _with(blocks, 8, cells=(rows[0], rows[2], ("B3", "61-90", "Chuyển pháp lý")))


@pytest.mark.slow
@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not "
                    "installed: the tracked changes cannot be checked in a real word processor")
def test_libreoffice_shows_insertions_and_deletions_with_author_and_date(tmp_path):
    root = _libreoffice_content(tracked(old_policy(), _lo_proposal()), tmp_path)
    regions = root.findall(".//text:tracked-changes/text:changed-region", ODF)
    kinds: dict[str, list[str]] = {}
    for region in regions:
        change = region[0]
        info = change.find("office:change-info", ODF)
        assert info.findtext("dc:creator", namespaces=ODF) == AUTHOR
        assert info.findtext("dc:date", namespaces=ODF).startswith("2026-02-03T02:30:00")
        kinds.setdefault(etree.QName(change).localname, []).append("".join(change.itertext()))
    assert kinds.keys() >= {"insertion", "deletion"}
    deleted = " ".join(kinds["deletion"])
    assert "Visits need written approval of the team lead." in deleted
    # LibreOffice 7.4 reads a Word move as a deletion where the clause was ...
    assert "Complaints go to compliance." in deleted
    # ... and an insertion where it is, both halves marked by the move's bookmarks.
    inserted = {r.get(f"{{{ODF['text']}}}id") for r in regions
                if etree.QName(r[0]).localname == "insertion"}
    paragraphs = {"".join(p.itertext()): p for p in root.iter(f"{{{ODF['text']}}}p")}
    for text in ("Every call is recorded.", ", then write.", "Complaints go to compliance."):
        paragraph = next(p for t, p in paragraphs.items() if text in t)
        starts = paragraph.findall(".//text:change-start", ODF)
        assert {s.get(f"{{{ODF['text']}}}change-id") for s in starts} & inserted, text
    names = {b.get(f"{{{ODF['text']}}}name") for b in root.iter(f"{{{ODF['text']}}}bookmark-start")}
    assert any(n.startswith("__RefMoveFrom__") for n in names)
    assert any(n.startswith("__RefMoveTo__") for n in names)
    # The deleted and the inserted row are tracked as rows (LibreOffice's own row flag).
    tracked_rows = {style.get(f"{{{ODF['style']}}}name")
                    for style in root.iter(f"{{{ODF['style']}}}style")
                    if any(v == "false" and k.endswith("text-changes-only")
                           for props in style for k, v in props.attrib.items())}
    rows = root.iter(f"{{{ODF['table']}}}table-row")
    assert [r.get(f"{{{ODF['table']}}}style-name") in tracked_rows for r in rows] == [
        False, True, False, True]
