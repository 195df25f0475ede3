"""The policy repository's actions: create documents, add versions, publish, retire, look up.

Every action takes the acting user and checks the permission itself, so the portal pages, the
CLI and the tests obey the same rules. Versions are immutable (models.document guards that);
here the lifecycle moves forward: draft -> scheduled/effective -> superseded or retired.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.blocks import Block, blocks_from_data, blocks_to_data, content_hash, word_count
from documents.compare import carry_ids
from models import DocumentVersion, PolicyDocument, Team, User
from models.base import local_day, utcnow
from models.document import Lifecycle, VersionStatus, aware, store_blob
from models.errors import InvalidTransition, NotFound, ValidationError
from portal import security

MAX_SUMMARY = 2000
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A publication dated a little in the past (a slow form, clock skew) still counts as "now".
PAST_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class DocumentFields:
    """What a user fills in to create or describe a document."""

    code: str
    title: str
    category: str
    owner: User | None = None
    owning_team: Team | None = None
    audience_roles: tuple[str, ...] = ()
    audience_teams: tuple[Team, ...] = ()
    review_cycle_months: int = 12
    regulatory_refs: str = ""
    tags: str = ""


def create_document(session: Session, actor: User, fields: DocumentFields) -> PolicyDocument:
    """Create a document with no versions yet."""
    security.require(actor, "documents.create")
    if session.scalar(select(PolicyDocument.id).where(
            PolicyDocument.code == fields.code.strip().upper())) is not None:
        raise ValidationError("A document with code %(code)s already exists.",
                              code=fields.code.strip().upper())
    document = PolicyDocument(
        code=fields.code, title=fields.title, category=fields.category, owner=fields.owner,
        owning_team=fields.owning_team, audience_roles=list(fields.audience_roles),
        review_cycle_months=fields.review_cycle_months, regulatory_refs=fields.regulatory_refs,
        tags=fields.tags)
    document.audience_teams = list(fields.audience_teams)
    session.add(document)
    session.flush()
    return document


def get_document(session: Session, actor: User, code: str) -> PolicyDocument:
    """Return the document with this code if the user may read it, else raise NotFound."""
    security.require(actor, "documents.view")
    document = session.scalar(select(PolicyDocument).where(
        PolicyDocument.code == (code or "").strip().upper(),
        security.document_filter(actor)))
    if document is None:
        raise NotFound("No document %(code)s was found.", code=(code or "")[:40])
    return document


def visible_versions(actor: User, document: PolicyDocument) -> list[DocumentVersion]:
    """Return the versions of a document the user may read, newest first."""
    drafts = security.can(actor, "documents.drafts")
    return [v for v in reversed(document.versions)
            if drafts or v.status == VersionStatus.PUBLISHED]


def get_version(actor: User, document: PolicyDocument, number: int) -> DocumentVersion:
    """Return one version by number if the user may read it, else raise NotFound."""
    for version in visible_versions(actor, document):
        if version.number == number:
            return version
    raise NotFound("%(code)s has no version %(n)s.", code=document.code, n=number)


def version_blocks(version: DocumentVersion) -> list[Block]:
    """Return the blocks of a version."""
    return blocks_from_data(version.blocks)


def latest_version(document: PolicyDocument) -> DocumentVersion | None:
    """Return the newest version of any status."""
    return document.versions[-1] if document.versions else None


def effective_version(document: PolicyDocument, at: datetime | None = None
                      ) -> DocumentVersion | None:
    """Return the version in force at a moment (now by default), or None."""
    at = at or utcnow()
    for version in document.versions:
        if version.lifecycle(at) == Lifecycle.EFFECTIVE:
            return version
    return None


def scheduled_version(document: PolicyDocument) -> DocumentVersion | None:
    """Return the published version waiting for its effective date, if any."""
    return next((v for v in document.versions if v.lifecycle() == Lifecycle.SCHEDULED), None)


def _clean_summary(summary: str) -> str:
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        raise ValidationError("The change summary is longer than %(n)d characters.",
                              n=MAX_SUMMARY)
    return summary


def add_version(session: Session, actor: User, document: PolicyDocument,
                blocks: Sequence[Block], change_summary: str = "", *,
                source: bytes | None = None, filename: str = "",
                notices: Iterable[str] = (), keep_ids: bool = False) -> DocumentVersion:
    """Add a draft version with these blocks; ids follow the latest version's where they match.

    `keep_ids` keeps the blocks' own ids (a published proposal already carries its base's).
    """
    security.require(actor, "documents.upload")
    if document.retired_at is not None:
        raise InvalidTransition("%(code)s is retired; it takes no new versions.",
                                code=document.code)
    blocks = list(blocks)
    if not blocks:
        raise ValidationError("The document has no text: nothing to store as a version.")
    previous = latest_version(document)
    if previous is not None and not keep_ids:
        blocks = carry_ids(version_blocks(previous), blocks)
    number = (previous.number if previous else 0) + 1
    version = DocumentVersion(
        document=document, number=number, status=VersionStatus.DRAFT.value,
        blocks=blocks_to_data(blocks), content_hash=content_hash(blocks),
        word_count=word_count(blocks), change_summary=_clean_summary(change_summary),
        source_sha256=store_blob(session, source, DOCX_MEDIA_TYPE) if source else None,
        source_filename=(filename or "")[:255], import_notices=list(notices),
        created_by=actor)
    session.add(version)
    session.flush()
    return version



def import_version(session: Session, actor: User, document: PolicyDocument, data: bytes,
                   filename: str, change_summary: str = "", limits=None) -> DocumentVersion:
    """Check and import a .docx upload as a new draft version, keeping the original blob."""
    from documents.docx_import import import_docx

    security.require(actor, "documents.upload")
    result = import_docx(data, limits, filename)
    return add_version(session, actor, document, result.blocks, change_summary,
                       source=data, filename=filename, notices=result.notices)


def _lock_document(session: Session, document: PolicyDocument) -> None:
    # PostgreSQL: row lock; SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE).
    session.execute(select(PolicyDocument.id).where(PolicyDocument.id == document.id)
                    .with_for_update())
    session.refresh(document)
    for version in document.versions:
        session.refresh(version)


def publish(session: Session, actor: User, version: DocumentVersion,
            effective_from: datetime | None = None, *, backdate: bool = False
            ) -> DocumentVersion:
    """Publish a draft: in force from `effective_from` (now by default), superseding the last.

    `backdate` records a version that was in force in the past (loading a legacy policy
    history or demo data); it must still start after the version it supersedes.
    """
    security.require(actor, "documents.publish")
    document = version.document
    _lock_document(session, document)
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("Version %(n)s is not a draft (it is %(label)s): only drafts "
                                "can be published.", n=version.number,
                                label=version.lifecycle().value)
    if document.retired_at is not None:
        raise InvalidTransition("%(code)s is retired; it cannot be published again.",
                                code=document.code)
    now = utcnow()
    start = aware(effective_from) if effective_from else now
    if start < now - PAST_TOLERANCE and not backdate:
        raise ValidationError("The effective date cannot be in the past: a version in force "
                              "yesterday would rewrite history.")
    if not backdate:
        start = max(start, now)
    pending = scheduled_version(document)
    if pending is not None:
        raise InvalidTransition("Version %(n)s is already scheduled to take effect on "
                                "%(when)s. Withdraw it first.", n=pending.number,
                                when=local_day(pending.effective_from).isoformat())
    current = effective_version(document, now)
    if current is not None and aware(current.effective_from) >= start:
        raise ValidationError("Version %(n)s must take effect after version %(m)s, which is in "
                              "force from %(when)s.", n=version.number, m=current.number,
                              when=local_day(current.effective_from).isoformat())
    if current is not None:
        current.effective_to = start
        current.ended_by = "superseded"
        session.flush()  # the partial unique index must see the old version closed first
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = now
    version.published_by = actor
    version.effective_from = start
    session.flush()
    return version


def withdraw(session: Session, actor: User, version: DocumentVersion) -> DocumentVersion:
    """Withdraw a draft, or a scheduled version before its date (the current one stays)."""
    security.require(actor, "documents.publish")
    document = version.document
    _lock_document(session, document)
    state = version.lifecycle()
    if state not in (Lifecycle.DRAFT, Lifecycle.SCHEDULED):
        raise InvalidTransition("Only drafts and scheduled versions can be withdrawn; version "
                                "%(n)s is %(label)s.", n=version.number, label=state.value)
    if state == Lifecycle.SCHEDULED:
        current = next((v for v in document.versions if v.effective_to is not None
                        and aware(v.effective_to) == aware(version.effective_from)), None)
        version.status = VersionStatus.WITHDRAWN.value
        session.flush()  # out of the one-open-version index before the current one reopens
        if current is not None:
            current.effective_to = None  # the version it would have replaced stays in force
            current.ended_by = ""
    else:
        version.status = VersionStatus.WITHDRAWN.value
    session.flush()
    return version


def retire(session: Session, actor: User, document: PolicyDocument) -> PolicyDocument:
    """Retire a document: its version in force ends now and nothing replaces it."""
    security.require(actor, "documents.retire")
    _lock_document(session, document)
    if document.retired_at is not None:
        raise InvalidTransition("%(code)s is already retired.", code=document.code)
    if scheduled_version(document) is not None:
        raise InvalidTransition("%(code)s has a scheduled version; withdraw it before "
                                "retiring the document.", code=document.code)
    now = utcnow()
    current = effective_version(document, now)
    if current is not None:
        current.effective_to = now
        current.ended_by = "retired"
    document.retired_at = now
    session.flush()
    return document


def mark_reviewed(session: Session, actor: User, document: PolicyDocument,
                  on: date | None = None) -> PolicyDocument:
    """Record a periodic review that found nothing to change: the next review moves on."""
    security.require(actor, "documents.edit")
    on = on or local_day(utcnow())
    if on > local_day(utcnow()):
        raise ValidationError("A review cannot be recorded for a future date.")
    document.last_reviewed_on = on
    session.flush()
    return document


# --- periodic review ---------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """Return the same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_review_date(document: PolicyDocument) -> date | None:
    """Return when the document is next due for review (None while nothing is in force)."""
    current = effective_version(document)
    if current is None or document.retired_at is not None:
        return None
    since = local_day(current.effective_from)
    if document.last_reviewed_on and document.last_reviewed_on > since:
        since = document.last_reviewed_on
    return add_months(since, document.review_cycle_months)


@dataclass(frozen=True)
class ReviewDue:
    """A document whose periodic review falls due soon or is overdue."""

    document: PolicyDocument
    due: date
    overdue: bool
    days: int  # days until due (negative: days overdue)


def due_for_review(session: Session, actor: User, within_days: int = 30,
                   today: date | None = None) -> list[ReviewDue]:
    """List documents due for review within the window, overdue ones first."""
    security.require(actor, "documents.view")
    today = today or local_day(utcnow())
    documents = session.scalars(select(PolicyDocument).where(
        PolicyDocument.retired_at.is_(None), security.document_filter(actor))).all()
    found = []
    for document in documents:
        due = next_review_date(document)
        if due is not None and (due - today).days <= within_days:
            found.append(ReviewDue(document, due, due < today, (due - today).days))
    return sorted(found, key=lambda r: (r.due, r.document.code))


def export_version(version: DocumentVersion, status_label: str = "",
                   category_label: str = "") -> bytes:
    """Generate the .docx of a version from its blocks (the original upload is never served).

    The labels are the reader's words for the lifecycle state and category (the caller
    translates them); the stored codes are used when none are given.
    """
    from documents.docx_export import ExportMeta, export_docx

    start = local_day(version.effective_from) if version.effective_from else None
    meta = ExportMeta(code=version.document.code, title=version.document.title,
                      version=version.number, effective_from=start,
                      status=status_label or version.lifecycle().value,
                      category=category_label or version.document.category)
    return export_docx(version_blocks(version), meta)
