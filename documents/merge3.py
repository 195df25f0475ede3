"""Three-way merge of document versions: how a redline proposal is rebased onto a newer version.

`merge3(base, ours, theirs)`: base is the version the proposal started from, ours the proposal,
theirs the version published since. Both sides are aligned to base by the compare engine
(documents.align: stable ids first, then content, so edited and moved clauses are found). Each
base block then has a fate on each side (kept in place, moved, removed), and every other block
sits in the gap after the last base block it follows. Then, block by block:

- changed on one side only: that side's version; changed the same way on both: once;
- changed differently: merged again word by word (documents.merge_words: edits to different
  words merge, edits to the same words conflict), kind, level and number format one by one,
  tables row by row and cell by cell;
- removed by one side: removed, unless the other side changed it (a conflict);
- moved by one side: where that side put it, with the other side's edits; moved by both: where
  the proposal put it (the proposal's redline shows the move to its reviewers again);
- new blocks in the same gap on both sides: the proposal's first, then the published ones (so a
  proposal's new clause keeps the clause before it: see `own_changes`); a published block that
  says the same as one of the proposal's new blocks there is kept once.

Clause numbers: when both sides are numbered the house way (`renumber` gives back their own
numbers), the merged list is renumbered; otherwise each block keeps the number of the side its
change came from. FIELD_NOTES: blocks first, then words, leaves a handful of conflicts at 300,000
words. No GPL merge code is used.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from documents.align import Matcher, align_blocks
from documents.blocks import MAX_LEVEL, NUMBER_FORMATS, Block, BlockKind, format_counter, renumber
from documents.compare import Status, compare, paused_gc
from documents.merge_words import merge_words
from documents.word_diff import Op, Runs, new_text, old_text
from models.errors import N_, ValidationError

__all__ = ["Conflict", "ConflictKind", "MergeResult", "merge3", "merge_block", "merge_cells",
           "merge_words", "own_changes", "own_changes_key", "resolve"]

Rows = tuple[tuple[str, ...], ...]


class ConflictKind(StrEnum):
    """Why a block did not merge."""

    EDIT = "edit"  # both sides changed it, in ways that collide
    DELETE = "delete"  # one side deleted it, the other changed it


@dataclass(frozen=True)
class Conflict:
    """A block both sides changed in ways that do not merge: the author chooses a version.

    `position` is the index in `MergeResult.blocks` of the block holding the proposal's version
    as a placeholder (under `block_id`). When the proposal deleted the block (`ours` is None)
    nothing holds the place: the chosen version goes before the block at `position`.
    """

    block_id: str
    kind: ConflictKind
    base: Block | None
    ours: Block | None
    theirs: Block | None
    position: int

    @property
    def holds_place(self) -> bool:
        """Tell whether a placeholder block stands in `MergeResult.blocks` for the conflict."""
        return self.ours is not None


@dataclass(frozen=True)
class MergeResult:
    """The merged blocks (the proposal's version where a block conflicts) and the conflicts."""

    blocks: list[Block]
    conflicts: list[Conflict] = field(default_factory=list)
    renumbered: bool = False  # clause numbers were recomputed (and will be again on resolve)

    @property
    def clean(self) -> bool:
        """Tell whether the merge needs nothing from the author."""
        return not self.conflicts


def merge3(base: Sequence[Block], ours: Sequence[Block], theirs: Sequence[Block]) -> MergeResult:
    """Merge the changes ours and theirs each made to base."""
    with paused_gc():  # as compare(): many small tuples, no cycles
        return _merge3(list(base), list(ours), list(theirs))


def _merge3(base: list[Block], ours: list[Block], theirs: list[Block]) -> MergeResult:
    base_keys = [_key(b) for b in base]
    our_side = _aligned(base, ours)
    their_side = _aligned(base, theirs)
    renumbered = _house_numbered(ours) and _house_numbered(theirs)
    out = _Builder()
    for what, k in _layout(base_keys, our_side, their_side):
        if what != "base":
            out.add((ours if what == "ours" else theirs)[k])
            continue
        o, t = our_side.at(k), their_side.at(k)
        if (o is not None and t is not None and our_side.keys[o] == their_side.keys[t]
                and (renumbered or ours[o].number == theirs[t].number)):
            out.add(ours[o])  # most blocks: the same on both sides, or changed the same way
        else:
            out.merge(base[k], _item(ours, o), _item(theirs, t))
    blocks = _renumbered(out.blocks) if renumbered else out.blocks
    return MergeResult(blocks, out.conflicts, renumbered)


def _key(block: Block) -> tuple:
    """Return what a block says, its number aside (numbers follow from the order)."""
    return (block.kind, block.level, block.number_format, block.text, block.cells)


def _item(items: list, index: int | None):
    return None if index is None else items[index]


def _house_numbered(blocks: list[Block]) -> bool:
    """Tell whether `renumber` would give these blocks back as they are."""
    numbers = _house_numbers(blocks)
    return numbers is not None and all(n == b.number for n, b in zip(numbers, blocks,
                                                                     strict=True))


def _renumbered(blocks: list[Block]) -> list[Block]:
    """Return `renumber(blocks)`, copying only the blocks whose number changes."""
    numbers = _house_numbers(blocks)
    if numbers is None:
        return renumber(blocks)
    return [b if n == b.number else replace(b, number=n)
            for n, b in zip(numbers, blocks, strict=True)]


def _house_numbers(blocks: list[Block]) -> list[str] | None:
    """Return the number `renumber` gives each block; None if it would change more than numbers.

    The same counting as `renumber`, without building blocks, as it runs on both sides of
    every merge (tests/test_merge3.py holds the two to the same answers).
    """
    counters = [0] * (MAX_LEVEL + 1)
    numbers = []
    for b in blocks:
        if b.kind != BlockKind.LIST_ITEM:
            numbers.append(b.number)
            continue
        if not 0 <= b.level <= MAX_LEVEL or b.number_format not in NUMBER_FORMATS:
            return None  # renumber would set a level or format too
        if b.number_format == "bullet":
            numbers.append("")
            continue
        counters[b.level] += 1
        counters[b.level + 1:] = _ZEROS[b.level + 1:]
        if b.number_format == "decimal":
            numbers.append(".".join(str(max(c, 1)) for c in counters[: b.level + 1]) + ".")
        else:
            numbers.append(format_counter(counters[b.level], b.number_format) + ")")
    return numbers


_ZEROS = [0] * (MAX_LEVEL + 1)


# --- aligning and laying out ------------------------------------------------------------------

@dataclass(frozen=True)
class _Side:
    """One side aligned to base: which base item each of its items is, where new ones sit."""

    keys: list  # content key of each item on this side
    kept: dict[int, int]  # base index -> index here, in document order
    moved: dict[int, int]  # base index -> index here, out of order
    origin: dict[int, int]  # index here -> base index, for moved items
    gaps: dict[int, list[int]]  # gap g (just before base item g) -> items here placed in it

    def at(self, i: int) -> int | None:
        """Return the index here of base item i (None if this side removed it)."""
        j = self.kept.get(i)
        return self.moved.get(i) if j is None else j


def _side(keys: list, pairs: list[tuple[int, int]], moves: list[tuple[int, int]]) -> _Side:
    """Build one side from its alignment to base (`pairs` in order, `moves` out of it)."""
    base_of = dict((j, i) for i, j in pairs)
    gaps: dict[int, list[int]] = defaultdict(list)
    gap = 0
    for j in range(len(keys)):
        i = base_of.get(j)
        if i is None:
            gaps[gap].append(j)
        else:
            gap = i + 1
    return _Side(keys, dict(pairs), dict(moves), {j: i for i, j in moves}, gaps)


def _aligned(base: list[Block], side: list[Block]) -> _Side:
    """Align a side's blocks to base with the compare engine."""
    alignment = align_blocks(base, side)
    return _side([_key(b) for b in side], alignment.pairs, alignment.moves)


def _layout(base_keys: list, ours: _Side, theirs: _Side) -> list[tuple[str, int]]:
    """Return the merged order: ("base", i) for base item i, ("ours"|"theirs", j) for new ones.

    A base item both sides removed, or one side removed and the other left as it was, is left
    out; one removed by one side and changed by the other is laid out where the other has it.
    """
    place = [_place(i, key, ours, theirs) for i, key in enumerate(base_keys)]
    out: list[tuple[str, int]] = []
    for gap in range(len(base_keys) + 1):
        ours_new: Counter = Counter()
        for j in ours.gaps.get(gap, ()):
            i = ours.origin.get(j)
            if i is None:
                out.append(("ours", j))
                ours_new[ours.keys[j]] += 1
            elif place[i] == "ours":
                out.append(("base", i))
        for j in theirs.gaps.get(gap, ()):
            i = theirs.origin.get(j)
            if i is None:
                if ours_new[theirs.keys[j]]:  # both added the same block here: once
                    ours_new[theirs.keys[j]] -= 1
                else:
                    out.append(("theirs", j))
            elif place[i] == "theirs":
                out.append(("base", i))
        if gap < len(base_keys) and place[gap] == "base":
            out.append(("base", gap))
    return out


def _place(i: int, key: tuple, ours: _Side, theirs: _Side) -> str | None:
    """Say where base item i goes: "base" (its place), "ours"/"theirs" (moved), or None."""
    o, t = ours.at(i), theirs.at(i)
    if o is None or t is None:
        side, index = (theirs, t) if o is None else (ours, o)
        if index is None or side.keys[index] == key:
            return None  # removed, and the other side has nothing to say about it
        return "base" if i in side.kept else ("theirs" if side is theirs else "ours")
    if i in ours.moved:
        return "ours"
    return "theirs" if i in theirs.moved else "base"


class _Builder:
    """Collects merged blocks and conflicts, each block under an id of its own."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.conflicts: list[Conflict] = []
        self._ids: set[str] = set()

    def add(self, block: Block) -> None:
        """Append a block that needs no decision."""
        block_id = self._claim(block.id)
        self.blocks.append(block if block_id == block.id else block.with_id(block_id))

    def merge(self, base: Block, ours: Block | None, theirs: Block | None) -> None:
        """Append base's block as both sides left it, or a conflict."""
        if ours is None or theirs is None:
            self._conflict(ConflictKind.DELETE, base, ours, theirs)
            return
        merged = merge_block(base, ours, theirs)
        if merged is None:
            self._conflict(ConflictKind.EDIT, base, ours, theirs)
        else:
            self.add(merged)

    def _conflict(self, kind: ConflictKind, base: Block, ours: Block | None,
                  theirs: Block | None) -> None:
        block_id = self._claim((ours or theirs).id)
        self.conflicts.append(Conflict(block_id, kind, base, ours, theirs, len(self.blocks)))
        if ours is not None:
            self.blocks.append(ours.with_id(block_id))

    def _claim(self, block_id: str) -> str:
        """Return block_id, or an id derived from it when it is taken (the same on every run)."""
        candidate, n = block_id, 0
        while not candidate or candidate in self._ids:
            n += 1
            candidate = "b" + hashlib.sha256(f"{block_id}/{n}".encode()).hexdigest()[:12]
        self._ids.add(candidate)
        return candidate


# --- one block --------------------------------------------------------------------------------

_CLASH = object()


def _pick(base, ours, theirs):
    """Return the value a three-way merge gives one attribute, or _CLASH."""
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    return _CLASH


def merge_block(base: Block, ours: Block, theirs: Block) -> Block | None:
    """Merge the two sides' versions of one block (ours' id); None when the changes collide."""
    if ours == theirs:
        return ours  # most blocks: left alone on both sides
    number = _pick(base.number, ours.number, theirs.number)
    number = ours.number if number is _CLASH else number
    kb, ko, kt = _key(base), _key(ours), _key(theirs)
    if ko == kb:
        return _as(theirs, ours.id, number)
    if kt == kb or ko == kt:
        return _as(ours, ours.id, number)
    fields = {name: _pick(getattr(base, name), getattr(ours, name), getattr(theirs, name))
              for name in ("kind", "level", "number_format")}
    fields["text"] = merge_words(base.text, ours.text, theirs.text)
    fields["cells"] = merge_cells(base.cells, ours.cells, theirs.cells)
    if any(v is _CLASH or v is None for v in fields.values()):
        return None
    return replace(ours, number=number, **fields)


def _as(block: Block, block_id: str, number: str) -> Block:
    """Return block under that id and number (itself if they are its own)."""
    if block.id == block_id and block.number == number:
        return block
    return replace(block, id=block_id, number=number)


def merge_cells(base: Rows, ours: Rows, theirs: Rows) -> Rows | None:
    """Merge two edits of a table: rows aligned like blocks, then cells; None if they collide.

    A row removed by one side and changed by the other collides; so does a row whose number of
    cells changed on one side while the other changed a cell of it.
    """
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    our_rows, their_rows = _rows_side(base, ours), _rows_side(base, theirs)
    merged = []
    for what, k in _layout(list(base), our_rows, their_rows):
        if what != "base":
            merged.append((ours if what == "ours" else theirs)[k])
            continue
        o, t = our_rows.at(k), their_rows.at(k)
        row = None if o is None or t is None else _merge_row(base[k], ours[o], theirs[t])
        if row is None:
            return None
        merged.append(row)
    return tuple(merged)


def _rows_side(base: Rows, side: Rows) -> _Side:
    """Align a side's table rows to base's as the redline does (equal rows, then similar)."""
    matcher = Matcher(base, side, lambda i: " ".join(base[i]).split(),
                      lambda j: " ".join(side[j]).split())
    return _side(list(side), matcher.in_order(range(len(base)), range(len(side))), [])


def _merge_row(base: tuple[str, ...], ours: tuple[str, ...],
               theirs: tuple[str, ...]) -> tuple[str, ...] | None:
    picked = _pick(base, ours, theirs)
    if picked is not _CLASH:
        return picked
    if not len(base) == len(ours) == len(theirs):
        return None
    cells = tuple(merge_words(b, o, t) for b, o, t in zip(base, ours, theirs, strict=True))
    return None if None in cells else cells


# --- resolving --------------------------------------------------------------------------------

def resolve(result: MergeResult, choices: dict[str, str | Block]) -> list[Block]:
    """Apply the author's choice for every conflict: "ours", "theirs", "base" or a block.

    A chosen side that deleted the block deletes it; a block given is used under the conflict's
    id. Clause numbers are recomputed if the merge recomputed them.
    """
    ids = {c.block_id for c in result.conflicts}
    missing = [c.block_id for c in result.conflicts if c.block_id not in choices]
    if missing:
        raise ValidationError(N_("Choose a version for every conflicting clause (%(ids)s)."),
                              ids=", ".join(missing))
    if set(choices) - ids:
        raise ValidationError(N_("There is no conflict %(ids)s in this merge."),
                              ids=", ".join(sorted(set(choices) - ids)))
    replacing = {c.position: c for c in result.conflicts if c.holds_place}
    before: dict[int, list[Conflict]] = defaultdict(list)
    for c in result.conflicts:
        if not c.holds_place:
            before[c.position].append(c)
    out: list[Block] = []
    for k in range(len(result.blocks) + 1):
        out.extend(b for c in before.get(k, ()) if (b := _chosen(c, choices[c.block_id])))
        if k == len(result.blocks):
            break
        if k in replacing:
            chosen = _chosen(replacing[k], choices[replacing[k].block_id])
            out.extend([chosen] if chosen else [])
        else:
            out.append(result.blocks[k])
    return _renumbered(out) if result.renumbered else out


def _chosen(conflict: Conflict, choice: str | Block) -> Block | None:
    """Return the block a choice keeps for a conflict (None: the block goes)."""
    if isinstance(choice, Block):
        return choice.with_id(conflict.block_id)
    if choice not in ("ours", "theirs", "base"):
        raise ValidationError(N_("Choose the proposal's, the published or the original text."))
    block = getattr(conflict, choice)
    return block.with_id(conflict.block_id) if block is not None else None


# --- the proposal's own changes ---------------------------------------------------------------

def own_changes(base: Sequence[Block], ours: Sequence[Block]) -> list[str]:
    """Describe what ours changes in base, one canonical JSON line per change, sorted.

    What "the same changes" means: the same blocks (by stable id) deleted, with the same
    content; the same words deleted and inserted in each changed or moved block, in order, but
    not where in the block (the published version may have edited other words of the clause);
    the same kind, level and number format changes; the same new blocks, each after the same
    block of base (by id, `^` for the start) and in the same order there; moved blocks after the
    same block. Clause numbers are left out (they follow from the order) and so is the order of
    the changes (the published version may have moved other clauses). So a rebase that only
    brings in the published changes keeps the description; one that changes words of the
    proposal, takes one of its changes over from the published version (the same edit made on
    both sides is no longer the proposal's), or deletes or moves the block a new or moved clause
    of the proposal followed, does not: reviewers then approve again.
    """
    ops: list[list] = []
    anchor, ordinal = "^", 0
    for change in compare(base, ours).changes:
        old, new = change.old, change.new
        if change.status == Status.MOVED_FROM:
            continue
        if change.status == Status.DELETED:
            ops.append(["delete", old.id, old.content_key()])
            continue
        if change.status == Status.INSERTED:
            ops.append(["insert", anchor, ordinal, new.kind.value, new.level,
                        new.number_format, new.text, [list(r) for r in new.cells]])
            ordinal += 1
            continue
        edits = _edits(change)
        if change.status == Status.MOVED_TO:
            ops.append(["move", old.id, anchor, edits])
        elif edits:
            ops.append(["change", old.id, edits])
        anchor, ordinal = old.id, 0
    return sorted(json.dumps(op, ensure_ascii=False) for op in ops)


def own_changes_key(base: Sequence[Block], ours: Sequence[Block]) -> str:
    """Return a hash of what ours changes in base (see `own_changes`).

    Approvals stay after a rebase when own_changes_key(old_base, ours) ==
    own_changes_key(new_base, merged).
    """
    digest = hashlib.sha256()
    for line in own_changes(base, ours):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _edits(change) -> list:
    """Return a changed or moved block's edits: attributes, then words (or table rows)."""
    old, new = change.old, change.new
    edits: list = []
    if (old.kind, old.level, old.number_format) != (new.kind, new.level, new.number_format):
        edits.append([new.kind.value, new.level, new.number_format])
    if change.rows:
        edits.extend([row.status.value, [_hunks(c.runs) for c in row.cells
                                         if c.status != Status.EQUAL]]
                     for row in change.rows if row.status != Status.EQUAL)
    else:
        edits.extend(_hunks(change.runs))
    return edits


def _hunks(runs: Runs) -> list[list[str]]:
    """Return the changed stretches of runs as [deleted words, inserted words]."""
    hunks: list[list[str]] = []
    stretch: list[tuple[Op, str]] = []
    for op, text in [*runs, (Op.EQUAL, "")]:
        if op != Op.EQUAL:
            stretch.append((op, text))
        elif stretch:
            runs_ = tuple(stretch)
            hunks.append([" ".join(old_text(runs_).split()), " ".join(new_text(runs_).split())])
            stretch = []
    return hunks
