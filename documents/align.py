"""Which block of one version is which block of another: the first step of every redline.

Blocks are matched by stable id, then by content (a key unique on both sides), and the matches
that keep their order become anchors; the others are moves. Between anchors, runs of identical
blocks are matched by a sequence alignment over content keys (this handles repeated identical
clauses), and what is left is paired by word similarity, so an edited clause is one changed
block, not a deletion and an insertion. Blocks left over whose content reappears elsewhere are
moves too. The same in-order matcher aligns table rows and the cells of a row.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz.distance import Indel

from documents.blocks import Block, BlockKind

PAIR_SIMILARITY = 0.5  # two blocks in the same place with at least this share of tokens in common
MOVE_SIMILARITY = 0.8  # an edited block found elsewhere must be this close to count as a move
DP_CELLS = 4096  # pair up to 64 x 64 leftovers by exact dynamic programming, larger by shingles
SHINGLE = 3  # tokens per shingle when looking for similar blocks in a long stretch
COMMON_SHINGLE = 8  # a shingle found in more blocks than this is boilerplate: no evidence

Pair = tuple[int, int]


@dataclass(frozen=True)
class Alignment:
    """Matched blocks: `pairs` in document order on both sides, `moves` (old, new) out of it.

    Old blocks in neither list are deleted, new blocks in neither are inserted.
    """

    pairs: list[Pair]
    moves: list[Pair] = field(default_factory=list)


class Matcher:
    """Pairs items of two sequences: content keys for equality, words for similarity."""

    def __init__(self, old_keys: Sequence[Hashable], new_keys: Sequence[Hashable],
                 old_words: Callable[[int], list[str]], new_words: Callable[[int], list[str]],
                 old_groups: Sequence[Hashable] | None = None,
                 new_groups: Sequence[Hashable] | None = None):
        """Items pair only within the same group (a table never pairs with a paragraph)."""
        self.old_keys, self.new_keys = old_keys, new_keys
        self._old_words, self._new_words = old_words, new_words
        self._old_groups, self._new_groups = old_groups, new_groups
        self._cache: dict[tuple[int, int], list[str]] = {}

    def compatible(self, i: int, j: int) -> bool:
        """Tell whether old item i and new item j may be paired at all."""
        return self._old_groups is None or self._old_groups[i] == self._new_groups[j]

    def words(self, side: int, index: int) -> list[str]:
        """Return the words of an item (0 = old side, 1 = new side), split once."""
        key = (side, index)
        if key not in self._cache:
            self._cache[key] = (self._old_words if side == 0 else self._new_words)(index)
        return self._cache[key]

    def similarity(self, i: int, j: int, cutoff: float = 0.0) -> float:
        """Return 2 * common words / all words of old item i and new item j (0..1).

        Below `cutoff` the answer is 0.0, found without comparing where the lengths tell.
        """
        if not self.compatible(i, j):
            return 0.0
        a, b = self.words(0, i), self.words(1, j)
        if a and b and 2 * min(len(a), len(b)) < cutoff * (len(a) + len(b)):
            return 0.0
        return Indel.normalized_similarity(a, b, score_cutoff=cutoff)

    def in_order(self, old: Sequence[int], new: Sequence[int]) -> list[Pair]:
        """Pair items of two stretches in order: equal runs first, then similar leftovers."""
        if not old or not new:
            return []
        matcher = SequenceMatcher(None, [self.old_keys[i] for i in old],
                                  [self.new_keys[j] for j in new], autojunk=False)
        pairs: list[Pair] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                pairs.extend(zip(old[i1:i2], new[j1:j2], strict=True))
            else:
                pairs.extend(self.similar(old[i1:i2], new[j1:j2]))
        return pairs

    def similar(self, old: Sequence[int], new: Sequence[int]) -> list[Pair]:
        """Pair edited items of two stretches in which no item is identical."""
        if not old or not new:
            return []
        if len(old) == 1 and len(new) == 1:
            # One item replaced by one item in the same place: an edit, however heavy.
            return [(old[0], new[0])] if self.compatible(old[0], new[0]) else []
        if len(old) * len(new) <= DP_CELLS:
            return self._best_monotone(old, new)
        anchors = longest_in_order(self.shingle_matches(old, new, PAIR_SIMILARITY))
        if not anchors:
            return []
        pairs: list[Pair] = []
        for (o1, o2), (n1, n2), anchor in _gaps(old, new, anchors):
            pairs.extend(self.in_order(old[o1:o2], new[n1:n2]))
            if anchor:
                pairs.append(anchor)
        return pairs

    def _best_monotone(self, old: Sequence[int], new: Sequence[int]) -> list[Pair]:
        """Return the in-order pairing with the greatest total similarity (dynamic programming)."""
        n, m = len(old), len(new)
        if n == m and all(self.similarity(i, j, MOVE_SIMILARITY) for i, j in zip(old, new,
                                                                                 strict=True)):
            return list(zip(old, new, strict=True))  # n clauses edited lightly, n clauses back
        sim = [[self.similarity(i, j, PAIR_SIMILARITY) for j in new] for i in old]
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for a in range(n):
            for b in range(m):
                s = sim[a][b]
                take = score[a][b] + s if s >= PAIR_SIMILARITY else 0.0
                score[a + 1][b + 1] = max(score[a][b + 1], score[a + 1][b], take)
        pairs = []
        a, b = n, m
        while a and b:
            if score[a][b] == score[a - 1][b]:
                a -= 1
            elif score[a][b] == score[a][b - 1]:
                b -= 1
            else:
                pairs.append((old[a - 1], new[b - 1]))
                a, b = a - 1, b - 1
        return pairs[::-1]

    def shingle_matches(self, old: Sequence[int], new: Sequence[int],
                        threshold: float) -> list[Pair]:
        """Find mutually best similar pairs in long stretches through shared token shingles."""
        postings: dict[tuple, list[int]] = defaultdict(list)
        for j in new:
            for shingle in _shingles(self.words(1, j)):
                postings[shingle].append(j)
        best_new: dict[int, tuple[float, int]] = {}
        for i in old:
            votes: Counter[int] = Counter()
            for shingle in _shingles(self.words(0, i)):
                found = postings.get(shingle)
                if found and len(found) <= COMMON_SHINGLE:
                    votes.update(found)
            scored = [(self.similarity(i, j, threshold), j) for j, _ in votes.most_common(3)]
            score, j = max(scored, default=(0.0, -1))
            if score >= threshold and score > best_new.get(j, (0.0, -1))[0]:
                best_new[j] = (score, i)
        return sorted((i, j) for j, (_, i) in best_new.items())


def _shingles(words: list[str]) -> set[tuple]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[k:k + SHINGLE]) for k in range(len(words) - SHINGLE + 1)}


def _gaps(old: Sequence[int], new: Sequence[int], anchors: list[Pair]):
    """Yield the stretches between anchors as ((old slice), (new slice), anchor after them)."""
    old_pos = {i: k for k, i in enumerate(old)}
    new_pos = {j: k for k, j in enumerate(new)}
    o = n = 0
    for anchor in anchors:
        a, b = old_pos[anchor[0]], new_pos[anchor[1]]
        yield (o, a), (n, b), anchor
        o, n = a + 1, b + 1
    yield (o, len(old)), (n, len(new)), None


def longest_in_order(pairs: list[Pair]) -> list[Pair]:
    """Return the longest subsequence of pairs (sorted by old index) whose new index rises too."""
    pairs = sorted(pairs)
    tails: list[int] = []  # smallest new index ending a rising run of each length
    tail_at: list[int] = []  # position in pairs of that run's last pair
    before = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        length = bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[length], tail_at[length] = j, k
        before[k] = tail_at[length - 1] if length else -1
    kept, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        kept.append(pairs[k])
        k = before[k]
    return kept[::-1]


# --- blocks ----------------------------------------------------------------------------------

def align_blocks(old: Sequence[Block], new: Sequence[Block], *,
                 use_ids: bool = True) -> Alignment:
    """Match the blocks of two versions (ids ignored when `use_ids` is false)."""
    old_keys = [content(b) for b in old]
    new_keys = [content(b) for b in new]
    matcher = Matcher(old_keys, new_keys, lambda i: old[i].plain_text.split(),
                      lambda j: new[j].plain_text.split(),
                      [_is_table(b) for b in old], [_is_table(b) for b in new])
    anchors = _id_matches(old, new, matcher) if use_ids else []
    anchors += _unique_key_matches(old_keys, new_keys, anchors)
    in_order = longest_in_order(anchors)
    kept = set(in_order)
    # An empty paragraph that "moved" is noise: it counts as deleted and inserted instead.
    moves = [p for p in anchors if p not in kept and old[p[0]].plain_text]
    taken_old = {i for i, _ in anchors}
    taken_new = {j for _, j in anchors}
    free_old = [i for i in range(len(old)) if i not in taken_old]
    free_new = [j for j in range(len(new)) if j not in taken_new]
    pairs: list[Pair] = []
    for (o1, o2), (n1, n2), anchor in _free_gaps(free_old, free_new, in_order):
        pairs.extend(matcher.in_order(free_old[o1:o2], free_new[n1:n2]))
        if anchor:
            pairs.append(anchor)
    moves += _leftover_moves(matcher, pairs + moves, len(old), len(new))
    return Alignment(pairs=pairs, moves=sorted(moves))


def content(block: Block) -> tuple:
    """Return what a block says, as Block.content_key hashes it (cheap to hash, exact)."""
    return (block.kind, block.level, block.text, block.cells)


def _is_table(block: Block) -> bool:
    return block.kind == BlockKind.TABLE


def _id_matches(old: Sequence[Block], new: Sequence[Block], matcher: Matcher) -> list[Pair]:
    """Pair blocks whose id is found exactly once on each side."""
    old_at = _unique_positions([b.id for b in old])
    new_at = _unique_positions([b.id for b in new])
    return [(i, new_at[block_id]) for block_id, i in old_at.items()
            if block_id in new_at and matcher.compatible(i, new_at[block_id])]


def _unique_positions(ids: list[str]) -> dict[str, int]:
    """Return id -> position for the ids found exactly once."""
    at = {block_id: k for k, block_id in enumerate(ids)}
    if len(at) < len(ids):
        for block_id, count in Counter(ids).items():
            if count > 1:
                del at[block_id]
    return at


def _unique_key_matches(old_keys: list[tuple], new_keys: list[tuple],
                        taken: list[Pair]) -> list[Pair]:
    """Pair blocks not yet matched whose content is found exactly once on each side."""
    taken_old = {i for i, _ in taken}
    taken_new = {j for _, j in taken}
    old_count = Counter(k for i, k in enumerate(old_keys) if i not in taken_old)
    new_count = Counter(k for j, k in enumerate(new_keys) if j not in taken_new)
    new_at = {k: j for j, k in enumerate(new_keys) if j not in taken_new}
    return [(i, new_at[k]) for i, k in enumerate(old_keys)
            if i not in taken_old and old_count[k] == 1 and new_count.get(k) == 1]


def _free_gaps(free_old: list[int], free_new: list[int], anchors: list[Pair]):
    """Yield the stretches of unmatched blocks between in-order anchors."""
    o = n = 0
    for anchor in anchors:
        o2 = bisect_left(free_old, anchor[0], lo=o)
        n2 = bisect_left(free_new, anchor[1], lo=n)
        yield (o, o2), (n, n2), anchor
        o, n = o2, n2
    yield (o, len(free_old)), (n, len(free_new)), None


def _leftover_moves(matcher: Matcher, matched: list[Pair], n_old: int, n_new: int) -> list[Pair]:
    """Pair deleted blocks with inserted ones that say the same (or nearly the same) thing."""
    taken_old = {i for i, _ in matched}
    taken_new = {j for _, j in matched}
    deleted = [i for i in range(n_old) if i not in taken_old and matcher.words(0, i)]
    inserted: dict[tuple, list[int]] = defaultdict(list)
    for j in range(n_new):
        if j not in taken_new and matcher.words(1, j):
            inserted[matcher.new_keys[j]].append(j)
    moves = []
    for i in deleted:
        same = inserted.get(matcher.old_keys[i])
        if same:
            moves.append((i, same.pop(0)))
    if len(moves) < len(deleted):
        moved_old = {i for i, _ in moves}
        moved_new = {j for _, j in moves}
        rest_old = [i for i in deleted if i not in moved_old]
        rest_new = sorted(j for js in inserted.values() for j in js if j not in moved_new)
        if rest_new:
            moves += matcher.shingle_matches(rest_old, rest_new, MOVE_SIMILARITY)
    return moves
