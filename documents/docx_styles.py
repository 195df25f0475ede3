"""Paragraph styles of an uploaded .docx: which are headings (and of which level), which is the
title, and which automatic numbering a style gives its paragraphs (through its basedOn chain).
"""

import re
from dataclasses import dataclass

from documents.docx_ooxml import child_val, qn, to_int

W_STYLE = qn("w:style")
W_TYPE = qn("w:type")
W_STYLE_ID = qn("w:styleId")
W_DEFAULT = qn("w:default")
W_NAME = qn("w:name")
W_BASED_ON = qn("w:basedOn")
W_PPR = qn("w:pPr")
W_NUMPR = qn("w:numPr")
W_NUMID = qn("w:numId")
W_ILVL = qn("w:ilvl")
W_OUTLINE_LVL = qn("w:outlineLvl")
W_PSTYLE = qn("w:pStyle")

# Built-in style names are stored in English ("heading 1") even by a localised Word, but styles
# created by hand or by other programs carry the user's language.
_HEADING_NAME = re.compile(
    r"^(?:heading|überschrift|titre|título|titulo|titolo|kop|nagłówek|заголовок|rubrik|otsikko|"
    r"overskrift|nadpis|címsor|başlık|đầu đề|đề mục|tiêu đề|見出し|标题|標題|제목)\s*([1-9])$")  # noqa: RUF001
_TITLE_NAMES = frozenset({
    "title", "titel", "titre", "título", "titolo", "tiêu đề", "название", "tytuł", "otsikko",
    "başlık", "表題", "标题", "標題", "제목"})  # noqa: RUF001 - Turkish dotless i
_MAX_CHAIN = 32  # basedOn chains deeper than this are malformed (or cyclic)


@dataclass(frozen=True)
class NumRef:
    """A numbering reference (w:numPr): either part may be missing."""

    num_id: str | None = None
    ilvl: int | None = None


@dataclass(frozen=True)
class StyleInfo:
    """What a paragraph style means to the importer."""

    heading_level: int = 0  # 1..9, 0 if not a heading
    is_title: bool = False
    num: NumRef | None = None


def num_ref(ppr) -> NumRef | None:
    """Return the numbering reference of a pPr, None if it has none."""
    if ppr is None:
        return None
    numpr = ppr.find(W_NUMPR)
    if numpr is None:
        return None
    return NumRef(child_val(numpr, W_NUMID), to_int(child_val(numpr, W_ILVL), None, 0, 8))


def outline_level(ppr) -> int | None:
    """Return a pPr's outline level (0..8 heading, 9 body text), None if not set."""
    return to_int(child_val(ppr, W_OUTLINE_LVL), None, 0, 9)


@dataclass(frozen=True)
class _RawStyle:
    name: str
    based_on: str | None
    outline: int | None
    num: NumRef | None


class StyleSheet:
    """The paragraph styles of styles.xml, resolved through basedOn."""

    def __init__(self, root):
        self._raw: dict[str, _RawStyle] = {}
        self.default_id: str | None = None
        self._info: dict[str | None, StyleInfo] = {}
        self.numbering_styles: dict[str, str] = {}  # numbering style id -> the numId it stands for
        for style in root.iterchildren(W_STYLE) if root is not None else ():
            self._add(style)

    def _add(self, style) -> None:
        style_id, kind = style.get(W_STYLE_ID), style.get(W_TYPE, "paragraph")
        if kind == "numbering" and style_id:
            ref = num_ref(style.find(W_PPR))
            if ref is not None and ref.num_id:
                self.numbering_styles[style_id] = ref.num_id
        if kind != "paragraph" or not style_id:
            return
        if (style.get(W_DEFAULT) or "").lower() in ("1", "true", "on"):
            self.default_id = style_id
        ppr = style.find(W_PPR)
        name = (child_val(style, W_NAME) or style_id).strip().lower()
        self._raw[style_id] = _RawStyle(name, child_val(style, W_BASED_ON), outline_level(ppr),
                                        num_ref(ppr))

    def info(self, style_id: str | None) -> StyleInfo:
        """Return what the style (or the default paragraph style, if None) means."""
        key = style_id if style_id in self._raw else self.default_id
        if key not in self._info:
            self._info[key] = self._resolve(key)
        return self._info[key]

    def _chain(self, style_id: str | None) -> list[tuple[str, _RawStyle]]:
        chain, seen = [], set()
        while style_id in self._raw and style_id not in seen and len(chain) < _MAX_CHAIN:
            seen.add(style_id)
            chain.append((style_id, self._raw[style_id]))
            style_id = self._raw[style_id].based_on
        return chain

    def _resolve(self, style_id: str | None) -> StyleInfo:
        chain = self._chain(style_id)
        num = next((raw.num for _, raw in chain if raw.num is not None), None)
        heading = 0
        for sid, raw in chain:
            level = _heading_level(sid, raw)
            if level is not None:
                heading = level
                break
        # Only the style itself: a subtitle or caption style based on Title is no title.
        is_title = not heading and bool(chain) and _is_title(*chain[0])
        return StyleInfo(heading, is_title, num)


def _heading_level(style_id: str, raw: _RawStyle) -> int | None:
    """Return 1..9 for a heading style, 0 for a style that says "body text", None if silent."""
    match = _HEADING_NAME.match(raw.name) or re.fullmatch(r"heading([1-9])", style_id.lower())
    if match:
        return int(match.group(1))
    if raw.outline is not None:
        return raw.outline + 1 if raw.outline < 9 else 0
    return None


def _is_title(style_id: str, raw: _RawStyle) -> bool:
    return raw.name in _TITLE_NAMES or style_id.lower() == "title"


def paragraph_style_id(ppr) -> str | None:
    """Return the style id a paragraph names, None for the default style."""
    return child_val(ppr, W_PSTYLE)

