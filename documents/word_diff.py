"""Word-level diff of two short texts (one block, one table cell): `(op, text)` runs.

Two passes, both a longest common subsequence over token ids (rapidfuzz's Indel opcodes, in C),
so as few tokens as possible are marked: never more words than were changed.
1. Words as the text's spaces cut them ("fee," is one word): `str.split` is fast.
2. Each changed stretch again, cut into words and punctuation, so "fee," -> "fee." marks the
   comma alone and dropping the word before a full stop keeps the full stop.
White space is compared apart from words: a word that loses the space before it is not marked.
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

# A word runs from a letter or digit to a letter or digit (so "30-day", "1.2" and "5,000" stay
# whole); combining marks count as letters in case a text escaped NFC. Any other character is a
# token of its own (punctuation: ">." is two, so a full stop still matches after a change).
_L = r"[\w\u0300-\u036f]"
_TOKEN = re.compile(rf"\s*(?:{_L}+(?:[^\s\w\u0300-\u036f]+{_L}+)*|[^\w\s])")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class WordDiff:
    """The runs of one diff and how many words it inserts and deletes."""

    runs: Runs
    inserted: int
    deleted: int


def diff_words(old: str, new: str) -> WordDiff:
    """Diff two texts word by word."""
    if old == new:
        return WordDiff(((Op.EQUAL, old),) if old else (), 0, 0)
    try:
        return _diff(old, new, exact=False)
    except _HashCollision:
        # rapidfuzz compares tokens by their hash; on an (astronomically rare) collision an
        # equal run would be wrong: number the tokens exactly and diff again.
        return _diff(old, new, exact=True)


class _HashCollision(Exception):
    """Two different tokens compared equal by hash."""


def _diff(old: str, new: str, exact: bool) -> WordDiff:
    if not (_single_spaced(old) and _single_spaced(new)):
        return _fine_diff(old, new, exact)
    return _coarse_diff(old.split(" "), new.split(" "), exact)


def _single_spaced(text: str) -> bool:
    """Tell whether the only white space in text is single spaces (as in every block's text).

    Every white space character but the ASCII space is unprintable, so this is one C scan.
    """
    return text.isprintable() and "  " not in text


def _opcodes(old: list[str], new: list[str], exact: bool) -> list[tuple[str, int, int, int, int]]:
    """Return the LCS opcodes of two token lists (by hash, or by exact numbers)."""
    if exact:
        numbers: dict[str, int] = {}
        old = [numbers.setdefault(t, len(numbers)) for t in old]
        new = [numbers.setdefault(t, len(numbers)) for t in new]
    return Indel.opcodes(old, new).as_list()


def _coarse_diff(old: list[str], new: list[str], exact: bool) -> WordDiff:
    """Diff space-separated words; re-diff finely each changed stretch with punctuation in it.

    Each word carries the space before it; a stretch starts after an equal run or at the start
    of both texts, so either both sides of a stretch have a space before them or neither does.
    """
    runs: list[tuple[Op, str]] = []
    equal = ""  # equal text not yet emitted: runs come out merged
    inserted = deleted = 0
    start_i = start_j = -1  # where the current changed stretch began
    for tag, i1, i2, j1, j2 in _opcodes(old, new, exact):
        if tag != "equal":
            if start_i < 0:
                start_i, start_j = i1, j1
            continue
        if start_i >= 0:
            equal, gone, came = _add_stretch(runs, equal, old[start_i:i1], new[start_j:j1],
                                             " " if start_i else "", exact)
            deleted, inserted, start_i = deleted + gone, inserted + came, -1
        words = old[i1:i2]
        if words != new[j1:j2]:
            raise _HashCollision
        if (i1 > 0) != (j1 > 0):  # the first word of one side only: one space more or less
            equal = _emit(runs, equal, [(Op.DELETE, " ") if i1 else (Op.INSERT, " ")])
        equal += (" " if i1 and j1 else "") + " ".join(words)
    if start_i >= 0:
        equal, gone, came = _add_stretch(runs, equal, old[start_i:], new[start_j:],
                                         " " if start_i else "", exact)
        deleted, inserted = deleted + gone, inserted + came
    if equal:
        runs.append((Op.EQUAL, equal))
    return WordDiff(tuple(runs), inserted, deleted)


def _add_stretch(runs: list[tuple[Op, str]], equal: str, gone: list[str], came: list[str],
                 space: str, exact: bool) -> tuple[str, int, int]:
    """Append one changed stretch; return the equal text held and the words out and in."""
    if gone and came:
        plain = _plain_replacement(gone, came)
        if plain:  # the common case, emitted directly
            if equal or space:
                runs.append((Op.EQUAL, equal + space))
            _append(runs, *plain[0])
            runs.append(plain[1])
            return (plain[2][1] if len(plain) > 2 else ""), len(gone), len(came)
        diff = _fine_diff(space + " ".join(gone), space + " ".join(came), exact)
        return _emit(runs, equal, list(diff.runs)), diff.deleted, diff.inserted
    if gone:
        return _emit(runs, equal, [(Op.DELETE, space + " ".join(gone))]), _count(gone), 0
    return _emit(runs, equal, [(Op.INSERT, space + " ".join(came))]), 0, _count(came)


def _emit(runs: list[tuple[Op, str]], equal: str, pieces: list[tuple[Op, str]]) -> str:
    """Append merged pieces to runs, holding equal text back; return the equal text held."""
    first, last, tail = 0, len(pieces), ""
    if pieces[0][0] is Op.EQUAL:
        equal += pieces[0][1]
        first = 1
    if last > first and pieces[-1][0] is Op.EQUAL:
        tail = pieces[-1][1]
        last -= 1
    if first == last:
        return equal + tail
    if equal:
        runs.append((Op.EQUAL, equal))
    _append(runs, *pieces[first])
    runs.extend(pieces[first + 1:last])
    return tail


def _count(words: list[str]) -> int:
    """Count the words of a list of space-separated words."""
    if "".join(words).isalnum() and "" not in words:  # plain words (no edge spaces, no commas)
        return len(words)
    return word_count(" ".join(words))


def _plain_replacement(gone: list[str], came: list[str]) -> list[tuple[Op, str]]:
    """Return the runs of a stretch of words replaced by others, when no finer diff is needed.

    The first pass found no word in common, so if both sides are plain words (the same
    punctuation, such as a full stop, may end both), every word goes and every word comes.
    Anything else (other punctuation, a word shared once the full stop is off) returns [].
    """
    if not gone or not came:
        return []
    old_last, new_last = gone[-1], came[-1]
    n, shortest = 0, min(len(old_last), len(new_last))
    while n < shortest and old_last[-1 - n] == new_last[-1 - n] \
            and not old_last[-1 - n].isalnum():
        n += 1
    old, new = " ".join(gone), " ".join(came)
    old_words, new_words = old[: len(old) - n], new[: len(new) - n]
    if not (old_words.replace(" ", "").isalnum() and new_words.replace(" ", "").isalnum()):
        return []
    if n:
        # Only the two last words lost their punctuation: only they can now match a word.
        old_last, new_last = old_last[:-n], new_last[:-n]
        if old_last == new_last or old_last in came[:-1] or new_last in gone[:-1]:
            return []
        return [(Op.DELETE, old_words), (Op.INSERT, new_words), (Op.EQUAL, old[len(old) - n:])]
    return [(Op.DELETE, old_words), (Op.INSERT, new_words)]


def tokens(text: str) -> list[str]:
    """Return the words and punctuation marks of text, each with the white space before it.

    Joined again they give text back but for trailing white space. Used by documents.merge_words
    (the three-way merge of a rebase): keep it public.
    """
    return _TOKEN.findall(text)


def word_count(text: str) -> int:
    """Count the words of text as the diff counts them."""
    words = text.split()
    if "".join(words).isalnum():  # no punctuation: every space-separated word is one word
        return len(words)
    return sum(1 for token in _TOKEN.findall(text) if _WORD.search(token))


def _fine_diff(old: str, new: str, exact: bool) -> WordDiff:
    """Diff tokens (words and punctuation), each carrying the white space before it."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_cores = [t.lstrip() for t in old_tokens]
    new_cores = [t.lstrip() for t in new_tokens]
    pieces: list[tuple[Op, str]] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in _opcodes(old_cores, new_cores, exact):
        if tag == "equal":
            if old_cores[i1:i2] != new_cores[j1:j2]:
                raise _HashCollision
            pieces.extend(_equal_tokens(old_tokens[i1:i2], new_tokens[j1:j2],
                                        old_cores[i1:i2]))
            continue
        if i2 > i1:
            pieces.append((Op.DELETE, "".join(old_tokens[i1:i2])))
            deleted += sum(1 for t in old_cores[i1:i2] if _WORD.match(t))
        if j2 > j1:
            pieces.append((Op.INSERT, "".join(new_tokens[j1:j2])))
            inserted += sum(1 for t in new_cores[j1:j2] if _WORD.match(t))
    pieces.extend(_space_pieces(_tail(old), _tail(new)))
    return WordDiff(tidy(pieces), inserted, deleted)


def _tail(text: str) -> str:
    """Return the white space after the last token (every other character is in a token)."""
    return text[len(text.rstrip()):]


def _space_pieces(old: str, new: str) -> list[tuple[Op, str]]:
    if old == new:
        return [(Op.EQUAL, old)]
    return [(Op.DELETE, old), (Op.INSERT, new)]


def _equal_tokens(old: list[str], new: list[str], cores: list[str]) -> list[tuple[Op, str]]:
    """Return equal tokens, marking only white space that differs between the two sides."""
    if old == new:
        return [(Op.EQUAL, "".join(old))]
    pieces = []
    for a, b, core in zip(old, new, cores, strict=True):
        pieces.extend(_space_pieces(a[: len(a) - len(core)], b[: len(b) - len(core)]))
        pieces.append((Op.EQUAL, core))
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
    last = len(merged) - 1
    for k, (op, text) in enumerate(merged):
        if op == Op.DELETE:
            deleted.append(text)
        elif op == Op.INSERT:
            inserted.append(text)
        elif (deleted or inserted) and k < last and not _WORD.search(text):
            deleted.append(text)
            inserted.append(text)
        else:
            _flush(out, deleted, inserted)
            _append(out, Op.EQUAL, text)
    _flush(out, deleted, inserted)
    return tuple(out)


def _flush(out: list, deleted: list[str], inserted: list[str]) -> None:
    """Emit a changed stretch; white space both sides start or end with stays outside."""
    if not deleted and not inserted:
        return
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
