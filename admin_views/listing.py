"""List queries that stay fast at 1M rows: bounded counts, keyset cursors, prefix search."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, func, inspect, literal_column, or_, select, true
from sqlalchemy.orm import Query, Session

COUNT_CAP = 10_000
CURSOR_ARG = "after"
# Column types a cursor can carry through a URL and read back exactly.
_CURSOR_TYPES = (int, str, Decimal, datetime, date, bool)


class BoundedCountQuery(Query):
    """A count query that stops counting after `count_cap` + 1 rows, whatever the table size."""

    count_cap = COUNT_CAP

    def scalar(self) -> int:
        """Count the matching rows, at most `count_cap` + 1 of them."""
        # An exact COUNT reads every matching row (most of page 1 at 1M rows); past the cap
        # the list only says "N+", so reading one row more than the cap is enough.
        rows = self.with_entities(literal_column("1")).limit(self.count_cap + 1).subquery()
        return self.session.scalar(select(func.count()).select_from(rows)) or 0


def bounded_count_query(session: Session, model: type, cap: int) -> BoundedCountQuery:
    """Return Flask-Admin's count query for the model, bounded at `cap` + 1 rows."""
    query = BoundedCountQuery([func.count("*")], session).select_from(model)
    query.count_cap = cap  # copied into every clone Flask-Admin derives from it
    return query


class ListCount(int):
    """A row count shown as "10,000+" when counting stopped at the cap."""

    capped: bool

    def __new__(cls, value: int, capped: bool = False) -> "ListCount":
        count = super().__new__(cls, value)
        count.capped = capped
        return count

    def __str__(self) -> str:
        return f"{int(self):,}+" if self.capped else str(int(self))

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class KeyPart:
    """One column of a list's sort order: the column, its attribute name and direction."""

    column: Column
    key: str
    desc: bool


@dataclass(frozen=True)
class ListPaging:
    """What the list template needs to draw the pager beyond the counted pages."""

    capped: bool
    cap: int
    keyset: bool
    first_url: str
    next_url: str | None


def _key_part(model: type, field: Any, desc: bool) -> KeyPart | None:
    """Describe a sort field as a KeyPart, or None when a cursor cannot follow it."""
    prop = getattr(field, "property", None)
    # The table's own Column (an attribute's .expression is an annotated copy of it).
    column = prop.columns[0] if hasattr(prop, "columns") else field
    if not isinstance(column, Column) or column.table is not inspect(model).local_table:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return None
    # NULLs sort differently per database and break "rows after this value".
    if column.nullable or kind not in _CURSOR_TYPES:
        return None
    return KeyPart(column, inspect(model).get_property_by_column(column).key, desc)


def keyset_order(model: type, fields: list[tuple[Any, bool]]) -> list[KeyPart] | None:
    """Return the full sort key (primary key last) for (field, descending) pairs, or None."""
    pk_columns = inspect(model).primary_key
    if len(pk_columns) != 1:
        return None
    parts = [_key_part(model, field, desc) for field, desc in fields]
    if any(part is None for part in parts):
        return None
    if not parts or parts[-1].column is not pk_columns[0]:
        # The primary key breaks ties, in the same direction so one index serves the order.
        last_desc = parts[-1].desc if parts else False
        parts.append(_key_part(model, pk_columns[0], last_desc))
    return parts


def order_by_clauses(order: list[KeyPart]) -> list[ColumnElement]:
    """Return ORDER BY clauses for a sort key."""
    return [part.column.desc() if part.desc else part.column.asc() for part in order]


def after_clause(order: list[KeyPart], values: list) -> ColumnElement[bool]:
    """Return the WHERE clause selecting the rows that follow `values` in the sort order."""
    first = order[0]
    # The plain bound on the first column lets the database seek the index to the cursor
    # instead of scanning from the start; the OR then resolves ties column by column.
    bound = first.column <= values[0] if first.desc else first.column >= values[0]
    branches = []
    for index, part in enumerate(order):
        ties = [order[i].column == values[i] for i in range(index)]
        step = part.column < values[index] if part.desc else part.column > values[index]
        branches.append(and_(*ties, step))
    return and_(bound, or_(*branches))


def _signature(order: list[KeyPart]) -> str:
    return ",".join(f"{part.key}{'-' if part.desc else '+'}" for part in order)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(order: list[KeyPart], row: Any) -> str:
    """Return the URL-safe cursor pointing just after `row` in the sort order."""
    values = [_plain(getattr(row, part.key)) for part in order]
    raw = json.dumps([_signature(order), values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _typed(part: KeyPart, value: Any) -> Any:
    kind = part.column.type.python_type
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bool or kind is int:
        if not isinstance(value, bool | int):
            raise ValueError("not a whole number")
        return kind(value)
    return kind(value)


def decode_cursor(order: list[KeyPart], token: str) -> list | None:
    """Return the sort-key values a cursor carries, or None if it is not for this order."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        signature, values = json.loads(raw)
        if signature != _signature(order) or len(values) != len(order):
            return None
        return [_typed(part, value) for part, value in zip(order, values, strict=True)]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, InvalidOperation):
        return None


def _next_code_point(char: str) -> str | None:
    point = ord(char) + 1
    if 0xD800 <= point <= 0xDFFF:
        point = 0xE000  # skip surrogates: they cannot be encoded as UTF-8
    return chr(point) if point <= 0x10FFFF else None


def starts_with(column: Any, prefix: str, dialect: str) -> ColumnElement[bool]:
    """Return a case-sensitive prefix match that a plain index can answer."""
    if not prefix:
        return true()
    following = _next_code_point(prefix[-1])
    if dialect == "sqlite" and following is not None:
        # SQLite's LIKE is case-insensitive, so its BINARY-collated indexes cannot serve it;
        # a range over the same prefix can (UTF-8 byte order is code point order).
        return and_(column >= prefix, column < prefix[:-1] + following)
    # Elsewhere LIKE is case-sensitive; on PostgreSQL an index serves it under the C collation
    # or with text_pattern_ops.
    return column.startswith(prefix, autoescape=True)
