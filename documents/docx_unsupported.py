"""What an uploaded .docx carries that the block model cannot hold, reported by name.

The importer keeps headings, paragraphs, list items and tables. Text boxes, images, charts,
SmartArt, equations, embedded objects and documents, footnotes, endnotes and comments are not
imported; rather than dropping them silently, each kind found in the body gets one notice
("2 text boxes were not imported: “Lưu ý: …”"). Headers and footers are ignored on purpose
(the export writes its own) and are not reported. Drawings are counted once: the
mc:Fallback copy Word writes beside each modern drawing is skipped.
"""

from collections import Counter

from documents.docx_ooxml import qn
from models.errors import N_, translate

W_T = qn("w:t")
W_TXBX_CONTENT = qn("w:txbxContent")
PIC = qn("pic:pic")
V_IMAGEDATA = qn("v:imagedata")
A_GRAPHIC_DATA = qn("a:graphicData")
M_OMATH = qn("m:oMath")
W_OBJECT = qn("w:object")
MC_FALLBACK = qn("mc:Fallback")
_REFERENCES = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote",
               qn("w:commentReference"): "comment", qn("w:altChunk"): "alt_chunk",
               W_OBJECT: "object"}
_TRACKED = frozenset(qn(f"w:{n}") for n in (
    "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "tblPrChange", "trPrChange",
    "tcPrChange", "sectPrChange", "numberingChange", "cellIns", "cellDel", "cellMerge"))
_GRAPHICS = {"http://schemas.openxmlformats.org/drawingml/2006/chart": "chart",
             "http://schemas.microsoft.com/office/drawing/2014/chartex": "chart",
             "http://schemas.openxmlformats.org/drawingml/2006/diagram": "smartart"}
_SCANNED = (W_TXBX_CONTENT, PIC, V_IMAGEDATA, A_GRAPHIC_DATA, M_OMATH, *_REFERENCES, *_TRACKED)
_SAMPLES, _SAMPLE_WORDS = 3, 8

TRACKED_CHANGES = N_("This document contains tracked changes; they were imported as if all were "
                     "accepted.")
# (one, many): the domain layer has gettext only, so each count has a singular and a plural text.
_MESSAGES = {
    "text_box": (N_("1 text box was not imported: %(sample)s."),
                 N_("%(count)d text boxes were not imported: %(sample)s.")),
    "image": (N_("1 image was not imported."), N_("%(count)d images were not imported.")),
    "chart": (N_("1 chart was not imported."), N_("%(count)d charts were not imported.")),
    "smartart": (N_("1 SmartArt diagram was not imported."),
                 N_("%(count)d SmartArt diagrams were not imported.")),
    "equation": (N_("1 equation was not imported."),
                 N_("%(count)d equations were not imported.")),
    "object": (N_("1 embedded object was not imported."),
               N_("%(count)d embedded objects were not imported.")),
    "alt_chunk": (N_("1 embedded document (altChunk) was not imported."),
                  N_("%(count)d embedded documents (altChunk) were not imported.")),
    "footnote": (N_("The document has 1 footnote; it was not imported."),
                 N_("The document has %(count)d footnotes; they were not imported.")),
    "endnote": (N_("The document has 1 endnote; it was not imported."),
                N_("The document has %(count)d endnotes; they were not imported.")),
    "comment": (N_("The document has 1 comment; it was not imported."),
                N_("The document has %(count)d comments; they were not imported.")),
}
_ORDER = ("text_box", "image", "chart", "smartart", "equation", "object", "alt_chunk",
          "footnote", "endnote", "comment")


def count_notice(kind: str, count: int, **params) -> str:
    """Return the translated notice for `count` things of one kind."""
    one, many = _MESSAGES[kind]
    return translate(one if count == 1 else many) % {"count": count, **params}


def _sample(txbx) -> str:
    words = " ".join(t.text or "" for t in txbx.iter(W_T)).split()
    text = " ".join(words[:_SAMPLE_WORDS]) + ("…" if len(words) > _SAMPLE_WORDS else "")
    return f"“{text}”"


def _kind(el, ancestors: set) -> str | None:
    tag = el.tag
    if tag == W_TXBX_CONTENT:
        return "text_box"
    if tag == PIC or (tag == V_IMAGEDATA and W_OBJECT not in ancestors):
        return "image"
    if tag == A_GRAPHIC_DATA:
        return _GRAPHICS.get(el.get("uri") or "")
    if tag == M_OMATH:
        return None if M_OMATH in ancestors else "equation"
    return _REFERENCES.get(tag)


def unsupported_notices(body) -> tuple[bool, list[str]]:
    """Scan the body once: return whether it has tracked changes, and one notice per kind."""
    counts: Counter[str] = Counter()
    samples: list[str] = []
    tracked = False
    for el in body.iter(*_SCANNED):
        if el.tag in _TRACKED:
            tracked = True
            continue
        ancestors = {a.tag for a in el.iterancestors()}
        kind = None if MC_FALLBACK in ancestors else _kind(el, ancestors)
        if kind is None:
            continue
        counts[kind] += 1
        if kind == "text_box" and len(samples) < _SAMPLES:
            samples.append(_sample(el))
    sample = ", ".join(samples) + (", …" if counts["text_box"] > len(samples) else "")
    return tracked, [count_notice(kind, counts[kind], sample=sample)
                     for kind in _ORDER if counts[kind]]
