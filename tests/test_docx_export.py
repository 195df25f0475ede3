"""Word export: what a Word or LibreOffice user sees in the .docx generated from the blocks."""

import importlib.util
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.blocks import NUMBER_FORMATS, Block, BlockKind, format_counter, renumber
from documents.docx_export import ExportMeta, export_docx
from models import errors

META = ExportMeta("COL-POL-007", "Chính sách thu hồi nợ quá hạn", 3, date(2025, 3, 1),
                  "Effective", "policy")
VIETNAMESE = "Nhân viên phải ghi nhận mọi lần liên hệ với khách hàng trong vòng hai ngày."
LIBREOFFICE = shutil.which("libreoffice")


def heading(text, level, number="", number_format=""):
    return Block(f"h{text}", BlockKind.HEADING, text, level, number, number_format)


def para(text):
    return Block(f"p{text}", BlockKind.PARAGRAPH, text)


def item(text, level=0, number="", number_format=""):
    return Block(f"l{text}", BlockKind.LIST_ITEM, text, level, number, number_format)


def table(*rows):
    return Block(f"t{rows[0][0]}", BlockKind.TABLE, cells=tuple(tuple(r) for r in rows))


def house_policy() -> list[Block]:
    """A policy in house numbering: headings, clauses three levels deep, letters, a table."""
    return renumber([
        heading("Scope", 1), para(VIETNAMESE),
        item("Collectors call first."), item("Calls happen 8:00-20:00.", 1),
        item("Not on public holidays.", 2),
        item("Ngày lễ theo luật.", 2, number_format="lowerLetter"),
        item("Visits need approval.", 1), item("Letters go by post."),
        table(("Bucket", "Days past due", "Hành động"), ("B1", "1-30", "Gọi điện"),
              ("B2", "31-60", "Gửi thư")),
        heading("Contacts", 2),
        item("Record every contact."), item("Sub", 1, number_format="lowerRoman"),
        item("Sub", 1, number_format="lowerRoman"), item("Reminder", 1, number_format="bullet"),
    ])


def imported_numbers() -> list[Block]:
    """Numbers as other documents write them: Vietnamese articles, (1), restarts, gaps."""
    return [
        heading("Quy định chung", 1, "Chương I", "upperRoman"),
        heading("Phạm vi", 2, "Điều 1.", "decimal"),
        item("Khoản một", 0, "1.", "decimal"), item("Khoản hai", 0, "2.", "decimal"),
        item("Điểm a", 1, "a)", "lowerLetter"), item("Điểm b", 1, "b)", "lowerLetter"),
        heading("Đối tượng", 2, "Điều 2.", "decimal"),
        item("Paren one", 0, "(1)", "decimal"), item("Paren two", 0, "(2)", "decimal"),
        para("Between lists."),
        item("Paren again", 0, "(1)", "decimal"), item("Paren again two", 0, "(2)", "decimal"),
        item("Starts at five", 0, "5.", "decimal"), item("Six", 0, "6.", "decimal"),
        item("Gap to nine", 0, "9.", "decimal"), item("Nested under nine", 1, "9.1", "decimal"),
        item("Nested letter", 2, "9.1.a", "lowerLetter"),
        item("Roman", 0, "IV.", "upperRoman"), item("Roman next", 0, "V.", "upperRoman"),
        item("Excel-style letters", 0, "ab)", "lowerLetter"),
        item("Unnumbered item", 0, "", "decimal"),
    ]


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def _word_counter(value: int, num_fmt: str) -> str:
    """Counter text as Word shows it (written apart from the exporter, to check it)."""
    if num_fmt in ("lowerLetter", "upperLetter"):
        text = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return text.upper() if num_fmt == "upperLetter" else text
    return format_counter(value, num_fmt)


def _numbering_definitions(document):
    """Return {numId: {ilvl: (start, numFmt, lvlText)}} with start overrides applied."""
    root = document.part.numbering_part.element
    abstracts = {}
    for abstract in root.findall(qn("w:abstractNum")):
        abstracts[abstract.get(qn("w:abstractNumId"))] = {
            int(lvl.get(qn("w:ilvl"))): (int(lvl.find(qn("w:start")).get(qn("w:val"))),
                                         lvl.find(qn("w:numFmt")).get(qn("w:val")),
                                         lvl.find(qn("w:lvlText")).get(qn("w:val")))
            for lvl in abstract.findall(qn("w:lvl"))}
    nums = {}
    for num in root.findall(qn("w:num")):
        levels = dict(abstracts[num.find(qn("w:abstractNumId")).get(qn("w:val"))])
        for override in num.findall(qn("w:lvlOverride")):
            ilvl, start = int(override.get(qn("w:ilvl"))), override.find(qn("w:startOverride"))
            levels[ilvl] = (int(start.get(qn("w:val"))), *levels[ilvl][1:])
        nums[num.get(qn("w:numId"))] = levels
    return nums


def shown_labels(data: bytes) -> list[tuple[str, str]]:
    """Replay Word's counting over numbering.xml: (label, text) of every numbered paragraph."""
    document = open_docx(data)
    nums, counters, out = _numbering_definitions(document), {}, []
    for p in document.element.body.iter(qn("w:p")):
        numpr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numpr is None:
            continue
        num_id = numpr.find(qn("w:numId")).get(qn("w:val"))
        ilvl = int(numpr.find(qn("w:ilvl")).get(qn("w:val")))
        levels, count = nums[num_id], counters.setdefault(num_id, [None] * 9)
        count[ilvl] = levels[ilvl][0] if count[ilvl] is None else count[ilvl] + 1
        for k in range(9):
            if k < ilvl and count[k] is None:
                count[k] = levels[k][0]  # as LibreOffice does: skipped upper levels count
            elif k > ilvl:
                count[k] = None
        _, num_fmt, lvl_text = levels[ilvl]
        label = lvl_text if num_fmt == "bullet" else re.sub(
            r"%([1-9])", lambda m: _word_counter(count[int(m[1]) - 1],
                                                 levels[int(m[1]) - 1][1]), lvl_text)
        out.append((label, "".join(t.text for t in p.iter(qn("w:t")))))
    return out


def expected_labels(blocks) -> list[tuple[str, str]]:
    return [(b.number or ("\u2022" if b.number_format == "bullet" else ""), b.text)
            for b in blocks if b.kind == BlockKind.LIST_ITEM or (b.kind == BlockKind.HEADING
                                                                  and b.number)]


@pytest.fixture
def vietnamese():
    """Install a small Vietnamese catalog as the domain translator for one test."""
    catalog = {"Version %(number)s": "Phiên bản %(number)s",
               "Effective from %(date)s": "Hiệu lực từ %(date)s",
               "Page %(page)s of %(pages)s": "Trang %(page)s / %(pages)s"}
    previous = errors._translate
    errors.set_translator(lambda text: catalog.get(text, text))
    yield
    errors.set_translator(previous)


# --- what the reader sees ---------------------------------------------------------------------

def test_title_paragraph_and_file_properties():
    document = open_docx(export_docx(house_policy(), META))
    first = document.paragraphs[0]
    assert (first.style.name, first.text) == ("Title", META.title)
    props = document.core_properties
    assert (props.title, props.subject, props.revision, props.category) == (
        META.title, "COL-POL-007", 3, "policy")
    assert props.created.date() == props.modified.date() == date(2025, 3, 1)


def test_page_header_shows_code_title_version_and_effective_date():
    header = open_docx(export_docx(house_policy(), META)).sections[0].header
    text = "\n".join(p.text for p in header.paragraphs)
    for fact in ("COL-POL-007", META.title, "Version 3", "Effective from 2025-03-01"):
        assert fact in text


def test_draft_without_version_or_date_says_neither():
    meta = ExportMeta("COL-POL-008", "Draft policy", None, None)
    document = open_docx(export_docx([para("Text")], meta))
    text = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "COL-POL-008" in text and "Version" not in text and "Effective" not in text


def test_footer_counts_pages_with_fields():
    footer = open_docx(export_docx([para("x")], META)).sections[0].footer._element
    fields = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    words = "".join(t.text for t in footer.iter(qn("w:t"))
                    if t.getparent().getparent().tag == qn("w:p"))  # outside the fields
    assert fields == ["PAGE", "NUMPAGES"]
    assert words == "Page  of "


def test_header_and_footer_labels_follow_the_translator(vietnamese):
    document = open_docx(export_docx([para("x")], META))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    footer = "".join(t.text for t in document.sections[0].footer._element.iter(qn("w:t")))
    assert "Phiên bản 3" in header and "Hiệu lực từ 2025-03-01" in header
    assert footer.startswith("Trang ")


def test_headings_use_built_in_heading_styles_at_their_level():
    blocks = [heading("One", 1), heading("Two", 2), heading("Nine", 9), para("Body")]
    styles = [(p.style.name, p.text) for p in open_docx(export_docx(blocks, META)).paragraphs]
    assert styles[1:] == [("Heading 1", "One"), ("Heading 2", "Two"), ("Heading 9", "Nine"),
                          ("Normal", "Body")]


def test_list_items_carry_numpr_at_their_level_and_no_typed_number():
    blocks = house_policy()
    document = open_docx(export_docx(blocks, META))
    items = [b for b in blocks if b.kind == BlockKind.LIST_ITEM]
    numbered = [p for p in document.paragraphs if p._p.pPr is not None
                and p._p.pPr.numPr is not None]
    assert [(p.text, p._p.pPr.numPr.ilvl.val) for p in numbered] == [
        (b.text, b.level) for b in items]


def test_house_numbering_definitions_show_the_clause_numbers():
    blocks = house_policy()
    data = export_docx(blocks, META)
    first_num = _numbering_definitions(open_docx(data))["1"]
    assert first_num[0] == (1, "decimal", "%1.")
    assert first_num[1] == (1, "decimal", "%1.%2.")
    assert first_num[2] == (1, "decimal", "%1.%2.%3.")
    assert shown_labels(data) == expected_labels(blocks)


def test_imported_number_patterns_are_shown_as_given():
    blocks = imported_numbers()
    data = export_docx(blocks, META)
    assert shown_labels(data) == expected_labels(blocks)
    levels = [lv for num in _numbering_definitions(open_docx(data)).values() for lv in num.values()]
    assert (1, "decimal", "Điều %2.") in levels  # derived from the numbers, not typed in
    assert (5, "decimal", "%1.") in levels
    assert (4, "upperRoman", "%1.") in levels


def test_numbers_that_restart_get_a_new_num_restarted_by_start_override():
    blocks = [item("a", 0, "(1)"), item("b", 0, "(2)"), para("x"), item("c", 0, "(1)")]
    document = open_docx(export_docx(blocks, META))
    num_ids = [p._p.pPr.numPr.numId.val for p in document.paragraphs if p._p.pPr is not None
               and p._p.pPr.numPr is not None]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    root = document.part.numbering_part.element
    nums = {n.get(qn("w:numId")): n for n in root.findall(qn("w:num"))}
    restarted = nums[str(num_ids[2])]
    assert restarted.find(qn("w:abstractNumId")).get(qn("w:val")) == nums[
        str(num_ids[0])].find(qn("w:abstractNumId")).get(qn("w:val"))
    override = restarted.find(qn("w:lvlOverride"))
    assert override.find(qn("w:startOverride")).get(qn("w:val")) == "1"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(NUMBER_FORMATS),
                          st.text("01239aAbBivxIVX.()Đều -", max_size=8)), max_size=25))
def test_any_sequence_of_numbers_is_shown_exactly(items):
    blocks = [item(f"t{i}", level, number if fmt != "bullet" else "", fmt)
              for i, (level, fmt, number) in enumerate(items)]
    blocks += renumber(blocks)  # and the same items in house numbering
    assert shown_labels(export_docx(blocks, META)) == expected_labels(blocks)


def test_tables_use_table_grid_with_a_bold_repeated_header_row():
    rows = (("Bucket", "Hành động"), ("B1", "Gọi điện cho khách hàng"))
    document = open_docx(export_docx([table(*rows)], META))
    grid = document.tables[0]
    assert grid.style.name == "Table Grid"
    assert [[c.text for c in r.cells] for r in grid.rows] == [list(r) for r in rows]
    first, second = grid.rows
    assert first._tr.trPr.find(qn("w:tblHeader")) is not None
    assert second._tr.trPr is None
    assert all(run.bold for c in first.cells for run in c.paragraphs[0].runs)
    assert not any(run.bold for c in second.cells for run in c.paragraphs[0].runs)


def test_short_table_row_spans_the_remaining_columns():
    document = open_docx(export_docx([table(("a", "b", "c"), ("merged",))], META))
    short = document.tables[0].rows[1]._tr
    assert len(short.tc_lst) == 1 and short.tc_lst[0].grid_span == 3


def test_adjacent_tables_stay_two_tables():
    blocks = [table(("a",),), table(("b",),)]
    assert len(open_docx(export_docx(blocks, META)).tables) == 2


def test_vietnamese_text_is_intact_in_fonts_that_have_its_glyphs():
    document = open_docx(export_docx([heading("Điều khoản", 1), para(VIETNAMESE)], META))
    assert [p.text for p in document.paragraphs[1:]] == ["Điều khoản", VIETNAMESE]
    defaults = document.styles.element.find(qn("w:docDefaults")).find(
        f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert {defaults.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"}
    themed = [f for f in document.styles.element.iter(qn("w:rFonts"))
              if any("heme" in name for name in f.attrib)]
    assert themed == []  # no theme font that might lack Vietnamese glyphs


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    document = open_docx(export_docx([para("Tab\x0bbed \x01text")], META))
    assert document.paragraphs[1].text == "Tabbed text"


def test_same_input_gives_the_same_bytes():
    first, second = export_docx(house_policy(), META), export_docx(house_policy(), META)
    assert first == second
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)}
    assert export_docx(house_policy(), ExportMeta(**{**META.__dict__, "version": 4})) != first


# --- round trip through the importer ---------------------------------------------------------

def _content(blocks):
    return [(b.kind, b.level, b.number, b.number_format, b.text, b.cells) for b in blocks]


@pytest.mark.skipif(importlib.util.find_spec("documents.docx_import") is None,
                    reason="documents.docx_import has not landed yet")
@pytest.mark.parametrize("build", [house_policy, imported_numbers])
def test_import_of_the_export_gives_back_the_blocks(build):
    from documents.docx_import import import_docx

    blocks = build()
    result = import_docx(export_docx(blocks, META))
    assert result.title == META.title
    assert _content(result.blocks) == _content(blocks)


# --- a real word processor ------------------------------------------------------------------

def _libreoffice_text(data: bytes, folder) -> list[str]:
    """Convert the export to plain text with LibreOffice; return its non-empty lines."""
    source = folder / "export.docx"
    source.write_bytes(data)
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation=file://{folder / 'lo-profile'}",
                    "--headless", "--convert-to", "txt:Text", "--outdir", str(folder),
                    str(source)], check=True, capture_output=True, timeout=120)
    text = (folder / "export.txt").read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not "
                    "installed: the numbers cannot be checked in a real word processor")
def test_libreoffice_shows_the_clause_numbers(tmp_path):
    blocks = [b for b in house_policy() + imported_numbers() if b.number_format != "bullet"]
    lines = _libreoffice_text(export_docx(blocks, META), tmp_path)
    expected = [META.title]
    for b in blocks:
        if b.kind == BlockKind.TABLE:
            expected += [c for row in b.cells for c in row if c]
        else:
            expected.append(f"{b.number} {b.text}" if b.number else b.text)
    assert lines == expected
    assert {"1. Collectors call first.", "1.1. Calls happen 8:00-20:00.",
            "b) Ngày lễ theo luật.", "Điều 2. Đối tượng", "Gọi điện"} <= set(lines)
