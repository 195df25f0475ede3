"""The canonical block model of a policy document: what import, export, compare and search share.

A document version is an ordered list of blocks. `.docx` is only a boundary: the importer turns
Word into blocks, the exporter turns blocks into Word, and the page, the redline and the search
index read blocks alone.
"""

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"


# How a list item is numbered at its level. Bullets carry no clause number.
NUMBER_FORMATS = ("decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "bullet")

MAX_LEVEL = 8  # Word numbers levels 0..8; headings use 1..9


def new_block_id() -> str:
    """Return a fresh stable block id."""
    return "b" + secrets.token_hex(6)


def normalise_text(text: str) -> str:
    """Return text in NFC with runs of white space folded (what every block stores)."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"[ \t\r\n\u00a0\u200b]+", " ", text).strip()


@dataclass(frozen=True)
class Block:
    """One heading, paragraph, list item or table of a document version.

    `id` is stable across versions where the block is unchanged or edited. `level` is the
    heading level (1..9) for headings and the list level (0..8) for list items, 0 otherwise.
    `number` is the clause number as a reader sees it ("1.", "2.3", "a)"; "" if none);
    `number_format` says how a list item's level is counted. A table keeps its text in
    `cells` (rows of cell texts, each merged cell once) and has `text` "".
    """

    id: str
    kind: BlockKind
    text: str = ""
    level: int = 0
    number: str = ""
    number_format: str = ""
    cells: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def content_key(self) -> str:
        """Return a hash of what the block says (not its id or number): finds moved blocks."""
        payload = json.dumps([self.kind.value, self.level, self.text,
                              [list(r) for r in self.cells]], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:24]

    @property
    def plain_text(self) -> str:
        """Return the block's words as one string (table cells joined by spaces)."""
        if self.kind == BlockKind.TABLE:
            return " ".join(c for row in self.cells for c in row if c)
        return self.text

    @property
    def label(self) -> str:
        """Return the clause number and text as a reader refers to it ("2.3 Contact hours")."""
        return f"{self.number} {self.plain_text}".strip()

    def to_dict(self) -> dict:
        """Return JSON-native data (what a version stores)."""
        data = asdict(self)
        data["kind"] = self.kind.value
        data["cells"] = [list(r) for r in self.cells]
        return {k: v for k, v in data.items() if v not in ("", 0, []) or k in ("id", "kind")}

    @classmethod
    def from_dict(cls, data: dict) -> "Block":
        """Build a block from stored data."""
        return cls(id=data["id"], kind=BlockKind(data["kind"]), text=data.get("text", ""),
                   level=int(data.get("level", 0)), number=data.get("number", ""),
                   number_format=data.get("number_format", ""),
                   cells=tuple(tuple(r) for r in data.get("cells", ())))

    def with_id(self, block_id: str) -> "Block":
        """Return the same block under another id."""
        return replace(self, id=block_id)


def blocks_to_data(blocks: Iterable[Block]) -> list[dict]:
    """Serialise blocks for storage."""
    return [b.to_dict() for b in blocks]


def blocks_from_data(data: Iterable[dict]) -> list[Block]:
    """Load stored blocks."""
    return [Block.from_dict(d) for d in data]


def content_hash(blocks: Iterable[Block]) -> str:
    """Return the sha256 of a version's content: kind, level, number, text and cells, in order."""
    digest = hashlib.sha256()
    for b in blocks:
        digest.update(json.dumps([b.kind.value, b.level, b.number, b.number_format, b.text,
                                  [list(r) for r in b.cells]], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def word_count(blocks: Iterable[Block]) -> int:
    """Count the words of a version."""
    return sum(len(b.plain_text.split()) for b in blocks)


# --- clause numbers --------------------------------------------------------------------------

def _letters(n: int) -> str:
    # Word's letter lists repeat the letter after z: 27 -> "aa", 28 -> "bb" (not "ab").
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_counter(n: int, number_format: str) -> str:
    """Render counter n in a Word number format ("decimal" 3 -> "3", "lowerLetter" 3 -> "c")."""
    if number_format == "lowerLetter":
        return _letters(n)
    if number_format == "upperLetter":
        return _letters(n).upper()
    if number_format == "lowerRoman":
        return _roman(n)
    if number_format == "upperRoman":
        return _roman(n).upper()
    if number_format == "bullet":
        return ""
    return str(n)


def renumber(blocks: Iterable[Block]) -> list[Block]:
    """Recompute clause numbers of list items after an edit (insert, delete, move).

    Decimal levels nest ("1.", "1.1.", "1.1.1."); letter and roman levels stand alone ("a)",
    "iv)"); bullets have none. A heading or paragraph between items does not restart the count;
    a table does not either. This is the house numbering the exporter writes, so
    import -> renumber keeps the numbers of documents the portal exported.
    """
    counters = [0] * (MAX_LEVEL + 1)
    out = []
    for b in blocks:
        if b.kind != BlockKind.LIST_ITEM:
            out.append(b)
            continue
        level = max(0, min(b.level, MAX_LEVEL))
        fmt = b.number_format or "decimal"
        if fmt == "bullet":
            # Bullets are not counted: clause 3 after five bullets is still clause 3.
            out.append(replace(b, level=level, number="", number_format=fmt))
            continue
        counters[level] += 1
        for deeper in range(level + 1, MAX_LEVEL + 1):
            counters[deeper] = 0
        if fmt == "decimal":
            number = ".".join(str(max(c, 1)) for c in counters[: level + 1]) + "."
        else:
            number = format_counter(counters[level], fmt) + ")"
        out.append(replace(b, level=level, number=number, number_format=fmt))
    return out
