"""Session listeners that append every change to the HMAC chain, and verify() to check it."""

import contextvars
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from models import AuditEntry, AuditHead
from models.audit import GENESIS, canonical_json, chain_hash, normalise_time
from models.base import utcnow

# Who is acting and in which request; set by the web layer per request and by CLI commands.
current_actor: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="system")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

SECRET_FIELDS = {"password_hash"}
SKIPPED_FIELDS = {"created_at", "updated_at"}
ENTRIES = AuditEntry.__table__
HEAD = AuditHead.__table__


def _plain(value: Any) -> Any:
    """Turn a column value into JSON-native data that round-trips through the database."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return normalise_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _is_audited(obj: Any) -> bool:
    return not isinstance(obj, AuditEntry | AuditHead)


def _identity(obj: Any) -> str:
    # New rows have no identity key yet in after_flush, but their primary key is populated.
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in ident)


def _columns(obj: Any):
    # Bulky content (a version's blocks, a blob's bytes) is identified by a hash column instead.
    skipped = SKIPPED_FIELDS.union(getattr(type(obj), "__audit_skip__", ()))
    return [a for a in inspect(obj).mapper.column_attrs if a.key not in skipped]


def _shown(key: str, value: Any) -> Any:
    return "[secret]" if key in SECRET_FIELDS and value else _plain(value)


def _snapshot(obj: Any) -> dict[str, Any]:
    return {a.key: _shown(a.key, getattr(obj, a.key)) for a in _columns(obj)}


def _diff(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    changed = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if not history.has_changes() or attr.key == "version":
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changed[attr.key] = {"before": _shown(attr.key, before),
                                 "after": _shown(attr.key, after)}
    return changed


@dataclass
class Change:
    """One row-level change waiting to be chained."""

    action: str
    entity: str
    entity_id: str
    changes: dict[str, Any]


def collect_changes(session: Session) -> list[Change]:
    """List the audited creates, updates and deletes of the flush in progress."""
    found = []
    for obj in session.new:
        if _is_audited(obj):
            found.append(Change("create", type(obj).__name__, _identity(obj), _snapshot(obj)))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            diff = _diff(obj)
            if diff:
                found.append(Change("update", type(obj).__name__, _identity(obj), diff))
    for obj in session.deleted:
        if _is_audited(obj):
            found.append(Change("delete", type(obj).__name__, _identity(obj), _snapshot(obj)))
    return found


def append(session: Session, key: bytes, changes: list[Change]) -> None:
    """Append changes to the chain, holding the head row's lock until the transaction ends."""
    if not changes:
        return
    conn = session.connection()
    # FOR UPDATE serialises appends on PostgreSQL; SQLite already holds BEGIN IMMEDIATE.
    head = conn.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == 1).with_for_update()
                        ).first()
    if head is None:
        conn.execute(insert(HEAD).values(id=1, seq=0, hash=GENESIS))
        head = (0, GENESIS)
    seq, prev = head
    actor, request_id = current_actor.get(), current_request_id.get()
    rows = []
    for change in changes:
        seq += 1
        entry = AuditEntry(at=utcnow(), actor=actor[:64], action=change.action,
                           entity=change.entity, entity_id=change.entity_id[:64],
                           changes=json.loads(canonical_json(change.changes)),
                           request_id=request_id)
        digest = chain_hash(key, prev, seq, entry.payload())
        rows.append({**{k: getattr(entry, k) for k in entry.payload()}, "seq": seq,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(insert(ENTRIES), rows)
    conn.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=seq, hash=prev))


def install(session_class: type[Session], key_getter) -> None:
    """Register the after_flush listener on a Session class (once)."""
    if event.contains(session_class, "after_flush", _after_flush):
        return
    _key_getters[session_class] = key_getter
    event.listen(session_class, "after_flush", _after_flush)


_key_getters: dict[type, Any] = {}


def _after_flush(session: Session, _context) -> None:
    getter = next(g for cls, g in _key_getters.items() if isinstance(session, cls))
    append(session, getter(), collect_changes(session))


@dataclass
class VerifyResult:
    """Outcome of checking the chain."""

    ok: bool
    checked: int
    message: str


def verify(session: Session, key: bytes, batch: int = 5000) -> VerifyResult:
    """Recompute the chain and name the first entry that was edited, removed or reordered."""
    prev, expected, checked = GENESIS, 1, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for entry in session.scalars(stmt):
        if entry.seq != expected:
            return VerifyResult(False, checked, f"entry id {entry.id}: sequence {entry.seq} found "
                                f"where {expected} was expected (an entry was removed or moved)")
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, f"entry seq {entry.seq} (id {entry.id}): link to "
                                "the previous entry is broken (reordered or removed)")
        if chain_hash(key, prev, entry.seq, entry.payload()) != entry.hash:
            return VerifyResult(False, checked, f"entry seq {entry.seq} (id {entry.id}): content "
                                "does not match its hash (edited)")
        prev, expected, checked = entry.hash, expected + 1, checked + 1
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.seq, head.hash) != (expected - 1, prev):
        return VerifyResult(False, checked, f"the chain head names entry {head.seq} but the chain "
                            f"ends at {expected - 1} (entries were removed from the end)")
    return VerifyResult(True, checked, f"audit chain intact: {checked} entries verified")


def bind(actor: str, request_id: str | None = None) -> None:
    """Name who acts (and in which request or command) for the entries that follow."""
    current_actor.set(actor[:64])
    current_request_id.set(new_request_id() if request_id is None else request_id)


def new_request_id() -> str:
    """Return a fresh id that ties together the entries of one request or command."""
    return uuid.uuid4().hex
