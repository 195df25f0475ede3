"""Three-way merge of one text (a clause, a table cell) word by word.

The texts are cut into the compare engine's tokens (documents.word_diff: words and punctuation,
each with the white space before it); base -> ours and base -> theirs are each a longest common
subsequence over the tokens (rapidfuzz's Indel, in C), whose changed stretches are "hunks" of
base tokens replaced. Hunks of the two sides that do not overlap both apply: a word inserted
just before or after a word the other side replaced is no overlap, the same words replaced, a
word inserted inside a stretch the other side replaced, or two insertions at the same place
are. Overlapping hunks that give the same text apply once; others conflict.
"""

from rapidfuzz.distance import Indel

from documents.blocks import normalise_text
from documents.word_diff import tokens

Hunk = tuple[int, int, int, int]  # base tokens [i1, i2) became side tokens [j1, j2)
Piece = tuple[int, int, int]  # (text: 0 base, 1 ours, 2 theirs; first token; end)


def merge_words(base: str, ours: str, theirs: str) -> str | None:
    """Merge the edits ours and theirs made to base; None when they change the same words."""
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    texts = [tokens(base), tokens(ours), tokens(theirs)]
    numbers: dict[str, int] = {}
    # Tokens compared exactly by their words (white space apart), numbered once for the LCS.
    codes = [[numbers.setdefault(t.lstrip(), len(numbers)) for t in text] for text in texts]
    pieces = _merged_pieces(codes, _hunks(codes[0], codes[1]), _hunks(codes[0], codes[2]))
    return None if pieces is None else _join(texts, pieces)


def _hunks(base: list[int], side: list[int]) -> list[Hunk]:
    """Return the stretches of base a side changed (adjacent changes joined)."""
    hunks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in Indel.opcodes(base, side).as_list():
        if tag == "equal":
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


def _merged_pieces(codes: list[list[int]], ours: list[Hunk],
                   theirs: list[Hunk]) -> list[Piece] | None:
    """Return the merged text as token ranges of the three texts; None on a conflict."""
    pieces: list[Piece] = []
    at = 0
    for group in _groups(ours, theirs):
        start, end = min(h[0] for _, h in group), max(h[1] for _, h in group)
        pieces.append((0, at, start))
        versions = {side: _version(side, [h for s, h in group if s == side], start, end)
                    for side in {s for s, _ in group}}
        if len(versions) == 2 and _codes(codes, versions[1]) != _codes(codes, versions[2]):
            return None
        pieces.extend(versions[min(versions)])
        at = end
    pieces.append((0, at, len(codes[0])))
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


def _codes(codes: list[list[int]], pieces: list[Piece]) -> list[int]:
    return [c for text, i, j in pieces for c in codes[text][i:j]]


def _join(texts: list[list[str]], pieces: list[Piece]) -> str:
    """Join token ranges into a text, spacing the tokens that moved to or from its start."""
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
