"""Word importer: an uploaded .docx becomes the canonical blocks of a draft version.

`import_docx` first runs the upload-safety checks (before any XML parser sees the file), then
opens the package with python-docx and walks the body on the lxml tree in document order:
paragraphs and tables, including those inside content controls (w:sdt) and custom XML, at body
level and inside table cells.

  * Headings: paragraphs whose style (or its basedOn chain) is Heading 1..9 by name or id,
    localised names and LibreOffice's included, or has an outline level; a direct outline level
    on the paragraph wins. Title-styled paragraphs become the document title, not blocks (the
    core properties' title is the fallback).
  * Numbering: `docx_list_numbers` computes each number as Word shows it. Numbered paragraphs
    become list items at their list level; numbered headings stay headings with their number;
    bullets are list items with number "" and format "bullet". A paragraph whose level shows no
    counter (numFmt none) stays a paragraph.
  * Text: `docx_text` reads runs with tracked changes accepted, field results, hyperlinks and
    symbols; the result is normalised (`normalise_text`). A paragraph whose mark is a tracked
    deletion joins the next paragraph, which keeps its own style and numbering (as accepting
    does in Word). Empty paragraphs are dropped (an empty numbered paragraph still counts, as
    Word shows its number).
  * Tables: one row of cell texts per w:tr, rectangular over the table's grid columns. A cell
    spanning n grid columns (w:gridSpan) keeps its text in its first column and "" in the
    other n-1; a vertically merged continuation cell (w:vMerge without "restart") is "", so
    each merged cell's text appears once, at its top-left position. w:gridBefore/w:gridAfter
    columns are "". A cell's paragraphs (numbered ones with their number) and nested tables
    are flattened into one text. Rows and cells deleted as tracked changes are left out.
  * Text boxes are reported, not imported (their position in the reading order is unknown):
    see `docx_unsupported`, which names everything else left out. Headers, footers, footnotes,
    endnotes and comments are ignored on purpose; footnotes, endnotes and comments are
    reported.
"""

import io
from dataclasses import dataclass

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from documents.blocks import Block, BlockKind, new_block_id, normalise_text
from documents.docx_list_numbers import ClauseNumber, ListCounters, Numbering
from documents.docx_ooxml import child_val, qn, to_int
from documents.docx_styles import NumRef, StyleInfo, StyleSheet, num_ref, outline_level
from documents.docx_text import TextReader, mark_deleted, sdt_content
from documents.docx_unsupported import TRACKED_CHANGES, unsupported_notices
from documents.upload_safety import DocxLimits, check_docx
from models.errors import N_, ValidationError, translate

W_BODY, W_P, W_TBL, W_TR, W_TC = qn("w:body"), qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_PPR, W_PSTYLE, W_TRPR, W_TCPR = qn("w:pPr"), qn("w:pStyle"), qn("w:trPr"), qn("w:tcPr")
W_SDT, W_SDT_PR, W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtPr"), qn("w:customXml")
W_DOC_PART_OBJ, W_DOC_PART_GALLERY = qn("w:docPartObj"), qn("w:docPartGallery")
W_DEL, W_CELL_DEL = qn("w:del"), qn("w:cellDel")
W_GRID_SPAN, W_GRID_BEFORE, W_GRID_AFTER = qn("w:gridSpan"), qn("w:gridBefore"), qn("w:gridAfter")
W_VMERGE, W_HMERGE = qn("w:vMerge"), qn("w:hMerge")
DC_TITLE = qn("dc:title")
MAX_GRID = 63  # Word's column limit: padding for spans stops here, so hostile spans stay small

TOC_NOTICE = N_("The table of contents was not imported; the portal builds its own from the "
                "headings.")
HIDDEN_NOTICE = N_("Hidden text was not imported: %(sample)s.")
UNREADABLE = N_("The file could not be read as a Word document (.docx); it may be damaged or "
                "in another format.")
NO_BODY = N_("The Word document has no body.")


@dataclass
class ImportResult:
    """The blocks of an uploaded document, its title, and what the user should be told."""

    blocks: list[Block]
    title: str
    notices: list[str]


def import_docx(data: bytes, limits: DocxLimits | None = None, filename: str = ""
                ) -> ImportResult:
    """Turn an uploaded .docx into blocks; raise ValidationError if it is unsafe or unreadable."""
    check_docx(data, limits or DocxLimits(), filename)
    document = _open(data)
    body = document.element.find(W_BODY)
    if body is None:
        raise ValidationError(NO_BODY)
    styles = StyleSheet(_related_element(document.part, RT.STYLES))
    reader = _BodyReader(styles, Numbering(_related_element(document.part, RT.NUMBERING), styles))
    reader.read(body)
    tracked, notices = unsupported_notices(body)
    title = " ".join(reader.title_parts) or _core_title(document)
    return ImportResult(reader.blocks, title, _reader_notices(reader, tracked) + notices)


def _open(data: bytes):
    """Open the package; every failure of python-docx, zipfile or lxml becomes a 400."""
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # they raise KeyError, BadZipFile, XMLSyntaxError, ValueError, ...
        raise ValidationError(UNREADABLE) from exc


def _related_element(part, reltype: str):
    """Return the parsed XML of the part related to `part` by reltype, None if there is none."""
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _core_title(document) -> str:
    """Return the title in the core properties, "" if none."""
    # Found by content type: LibreOffice writes a relationship type python-docx does not know.
    core = next((getattr(part, "element", None) for part in document.part.package.iter_parts()
                 if part.content_type == CT.OPC_CORE_PROPERTIES), None)
    title = None if core is None else core.find(DC_TITLE)
    return normalise_text(title.text if title is not None else "")


def _reader_notices(reader: "_BodyReader", tracked: bool) -> list[str]:
    notices = [translate(TRACKED_CHANGES)] if tracked else []
    if reader.toc_seen or reader.text.fields.toc_seen:
        notices.append(translate(TOC_NOTICE))
    if reader.text.hidden_runs:
        sample = "“" + " ".join(reader.text.hidden_sample) + "…”"
        notices.append(translate(HIDDEN_NOTICE) % {"sample": sample})
    return notices


@dataclass
class _Paragraph:
    text: str
    ppr: object
    style_id: str | None
    style: StyleInfo


class _BodyReader:
    """Walks the body in document order and collects blocks; counters run across it all."""

    def __init__(self, styles: StyleSheet, numbering: Numbering):
        self.styles = styles
        self.counters = ListCounters(numbering)
        self.text = TextReader()
        self.blocks: list[Block] = []
        self.title_parts: list[str] = []
        self.toc_seen = False

    def read(self, body) -> None:
        """Append the blocks of the body's paragraphs and tables."""
        for item in self._items(body):
            block = self._table(item) if not isinstance(item, _Paragraph) else self._block(item)
            if block is not None:
                self.blocks.append(block)

    # --- structure ---------------------------------------------------------------------------

    def _children(self, container):
        """Yield the paragraphs and tables of a container, looking through content controls."""
        for child in container.iterchildren():
            tag = child.tag
            if tag in (W_P, W_TBL):
                yield child
            elif tag == W_SDT:
                if _is_toc_control(child):
                    self.toc_seen = True
                    continue
                content = sdt_content(child)
                if content is not None:
                    yield from self._children(content)
            elif tag == W_CUSTOM_XML:
                yield from self._children(child)

    def _items(self, container):
        """Yield _Paragraph and table elements; a paragraph whose mark is deleted joins the next."""
        pending = None
        for el in self._children(container):
            if el.tag == W_TBL:
                if pending is not None:
                    yield pending
                    pending = None
                yield el
                continue
            para = self._paragraph(el)
            if pending is not None:
                para.text = pending.text + para.text
                pending = None
            if mark_deleted(para.ppr):
                pending = para
            else:
                yield para
        if pending is not None:
            yield pending

    def _paragraph(self, p) -> _Paragraph:
        ppr = p.find(W_PPR)
        style_id = child_val(ppr, W_PSTYLE)
        return _Paragraph(self.text.paragraph_text(p), ppr, style_id, self.styles.info(style_id))

    # --- paragraphs ---------------------------------------------------------------------------

    def _number(self, para: _Paragraph) -> tuple[int, ClauseNumber] | None:
        ref = num_ref(para.ppr)
        inherited = para.style.num
        if inherited is not None:
            ref = inherited if ref is None else NumRef(
                ref.num_id if ref.num_id is not None else inherited.num_id,
                ref.ilvl if ref.ilvl is not None else inherited.ilvl)
        return None if ref is None else self.counters.next_number(ref, para.style_id)

    def _block(self, para: _Paragraph) -> Block | None:
        numbered = self._number(para)
        text = normalise_text(para.text)
        if para.style.is_title:
            if text:
                self.title_parts.append(text)
            return None
        if not text:
            return None
        level, number = numbered if numbered else (0, ClauseNumber("", ""))
        direct = outline_level(para.ppr)
        heading = para.style.heading_level if direct is None else (direct + 1) % 10
        if heading:
            return Block(new_block_id(), BlockKind.HEADING, text, heading, number.text,
                         number.number_format)
        if number.number_format:
            return Block(new_block_id(), BlockKind.LIST_ITEM, text, level, number.text,
                         number.number_format)
        return Block(new_block_id(), BlockKind.PARAGRAPH, text, number=number.text)

    # --- tables -------------------------------------------------------------------------------

    def _table(self, tbl) -> Block | None:
        rows = []
        for tr in _flatten(tbl, W_TR):
            trpr = tr.find(W_TRPR)
            if trpr is not None and trpr.find(W_DEL) is not None:
                continue  # a row deleted as a tracked change is gone once accepted
            row: list[str] = []
            _pad(row, to_int(child_val(trpr, W_GRID_BEFORE), 0, 0, MAX_GRID))
            for tc in _flatten(tr, W_TC):
                self._add_cell(row, tc)
            _pad(row, to_int(child_val(trpr, W_GRID_AFTER), 0, 0, MAX_GRID))
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        if not width:
            return None
        for row in rows:
            _pad(row, width - len(row))
        return Block(new_block_id(), BlockKind.TABLE, cells=tuple(tuple(r) for r in rows))

    def _add_cell(self, row: list[str], tc) -> None:
        tcpr = tc.find(W_TCPR)
        if tcpr is not None and tcpr.find(W_CELL_DEL) is not None:
            return
        text = self._cell_text(tc)  # read even when merged away: fields and counters run on
        row.append("" if _continues_merge(tcpr) else text)
        _pad(row, to_int(child_val(tcpr, W_GRID_SPAN), 1, 1, MAX_GRID) - 1)

    def _cell_text(self, tc) -> str:
        parts = []
        for item in self._items(tc):
            if isinstance(item, _Paragraph):
                numbered = self._number(item)
                text = normalise_text(item.text)
                if text:
                    parts.append(f"{numbered[1].text} {text}" if numbered and numbered[1].text
                                 else text)
            else:
                nested = self._table(item)
                if nested is not None:
                    parts.extend(c for row in nested.cells for c in row if c)
        return normalise_text(" ".join(parts))


def _flatten(container, tag: str):
    """Yield container's `tag` children, looking through content controls and custom XML."""
    for child in container.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = sdt_content(child)
            if content is not None:
                yield from _flatten(content, tag)
        elif child.tag == W_CUSTOM_XML:
            yield from _flatten(child, tag)


def _pad(row: list[str], count: int) -> None:
    """Append up to `count` empty cells, never growing the row past MAX_GRID by padding."""
    row.extend([""] * max(0, min(count, MAX_GRID - len(row))))


def _continues_merge(tcpr) -> bool:
    """Return whether a cell continues a merge from the cell above (or, legacy, to its left)."""
    if tcpr is None:
        return False
    for tag in (W_VMERGE, W_HMERGE):
        merge = tcpr.find(tag)
        if merge is not None and (merge.get(qn("w:val")) or "continue") != "restart":
            return True
    return False


def _is_toc_control(sdt) -> bool:
    props = sdt.find(W_SDT_PR)
    gallery = None if props is None else child_val(props.find(W_DOC_PART_OBJ), W_DOC_PART_GALLERY)
    return (gallery or "").lower() == "table of contents"

