"""Clause numbers of an uploaded .docx exactly as Word shows them, computed from numbering.xml.

python-docx reads none of this: a numbered paragraph only points at a list (w:numId) and a
level (w:ilvl), directly or through its style. Each w:num instance points at an abstract list
(levels with start, numFmt and a pattern such as "%1.%2." or "Điều %1."), possibly overriding
levels or their start values.

Counting follows Word: instances of one abstract list share their counters (that is how "continue
numbering" works), except an instance that overrides a level, which counts on its own (that is
how "restart numbering" is written). Using a level restarts every deeper level unless the
deeper level's w:lvlRestart says otherwise.
"""

import re
from dataclasses import dataclass, replace

from documents.blocks import MAX_LEVEL, format_counter
from documents.docx_ooxml import child_val, is_on, qn, to_int
from documents.docx_styles import NumRef, StyleSheet

LEVELS = MAX_LEVEL + 1
W_ABSTRACT_NUM = qn("w:abstractNum")
W_ABSTRACT_NUM_ID = qn("w:abstractNumId")
W_NUM = qn("w:num")
W_NUM_ID = qn("w:numId")
W_LVL = qn("w:lvl")
W_ILVL = qn("w:ilvl")
W_LVL_OVERRIDE = qn("w:lvlOverride")
W_START_OVERRIDE = qn("w:startOverride")
W_NUM_STYLE_LINK = qn("w:numStyleLink")
_START, _NUM_FMT, _LVL_TEXT = qn("w:start"), qn("w:numFmt"), qn("w:lvlText")
_LVL_RESTART, _IS_LGL, _PSTYLE = qn("w:lvlRestart"), qn("w:isLgl"), qn("w:pStyle")

_PLACEHOLDER = re.compile(r"%([1-9])")
# Word's counter formats that the block model names as they are; any other counting system
# (ordinal, cardinalText, chineseCounting, ...) is stored as decimal.
_MODEL_FORMATS = {"decimal": "decimal", "decimalZero": "decimal", "ordinal": "decimal",
                  "lowerLetter": "lowerLetter", "upperLetter": "upperLetter",
                  "lowerRoman": "lowerRoman", "upperRoman": "upperRoman",
                  "bullet": "bullet", "none": ""}


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    start: int = 0  # ECMA-376: a missing w:start means 0
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # None: after any shallower level; 0: never; n: after level n-1
    legal: bool = False  # w:isLgl: show every counter of the pattern as decimal
    pstyle: str | None = None


@dataclass(frozen=True)
class ClauseNumber:
    """The number a reader sees and how its level counts ("" for numFmt none)."""

    text: str
    number_format: str


@dataclass(frozen=True)
class _Instance:
    key: tuple[str, str]
    levels: dict[int, Level]

    def level_of_style(self, style_id: str | None) -> int:
        """Return the level a style is linked to (w:lvl/w:pStyle), 0 if none."""
        return next((i for i, lvl in self.levels.items() if style_id and lvl.pstyle == style_id),
                    0)


def word_counter(value: int, fmt: str) -> str:
    """Render a counter as Word does (letters repeat after z: 27 -> "aa", 28 -> "bb")."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        return format_counter(value, fmt)
    if fmt in ("bullet", "none"):
        return ""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10,
                                                                                       "th")
        return f"{value}{suffix}"
    return str(value)


def _level(lvl) -> Level:
    return Level(start=to_int(child_val(lvl, _START), 0),
                 fmt=child_val(lvl, _NUM_FMT) or "decimal",
                 text=child_val(lvl, _LVL_TEXT) or "",
                 restart=to_int(child_val(lvl, _LVL_RESTART), None, 0, LEVELS),
                 legal=is_on(lvl, _IS_LGL),
                 pstyle=child_val(lvl, _PSTYLE))


def _levels(parent) -> dict[int, Level]:
    levels = {}
    for lvl in parent.iterchildren(W_LVL):
        ilvl = to_int(lvl.get(W_ILVL), None, 0, MAX_LEVEL)
        if ilvl is not None and ilvl not in levels:
            levels[ilvl] = _level(lvl)
    return levels


class Numbering:
    """The list definitions of numbering.xml."""

    def __init__(self, root, styles: StyleSheet):
        self._styles = styles
        self._abstracts: dict[str, tuple[dict[int, Level], str | None]] = {}
        self._nums: dict[str, tuple[str | None, dict[int, Level], dict[int, int]]] = {}
        self._instances: dict[str, _Instance | None] = {}
        for child in root.iterchildren(W_ABSTRACT_NUM, W_NUM) if root is not None else ():
            if child.tag == W_ABSTRACT_NUM:
                self._abstracts.setdefault(child.get(W_ABSTRACT_NUM_ID) or "", (
                    _levels(child), child_val(child, W_NUM_STYLE_LINK)))
            else:
                self._add_num(child)

    def _add_num(self, num) -> None:
        overrides, starts = {}, {}
        for override in num.iterchildren(W_LVL_OVERRIDE):
            ilvl = to_int(override.get(W_ILVL), None, 0, MAX_LEVEL)
            if ilvl is None:
                continue
            lvl = override.find(W_LVL)
            if lvl is not None:
                overrides[ilvl] = _level(lvl)
            start = to_int(child_val(override, W_START_OVERRIDE), None)
            if start is not None:
                starts[ilvl] = start
        self._nums.setdefault(num.get(W_NUM_ID) or "", (
            child_val(num, W_ABSTRACT_NUM_ID), overrides, starts))

    def instance(self, num_id: str) -> _Instance | None:
        """Return the list instance a numId names, None if it names none."""
        if num_id not in self._instances:
            self._instances[num_id] = self._build(num_id)
        return self._instances[num_id]

    def _build(self, num_id: str) -> _Instance | None:
        if num_id not in self._nums:
            return None
        abstract_id, overrides, starts = self._nums[num_id]
        levels = self._abstract_levels(abstract_id)
        if levels is None:
            return None
        levels = {**levels, **overrides}
        for ilvl, start in starts.items():
            levels[ilvl] = replace(levels.get(ilvl, Level()), start=start)
        key = ("num", num_id) if overrides or starts else ("abstract", abstract_id or "")
        return _Instance(key, levels)

    def _abstract_levels(self, abstract_id: str | None) -> dict[int, Level] | None:
        """Return an abstract list's levels, following a numbering-style link (w:numStyleLink)."""
        for _hop in range(3):  # a link is one hop; more means a malformed (or cyclic) file
            if abstract_id not in self._abstracts:
                return None
            levels, link = self._abstracts[abstract_id]
            linked_num = self._styles.numbering_styles.get(link or "")
            if not link or linked_num not in self._nums:
                return levels
            abstract_id = self._nums[linked_num][0]
        return None


class ListCounters:
    """Counts numbered paragraphs in document order and renders each one's number."""

    def __init__(self, numbering: Numbering):
        self._numbering = numbering
        self._counts: dict[tuple[str, str], list[int | None]] = {}

    def next_number(self, ref: NumRef, style_id: str | None) -> tuple[int, ClauseNumber] | None:
        """Count one paragraph numbered by ref; return its level and number, None if unnumbered."""
        if not ref.num_id or ref.num_id == "0":  # numId 0 switches a style's numbering off
            return None
        instance = self._numbering.instance(ref.num_id)
        if instance is None:
            return None
        ilvl = ref.ilvl if ref.ilvl is not None else instance.level_of_style(style_id)
        level = instance.levels.get(ilvl)
        if level is None:
            return None
        counts = self._counts.setdefault(instance.key, [None] * LEVELS)
        counts[ilvl] = level.start if counts[ilvl] is None else counts[ilvl] + 1
        for deeper in range(ilvl + 1, LEVELS):
            restart = instance.levels.get(deeper, Level()).restart
            if restart is None or (restart and ilvl < restart):
                counts[deeper] = None
        text = _render(level, instance.levels, counts)
        return ilvl, ClauseNumber(text, _MODEL_FORMATS.get(level.fmt, "decimal"))


def _render(level: Level, levels: dict[int, Level], counts: list[int | None]) -> str:
    """Fill a level's pattern ("%1.%2.") with the counters it names."""
    if level.fmt == "bullet":
        return ""

    def counter(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        named = levels.get(index, Level())
        value = counts[index] if counts[index] is not None else named.start
        fmt = named.fmt
        if level.legal and fmt not in ("bullet", "none"):
            fmt = "decimal"
        return word_counter(value, fmt)

    return _PLACEHOLDER.sub(counter, level.text).strip()
