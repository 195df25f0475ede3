"""Build .docx files for the importer's tests: python-docx's template with raw WordprocessingML.

python-docx writes headings, tables and styles; numbering, content controls, fields and tracked
changes are written as raw XML, the way Word stores them. Strings passed as paragraph content
are plain text runs unless they start with "<" (then they are XML).
"""

import io
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
DECLARATIONS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
CHANGE = 'w:author="Compliance" w:date="2025-05-02T09:00:00Z"'


# --- document -----------------------------------------------------------------------------------

def build_docx(body: str, numbering: str = "", styles: str = "", title: str | None = None,
               style_numbering: dict[str, str] | None = None) -> bytes:
    """Return a .docx whose body is `body`, with extra list definitions and paragraph styles.

    `numbering` (w:abstractNum / w:num elements) is added to the template's numbering.xml;
    `style_numbering` maps an existing style id to a w:numPr to put in its pPr.
    """
    document = docx.Document()
    body_el = document.element.body
    sect_pr = body_el.find(qn("w:sectPr"))
    for child in list(body_el):
        if child is not sect_pr:
            body_el.remove(child)
    for child in parse_xml(f"<w:body {DECLARATIONS}>{body}</w:body>"):
        sect_pr.addprevious(child)
    if numbering:
        _add_numbering(document.part.numbering_part.element, numbering)
    styles_el = document.styles.element
    for style in parse_xml(f"<w:styles {DECLARATIONS}>{styles}</w:styles>"):
        styles_el.append(style)
    for style_id, numpr in (style_numbering or {}).items():
        style = styles_el.xpath(f'w:style[@w:styleId="{style_id}"]')[0]
        style.get_or_add_pPr().insert(0, parse_xml(f"<w:numPr {DECLARATIONS}>{numpr}</w:numPr>"))
    if title is not None:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_numbering(numbering_el, xml: str) -> None:
    """Insert abstract lists before the first w:num (the schema's order) and nums at the end."""
    first_num = numbering_el.find(qn("w:num"))
    for child in parse_xml(f"<w:numbering {DECLARATIONS}>{xml}</w:numbering>"):
        if child.tag == qn("w:abstractNum") and first_num is not None:
            first_num.addprevious(child)
        else:
            numbering_el.append(child)


# --- paragraphs and runs ------------------------------------------------------------------------

def r(text: str, rpr: str = "") -> str:
    """Return a run of text."""
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _content(items) -> str:
    return "".join(i if i.startswith("<") else r(i) for i in items)


def p(*content: str, style: str | None = None, num: int | None = None, ilvl: int | None = None,
      ppr: str = "") -> str:
    """Return a paragraph; num/ilvl give it direct numbering."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num is not None or ilvl is not None:
        props += "<w:numPr>"
        props += f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        props += f'<w:numId w:val="{num}"/>' if num is not None else ""
        props += "</w:numPr>"
    props += ppr
    return f"<w:p><w:pPr>{props}</w:pPr>{_content(content)}</w:p>"


def ins(*content: str, change_id: int = 1) -> str:
    """Return a tracked insertion."""
    return f'<w:ins w:id="{change_id}" {CHANGE}>{_content(content)}</w:ins>'


def deleted(text: str, change_id: int = 2) -> str:
    """Return a tracked deletion of text."""
    return (f'<w:del w:id="{change_id}" {CHANGE}><w:r><w:delText xml:space="preserve">'
            f"{escape(text)}</w:delText></w:r></w:del>")


def deleted_mark(change_id: int = 3) -> str:
    """Return pPr content marking the paragraph mark as deleted (it joins the next paragraph)."""
    return f'<w:rPr><w:del w:id="{change_id}" {CHANGE}/></w:rPr>'


def field(instruction: str, *result: str) -> str:
    """Return a complex field (begin, instruction, separate, result runs, end)."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{_content(result)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def sdt(*content: str, placeholder: bool = False, gallery: str = "") -> str:
    """Return a content control around paragraphs, runs, rows or cells."""
    props = "<w:showingPlcHdr/>" if placeholder else ""
    if gallery:
        props += f'<w:docPartObj><w:docPartGallery w:val="{gallery}"/></w:docPartObj>'
    return (f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{''.join(content)}</w:sdtContent>"
            "</w:sdt>")


# --- tables -------------------------------------------------------------------------------------

def tc(*paragraphs: str, tcpr: str = "") -> str:
    """Return a cell; plain strings become paragraphs."""
    body = "".join(x if x.startswith("<") else p(x) for x in paragraphs) or "<w:p/>"
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


def tr(*cells: str, trpr: str = "") -> str:
    """Return a row; plain strings become cells."""
    cells_xml = "".join(c if c.startswith("<") else tc(c) for c in cells)
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{cells_xml}</w:tr>"


def tbl(*rows: str, columns: int = 3) -> str:
    """Return a table over `columns` grid columns."""
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


# --- numbering ----------------------------------------------------------------------------------

def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    """Return a list level."""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{extra}<w:lvlText w:val="{escape(text)}"/></w:lvl>')


def abstract(abstract_id: int, *levels: str) -> str:
    """Return an abstract list definition."""
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    """Return a list instance."""
    return (f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}'
            "</w:num>")


def start_override(ilvl: int, start: int) -> str:
    """Return a lvlOverride restarting a level at `start`."""
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def paragraph_style(style_id: str, name: str, based_on: str = "", ppr: str = "") -> str:
    """Return a paragraph style definition."""
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{base}'
            f"<w:pPr>{ppr}</w:pPr></w:style>")


# Clause lists used across the tests: "1." / "1.1." / "a)" / "(i)".
CLAUSES = abstract(10, lvl(0, "decimal", "%1."), lvl(1, "decimal", "%1.%2."),
                   lvl(2, "lowerLetter", "%3)"), lvl(3, "lowerRoman", "(%4)"))


# --- sample documents (shared with the round-trip tests) ---------------------------------------

def policy_sample() -> bytes:
    """Return a policy with a title, headings, multi-level clauses, bullets and a table."""
    body = "".join([
        p("Chính sách liên hệ khách hàng", style="Title"),
        p("Phạm vi (Scope)", style="Heading1"),
        p("This policy applies to every collector.", ),
        p("Nhân viên chỉ liên hệ qua kênh đã đăng ký.", num=20, ilvl=0),
        p("Calls are recorded.", num=20, ilvl=0),
        p("Recordings are kept five years.", num=20, ilvl=1),
        p("bằng lời nói;", num=20, ilvl=2),
        p("by an automatic message.", num=20, ilvl=2),
        p("Khung giờ (Hours)", style="Heading2"),
        p("Only between 07:00 and 21:00.", style="ListBullet"),
        p("Never on public holidays.", style="ListBullet"),
        tbl(tr("Ngày", "Từ", "Đến"), tr("Thứ Hai", "07:00", "21:00"),
            tr(tc("Chủ nhật", ), tc("Không liên hệ", tcpr='<w:gridSpan w:val="2"/>'))),
        p("Staff must never contact an employer.", num=20, ilvl=0),
    ])
    return build_docx(body, numbering=CLAUSES + num(20, 10))


def controls_sample() -> bytes:
    """Return a document using content controls, fields, hyperlinks and tracked changes."""
    body = "".join([
        sdt(p("Điều khoản chung", style="Heading1"), p("Customer: ", sdt(r("Nguyễn Văn A")))),
        p("See clause ", field(" REF _Ref1 \\r \\h ", "2.1"), " for the hours."),
        p("Calls are made ", deleted("only "), ins("between 08:00 and 20:00 "), "on working days."),
        p('<w:hyperlink r:id="rId99">' + r("COL-POL-007") + "</w:hyperlink>", " applies."),
        tbl(tr("Kênh", "Giờ"), sdt(tr("SMS", tc(p("08:00", field(" PAGE ", " to "), "20:00")))),
            columns=2),
    ])
    return build_docx(body)
