"""Word automatic numbering that shows exactly the clause numbers the blocks carry.

Word computes a numbered paragraph's label from numbering.xml: each level of an abstract
numbering has a counter format (numFmt), a start value and a pattern (lvlText: "%1.%2." shows the
counters of levels 0 and 1); a num instance points at one abstract numbering and may restart it
(startOverride). The planner reads each clause number ("1.2.", "a)", "Điều 3.", "(1)"), derives
its level's pattern, replays Word's counting and opens a new num instance wherever continuing the
current one would show another number than the block has. No Flask, no XML here.

Verified against LibreOffice 7.4's rendering (Word was not available). Word's lvlText has no
escape for "%": a clause number holding "%" and a digit would show wrongly (none seen so far).
"""

import re
from dataclasses import dataclass, field, replace

from documents.blocks import MAX_LEVEL, format_counter

LEVELS = MAX_LEVEL + 1
BULLET = "\u2022"
MAX_START = 32767  # the largest start value Word accepts

# A counter candidate: ASCII digits, or ASCII letters not glued to other letters ("Điều" is no
# counter, nor is the "A" of "Article").
_TOKEN = re.compile(r"[0-9]+|(?<![^\W\d_])[A-Za-z]+(?![^\W\d_])")
_DOTTED = re.compile(r"[0-9]+(?:\.[0-9]+)*\.?")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def word_counter(value: int, num_fmt: str) -> str:
    """Render a counter as Word and LibreOffice show it (letters repeat: 27 -> "aa", 28 -> "bb")."""
    if num_fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if num_fmt == "upperLetter" else letter
    if num_fmt in ("bullet", "none"):
        return ""
    return format_counter(value, num_fmt)


def _roman_value(text: str) -> int:
    values = [_ROMAN[c] for c in text.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


def counter_value(text: str, num_fmt: str) -> int | None:
    """Return the counter Word shows as `text` in `num_fmt`, or None if it never shows that."""
    if num_fmt == "decimal":
        value = int(text) if text.isascii() and text.isdigit() else None
    elif num_fmt in ("lowerLetter", "upperLetter"):
        same = text.isalpha() and len(set(text)) == 1
        value = (len(text) - 1) * 26 + ord(text[0].lower()) - ord("a") + 1 if same else None
    elif num_fmt in ("lowerRoman", "upperRoman"):
        roman = text.isascii() and text.isalpha() and set(text.lower()) <= set(_ROMAN)
        value = _roman_value(text) if roman else None
    else:
        value = None
    # Only the canonical spelling counts: "03", "IIII" or "ab" are literal text to Word.
    if value is None or value > MAX_START or word_counter(value, num_fmt) != text:
        return None
    return value


@dataclass(frozen=True)
class LevelFormat:
    """How one level of an abstract numbering shows its label."""

    num_fmt: str
    lvl_text: str


# What Word shows for levels no paragraph uses: the house numbering "1.", "1.1.", "1.1.1." ...
HOUSE = tuple(LevelFormat("decimal", "".join(f"%{k + 1}." for k in range(i + 1)))
              for i in range(LEVELS))


@dataclass(frozen=True)
class AbstractNumbering:
    """One w:abstractNum: nine level formats, list or heading indents, start values."""

    formats: tuple[LevelFormat, ...]
    indent: bool
    starts: tuple[int, ...]


@dataclass(frozen=True)
class _Label:
    """A clause number cut into literal text and counter tokens of its own and upper levels."""

    level: int
    num_fmt: str
    pieces: tuple[str | tuple[int, str], ...]  # literal text, or (level, token) of a counter
    value: int | None  # the paragraph's own counter; None if the label does not show it


def parse_label(level: int, number: str, number_format: str) -> _Label:
    """Cut a clause number into its own counter, upper-level counters and literal text."""
    num_fmt = number_format or "decimal"
    if num_fmt == "bullet":
        return _Label(level, num_fmt, (number or BULLET,), None)
    if num_fmt == "decimal" and _DOTTED.fullmatch(number):
        house = _dotted_label(level, number)
        if house is not None:
            return house
    tokens = list(_TOKEN.finditer(number))
    own = next((t for t in reversed(tokens) if counter_value(t.group(), num_fmt) is not None), None)
    if own is None:
        return _Label(level, num_fmt, (number,) if number else (), None)
    before = [t for t in tokens if t.end() <= own.start()]
    # Counters before the own one belong to the levels above it, nearest level last.
    upper = {t.start(): level - 1 - i for i, t in enumerate(reversed(before)) if i < level}
    pieces, pos = [], 0
    for token in [*before, own]:
        pieces.append(number[pos:token.start()])
        token_level = level if token is own else upper.get(token.start())
        pieces.append(token.group() if token_level is None else (token_level, token.group()))
        pos = token.end()
    pieces.append(number[pos:])
    return _Label(level, num_fmt, tuple(p for p in pieces if p != ""),
                  counter_value(own.group(), num_fmt))


def _dotted_label(level: int, number: str) -> _Label | None:
    """Cut "1.2.3." quickly (what parse_label would do), or None if a counter is not canonical."""
    counters = number.rstrip(".").split(".")
    if any(counter_value(c, "decimal") is None for c in counters):
        return None
    first = len(counters) - 1 - level  # counters left of this stay literal text
    pieces: list[str | tuple[int, str]] = []
    for i, counter in enumerate(counters):
        pieces.append(counter if i < first else (i - first, counter))
        pieces.append(".")
    if not number.endswith("."):
        pieces.pop()
    return _Label(level, "decimal", tuple(pieces), int(counters[-1]))


@dataclass
class _Level:
    """One level of a num instance while the planner replays Word's counting."""

    num_fmt: str
    start: int
    lvl_text: str | None = None  # None while the level is only shown inside deeper labels
    counter: int | None = None  # None until a paragraph at this level is counted
    # A deeper paragraph came while this level had no count. LibreOffice then counts this level
    # as started and numbers its next paragraph start + 1; Word is not known to agree, so that
    # paragraph opens a new num instance instead.
    skipped: bool = False

    def shown(self) -> str:
        """Return the text Word puts where a deeper label shows this level's counter."""
        return word_counter(self.start if self.counter is None else self.counter, self.num_fmt)


@dataclass
class NumberingInstance:
    """One w:num: its id, its levels' formats and start values."""

    num_id: int
    levels: list[_Level | None] = field(default_factory=lambda: [None] * LEVELS)
    indent: bool = True

    def formats(self) -> tuple[LevelFormat, ...]:
        """Return the nine level formats (unused levels fall back to house decimals)."""
        return tuple(HOUSE[i] if lv is None else
                     LevelFormat(lv.num_fmt, HOUSE[i].lvl_text if lv.lvl_text is None
                                 else lv.lvl_text)
                     for i, lv in enumerate(self.levels))

    def starts(self) -> tuple[int, ...]:
        """Return the start value of each of the nine levels."""
        return tuple(1 if lv is None else lv.start for lv in self.levels)

    def place(self, label: _Label) -> bool:
        """Count a paragraph with this label if Word would show it here; tell whether it fits."""
        fit = self._fit(label)
        if fit is None:
            return False
        lvl_text, shown_only, counter = fit
        for k, value in shown_only.items():
            self.levels[k] = _Level("decimal", value)
        own = self.levels[label.level]
        if own is None:
            own = self.levels[label.level] = _Level(label.num_fmt, counter)
        own.lvl_text, own.counter, own.skipped = lvl_text, counter, False
        for k in range(label.level):
            upper = self.levels[k] = self.levels[k] or _Level("decimal", 1)
            upper.skipped = upper.skipped or upper.counter is None
        for deeper in self.levels[label.level + 1:]:
            if deeper is not None:
                deeper.counter, deeper.skipped = None, False
        return True

    def _lvl_text(self, label: _Label) -> tuple[str, dict[int, int]]:
        """Return the label's lvlText here and the upper levels it needs defined (level: start).

        An upper counter becomes a placeholder where this instance shows that very text there;
        otherwise it stays literal text, and the next label that differs opens a new instance.
        """
        text, shown_only = [], {}
        for piece in label.pieces:
            if isinstance(piece, str):
                text.append(piece)
                continue
            k, token = piece
            upper = self.levels[k]
            if k == label.level or (upper is not None and upper.shown() == token):
                text.append(f"%{k + 1}")
            elif upper is None and counter_value(token, "decimal") is not None:
                shown_only[k] = int(token)
                text.append(f"%{k + 1}")
            else:
                text.append(token)
        return "".join(text), shown_only

    def _fit(self, label: _Label) -> tuple[str, dict[int, int], int] | None:
        """Return (lvlText, upper levels to define, new counter) or None if the label breaks."""
        lvl_text, shown_only = self._lvl_text(label)
        own = self.levels[label.level]
        if own is None:
            return lvl_text, shown_only, label.value if label.value is not None else 1
        counter = own.start if own.counter is None else own.counter + 1
        if own.num_fmt != label.num_fmt or own.lvl_text not in (None, lvl_text) or own.skipped:
            return None
        if label.value is not None and label.value != counter:
            return None
        return lvl_text, shown_only, counter


@dataclass
class NumberingPlan:
    """Every num instance of a document, in numId order (numIds start at 1)."""

    instances: list[NumberingInstance] = field(default_factory=list)

    def new_instance(self, indent: bool) -> NumberingInstance:
        """Open a new num instance."""
        instance = NumberingInstance(len(self.instances) + 1, indent=indent)
        self.instances.append(instance)
        return instance

    def layout(self) -> tuple[list[AbstractNumbering], list[int]]:
        """Return the distinct abstract numberings and each instance's abstractNumId.

        Instances share an abstract numbering only when their start values agree too:
        LibreOffice shows an upper level's start from the abstract numbering, not from the
        instance's startOverride, when no paragraph of the instance sits at that level.
        """
        index: dict[AbstractNumbering, int] = {}
        ids = []
        for instance in self.instances:
            key = AbstractNumbering(instance.formats(), instance.indent, instance.starts())
            ids.append(index.setdefault(key, len(index)))
        return list(index), ids


class NumberingStream:
    """One sequence of numbered paragraphs (list items, or numbered headings) of a document."""

    def __init__(self, plan: NumberingPlan, indent: bool = True):
        self._plan = plan
        self._indent = indent
        self._current: NumberingInstance | None = None

    def place(self, level: int, number: str, number_format: str) -> int:
        """Return the numId that shows `number` at `level` for the next paragraph."""
        label = parse_label(max(0, min(level, MAX_LEVEL)), number, number_format)
        if self._current is None or not self._current.place(label):
            self._current = self._plan.new_instance(self._indent)
            placed = self._current.place(label)
            assert placed, "a fresh num instance fits any label"
        return self._current.num_id


# --- tracked changes: one numbering for the accepted and the rejected document ----------------

ACCEPTED, REJECTED = 0, 1  # the two documents a tracked .docx holds
RECENT = 8  # how many earlier lists of a stream a paragraph may go back to


def _copy(instance: NumberingInstance) -> NumberingInstance:
    """Return an instance that counts on from where `instance` is, without touching it."""
    # The constructor, not dataclasses.replace: this runs twice per numbered paragraph.
    return NumberingInstance(instance.num_id, [
        None if lv is None else _Level(lv.num_fmt, lv.start, lv.lvl_text, lv.counter, lv.skipped)
        for lv in instance.levels], instance.indent)


def _agree(a: _Level | None, b: _Level | None) -> bool:
    """Tell whether two views' definitions of a level can be one w:lvl."""
    if a is None or b is None:
        return True
    return (a.num_fmt == b.num_fmt and a.start == b.start
            and (a.lvl_text is None or b.lvl_text is None or a.lvl_text == b.lvl_text))


class TwoViewInstance:
    """One w:num of a tracked document, counted once with the changes accepted, once rejected.

    Word counts the paragraphs a document shows: after "accept all" the deleted ones are gone,
    after "reject all" the inserted ones. A paragraph joins an instance only if both counts
    show the numbers its versions have, and the level definitions the two counts need agree.
    """

    def __init__(self, num_id: int, indent: bool):
        self.num_id = num_id
        self.indent = indent
        self.views = (NumberingInstance(num_id, indent=indent),
                      NumberingInstance(num_id, indent=indent))

    def place(self, labels: tuple["_Label | None", "_Label | None"]) -> bool:
        """Count a paragraph in the views it shows in (label None: not shown); tell if it fits."""
        trial = tuple(view if label is None else _copy(view)
                      for view, label in zip(self.views, labels, strict=True))
        for view, label in zip(trial, labels, strict=True):
            if label is not None and not view.place(label):
                return False
        if not all(map(_agree, trial[0].levels, trial[1].levels)):
            return False
        self.views = trial
        return True

    def _merged(self) -> NumberingInstance:
        """Return one instance with each level as whichever view defines it (they agree)."""
        levels = []
        for a, b in zip(self.views[0].levels, self.views[1].levels, strict=True):
            level = a or b
            if a is not None and b is not None and a.lvl_text is None:
                level = replace(a, lvl_text=b.lvl_text)
            levels.append(level)
        return NumberingInstance(self.num_id, levels, self.indent)

    def formats(self) -> tuple[LevelFormat, ...]:
        """Return the nine level formats both views show."""
        return self._merged().formats()

    def starts(self) -> tuple[int, ...]:
        """Return the start value of each of the nine levels."""
        return self._merged().starts()


class TrackedNumberingStream:
    """One sequence of numbered paragraphs of a tracked document, numbered right in both views.

    `place` returns a numId per view. Paragraphs both versions have get one numId where it can
    show both their numbers; where it cannot (the old and the new number disagree on a fresh
    start), each view gets its own and the paragraph records the old one as a formatting change.
    """

    def __init__(self, plan: NumberingPlan, indent: bool = True):
        self._plan = plan
        self._indent = indent
        self._current: list[TwoViewInstance | None] = [None, None]
        self._recent: list[TwoViewInstance] = []  # this stream's instances, most recent last
        self._labels: dict[tuple[int, str, str], _Label] = {}

    def place(self, accepted: tuple[int, str, str] | None,
              rejected: tuple[int, str, str] | None) -> tuple[int | None, int | None]:
        """Return (numId after accept, numId after reject) for (level, number, format) pairs."""
        labels = (self._label(accepted), self._label(rejected))
        views = [v for v in (ACCEPTED, REJECTED) if labels[v] is not None]
        # The list each view is in, then earlier lists of the stream: going back to one
        # continues its counting in both views where a fresh list would start anew.
        candidates = [self._current[v] for v in views if self._current[v] is not None]
        candidates = list(dict.fromkeys([*candidates, *reversed(self._recent)]))
        for instance in [*candidates, self._fresh()]:
            if instance.place(labels):
                return self._use(instance, views, labels)
        ids: list[int | None] = [None, None]
        for v in views:
            alone = tuple(labels[v] if k == v else None for k in (ACCEPTED, REJECTED))
            instance = self._current[v]
            if instance is None or not instance.place(alone):
                instance = self._fresh()
                placed = instance.place(alone)
                assert placed, "a fresh num instance fits any label"
            ids[v] = self._use(instance, [v], alone)[v]
        return ids[0], ids[1]

    def _label(self, spec: tuple[int, str, str] | None) -> _Label | None:
        """Parse a (level, number, format) once: most paragraphs keep their number."""
        if spec is None:
            return None
        label = self._labels.get(spec)
        if label is None:
            label = self._labels[spec] = parse_label(max(0, min(spec[0], MAX_LEVEL)), *spec[1:])
        return label

    def _fresh(self) -> TwoViewInstance:
        """Return a new instance, not yet in the plan (only instances in use are written)."""
        return TwoViewInstance(len(self._plan.instances) + 1, self._indent)

    def _use(self, instance: TwoViewInstance, views: list[int],
             labels: tuple) -> tuple[int | None, int | None]:
        if instance.num_id > len(self._plan.instances):
            self._plan.instances.append(instance)
        if not self._recent or self._recent[-1] is not instance:
            if instance in self._recent:
                self._recent.remove(instance)
            self._recent = [*self._recent[1 - RECENT:], instance]
        for v in views:
            self._current[v] = instance
        return tuple(instance.num_id if labels[v] is not None else None
                     for v in (ACCEPTED, REJECTED))
