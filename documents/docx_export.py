"""Export a document version as a clean .docx generated from its blocks (never the upload).

The body is written as XML text and parsed once by lxml into python-docx's tree: one python-docx
call per paragraph would cost seconds on a 100,000-word policy, and even one lxml SubElement per
element costs five times the parse. Clause numbers are real Word automatic
numbering (see `documents.docx_numbering`), so Word and LibreOffice show `block.number` and a
reader can keep editing the list. The same blocks and metadata always give the same bytes.
"""

import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import nsmap

from documents.blocks import MAX_LEVEL, Block, BlockKind
from documents.docx_numbering import LevelFormat, NumberingPlan, NumberingStream
from models.errors import N_, translate

W = f"{{{nsmap['w']}}}"
VAL = W + "val"
BODY_FONT = "Times New Roman"  # both fonts carry every Vietnamese glyph, on Windows and Debian
HEADING_FONT = "Arial"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1134  # A4, 2 cm margins, in twentieths of a point
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INDENT = 720  # list indent per level
FALLBACK_DATE = date(2000, 1, 1)  # core-property dates when a draft has no effective date
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 cannot carry; imported text rarely has them, but lxml would refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FIELD = re.compile(r"%\((page|pages)\)s")
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


@dataclass(frozen=True)
class ExportMeta:
    """What the page header and the file's properties say about the version."""

    code: str
    title: str
    version: int | None
    effective_from: date | None
    status: str = ""
    category: str = ""


def export_docx(blocks: Sequence[Block], meta: ExportMeta) -> bytes:
    """Return a .docx showing the blocks under a title, with header, footer and properties."""
    plan = NumberingPlan()
    return write_docx(_body(blocks, meta.title, plan), plan, meta)


def write_docx(body: Iterable[str], plan: NumberingPlan, meta: ExportMeta,
               track_revisions: bool = False) -> bytes:
    """Return the package around a body given as XML fragments (which fill `plan` as they go).

    `track_revisions` turns Word's "Track Changes" on, so a reader's own edits are tracked too.
    """
    document = docx.Document()
    _set_page(document.sections[0]._sectPr)
    _set_styles(document.styles.element)
    # The section properties stay last in the body. The body is read before the numbering:
    # placing its numbered paragraphs is what fills the plan.
    _replace_content(document.element.body, body, keep_last=True)
    _replace_content(document.part.numbering_part.element, _numbering(plan))
    _write_header(document.sections[0].header._element, meta)
    _write_footer(document.sections[0].footer._element)
    _set_properties(document, meta)
    if track_revisions:
        # CT_Settings order: w:trackRevisions comes before w:defaultTabStop (in the template).
        document.settings.element.find(W + "defaultTabStop").addprevious(
            parse_xml(f'<w:trackRevisions xmlns:w="{nsmap["w"]}"/>'))
    return _save(document)


# --- body ------------------------------------------------------------------------------------

BOLD = "<w:rPr><w:b/></w:rPr>"


def xml_text(text: str) -> str:
    """Return text escaped for XML, without the characters XML cannot carry."""
    return escape(_NOT_XML.sub("", text))


def run_xml(text: str, rpr: str = "", deleted: bool = False) -> str:
    """Return one run (`deleted`: its text as w:delText, for a run inside a w:del)."""
    tag = "w:delText" if deleted else "w:t"
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<w:r>{rpr}<{tag}{space}>{xml_text(text)}</{tag}></w:r>"


def _run(text: str, bold: bool = False) -> str:
    return run_xml(text, BOLD if bold else "")


def ppr_xml(style: str = "", num: tuple[int, int] | None = None, align: str = "") -> str:
    """Return the paragraph properties inside w:pPr; `num` is (numId, ilvl) of its number."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    return ppr


def paragraph_xml(ppr: str, runs: str) -> str:
    """Return a paragraph from its properties and runs as XML text."""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs}</w:p>"


def _paragraph(text: str, style: str = "", num: tuple[int, int] | None = None,
               bold: bool = False, align: str = "") -> str:
    """Return a one-run paragraph; `num` is (numId, ilvl) of its automatic number."""
    return paragraph_xml(ppr_xml(style, num, align), _run(text, bold) if text else "")


@dataclass(frozen=True)
class Look:
    """How a block's paragraph looks: its style and which numbering stream counts it, at what level.

    `stream` is "lists", "headings" or "" (not numbered).
    """

    style: str
    stream: str = ""
    ilvl: int = 0


def block_look(block: Block) -> Look:
    """Return the look of a heading, list item or paragraph."""
    if block.kind == BlockKind.HEADING:
        level = max(1, min(block.level, 9))
        return Look(f"Heading{level}", "headings" if block.number else "", level - 1)
    if block.kind == BlockKind.LIST_ITEM:
        return Look("ListParagraph", "lists", max(0, min(block.level, MAX_LEVEL)))
    return Look("")


def table_columns(rows: Iterable[Sequence]) -> tuple[int, int]:
    """Return the column count of a table and the width of one column."""
    columns = max((len(r) for r in rows), default=0) or 1
    return columns, TEXT_WIDTH // columns


def table_start(columns: int, width: int) -> str:
    """Return a Table Grid table's opening: its properties and grid."""
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{width * columns}" w:type="dxa"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
            + f'<w:gridCol w:w="{width}"/>' * columns + "</w:tblGrid>")


def row_start(header: bool, trpr: str = "") -> str:
    """Return a row's opening; a header row repeats on every page."""
    trpr = ("<w:tblHeader/>" if header else "") + trpr
    return f"<w:tr><w:trPr>{trpr}</w:trPr>" if trpr else "<w:tr>"


def cell_xml(width: int, span: int, paragraph: str, tcpr: str = "") -> str:
    """Return a cell of `span` grid columns holding one paragraph."""
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width * span}" w:type="dxa"/>{grid_span}{tcpr}'
            f"</w:tcPr>{paragraph}</w:tc>")


def cell_span(columns: int, count: int, position: int) -> int:
    """Return the grid columns of a row's cell: a short row's last cell spans the rest."""
    return columns - count + 1 if position == count - 1 else 1


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Return a Table Grid table whose first row is bold and repeats on every page."""
    columns, width = table_columns(rows)
    out = [table_start(columns, width)]
    for index, row in enumerate(rows or [()]):
        out.append(row_start(index == 0))
        cells = list(row) or [""]
        # The block keeps each merged cell once.
        out.extend(cell_xml(width, cell_span(columns, len(cells), position),
                            _paragraph(text, bold=index == 0))
                   for position, text in enumerate(cells))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _body(blocks: Sequence[Block], title: str, plan: NumberingPlan) -> Iterator[str]:
    """Yield the title and every block, numbering list items and numbered headings."""
    streams = {"lists": NumberingStream(plan), "headings": NumberingStream(plan, indent=False)}
    yield _paragraph(title, style="Title")
    previous = None
    for block in blocks:
        if block.kind == BlockKind.TABLE:
            if previous == BlockKind.TABLE:
                yield _paragraph("")  # Word fuses tables that touch
            yield _table(block.cells)
        else:
            look = block_look(block)
            num = None
            if look.stream:
                num = (streams[look.stream].place(look.ilvl, block.number, block.number_format),
                       look.ilvl)
            yield _paragraph(block.text, style=look.style, num=num)
        previous = block.kind


def _replace_content(parent, fragments: Iterable[str], keep_last: bool = False) -> None:
    """Replace the element's children with XML fragments, parsed at once (fast at any size)."""
    last = parent[-1] if keep_last else None
    for child in list(parent):
        parent.remove(child)
    parent.extend(list(parse_xml(f'<w:x xmlns:w="{nsmap["w"]}">{"".join(fragments)}</w:x>')))
    if last is not None:
        parent.append(last)


# --- numbering, page, styles -----------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _lvl_xml(ilvl: int, start: int, fmt: LevelFormat, indent: bool) -> str:
    """Return one w:lvl of an abstract numbering as XML text."""
    left, hanging = (INDENT * (ilvl + 1), INDENT) if indent else (0, 0)
    suffix = "" if fmt.lvl_text else '<w:suff w:val="nothing"/>'
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{fmt.num_fmt}"/>{suffix}'
            f'<w:lvlText w:val={quoteattr(_NOT_XML.sub("", fmt.lvl_text))}/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>')


def _numbering(plan: NumberingPlan) -> Iterator[str]:
    """Yield the plan's abstract numberings, then its num instances, as XML text."""
    abstracts, abstract_ids = plan.layout()
    for abstract_id, definition in enumerate(abstracts):
        yield (f'<w:abstractNum w:abstractNumId="{abstract_id}">'
               '<w:multiLevelType w:val="multilevel"/>')
        yield from (_lvl_xml(ilvl, start, fmt, definition.indent) for ilvl, (fmt, start)
                    in enumerate(zip(definition.formats, definition.starts, strict=True)))
        yield "</w:abstractNum>"
    users = set()
    for instance, abstract_id in zip(plan.instances, abstract_ids, strict=True):
        yield f'<w:num w:numId="{instance.num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
        if abstract_id in users:  # a later list of the same kind restarts where its numbers do
            yield from (f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/>'
                        "</w:lvlOverride>" for ilvl, start in enumerate(instance.starts()))
        yield "</w:num>"
        users.add(abstract_id)


def _set_page(sect_pr) -> None:
    """Use A4 pages with 2 cm margins."""
    sect_pr.find(W + "pgSz").attrib.update({W + "w": str(PAGE_WIDTH), W + "h": str(PAGE_HEIGHT)})
    sect_pr.find(W + "pgMar").attrib.update(
        {W + side: str(MARGIN) for side in ("top", "right", "bottom", "left")}
        | {W + "header": "567", W + "footer": "567"})


def _set_styles(styles) -> None:
    """Pick fonts with Vietnamese glyphs for every script and drop the template's list styles."""
    for fonts in styles.iter(W + "rFonts"):
        if any(name.endswith("Theme") or name.endswith("theme") for name in fonts.attrib):
            style = fonts.getparent().getparent()
            style_id = style.get(W + "styleId", "")
            face = HEADING_FONT if style_id.startswith(("Heading", "Title")) else BODY_FONT
            fonts.attrib.clear()
            fonts.attrib.update({W + k: face for k in ("ascii", "hAnsi", "eastAsia", "cs")})
    for size in styles.find(W + "docDefaults").iter(W + "sz", W + "szCs"):
        size.set(VAL, "24")
    for numpr in list(styles.iter(W + "numPr")):
        numpr.getparent().remove(numpr)


# --- header, footer, properties --------------------------------------------------------------

def _header_lines(meta: ExportMeta) -> list[str]:
    """Return the header's lines: code and title, then version, effective date and status."""
    facts = []
    if meta.version is not None:
        facts.append(translate(N_("Version %(number)s")) % {"number": meta.version})
    if meta.effective_from is not None:
        facts.append(translate(N_("Effective from %(date)s"))
                     % {"date": meta.effective_from.isoformat()})
    if meta.status:
        facts.append(meta.status)
    return [" · ".join(t for t in (meta.code, meta.title) if t), " · ".join(facts)]


def _write_header(hdr, meta: ExportMeta) -> None:
    """Fill the page header with the document's code, title, version and effective date."""
    first, second = _header_lines(meta)
    _replace_content(hdr, [_paragraph(first, style="Header", bold=True),
                           _paragraph(second, style="Header")])


def _write_footer(ftr) -> None:
    """Fill the page footer with a centred "Page X of Y" built from PAGE and NUMPAGES fields."""
    template = translate(N_("Page %(page)s of %(pages)s"))
    runs = []
    for piece in _FIELD.split(template):
        if piece in ("page", "pages"):
            field = "PAGE" if piece == "page" else "NUMPAGES"
            runs.append(f'<w:fldSimple w:instr=" {field} ">{_run("1")}</w:fldSimple>')
        elif piece:
            runs.append(_run(piece))
    paragraph = _paragraph("", style="Footer", align="center")
    _replace_content(ftr, [paragraph.replace("</w:p>", "".join(runs) + "</w:p>")])


def _set_properties(document, meta: ExportMeta) -> None:
    """Set the file's properties from the metadata alone, so the same input gives the same file."""
    props = document.core_properties
    stamp = datetime.combine(meta.effective_from or FALLBACK_DATE, time())
    props.title, props.subject, props.category = meta.title, meta.code, meta.category
    props.revision = max(meta.version or 1, 1)
    props.version = "" if meta.version is None else str(meta.version)
    props.identifier = meta.code
    props.content_status = meta.status
    props.author = props.last_modified_by = "Collections Portal"
    props.comments = props.keywords = ""
    props.created = props.modified = stamp
    _drop_template_leftovers(document)


def _drop_template_leftovers(document) -> None:
    """Leave out the template's preview picture, bibliography and Word 2010 style copy."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
            document.part.drop_rel(rel_id)


class _FixedTimeZip:
    """A package writer that stamps every zip entry with one time (python-docx stamps "now")."""

    def __init__(self, stream):
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def _save(document) -> bytes:
    """Serialise the package as OpcPackage.save does, through the fixed-time writer."""
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    stream = io.BytesIO()
    writer = _FixedTimeZip(stream)
    # PackageWriter's steps are static helpers; python-docx is pinned (1.2.0) in pyproject.toml.
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return stream.getvalue()
