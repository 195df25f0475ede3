"""Export a redline proposal as a .docx with real Word tracked changes, for people who live in Word.

The file reads as the old version with the proposal's changes tracked, each carrying the author
and date: "reject all" in Word or LibreOffice gives the old version, "accept all" the new one
(and the portal's importer, which accepts all changes, reads the new version back).

* Words: `w:ins` runs and `w:del` runs with `w:delText`, formatted like the words around them.
* Whole clauses: an inserted clause is an inserted paragraph (its mark, `w:pPr/w:rPr/w:ins`,
  is inserted too) and a deleted clause a deleted one, so each appears or vanishes whole. A
  paragraph whose mark changes is never the last before a table or the end of the body: Word
  cannot join it to the next paragraph there, and an empty numbered line would be left, so an
  empty paragraph follows it.
* Moved clauses are Word moves: `w:moveFrom` where the clause was and `w:moveTo` where it is,
  in named move ranges. Words changed while moving show as deleted at the old place and inserted
  at the new one. LibreOffice 7.4 reads moves as a deletion and an insertion (and keeps the
  ranges as `__RefMoveFrom__` / `__RefMoveTo__` bookmarks). Moved tables are deleted and inserted.
* A clause turned into a heading (or moved to another level) records its old look as a
  paragraph property change (`w:pPrChange`).
* Clause numbers are automatic numbering planned for both documents at once
  (`docx_numbering.TrackedNumberingStream`): after accepting, Word counts the new numbers, after
  rejecting the old ones, so a clause renumbered by an insertion above it needs no change of its
  own. Only where one list definition cannot show both numbers does the paragraph record its old
  numbering as a paragraph property change. With the changes shown, Word and LibreOffice count
  inserted and deleted clauses alike, so numbers there are those of neither version.
* Tables: changed cells are tracked word by word inside the cell; inserted and deleted rows are
  `w:trPr/w:ins` and `w:trPr/w:del`, inserted and deleted cells `w:cellIns` and `w:cellDel`.
  LibreOffice 7.4 tracks such rows as rows; of a cell it tracks only the text.

"Track Changes" is switched on in the file, so a reader's own edits are tracked as well. The same
redline, metadata, author and time always give the same bytes.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from documents.blocks import Block, BlockKind
from documents.compare import BlockChange, CellChange, Op, Redline, RowChange, Status, compare
from documents.docx_export import (
    BOLD,
    ExportMeta,
    block_look,
    cell_span,
    cell_xml,
    paragraph_xml,
    ppr_xml,
    row_start,
    run_xml,
    table_columns,
    table_start,
    write_docx,
    xml_text,
)
from documents.docx_numbering import NumberingPlan, TrackedNumberingStream
from documents.word_diff import diff_words

__all__ = ["export_redline_docx", "export_tracked_docx", "word_date"]

_OLD_ONLY = (Status.DELETED, Status.MOVED_FROM)
_NEW_ONLY = (Status.INSERTED, Status.MOVED_TO)
# Where a clause is only in one version, the tag its paragraph mark and its runs carry.
_MARK = {Status.INSERTED: "w:ins", Status.DELETED: "w:del", Status.MOVED_FROM: "w:moveFrom",
         Status.MOVED_TO: "w:moveTo"}
_EMPTY = "<w:p/>"


def export_tracked_docx(old: Sequence[Block], new: Sequence[Block], meta: ExportMeta,
                        author: str, when: datetime) -> bytes:
    """Return a .docx of version `old` with the changes that make it `new` tracked."""
    return export_redline_docx(compare(old, new), meta, author, when)


def export_redline_docx(redline: Redline, meta: ExportMeta, author: str,
                        when: datetime) -> bytes:
    """Return the tracked-changes .docx of a redline (`compare(old, new)`) already computed.

    Every change carries `author` and `when` (a naive time is taken as UTC).
    """
    plan = NumberingPlan()
    body = _TrackedBody(plan, _Revisions(author, word_date(when)))
    return write_docx(body.fragments(redline, meta.title), plan, meta, track_revisions=True)


def word_date(when: datetime) -> str:
    """Return a time as Word writes revision dates: ISO 8601 in UTC, to the second, with "Z"."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Revisions:
    """Hands out revision ids (unique in the document) with the author and date of every change."""

    author: str
    date: str
    last_id: int = 0
    _attributes: str = field(init=False, default="")

    def __post_init__(self):
        author = xml_text(self.author).replace('"', "&quot;")
        self._attributes = f'w:author="{author}" w:date="{self.date}"'

    def next_id(self) -> int:
        """Return a fresh w:id."""
        self.last_id += 1
        return self.last_id

    def attributes(self, revision_id: int | None = None) -> str:
        """Return a w:id (fresh unless given) with the author and date."""
        return f'w:id="{revision_id or self.next_id()}" {self._attributes}'

    def mark(self, tag: str) -> str:
        """Return an empty change element (a paragraph mark's, a row's or a cell's)."""
        return f"<{tag} {self.attributes()}/>"

    def wrap(self, tag: str, content: str) -> str:
        """Return runs wrapped in a change element."""
        return f"<{tag} {self.attributes()}>{content}</{tag}>"


class _TrackedBody:
    """Writes the body of a tracked document, numbering its paragraphs for both versions."""

    def __init__(self, plan: NumberingPlan, revisions: _Revisions):
        self.streams = {"lists": TrackedNumberingStream(plan),
                        "headings": TrackedNumberingStream(plan, indent=False)}
        self.rev = revisions

    def fragments(self, redline: Redline, title: str) -> Iterator[str]:
        """Yield the title and every block of the redline as XML text."""
        yield paragraph_xml(ppr_xml("Title"), run_xml(title) if title else "")
        previous = ""  # "table", "marked" (a paragraph whose mark changes) or "paragraph"
        for index, whole in enumerate(redline.changes):
            for change in _split_kind_change(whole):
                if change.is_table:
                    if previous in ("table", "marked"):
                        yield _EMPTY  # Word fuses tables that touch; see the module's docstring
                    yield self._table(change)
                    previous = "table"
                else:
                    yield self._paragraph(change, _move_name(index, change))
                    previous = "marked" if change.status in _MARK else "paragraph"
        if previous == "marked":
            yield _EMPTY

    # --- paragraphs ---------------------------------------------------------------------------

    def _paragraph(self, change: BlockChange, move: str) -> str:
        """Return the paragraph of a heading, clause or plain paragraph, changes tracked."""
        status = change.status
        shown = (None if status in _OLD_ONLY else change.new,
                 None if status in _NEW_ONLY else change.old)
        new_ppr, old_ppr = self._looks(*shown)
        if status in _MARK:
            ppr = (new_ppr if status in _NEW_ONLY else old_ppr) + (
                f"<w:rPr>{self.rev.mark(_MARK[status])}</w:rPr>")
        elif new_ppr != old_ppr:
            ppr = new_ppr + self.rev.wrap("w:pPrChange", f"<w:pPr>{old_ppr}</w:pPr>")
        else:
            ppr = new_ppr
        paragraph = paragraph_xml(ppr, self._runs(change))
        if status in (Status.MOVED_FROM, Status.MOVED_TO):
            paragraph = self._move_range(status, move, paragraph)
        return paragraph

    def _looks(self, new: Block | None, old: Block | None) -> tuple[str, str]:
        """Return the paragraph properties in the new and the old version ("" where absent)."""
        looks = (None if new is None else block_look(new), None if old is None else block_look(old))
        specs = [None if look is None or not look.stream else
                 (look.ilvl, block.number, block.number_format)
                 for look, block in zip(looks, (new, old), strict=True)]
        num_ids: list[int | None] = [None, None]
        streams = [None if spec is None else look.stream
                   for look, spec in zip(looks, specs, strict=True)]
        if streams[0] is not None and streams[0] == streams[1]:
            num_ids = list(self.streams[streams[0]].place(specs[0], specs[1]))
        else:  # numbered in one version only, or by another stream (a clause became a heading)
            for view, stream in enumerate(streams):
                if stream is not None:
                    pair = (specs[0], None) if view == 0 else (None, specs[1])
                    num_ids[view] = self.streams[stream].place(*pair)[view]
        return tuple("" if look is None else ppr_xml(
            look.style, None if num_id is None else (num_id, look.ilvl))
            for look, num_id in zip(looks, num_ids, strict=True))

    def _runs(self, change: BlockChange) -> str:
        """Return a paragraph's runs: words as tracked changes, moved words as moves."""
        status = change.status
        if status == Status.MOVED_FROM:
            return self._word_runs(change.runs, "", equal="w:moveFrom", skip=Op.INSERT)
        if status == Status.MOVED_TO:
            return self._word_runs(change.runs, "", equal="w:moveTo", skip=Op.DELETE)
        return self._word_runs(change.runs, "")

    def _word_runs(self, runs, rpr: str, equal: str = "", skip: Op | None = None) -> str:
        """Return runs of (op, text): inserted in w:ins, deleted in w:del, equal in `equal`."""
        out = []
        for op, text in runs:
            if op == skip or not text:
                continue
            if op == Op.INSERT:
                out.append(self.rev.wrap("w:ins", run_xml(text, rpr)))
            elif op == Op.DELETE:
                out.append(self.rev.wrap("w:del", run_xml(text, rpr, deleted=True)))
            elif equal:
                out.append(self.rev.wrap(equal, run_xml(text, rpr)))
            else:
                out.append(run_xml(text, rpr))
        return "".join(out)

    def _move_range(self, status: Status, name: str, paragraph: str) -> str:
        """Return a moved paragraph inside its named move range."""
        side = "moveFrom" if status == Status.MOVED_FROM else "moveTo"
        range_id = self.rev.next_id()
        return (f'<w:{side}RangeStart {self.rev.attributes(range_id)} w:name="{name}"/>'
                f'{paragraph}<w:{side}RangeEnd w:id="{range_id}"/>')

    # --- tables -------------------------------------------------------------------------------

    def _table(self, change: BlockChange) -> str:
        """Return a table with rows and cells inserted, deleted or changed word by word."""
        rows = [replace(row, cells=_cells_in_place(row)) for row in _table_rows(change)]
        columns, width = table_columns([r.cells for r in rows])
        out = [table_start(columns, width)]
        for row, header in zip(rows, _header_rows(rows), strict=True):
            trpr = self.rev.mark(_MARK[row.status]) if row.status in _MARK else ""
            out.append(row_start(header, trpr))
            cells = row.cells or (CellChange(Status.EQUAL, ()),)
            for position, cell in enumerate(cells):
                tcpr = ""
                if row.status == Status.CHANGED and cell.status in _MARK:
                    tcpr = self.rev.mark("w:cellIns" if cell.status == Status.INSERTED
                                         else "w:cellDel")
                runs = self._word_runs(cell.runs, BOLD if header else "")
                out.append(cell_xml(width, cell_span(columns, len(cells), position),
                                    paragraph_xml("", runs), tcpr))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)


def _table_rows(change: BlockChange) -> tuple[RowChange, ...]:
    """Return a table's rows; a table only in one version has them all inserted or deleted."""
    if change.status in (Status.EQUAL, Status.CHANGED):
        rows = change.rows
    else:
        status = Status.INSERTED if change.status in _NEW_ONLY else Status.DELETED
        op = Op.INSERT if status == Status.INSERTED else Op.DELETE
        block = change.new if status == Status.INSERTED else change.old
        rows = tuple(RowChange(status, tuple(CellChange(status, ((op, c),) if c else ())
                                             for c in row)) for row in block.cells)
    return rows or (RowChange(Status.EQUAL, ()),)


def _cells_in_place(row: RowChange) -> tuple[CellChange, ...]:
    """Return a changed row's cells paired by position when the row keeps its cell count.

    The redline pairs cells by their words, so a cell rewritten whole is a deleted and an
    inserted cell; in Word that would add a column to the row in both versions.
    """
    if row.status != Status.CHANGED or not any(c.status in _MARK for c in row.cells):
        return row.cells
    old = [_text_of(c.runs, Op.DELETE) for c in row.cells if c.status != Status.INSERTED]
    new = [_text_of(c.runs, Op.INSERT) for c in row.cells if c.status != Status.DELETED]
    if len(old) != len(new):
        return row.cells
    return tuple(CellChange(Status.EQUAL if a == b else Status.CHANGED, diff_words(a, b).runs)
                 for a, b in zip(old, new, strict=True))


def _text_of(runs, side: Op) -> str:
    """Return one version's text of runs (side: Op.DELETE for the old, Op.INSERT for the new)."""
    return "".join(text for op, text in runs if op in (Op.EQUAL, side))


def _header_rows(rows: Sequence[RowChange]) -> list[bool]:
    """Tell for each row whether it is the first row of its version (bold, repeated per page)."""
    seen_old = seen_new = False
    out = []
    for row in rows:
        in_old, in_new = row.status != Status.INSERTED, row.status != Status.DELETED
        out.append((in_new and not seen_new) or (not in_new and in_old and not seen_old))
        seen_old, seen_new = seen_old or in_old, seen_new or in_new
    return out


def _move_name(index: int, change: BlockChange) -> str:
    """Return the name both halves of a move share ("move3")."""
    if change.partner is None:
        return ""
    return f"move{min(index, change.partner) + 1}"


def _split_kind_change(change: BlockChange) -> list[BlockChange]:
    """Return a block that became or stopped being a table as a deletion and an insertion.

    The aligner never pairs a table with a paragraph; this keeps the export right if it did.
    """
    old, new = change.old, change.new
    if old is None or new is None or (old.kind == BlockKind.TABLE) == (new.kind == BlockKind.TABLE):
        return [change]
    return [compare([old], []).changes[0], compare([], [new]).changes[0]]
