"""The text of .docx paragraphs as a reader sees it, with every tracked change accepted.

python-docx's `paragraph.text` drops inserted text, content controls, field results and
hyperlinks nested in them. Here a paragraph's runs are walked directly on the lxml tree:
  * tracked changes are accepted: w:ins and w:moveTo kept, w:del (w:delText) and w:moveFrom
    dropped;
  * complex fields (w:fldChar begin / separate / end, which may span runs and paragraphs) show
    their result, never their instruction; a table-of-contents field shows nothing (the portal
    builds its own from the headings); w:fldSimple shows its result;
  * hyperlinks, smart tags, custom XML and run-level content controls show their runs; a content
    control still showing its placeholder ("Click here to enter text") shows nothing;
  * w:tab, w:ptab, w:br and w:cr become a space, w:sym its Unicode character, w:noBreakHyphen "-";
  * hidden text (w:vanish) is not shown, but remembered so the importer can say so.
"""

from documents.docx_ooxml import is_on, qn

W_R, W_T, W_RPR, W_PPR = qn("w:r"), qn("w:t"), qn("w:rPr"), qn("w:pPr")
W_INS, W_DEL, W_MOVE_FROM, W_MOVE_TO = qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")
W_FLD_SIMPLE, W_INSTR = qn("w:fldSimple"), qn("w:instr")
W_FLD_CHAR, W_FLD_CHAR_TYPE, W_INSTR_TEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
W_SDT, W_SDT_PR, W_SDT_CONTENT = qn("w:sdt"), qn("w:sdtPr"), qn("w:sdtContent")
W_SHOWING_PLACEHOLDER = qn("w:showingPlcHdr")
W_SYM, W_CHAR, W_FONT = qn("w:sym"), qn("w:char"), qn("w:font")
W_VANISH, W_NO_BREAK_HYPHEN = qn("w:vanish"), qn("w:noBreakHyphen")
W_RUBY, W_RUBY_BASE = qn("w:ruby"), qn("w:rubyBase")
MC_ALTERNATE, MC_CHOICE = qn("mc:AlternateContent"), qn("mc:Choice")

# Elements whose runs are read as if they stood in the paragraph itself.
_CONTAINERS = frozenset(qn(n) for n in ("w:ins", "w:moveTo", "w:hyperlink", "w:smartTag",
                                        "w:customXml", "w:bdo", "w:dir"))
_SPACES = frozenset(qn(n) for n in ("w:tab", "w:ptab", "w:br", "w:cr"))

# Characters of the Symbol and Wingdings fonts that have a Unicode equivalent (w:sym stores the
# font's own code, usually shifted into the private-use area at U+F000).
_SYMBOL_FONT = dict(zip(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                        "αβχδεφγηιϕκλμνοπθρστυϖωξψζΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ", strict=True))
_SYMBOL_FONT.update({0xB7: "•", 0xB0: "°", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xA3: "≤",  # noqa: RUF001
                     0xB3: "≥", 0xB9: "≠", 0xBB: "≈", 0xAE: "→", 0xAC: "←", 0xAD: "↑",
                     0xAF: "↓", 0xDE: "⇒", 0xDC: "⇐", 0xDB: "⇔", 0xA5: "∞", 0xE5: "∑",
                     0xD6: "√", 0xBC: "…", 0xD3: "©", 0xE3: "©", 0xD2: "®", 0xE2: "®",
                     0xD4: "™", 0xE4: "™", 0x22: "∀", 0x24: "∃", 0xA7: "♣", 0xA9: "♥"})
_WINGDINGS = {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0xA8: "☐", 0x6C: "●", 0xA7: "▪",
              0xD8: "➢", 0x9F: "•"}
_HIDDEN_SAMPLE_WORDS = 12


def is_toc_instruction(instruction: str | None) -> bool:
    """Return whether a field instruction builds a table of contents."""
    return (instruction or "").strip().upper().startswith("TOC")


def sdt_content(sdt):
    """Return a content control's content, None if it shows only its placeholder text."""
    props = sdt.find(W_SDT_PR)
    if props is not None and is_on(props, W_SHOWING_PLACEHOLDER):
        return None
    return sdt.find(W_SDT_CONTENT)


def mark_deleted(ppr) -> bool:
    """Return whether a paragraph's mark is a tracked deletion (it joins the next paragraph)."""
    rpr = None if ppr is None else ppr.find(W_RPR)
    return rpr is not None and (rpr.find(W_DEL) is not None or rpr.find(W_MOVE_FROM) is not None)


def symbol_text(sym) -> str:
    """Return the Unicode text of a w:sym ("" if its code is unreadable)."""
    try:
        code = int(sym.get(W_CHAR) or "", 16)
    except ValueError:
        return ""
    font = (sym.get(W_FONT) or "").lower()
    own = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
    if font == "symbol" and own in _SYMBOL_FONT:
        return _SYMBOL_FONT[own]
    if font.startswith("wingdings") and own in _WINGDINGS:
        return _WINGDINGS[own]
    return chr(code) if 0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""


class _Field:
    __slots__ = ("hides", "in_result", "instruction")

    def __init__(self):
        self.in_result = False
        self.hides = True
        self.instruction: list[str] = []


class FieldStack:
    """Complex fields open at the current point of the document (they nest and span paragraphs).

    Text is visible when every open field is showing its result and none is a table of
    contents. `_hiding` counts the open fields that hide text, so each step costs O(1).
    """

    def __init__(self):
        self._open: list[_Field] = []
        self._hiding = 0
        self.toc_seen = False

    @property
    def visible(self) -> bool:
        """Return whether text at this point is part of what a reader sees."""
        return self._hiding == 0

    def begin(self) -> None:
        """Open a field: its instruction follows."""
        self._open.append(_Field())
        self._hiding += 1

    def instruction(self, text: str) -> None:
        """Add instruction text to the innermost field."""
        if self._open and not self._open[-1].in_result:
            self._open[-1].instruction.append(text)

    def separate(self) -> None:
        """Switch the innermost field from its instruction to its result."""
        if not self._open or self._open[-1].in_result:
            return
        field = self._open[-1]
        field.in_result = True
        if is_toc_instruction("".join(field.instruction)):
            self.toc_seen = True
        else:
            field.hides = False
            self._hiding -= 1

    def end(self) -> None:
        """Close the innermost field (an unmatched end is ignored)."""
        if self._open and self._open.pop().hides:
            self._hiding -= 1


class TextReader:
    """Reads paragraph text in document order, keeping field state across paragraphs."""

    def __init__(self):
        self.fields = FieldStack()
        self.hidden_runs = 0
        self.hidden_sample: list[str] = []  # first words of hidden text, for the notice

    def paragraph_text(self, p) -> str:
        """Return the text a reader sees in paragraph p (not yet normalised)."""
        out: list[str] = []
        self._collect(p, out)
        return "".join(out)

    def _collect(self, el, out: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                self._run(child, out)
            elif tag in _CONTAINERS:
                self._collect(child, out)
            elif tag == W_FLD_SIMPLE:
                if is_toc_instruction(child.get(W_INSTR)):
                    self.fields.toc_seen = True
                else:
                    self._collect(child, out)
            elif tag == W_SDT:
                content = sdt_content(child)
                if content is not None:
                    self._collect(content, out)
            elif tag in (MC_ALTERNATE, W_RUBY):
                inner = child.find(MC_CHOICE if tag == MC_ALTERNATE else W_RUBY_BASE)
                if inner is not None:
                    self._collect(inner, out)
            # w:del, w:moveFrom, w:pPr, math, bookmarks and proofing marks show no text

    def _run(self, run, out: list[str]) -> None:
        fields = self.fields
        hidden = False
        for child in run:
            tag = child.tag
            if tag == W_T:
                text = child.text
                if text and fields.visible:
                    if hidden:
                        self._remember_hidden(text)
                    else:
                        out.append(text)
            elif tag == W_RPR:  # the schema puts it first, before any text
                hidden = is_on(child, W_VANISH)
            elif tag == W_FLD_CHAR:
                kind = child.get(W_FLD_CHAR_TYPE)
                if kind == "begin":
                    fields.begin()
                elif kind == "separate":
                    fields.separate()
                elif kind == "end":
                    fields.end()
            elif tag == W_INSTR_TEXT:
                fields.instruction(child.text or "")
            elif hidden or not fields.visible:
                continue
            elif tag in _SPACES:
                out.append(" ")
            elif tag == W_SYM:
                out.append(symbol_text(child))
            elif tag == W_NO_BREAK_HYPHEN:
                out.append("-")

    def _remember_hidden(self, text: str) -> None:
        self.hidden_runs += 1
        room = _HIDDEN_SAMPLE_WORDS - len(self.hidden_sample)
        if room > 0:
            self.hidden_sample.extend(text.split()[:room])
