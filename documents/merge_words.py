"""Three-way merge of one text (a clause, a table cell) word by word.

base -> ours and base -> theirs are each a longest common subsequence over tokens (rapidfuzz's
Indel, in C), whose changed stretches are "hunks" of base tokens replaced. Hunks of the two sides
that do not overlap both apply: a word inserted just before or after a word the other side
replaced is no overlap; the same words replaced, a word inserted inside a stretch the other side
replaced, or two insertions at the same place are. Overlapping hunks that give the same text
apply once; others conflict.

Two passes, as in the compare engine (documents.word_diff):
1. Words as the text's spaces cut them ("fee," is one word): `str.split`, fast.
2. Only on a conflict in which a token carries punctuation: again with the compare engine's
   tokens (words and punctuation apart), so "fee," -> "fee." on one side and "fee," -> "charge,"
   on the other merge into "charge.". A conflict between plain words would come back the same.
"""

from typing import NamedTuple

from rapidfuzz.distance import Indel

from documents.blocks import normalise_text
from documents.word_diff import tokens

Hunk = tuple[int, int, int, int]  # base tokens [i1, i2) became side tokens [j1, j2)
Piece = tuple[int, int, int]  # (text: 0 base, 1 ours, 2 theirs; first token; end)


class _Clash(NamedTuple):
    """Where the sides collided: base tokens [start, end) and each side's hunks there."""

    start: int
    end: int
    group: list[tuple[int, Hunk]]


def merge_words(base: str, ours: str, theirs: str) -> str | None:
    """Merge the edits ours and theirs made to base; None when they change the same words."""
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    if _single_spaced(base) and _single_spaced(ours) and _single_spaced(theirs):
        words = [text.split(" ") if text else [] for text in (base, ours, theirs)]
        merged = _merge(words, words)
        if not isinstance(merged, _Clash):
            out: list[str] = []
            for text, i, j in merged:
                out += words[text][i:j]
            return " ".join(out)
        if _plain_words(words, merged):
            return None
    texts = [tokens(base), tokens(ours), tokens(theirs)]
    merged = _merge(texts, [[t.lstrip() for t in text] for text in texts])
    return None if isinstance(merged, _Clash) else _join(texts, merged)


def _single_spaced(text: str) -> bool:
    """Tell whether the only white space in text is single spaces between words."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def _plain_words(words: list[list[str]], clash: _Clash) -> bool:
    """Tell whether every token the clash touches is a plain word (no punctuation to split)."""
    touched = [*words[0][clash.start:clash.end],
               *(w for side, h in clash.group for w in words[side][h[2]:h[3]])]
    return all(w.isalnum() for w in touched)


def _merge(texts: list[list[str]], cores: list[list[str]]) -> list[Piece] | _Clash:
    """Merge token lists compared by their cores: the merged pieces or where they clash."""
    try:
        return _merged_pieces(cores, _hunks(cores[0], cores[1]), _hunks(cores[0], cores[2]))
    except _HashCollision:
        # Indel compares tokens by hash; on an (astronomically rare) collision number them.
        numbers: dict[str, int] = {}
        codes = [[numbers.setdefault(t, len(numbers)) for t in text] for text in cores]
        return _merged_pieces(codes, _hunks(codes[0], codes[1]), _hunks(codes[0], codes[2]))


class _HashCollision(Exception):
    """Two different tokens compared equal by hash."""


def _hunks(base: list, side: list) -> list[Hunk]:
    """Return the stretches of base a side changed (adjacent changes joined)."""
    hunks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in Indel.opcodes(base, side).as_list():
        if tag == "equal":
            if base[i1:i2] != side[j1:j2]:
                raise _HashCollision
            continue
        if hunks and hunks[-1][1] == i1 and hunks[-1][3] == j1:
            hunks[-1][1], hunks[-1][3] = i2, j2
        else:
            hunks.append([i1, i2, j1, j2])
    return [tuple(h) for h in hunks]


def _overlap(a: Hunk, b: Hunk) -> bool:
    """Tell whether hunks of different sides touch the same base words (or insertion point)."""
    (a1, a2), (b1, b2) = a[:2], b[:2]
    if a1 == a2 and b1 == b2:
        return a1 == b1
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2


def _groups(ours: list[Hunk], theirs: list[Hunk]) -> list[list[tuple[int, Hunk]]]:
    """Group hunks that overlap, in base order: (side 1 ours | 2 theirs, hunk)."""
    # In base order, a hunk overlapping an earlier group overlaps its last group (the hunks of
    # one side never overlap each other), so one pass finds every group.
    events = sorted([(h[0], h[1], 1, h) for h in ours] + [(h[0], h[1], 2, h) for h in theirs])
    groups: list[list[tuple[int, Hunk]]] = []
    for _, _, side, hunk in events:
        if groups and any(s != side and _overlap(hunk, h) for s, h in groups[-1]):
            groups[-1].append((side, hunk))
        else:
            groups.append([(side, hunk)])
    return groups


def _merged_pieces(cores: list[list], ours: list[Hunk], theirs: list[Hunk]) -> list[Piece] | _Clash:
    """Return the merged text as token ranges of the three texts, or the first clash."""
    pieces: list[Piece] = []
    at = 0
    for group in _groups(ours, theirs):
        if len(group) == 1:  # most: a change only one side made there
            side, (i1, i2, j1, j2) = group[0]
            pieces += [(0, at, i1), (side, j1, j2)]
            at = i2
            continue
        start, end = min(h[0] for _, h in group), max(h[1] for _, h in group)
        pieces.append((0, at, start))
        versions = {side: _version(side, [h for s, h in group if s == side], start, end)
                    for side in {s for s, _ in group}}
        if len(versions) == 2 and _cores(cores, versions[1]) != _cores(cores, versions[2]):
            return _Clash(start, end, group)
        pieces.extend(versions[min(versions)])
        at = end
    pieces.append((0, at, len(cores[0])))
    return pieces


def _version(side: int, hunks: list[Hunk], start: int, end: int) -> list[Piece]:
    """Return what base tokens [start, end) became on one side, given its hunks there (sorted)."""
    pieces: list[Piece] = []
    at = start
    for i1, i2, j1, j2 in hunks:
        pieces.append((0, at, i1))
        pieces.append((side, j1, j2))
        at = i2
    pieces.append((0, at, end))
    return pieces


def _cores(cores: list[list], pieces: list[Piece]) -> list:
    return [c for text, i, j in pieces for c in cores[text][i:j]]


def _join(texts: list[list[str]], pieces: list[Piece]) -> str:
    """Join tokens (each with the white space before it), spacing any moved off the start."""
    out: list[str] = []
    for text, start, end in pieces:
        for k in range(start, end):
            token = texts[text][k]
            if not out:
                token = token.lstrip()
            elif k == 0 and not token[:1].isspace():
                token = " " + token  # it began its text, so it had no space before it
            out.append(token)
    return normalise_text("".join(out))
