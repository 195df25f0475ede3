"""The redline of two versions as data: one change per block, word runs inside changed blocks.

Blocks are aligned first (documents.align), then words are diffed inside each changed block
(documents.word_diff): whole-document word diffs do not scale (FIELD_NOTES). Renderers
(documents.redline_html, later the tracked-changes .docx) read this data only.
"""

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from documents.align import Alignment, Matcher, align_blocks
from documents.blocks import Block, BlockKind, new_block_id
from documents.word_diff import Op, Runs, WordDiff, diff_words, word_count

__all__ = ["BlockChange", "CellChange", "Op", "Redline", "RedlineStats", "RowChange", "Status",
           "carry_ids", "compare"]


class Status(StrEnum):
    """What happened to a block (or a table row or cell) between two versions."""

    EQUAL = "equal"
    CHANGED = "changed"
    INSERTED = "inserted"
    DELETED = "deleted"
    MOVED_FROM = "moved_from"  # where a moved block was (old side)
    MOVED_TO = "moved_to"  # where it is now (new side)


@dataclass(frozen=True)
class CellChange:
    """One table cell: its status and word runs."""

    status: Status
    runs: Runs


@dataclass(frozen=True)
class RowChange:
    """One table row: its status and its cells."""

    status: Status
    cells: tuple[CellChange, ...]


@dataclass(frozen=True)
class BlockChange:
    """One block of the redline.

    `runs` cover the whole text (equal runs only for an equal block, one insert run for an
    inserted one); a table has `rows` instead. Both halves of a move carry the old and the new
    block and the same runs (word changes made while moving); `partner` is the index of the
    other half in `Redline.changes`.
    """

    status: Status
    old: Block | None
    new: Block | None
    runs: Runs = ()
    rows: tuple[RowChange, ...] = ()
    partner: int | None = None
    words_inserted: int = 0
    words_deleted: int = 0

    @property
    def block(self) -> Block:
        """Return the block as it is now (as it was, for a deleted block)."""
        return self.new or self.old

    @property
    def is_table(self) -> bool:
        """Tell whether the block is a table."""
        return self.block.kind == BlockKind.TABLE

    @property
    def renumbered(self) -> bool:
        """Tell whether the clause number changed (not a word change, but shown)."""
        return bool(self.old and self.new and self.old.number != self.new.number)

    @property
    def restyled(self) -> bool:
        """Tell whether the block changed kind or level (a paragraph became a heading)."""
        return bool(self.old and self.new and (self.old.kind, self.old.level)
                    != (self.new.kind, self.new.level))

    @property
    def unchanged(self) -> bool:
        """Tell whether the block reads the same in both versions, its number aside."""
        return self.status == Status.EQUAL


@dataclass(frozen=True)
class RedlineStats:
    """What a reader is told before the redline: how many words and blocks changed."""

    words_inserted: int = 0
    words_deleted: int = 0
    blocks_changed: int = 0
    blocks_inserted: int = 0
    blocks_deleted: int = 0
    blocks_moved: int = 0
    blocks_renumbered: int = 0


@dataclass
class Redline:
    """Every block of two versions in reading order, with what happened to it."""

    changes: list[BlockChange] = field(default_factory=list)

    @cached_property
    def stats(self) -> RedlineStats:
        """Return the counts of the redline (a move is counted once)."""
        counts = {k: 0 for k in RedlineStats.__dataclass_fields__}
        for change in self.changes:
            if change.status == Status.MOVED_FROM:
                continue
            counts["words_inserted"] += change.words_inserted
            counts["words_deleted"] += change.words_deleted
            key = {Status.CHANGED: "blocks_changed", Status.INSERTED: "blocks_inserted",
                   Status.DELETED: "blocks_deleted", Status.MOVED_TO: "blocks_moved"}
            if change.status in key:
                counts[key[change.status]] += 1
            elif change.renumbered:
                counts["blocks_renumbered"] += 1
        return RedlineStats(**counts)

    @property
    def has_changes(self) -> bool:
        """Tell whether the versions differ at all (a changed clause number counts)."""
        return any(not c.unchanged or c.renumbered for c in self.changes)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a comparison runs.

    A comparison makes tens of thousands of small tuples and changes that form no cycles; the
    collector kept walking them (and every block of both versions) and took 30% of the time of
    a 300,000-word compare. Reference counting still frees everything; the collector resumes
    after, unless it was already off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compare(old: Sequence[Block], new: Sequence[Block]) -> Redline:
    """Return the redline from version `old` to version `new`."""
    with paused_gc():
        return _compare(list(old), list(new))


def _compare(old: list[Block], new: list[Block]) -> Redline:
    alignment = align_blocks(old, new)
    steps = _reading_order(alignment, len(old), len(new))
    half = {(s, i, j): k for k, (s, i, j) in enumerate(steps) if s in _MOVES}
    changes = []
    for status, i, j in steps:
        a = old[i] if i is not None else None
        b = new[j] if j is not None else None
        if status == Status.CHANGED and a.text == b.text and a.cells == b.cells \
                and a.kind == b.kind and a.level == b.level:  # what content() compares
            status = Status.EQUAL
        partner = None
        if status in _MOVES:
            partner = half[(_MOVES[status], i, j)]
        changes.append(_block_change(status, a, b, partner))
    return Redline(changes)


_MOVES = {Status.MOVED_FROM: Status.MOVED_TO, Status.MOVED_TO: Status.MOVED_FROM}


def _reading_order(alignment: Alignment, n_old: int, n_new: int) -> list[tuple]:
    """Interleave both versions: matched blocks in place, the old side's leftovers first."""
    moved_old = dict(alignment.moves)
    moved_new = {j: i for i, j in alignment.moves}
    steps: list[tuple] = []
    i = j = 0
    for a, b in [*alignment.pairs, (n_old, n_new)]:
        for k in range(i, a):
            if k in moved_old:
                steps.append((Status.MOVED_FROM, k, moved_old[k]))
            else:
                steps.append((Status.DELETED, k, None))
        for k in range(j, b):
            if k in moved_new:
                steps.append((Status.MOVED_TO, moved_new[k], k))
            else:
                steps.append((Status.INSERTED, None, k))
        if a < n_old:
            steps.append((Status.CHANGED, a, b))  # EQUAL when the content turns out the same
        i, j = a + 1, b + 1
    return steps


def _block_change(status: Status, old: Block | None, new: Block | None,
                  partner: int | None) -> BlockChange:
    """Build one block's change with its word runs (or table rows)."""
    block = new or old
    if block.kind == BlockKind.TABLE:
        rows, diff = _table_rows(old, new)
        return BlockChange(status, old, new, rows=rows, partner=partner,
                           words_inserted=diff.inserted, words_deleted=diff.deleted)
    diff = _text_diff(status, old.text if old else "", new.text if new else "")
    return BlockChange(status, old, new, runs=diff.runs, partner=partner,
                       words_inserted=diff.inserted, words_deleted=diff.deleted)


def _text_diff(status: Status, old: str, new: str) -> WordDiff:
    """Diff two texts, skipping the diff where the status already tells the answer."""
    if status == Status.EQUAL or old == new:
        return WordDiff(((Op.EQUAL, new),) if new else (), 0, 0)
    if status == Status.INSERTED or not old:
        return WordDiff(((Op.INSERT, new),) if new else (), word_count(new), 0)
    if status == Status.DELETED or not new:
        return WordDiff(((Op.DELETE, old),), 0, word_count(old))
    return diff_words(old, new)


def _table_rows(old: Block | None, new: Block | None) -> tuple[tuple[RowChange, ...], WordDiff]:
    """Diff two tables: rows aligned like blocks, then cells inside each changed row."""
    old_rows = old.cells if old else ()
    new_rows = new.cells if new else ()
    if old_rows == new_rows:
        same = tuple(RowChange(Status.EQUAL, tuple(CellChange(Status.EQUAL, ((Op.EQUAL, c),) if c
                                                              else ()) for c in row))
                     for row in new_rows)
        return same, WordDiff((), 0, 0)
    matcher = Matcher(old_rows, new_rows, lambda i: " ".join(old_rows[i]).split(),
                      lambda j: " ".join(new_rows[j]).split())
    rows: list[RowChange] = []
    inserted = deleted = 0
    for a, b in _walk(matcher.in_order(range(len(old_rows)), range(len(new_rows))),
                      len(old_rows), len(new_rows)):
        row = _row_change(old_rows[a] if a is not None else None,
                          new_rows[b] if b is not None else None)
        rows.append(row)
        for cell in row.cells:
            inserted += sum(word_count(t) for op, t in cell.runs if op == Op.INSERT)
            deleted += sum(word_count(t) for op, t in cell.runs if op == Op.DELETE)
    return tuple(rows), WordDiff((), inserted, deleted)


def _row_change(old: tuple[str, ...] | None, new: tuple[str, ...] | None) -> RowChange:
    """Diff one table row cell by cell (cells aligned, so an added column marks one cell)."""
    old_cells, new_cells = old or (), new or ()
    matcher = Matcher(old_cells, new_cells, lambda i: old_cells[i].split(),
                      lambda j: new_cells[j].split())
    cells = []
    for a, b in _walk(matcher.in_order(range(len(old_cells)), range(len(new_cells))),
                      len(old_cells), len(new_cells)):
        status = (Status.DELETED if b is None else Status.INSERTED if a is None
                  else Status.EQUAL if old_cells[a] == new_cells[b] else Status.CHANGED)
        diff = _text_diff(status, old_cells[a] if a is not None else "",
                          new_cells[b] if b is not None else "")
        cells.append(CellChange(status, diff.runs))
    if old is None or new is None:
        return RowChange(Status.DELETED if new is None else Status.INSERTED, tuple(cells))
    same = all(c.status == Status.EQUAL for c in cells)
    return RowChange(Status.EQUAL if same else Status.CHANGED, tuple(cells))


def _walk(pairs: list[tuple[int, int]], n_old: int, n_new: int):
    """Yield (old index | None, new index | None) in order, unmatched items as halves."""
    i = j = 0
    for a, b in [*pairs, (n_old, n_new)]:
        yield from ((k, None) for k in range(i, a))
        yield from ((None, k) for k in range(j, b))
        if a < n_old:
            yield a, b
        i, j = a + 1, b + 1


def carry_ids(old: Sequence[Block], new: Sequence[Block]) -> list[Block]:
    """Give the blocks of a new version the ids of their counterparts in the old version.

    Counterparts are found by content alone (the new blocks' ids are fresh from the import):
    equal, edited and moved blocks keep their id; others get a fresh one; no id is used twice.
    """
    old, new = list(old), list(new)
    with paused_gc():
        alignment = align_blocks(old, new, use_ids=False)
    carried = {j: old[i].id for i, j in [*alignment.pairs, *alignment.moves]}
    old_ids = {b.id for b in old}
    taken: set[str] = set()
    out = []
    for j, block in enumerate(new):
        block_id = carried.get(j)
        if block_id is None or block_id in taken:  # an old version with a repeated id
            block_id = block.id
            while not block_id or block_id in taken or block_id in old_ids:
                block_id = new_block_id()
        taken.add(block_id)
        out.append(block.with_id(block_id))
    return out
