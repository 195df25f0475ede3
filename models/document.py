"""Policy documents and their immutable versions, original-upload blobs and acknowledgements."""

import hashlib
import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from models import validation as rules
from models.base import Base, Timestamped, Versioned, utcnow
from models.errors import N_, DomainError, ValidationError
from models.team import Team
from models.user import Role, User

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,10}){1,3}$")
MAX_REVIEW_CYCLE = 60


class DocumentCategory(StrEnum):
    """What kind of controlled document this is."""

    POLICY = "policy"
    PROCEDURE = "procedure"
    COLLECTION_SCENARIO = "collection_scenario"
    WORK_INSTRUCTION = "work_instruction"
    FORM = "form"


class VersionStatus(StrEnum):
    """What is stored; the lifecycle a reader sees (scheduled, effective...) follows from dates."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Lifecycle(StrEnum):
    """Where a version stands at a given moment."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EFFECTIVE = "effective"
    SUPERSEDED = "superseded"
    RETIRED = "retired"
    WITHDRAWN = "withdrawn"


document_audience_teams = Table(
    "document_audience_teams",
    Base.metadata,
    Column("document_id", ForeignKey("policy_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class PolicyDocument(Timestamped, Versioned, Base):
    """A controlled document (policy, procedure, scenario...) with its metadata."""

    __tablename__ = "policy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    owning_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Role values as a JSON list; empty together with no audience teams means all staff.
    audience_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    review_cycle_months: Mapped[int] = mapped_column(Integer, default=12)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    regulatory_refs: Mapped[str] = mapped_column(String(500), default="")
    tags: Mapped[str] = mapped_column(String(300), default="")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    owning_team: Mapped[Team | None] = relationship(foreign_keys=[owning_team_id])
    audience_teams: Mapped[list[Team]] = relationship(secondary=document_audience_teams)
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number")

    @validates("code")
    def _check_code(self, _key: str, value: str) -> str:
        value = (value or "").strip().upper()
        if not _CODE.match(value):
            raise ValidationError("%(label)s must look like COL-POL-007: capital letters and "
                                  "digits in 2-4 parts joined by dashes.",
                                  label=N_("Document code"))
        return value

    @validates("title")
    def _check_title(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Title"), value, 200)

    @validates("category")
    def _check_category(self, _key: str, value: str) -> str:
        return rules.choice(N_("Category"), value, [c.value for c in DocumentCategory])

    @validates("review_cycle_months")
    def _check_cycle(self, _key: str, value: int) -> int:
        if value is None or not 1 <= int(value) <= MAX_REVIEW_CYCLE:
            raise ValidationError("%(label)s must be between 1 and %(n)d months.",
                                  label=N_("Review cycle"), n=MAX_REVIEW_CYCLE)
        return int(value)

    @validates("regulatory_refs")
    def _check_refs(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Regulatory references"), value, 500, required=False)

    @validates("tags")
    def _check_tags(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Tags"), value, 300, required=False)

    @validates("audience_roles")
    def _check_roles(self, _key: str, value: list[str] | None) -> list[str]:
        roles = sorted({str(v) for v in value or []})
        for role in roles:
            rules.choice(N_("Audience roles"), role, [r.value for r in Role])
        return roles

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class DocumentVersion(Base):
    """One immutable version of a document: its blocks never change once written.

    Only the lifecycle columns (status, publication and effective dates) change, and only
    forwards; see `guard_version_content` below.
    """

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_versions_document_number"),
        # The database itself keeps at most one open-ended published version per document.
        Index("uq_document_versions_one_open", "document_id", unique=True,
              sqlite_where=text("status = 'published' AND effective_to IS NULL"),
              postgresql_where=text("status = 'published' AND effective_to IS NULL")),
        Index("ix_document_versions_effective", "document_id", "effective_from"),
    )
    # Kept out of audit snapshots: the content hash identifies the content instead.
    __audit_skip__ = ("blocks",)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.DRAFT, index=True)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    change_summary: Mapped[str] = mapped_column(Text, default="")
    source_sha256: Mapped[str | None] = mapped_column(ForeignKey("content_blobs.sha256"))
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    import_notices: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # active_history: the guard below must see the stored value even after an expiring commit.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                        active_history=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          active_history=True)
    effective_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            active_history=True)
    effective_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Why the version stopped being in force: superseded by the next one, or retired.
    ended_by: Mapped[str] = mapped_column(String(16), default="")

    document: Mapped[PolicyDocument] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    def lifecycle(self, at: datetime | None = None) -> Lifecycle:
        """Tell where this version stands at a moment (now by default)."""
        at = aware(at) if at else utcnow()
        if self.status == VersionStatus.DRAFT:
            return Lifecycle.DRAFT
        if self.status == VersionStatus.WITHDRAWN:
            return Lifecycle.WITHDRAWN
        if self.effective_from is None or aware(self.effective_from) > at:
            return Lifecycle.SCHEDULED
        if self.effective_to is None or aware(self.effective_to) > at:
            return Lifecycle.EFFECTIVE
        return Lifecycle.RETIRED if self.ended_by == "retired" else Lifecycle.SUPERSEDED

    def __str__(self) -> str:
        return f"{self.document.code} v{self.number}"


def aware(value: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite hands back naive values stored as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ContentBlob(Base):
    """An original upload kept by its sha256; read back only through `read_blob`."""

    __tablename__ = "content_blobs"
    __audit_skip__ = ("data",)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(120), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlobCorrupted(DomainError):
    """A stored blob no longer matches its sha256."""


def store_blob(session: Session, data: bytes, media_type: str = "") -> str:
    """Store bytes once under their sha256 and return the digest."""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(ContentBlob, digest) is None:
        session.add(ContentBlob(sha256=digest, size=len(data), media_type=media_type, data=data))
    return digest


def read_blob(session: Session, digest: str) -> bytes:
    """Return a blob's bytes after checking them against their sha256."""
    blob = session.get(ContentBlob, digest)
    if blob is None:
        raise BlobCorrupted("The original file %(sha)s is missing from storage.", sha=digest[:12])
    if hashlib.sha256(blob.data).hexdigest() != digest:
        raise BlobCorrupted("The original file %(sha)s no longer matches its checksum: storage "
                            "was altered. Restore it from backup.", sha=digest[:12])
    return blob.data


class Acknowledgement(Base):
    """A user's confirmation that they have read a version in force."""

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("version_id", "user_id",
                                       name="uq_acknowledgements_version_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    version: Mapped[DocumentVersion] = relationship()
    user: Mapped[User] = relationship()


# --- immutability ------------------------------------------------------------------------------

IMMUTABLE_VERSION_FIELDS = ("document_id", "number", "blocks", "content_hash", "word_count",
                            "source_sha256", "created_by_id", "created_at")
# Lifecycle columns that may be set once (from empty) and never changed afterwards.
SET_ONCE_FIELDS = ("published_at", "published_by_id", "effective_from")


class ImmutableVersion(DomainError):
    """Code tried to change or delete a version's content."""


def _changed(obj, field: str) -> tuple[bool, Any]:
    # load_history() reads the committed value when the attribute was expired (after a commit).
    history = inspect(obj).attrs[field].load_history()
    if not history.has_changes():
        return False, None
    return True, history.deleted[0] if history.deleted else None


def _check_version(obj: DocumentVersion) -> None:
    for field in IMMUTABLE_VERSION_FIELDS:
        changed, _before = _changed(obj, field)
        if changed:
            raise ImmutableVersion("A document version's content never changes; %(field)s of "
                                   "version %(n)s was not modified.", field=field, n=obj.number)
    for field in SET_ONCE_FIELDS:
        changed, before = _changed(obj, field)
        if changed and before is not None:
            raise ImmutableVersion("Version %(n)s was already published; its %(field)s stays "
                                   "as recorded.", field=field, n=obj.number)


@event.listens_for(Session, "before_flush")
def guard_version_content(session: Session, _context, _instances) -> None:
    """Refuse any flush that edits a version's content or deletes a version or blob."""
    for obj in session.dirty:
        if isinstance(obj, DocumentVersion):
            _check_version(obj)
        elif isinstance(obj, ContentBlob) and session.is_modified(obj):
            raise ImmutableVersion("Stored originals never change.")
    for obj in session.deleted:
        if isinstance(obj, DocumentVersion | ContentBlob | Acknowledgement):
            raise ImmutableVersion("Document versions, originals and acknowledgements are kept "
                                   "forever; nothing was deleted.")
