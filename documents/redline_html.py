"""Render a redline (documents.compare) as HTML: inline, or side by side. Every text is escaped.

Marks read without colour too: insertions are underlined, deletions struck through, moves carry
arrows and a link between their two places, and each mark says what it is to screen readers.
Unchanged stretches longer than 2 * context blocks fold into one expandable row. Styles are in
portal/static/redline.css; block classes follow documents.render_html (doc-clause, clause-no).
"""

import re
from collections.abc import Callable, Iterator

from markupsafe import Markup, escape

from documents.blocks import BlockKind
from documents.compare import BlockChange, CellChange, Op, Redline, RowChange, Status
from models.errors import N_, translate

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,30}$")
_MARK_TAG = {Op.INSERT: "ins", Op.DELETE: "del"}
_MARK_LABEL = {Op.INSERT: N_("inserted"), Op.DELETE: N_("deleted")}


def _t(template: str, **params) -> str:
    """Translate a label and fill in its numbers (escaped by the caller)."""
    text = translate(template)
    return text % params if params else text


def _plural(count: int, one: str, many: str) -> str:
    return _t(one if count == 1 else many, count=count)


# --- summary and legend ----------------------------------------------------------------------

def render_summary(redline: Redline) -> Markup:
    """Render the counts ("12 words inserted, 5 deleted, 1 clause moved") and the legend."""
    s = redline.stats
    if not redline.has_changes:
        counts = _t(N_("No differences between the two versions."))
    else:
        parts = [_plural(s.words_inserted, N_("1 word inserted"), N_("%(count)s words inserted")),
                 _plural(s.words_deleted, N_("1 deleted"), N_("%(count)s deleted"))]
        for count, one, many in (
                (s.blocks_changed, N_("1 clause changed"), N_("%(count)s clauses changed")),
                (s.blocks_inserted, N_("1 clause added"), N_("%(count)s clauses added")),
                (s.blocks_deleted, N_("1 clause removed"), N_("%(count)s clauses removed")),
                (s.blocks_moved, N_("1 clause moved"), N_("%(count)s clauses moved")),
                (s.blocks_renumbered, N_("1 clause renumbered"),
                 N_("%(count)s clauses renumbered"))):
            if count:
                parts.append(_plural(count, one, many))
        counts = ", ".join(parts)
    legend = Markup(
        '<ul class="rl-legend"><li><ins class="rl-ins">{ins}</ins></li>'
        '<li><del class="rl-del">{dele}</del></li>'
        '<li><span class="rl-move-sample">{move}</span></li></ul>').format(
        ins=_t(N_("inserted")), dele=_t(N_("deleted")), move=_t(N_("moved")))
    return Markup('<div class="rl-summary"><p class="rl-counts">{}</p>{}</div>').format(
        counts, legend)


# --- runs, numbers, blocks -------------------------------------------------------------------
# Helpers build plain strings of safe HTML (every text through _h) and the public functions wrap
# the result once in Markup: Markup.format per fragment costs more than the rest of the render.

def _h(text: str) -> str:
    """Escape text for HTML (content and attribute values)."""
    return str(escape(text))


def _runs(runs, side: str = "both") -> str:
    """Render word runs; side "old" leaves insertions out, "new" leaves deletions out."""
    out = []
    for op, text in runs:
        if op == Op.EQUAL:
            out.append(_h(text))
        elif side == "both" or (side == "old") == (op == Op.DELETE):
            core = text.strip()
            if not core:
                out.append(_h(text))
                continue
            # Spaces at the edges stay outside the mark: no underlined or struck-out gaps.
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            tag, label = _MARK_TAG[op], _h(_t(_MARK_LABEL[op]))
            out.append(f'{lead}<{tag} class="rl-{tag}" title="{label}"><span class="rl-sr">'
                       f'{label}: </span>{_h(core)}</{tag}>{trail}')
    return "".join(out)


def _number(change: BlockChange, side: str) -> str:
    """Render the clause number; a renumbered clause shows the old number struck through."""
    old = change.old.number if change.old else ""
    new = change.new.number if change.new else ""
    block = change.block
    bullet = "•" if block.kind == BlockKind.LIST_ITEM and block.number_format == "bullet" else ""
    if side == "old" or change.status in (Status.DELETED, Status.MOVED_FROM):
        shown = old
    elif side == "new" or not change.renumbered or change.status == Status.MOVED_TO:
        shown = new
    else:
        return (f'<span class="clause-no rl-num rl-renumbered">'
                f'<del class="rl-num-old" title="{_h(_t(N_("old number")))}">{_h(old)}</del> '
                f'<span class="rl-num-new"><span class="rl-sr">{_h(_t(N_("new number")))}: '
                f'</span>{_h(new)}</span></span> ')
    if not shown and not bullet:
        return ""
    return f'<span class="clause-no rl-num">{_h(shown or bullet)}</span> '


def _text_block(change: BlockChange, body: str, side: str, real_headings: bool) -> str:
    """Wrap a block's rendered words as a heading, a clause or a paragraph."""
    old_side = side == "old" or change.status in (Status.DELETED, Status.MOVED_FROM)
    block = (change.old if old_side else change.new) or change.block
    number = _number(change, side)
    if block.kind == BlockKind.HEADING:
        level = min(max(block.level, 1) + 1, 6)  # h1 is the page's title
        if real_headings:
            return f'<h{level} class="doc-heading rl-heading">{number}{body}</h{level}>'
        return f'<div class="doc-heading rl-heading rl-h{level}">{number}{body}</div>'
    if block.kind == BlockKind.LIST_ITEM:
        level = min(max(block.level, 0), 8)
        return (f'<div class="doc-clause level-{level}">{number}'
                f'<span class="clause-text">{body}</span></div>')
    return f'<p class="doc-para">{body}</p>'


def _cell(cell: CellChange, side: str, header: bool) -> str:
    if (side == "old" and cell.status == Status.INSERTED) or \
            (side == "new" and cell.status == Status.DELETED):
        return ""
    tag = "th" if header else "td"
    return f'<{tag} class="rl-cell-{cell.status.value}">{_runs(cell.runs, side)}</{tag}>'


def _row(row: RowChange, side: str, header: bool) -> str:
    hidden = (side == "old" and row.status == Status.INSERTED) or \
        (side == "new" and row.status == Status.DELETED)
    if hidden:  # keeps the two columns' rows level with each other
        return ('<tr class="rl-row-placeholder" aria-hidden="true">'
                + "<td></td>" * max(1, len(row.cells)) + "</tr>")
    cells = "".join(_cell(c, side, header) for c in row.cells)
    return f'<tr class="rl-row-{row.status.value}">{cells}</tr>'


def _table(change: BlockChange, side: str) -> str:
    rows = "".join(_row(r, side, k == 0) for k, r in enumerate(change.rows))
    return ('<div class="table-responsive"><table class="table table-sm table-bordered '
            f'doc-table rl-table">{rows}</table></div>')


def _block_body(change: BlockChange, side: str, real_headings: bool) -> str:
    """Render one block's content (no wrapper) for a side: "both", "old" or "new"."""
    if change.is_table:
        body = _table(change, side)
    else:
        runs = change.runs
        if change.status == Status.MOVED_FROM and side == "both":
            runs = tuple((Op.EQUAL, t) for op, t in runs if op != Op.INSERT)  # as it was
        body = _text_block(change, _runs(runs, side), side, real_headings)
    if change.restyled and side != "old" and change.status != Status.MOVED_FROM:
        body += f'<span class="rl-note">{_h(_t(N_("formatting changed")))}</span>'
    return body


def _move_link(redline: Redline, k: int, prefix: str) -> str:
    """Render the link from one half of a move to the other, with its direction."""
    change = redline.changes[k]
    partner = change.partner if change.partner is not None else k
    down = partner > k
    if change.status == Status.MOVED_FROM:
        number = _short(change.new.number)
        label = (_t(N_("Moved to clause %(number)s"), number=number) if number
                 else _t(N_("Moved below")) if down else _t(N_("Moved above")))
        target = f"{prefix}-to-{partner}"
    else:
        number = _short(change.old.number)
        label = (_t(N_("Moved here from clause %(number)s"), number=number) if number
                 else _t(N_("Moved here from below")) if down else _t(N_("Moved here from above")))
        target = f"{prefix}-from-{partner}"
    arrow = "↓" if down else "↑"
    return (f'<a class="rl-move-link" href="#{target}"><span aria-hidden="true">{arrow}</span> '
            f'{_h(label)}</a>')


def _short(number: str) -> str:
    return number.rstrip(".)")


def _anchor(change: BlockChange, k: int, prefix: str) -> str:
    if change.status == Status.MOVED_FROM:
        return f"{prefix}-from-{k}"
    if change.status == Status.MOVED_TO:
        return f"{prefix}-to-{k}"
    return f"{prefix}-{k}"


# --- folding ---------------------------------------------------------------------------------

def _segments(redline: Redline, context: int) -> Iterator[tuple[bool, range]]:
    """Yield (folded, indices): unchanged stretches longer than 2 * context fold."""
    changes = redline.changes
    context = max(0, context)
    k = 0
    while k < len(changes):
        if not changes[k].unchanged:
            yield False, range(k, k + 1)
            k += 1
            continue
        end = k
        while end < len(changes) and changes[end].unchanged:
            end += 1
        keep_before = context if k > 0 else 0  # context after the change before
        keep_after = context if end < len(changes) else 0  # context before the next change
        if end - k > 2 * context and end - k > keep_before + keep_after:
            yield False, range(k, k + keep_before)
            yield True, range(k + keep_before, end - keep_after)
            yield False, range(end - keep_after, end)
        else:
            yield False, range(k, end)
        k = end


def _fold_summary(count: int) -> str:
    label = _plural(count, N_("1 unchanged clause"), N_("%(count)s unchanged clauses"))
    return f"<summary>{_h(label)}</summary>"


def _check_prefix(prefix: str) -> None:
    if not _PREFIX.match(prefix):
        raise ValueError(f"id prefix must be a short HTML id, not {prefix!r}")


# --- the two views ---------------------------------------------------------------------------

def _inline_block(redline: Redline, k: int, prefix: str) -> str:
    change = redline.changes[k]
    link = _move_link(redline, k, prefix) if change.partner is not None else ""
    body = _block_body(change, "both", real_headings=True)
    return (f'<div class="rl-block rl-{change.status.value}" id="{_anchor(change, k, prefix)}">'
            f'{link}{body}</div>')


def _folded(segments, render: Callable[[int], str]) -> list[str]:
    """Render blocks, each folded stretch inside one <details>."""
    parts = []
    for folded, indices in segments:
        if folded:
            parts.append('<details class="rl-fold">' + _fold_summary(len(indices)))
        parts.extend(render(k) for k in indices)
        if folded:
            parts.append("</details>")
    return parts


def render_inline(redline: Redline, context: int = 2, *, id_prefix: str = "rl-inline",
                  summary: bool = True) -> Markup:
    """Render the redline as one text with insertions, deletions and moves marked."""
    _check_prefix(id_prefix)
    parts = ['<div class="redline redline-inline">']
    if summary:
        parts.append(str(render_summary(redline)))
    parts += _folded(_segments(redline, context), lambda k: _inline_block(redline, k, id_prefix))
    parts.append("</div>")
    return Markup("\n".join(parts))  # noqa: S704 - every part above is escaped HTML


_SIDES = {  # which column shows a block of each status
    Status.EQUAL: ("old", "new"), Status.CHANGED: ("old", "new"), Status.DELETED: ("old",),
    Status.INSERTED: ("new",), Status.MOVED_FROM: ("old",), Status.MOVED_TO: ("new",),
}


def _side_row(redline: Redline, k: int, prefix: str) -> str:
    change = redline.changes[k]
    link = _move_link(redline, k, prefix) if change.partner is not None else ""
    cells = []
    for side in ("old", "new"):
        if side in _SIDES[change.status]:
            body = link + _block_body(change, side, real_headings=False)
            cells.append(f'<div class="rl-side rl-side-{side}">{body}</div>')
        else:
            cells.append(f'<div class="rl-side rl-side-{side} rl-empty"></div>')
    return (f'<div class="rl-row rl-{change.status.value}" id="{_anchor(change, k, prefix)}">'
            + "".join(cells) + "</div>")


def render_side_by_side(redline: Redline, context: int = 2, *, id_prefix: str = "rl-sbs",
                        summary: bool = True, old_label: str | None = None,
                        new_label: str | None = None) -> Markup:
    """Render the redline in two columns, old | new, each block level with its counterpart."""
    _check_prefix(id_prefix)
    parts = ['<div class="redline redline-sbs">']
    if summary:
        parts.append(str(render_summary(redline)))
    old_label = _h(old_label or _t(N_("Old version")))
    new_label = _h(new_label or _t(N_("New version")))
    parts.append(f'<div class="rl-row rl-head"><div class="rl-side">{old_label}</div>'
                 f'<div class="rl-side">{new_label}</div></div>')
    parts += _folded(_segments(redline, context), lambda k: _side_row(redline, k, id_prefix))
    parts.append("</div>")
    return Markup("\n".join(parts))  # noqa: S704 - every part above is escaped HTML
