"""Word-level diff of two short texts (one block, one table cell): `(op, text)` runs.

Texts are cut into words and punctuation, each token carrying the white space before it. The
diff runs over token ids with rapidfuzz's Indel opcodes (a longest common subsequence, in C):
the fewest tokens marked, so never more words marked than were changed. White space is compared
separately, so a word that loses the space before it is not marked as changed.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import Indel


class Op(StrEnum):
    """What a run of text does between the old and the new version."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


Runs = tuple[tuple[Op, str], ...]

# A word starts and ends with a letter or digit (so "30-day", "1.2" and "5,000" stay whole);
# combining marks count as letters in case a text escaped NFC. Anything else is punctuation.
_LETTER = r"[\w\u0300-\u036f]"
_TOKEN = re.compile(rf"(\s*)({_LETTER}(?:\S*{_LETTER})?|[^\w\s]+)")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Tokens:
    """A text cut into tokens: ids to compare, texts and the white space before each."""

    ids: tuple[int, ...]
    texts: tuple[str, ...]
    spaces: tuple[str, ...]
    words: tuple[bool, ...]
    tail: str  # white space after the last token


class Vocabulary:
    """Token text -> small int, shared by every text of one comparison (ids never collide)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def tokens(self, text: str) -> Tokens:
        """Cut text into tokens."""
        ids, texts, spaces, words = [], [], [], []
        end = 0
        for match in _TOKEN.finditer(text):
            space, token = match.groups()
            ids.append(self._ids.setdefault(token, len(self._ids)))
            texts.append(token)
            spaces.append(space)
            words.append(bool(_WORD.match(token)))
            end = match.end()
        return Tokens(tuple(ids), tuple(texts), tuple(spaces), tuple(words), text[end:])

    def ids(self, text: str) -> list[int]:
        """Return the token ids of text (what similarity is measured on)."""
        return [self._ids.setdefault(t, len(self._ids)) for _, t in _TOKEN.findall(text)]


@dataclass(frozen=True)
class WordDiff:
    """The runs of one diff and how many words it inserts and deletes."""

    runs: Runs
    inserted: int
    deleted: int


def diff_tokens(old: Tokens, new: Tokens) -> WordDiff:
    """Diff two tokenised texts."""
    pieces: list[tuple[Op, str]] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in Indel.opcodes(old.ids, new.ids):
        if tag == "equal":
            pieces.extend(_equal_pieces(old, new, i1, i2, j1))
            continue
        if i2 > i1:
            pieces.append((Op.DELETE, _joined(old, i1, i2)))
            deleted += sum(old.words[i1:i2])
        if j2 > j1:
            pieces.append((Op.INSERT, _joined(new, j1, j2)))
            inserted += sum(new.words[j1:j2])
    pieces.extend(_space_pieces(old.tail, new.tail))
    return WordDiff(tidy(pieces), inserted, deleted)


def diff_words(old: str, new: str, vocabulary: Vocabulary | None = None) -> WordDiff:
    """Diff two texts word by word."""
    vocabulary = vocabulary or Vocabulary()
    return diff_tokens(vocabulary.tokens(old), vocabulary.tokens(new))


def _joined(tokens: Tokens, start: int, stop: int) -> str:
    return "".join(s + t for s, t in zip(tokens.spaces[start:stop], tokens.texts[start:stop],
                                         strict=True))


def _space_pieces(old: str, new: str) -> list[tuple[Op, str]]:
    if old == new:
        return [(Op.EQUAL, old)]
    return [(Op.DELETE, old), (Op.INSERT, new)]


def _equal_pieces(old: Tokens, new: Tokens, i1: int, i2: int, j1: int) -> list[tuple[Op, str]]:
    """Return equal tokens, marking only white space that differs between the two sides."""
    j2 = j1 + (i2 - i1)
    if old.spaces[i1:i2] == new.spaces[j1:j2]:
        return [(Op.EQUAL, _joined(old, i1, i2))]
    pieces = []
    for k in range(i2 - i1):
        pieces.extend(_space_pieces(old.spaces[i1 + k], new.spaces[j1 + k]))
        pieces.append((Op.EQUAL, old.texts[i1 + k]))
    return pieces


def tidy(pieces: Iterable[tuple[Op, str]]) -> Runs:
    """Merge runs: deletions before insertions in each changed stretch, no empty runs.

    Equal stretches without a single word (a space, a comma) between two changes are folded into
    the change, so "<del>a, b</del><ins>x, y</ins>" reads as one edit: no word is marked more.
    """
    merged: list[tuple[Op, str]] = []
    for op, text in pieces:
        _append(merged, op, text)
    out: list[tuple[Op, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for k, (op, text) in enumerate(merged):
        if op == Op.EQUAL and (deleted or inserted) and k + 1 < len(merged) \
                and not _WORD.search(text):
            deleted.append(text)
            inserted.append(text)
        elif op == Op.EQUAL:
            _flush(out, deleted, inserted)
            _append(out, Op.EQUAL, text)
        else:
            (deleted if op == Op.DELETE else inserted).append(text)
    _flush(out, deleted, inserted)
    return tuple(out)


def _flush(out: list, deleted: list[str], inserted: list[str]) -> None:
    """Emit a changed stretch; a space both sides kept stays outside the marks."""
    old, new = "".join(deleted), "".join(inserted)
    deleted.clear()
    inserted.clear()
    lead = trail = ""
    if old and new:
        lead = _common_space(old, new)
        old, new = old[len(lead):], new[len(lead):]
        trail = _common_space(old[::-1], new[::-1])[::-1]
        old, new = old[: len(old) - len(trail)], new[: len(new) - len(trail)]
    _append(out, Op.EQUAL, lead)
    _append(out, Op.DELETE, old)
    _append(out, Op.INSERT, new)
    _append(out, Op.EQUAL, trail)


def _common_space(a: str, b: str) -> str:
    """Return the white space both texts start with."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return a[:n]


def _append(out: list, op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def old_text(runs: Runs) -> str:
    """Return the old side of runs."""
    return "".join(t for op, t in runs if op != Op.INSERT)


def new_text(runs: Runs) -> str:
    """Return the new side of runs."""
    return "".join(t for op, t in runs if op != Op.DELETE)


def word_count(text: str) -> int:
    """Count the words of text as the diff counts them."""
    return sum(1 for _, token in _TOKEN.findall(text) if _WORD.match(token))
