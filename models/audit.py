"""The append-only audit chain: entries linked by an HMAC over the previous hash."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

GENESIS = "0" * 64


class AuditEntry(Base):
    """One recorded change; never updated or deleted by the application."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16), index=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def payload(self) -> dict[str, Any]:
        """Return the fields the chain hash covers."""
        return {
            "at": normalise_time(self.at),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "changes": self.changes,
            "request_id": self.request_id,
        }


class AuditHead(Base):
    """Single row naming the chain's last entry; locked to serialise appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def normalise_time(moment: datetime | None) -> str | None:
    """Render a time as naive UTC ISO text, identical whatever the database hands back."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def canonical_json(data: Any) -> str:
    """Serialise deterministically: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def chain_hash(key: bytes, prev_hash: str, seq: int, payload: dict[str, Any]) -> str:
    """Return HMAC-SHA256(key, prev_hash | seq | canonical JSON of payload)."""
    message = f"{prev_hash}|{seq}|{canonical_json(payload)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
