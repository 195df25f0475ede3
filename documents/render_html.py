"""Render a version's blocks as HTML for reading and printing; every text is escaped."""

from collections.abc import Iterable

from markupsafe import Markup, escape

from documents.blocks import Block, BlockKind


def block_anchor(block: Block) -> str:
    """Return the HTML id of a block, so links can point at one clause."""
    return f"blk-{block.id}"


def _heading(block: Block) -> Markup:
    level = min(max(block.level, 1) + 1, 6)  # h1 is the document title
    number = Markup('<span class="clause-no">{}</span> ').format(block.number) \
        if block.number else ""
    return Markup('<h{level} id="{anchor}" class="doc-heading">{number}{text}</h{level}>'
                  ).format(level=level, anchor=block_anchor(block), number=number,
                           text=block.text)


def _item(block: Block) -> Markup:
    number = block.number or ("•" if block.number_format == "bullet" else "")
    return Markup('<div id="{anchor}" class="doc-clause level-{level}">'
                  '<span class="clause-no">{number}</span>'
                  '<span class="clause-text">{text}</span></div>').format(
        anchor=block_anchor(block), level=min(block.level, 8), number=number, text=block.text)


def _table(block: Block) -> Markup:
    rows = []
    for index, row in enumerate(block.cells):
        cell = Markup("<th>{}</th>") if index == 0 else Markup("<td>{}</td>")
        cells = Markup("").join(cell.format(c) for c in row)
        rows.append(Markup("<tr>{}</tr>").format(cells))
    return Markup('<div class="table-responsive" id="{anchor}"><table class="table table-sm '
                  'table-bordered doc-table">{rows}</table></div>').format(
        anchor=block_anchor(block), rows=Markup("").join(rows))


def render_block(block: Block) -> Markup:
    """Render one block."""
    if block.kind == BlockKind.HEADING:
        return _heading(block)
    if block.kind == BlockKind.LIST_ITEM:
        return _item(block)
    if block.kind == BlockKind.TABLE:
        return _table(block)
    return Markup('<p id="{anchor}" class="doc-para">{text}</p>').format(
        anchor=block_anchor(block), text=escape(block.text))


def render_blocks(blocks: Iterable[Block]) -> Markup:
    """Render a whole version's body."""
    return Markup("\n").join(render_block(b) for b in blocks)
