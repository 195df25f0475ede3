"""Policy repository rules: immutable versions, lifecycle, as-of lookups, review dates."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from documents import repository as repo
from documents.blocks import Block, BlockKind, new_block_id, renumber
from models import AuditEntry, ContentBlob, DocumentVersion
from models.base import local_day, utcnow
from models.document import BlobCorrupted, ImmutableVersion, Lifecycle, read_blob
from models.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from portal.extensions import db
from tests.conftest import user_named


def policy_blocks(*clauses: str) -> list[Block]:
    """Build a small policy: a heading and numbered clauses."""
    blocks = [Block(new_block_id(), BlockKind.HEADING, "Contact rules", level=1)]
    blocks += [Block(new_block_id(), BlockKind.LIST_ITEM, c) for c in clauses]
    return renumber(blocks)


def new_document(code="COL-POL-007", **extra):
    fields = repo.DocumentFields(code=code, title="Contact policy", category="policy", **extra)
    return repo.create_document(db.session, user_named("compliance"), fields)


def published(document, *clauses, start=None):
    editor = user_named("compliance")
    version = repo.add_version(db.session, editor, document, policy_blocks(*clauses), "edit")
    return repo.publish(db.session, editor, version, start)


def test_create_document_checks_code_and_permission(ctx):
    with pytest.raises(ValidationError, match="COL-POL-007"):
        new_document(code="bad code!")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        repo.create_document(db.session, user_named("collector1"),
                             repo.DocumentFields("COL-POL-001", "T", "policy"))
    new_document()
    with pytest.raises(ValidationError, match="already exists"):
        new_document(code="col-pol-007")


def test_first_publish_makes_the_version_effective(ctx):
    document = new_document()
    version = published(document, "Call between 07:00 and 21:00.")
    assert version.lifecycle() == Lifecycle.EFFECTIVE
    assert repo.effective_version(document) is version
    assert version.content_hash and version.word_count == 2 + 5  # heading + clause


def test_next_version_supersedes_and_as_of_finds_each(ctx):
    document = new_document()
    v1 = published(document, "Call between 07:00 and 21:00.")
    v2 = published(document, "Call between 08:00 and 20:00.")
    assert v1.lifecycle() == Lifecycle.SUPERSEDED and v2.lifecycle() == Lifecycle.EFFECTIVE
    assert repo.effective_version(document, v1.effective_from + timedelta(microseconds=1)) is v1
    assert repo.effective_version(document, v2.effective_from) is v2
    before_any = v1.effective_from - timedelta(days=1)
    assert repo.effective_version(document, before_any) is None


def test_edited_clause_keeps_its_block_id(ctx):
    document = new_document()
    v1 = published(document, "Call between 07:00 and 21:00.", "Never call relatives.")
    v2 = published(document, "Call between 08:00 and 20:00.", "Never call relatives.")
    ids1 = [b.id for b in repo.version_blocks(v1)]
    ids2 = [b.id for b in repo.version_blocks(v2)]
    assert ids1 == ids2


def test_future_version_becomes_effective_on_its_date(ctx):
    document = new_document()
    v1 = published(document, "Old rule.")
    start = utcnow() + timedelta(days=10)
    v2 = published(document, "New rule.", start=start)
    assert v2.lifecycle() == Lifecycle.SCHEDULED
    assert repo.effective_version(document) is v1
    assert repo.effective_version(document, start + timedelta(seconds=1)) is v2
    assert v1.lifecycle(start + timedelta(seconds=1)) == Lifecycle.SUPERSEDED


def test_only_one_version_may_wait_for_its_date(ctx):
    document = new_document()
    published(document, "Old rule.")
    published(document, "New rule.", start=utcnow() + timedelta(days=10))
    with pytest.raises(InvalidTransition, match="already scheduled"):
        published(document, "Newer rule.", start=utcnow() + timedelta(days=20))


def test_withdrawing_a_scheduled_version_keeps_the_current_one(ctx):
    document = new_document()
    v1 = published(document, "Old rule.")
    v2 = published(document, "New rule.", start=utcnow() + timedelta(days=10))
    repo.withdraw(db.session, user_named("compliance"), v2)
    db.session.commit()
    assert v2.lifecycle() == Lifecycle.WITHDRAWN
    assert v1.effective_to is None
    assert repo.effective_version(document, utcnow() + timedelta(days=30)) is v1


def test_publish_refuses_past_dates_and_non_drafts(ctx):
    document = new_document()
    v1 = published(document, "Rule.")
    with pytest.raises(InvalidTransition, match="not a draft"):
        repo.publish(db.session, user_named("compliance"), v1)
    draft = repo.add_version(db.session, user_named("compliance"), document,
                             policy_blocks("Rule two."))
    with pytest.raises(ValidationError, match="past"):
        repo.publish(db.session, user_named("compliance"), draft, utcnow() - timedelta(days=2))


def test_collector_cannot_publish_or_upload(ctx):
    document = new_document()
    with pytest.raises(PermissionDenied):
        repo.add_version(db.session, user_named("collector1"), document, policy_blocks("x"))
    draft = repo.add_version(db.session, user_named("compliance"), document, policy_blocks("x"))
    with pytest.raises(PermissionDenied):
        repo.publish(db.session, user_named("reviewer1"), draft)


def test_version_content_cannot_be_changed_or_deleted(ctx):
    document = new_document()
    version = published(document, "Rule.")
    db.session.commit()
    version.blocks = []
    with pytest.raises(ImmutableVersion):
        db.session.flush()
    db.session.rollback()
    db.session.delete(version)
    with pytest.raises(ImmutableVersion):
        db.session.flush()
    db.session.rollback()
    version.effective_from = utcnow()
    with pytest.raises(ImmutableVersion, match="already published"):
        db.session.flush()
    db.session.rollback()


def test_empty_version_is_refused(ctx):
    document = new_document()
    with pytest.raises(ValidationError, match="no text"):
        repo.add_version(db.session, user_named("compliance"), document, [])


def test_retire_ends_the_version_in_force(ctx):
    document = new_document()
    version = published(document, "Rule.")
    repo.retire(db.session, user_named("compliance"), document)
    assert version.lifecycle() == Lifecycle.RETIRED
    assert repo.effective_version(document) is None
    with pytest.raises(InvalidTransition, match="retired"):
        repo.add_version(db.session, user_named("compliance"), document, policy_blocks("x"))


def test_readers_see_published_versions_only(ctx):
    document = new_document()
    published(document, "Rule.")
    repo.add_version(db.session, user_named("compliance"), document, policy_blocks("Draft."))
    db.session.commit()
    collector = user_named("collector1")
    assert [v.number for v in repo.visible_versions(collector, document)] == [1]
    assert [v.number for v in repo.visible_versions(user_named("reviewer1"), document)] == [2, 1]
    with pytest.raises(NotFound):
        repo.get_version(collector, document, 2)
    draft_only = new_document(code="COL-PRC-002")
    db.session.commit()
    with pytest.raises(NotFound):
        repo.get_document(db.session, collector, draft_only.code)
    assert repo.get_document(db.session, user_named("auditor"), "col-prc-002") is draft_only


def test_lifecycle_changes_are_audited_without_the_content(ctx):
    document = new_document()
    version = published(document, "Rule.")
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "DocumentVersion", AuditEntry.entity_id == str(version.id))).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert "blocks" not in entries[0].changes
    assert entries[0].changes["content_hash"] == version.content_hash
    assert entries[1].changes["status"] == {"before": "draft", "after": "published"}


def test_original_upload_is_kept_by_checksum(ctx):
    document = new_document()
    version = repo.add_version(db.session, user_named("compliance"), document,
                               policy_blocks("Rule."), source=b"original bytes")
    db.session.commit()
    assert read_blob(db.session, version.source_sha256) == b"original bytes"
    # Tampering below the ORM is caught on the next read.
    db.session.execute(ContentBlob.__table__.update().values(data=b"altered"))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(BlobCorrupted, match="checksum"):
        read_blob(db.session, version.source_sha256)


def test_review_due_follows_the_cycle_and_reviews(ctx, monkeypatch):
    document = new_document(review_cycle_months=6)
    version = published(document, "Rule.")
    start = local_day(version.effective_from)
    assert repo.next_review_date(document) == repo.add_months(start, 6)
    compliance = user_named("compliance")
    late = repo.due_for_review(db.session, compliance, today=repo.add_months(start, 7))
    assert [(r.document.code, r.overdue) for r in late] == [("COL-POL-007", True)]
    assert repo.due_for_review(db.session, compliance, today=start) == []
    with pytest.raises(ValidationError, match="future"):
        repo.mark_reviewed(db.session, compliance, document, start + timedelta(days=1))
    later = utcnow() + timedelta(days=40)
    monkeypatch.setattr("documents.repository.utcnow", lambda: later)
    monkeypatch.setattr("models.document.utcnow", lambda: later)
    repo.mark_reviewed(db.session, compliance, document, start + timedelta(days=30))
    assert repo.next_review_date(document) == repo.add_months(start + timedelta(days=30), 6)


def test_add_months_clamps_to_month_end():
    assert repo.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert repo.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert repo.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_one_open_version_is_enforced_by_the_database(ctx):
    document = new_document()
    published(document, "Rule.")
    db.session.commit()
    rogue = DocumentVersion(document=document, number=9, status="published", blocks=[],
                            content_hash="x", effective_from=utcnow())
    db.session.add(rogue)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 1


def _publish_concurrently(app, numbers: list[int]) -> tuple[list[str], list[Exception]]:
    """Publish the given versions of COL-POL-007 from separate threads released together."""
    barrier = threading.Barrier(len(numbers))
    done, errors = [], []

    def worker(number: int):
        with app.app_context():
            try:
                # Released before any read: SQLite's BEGIN IMMEDIATE queues the rest.
                barrier.wait(timeout=10)
                editor = user_named("compliance")
                document = repo.get_document(db.session, editor, "COL-POL-007")
                version = repo.get_version(editor, document, number)
                repo.publish(db.session, editor, version)
                db.session.commit()
                done.append(number)
            except Exception as exc:  # the loser's error is part of the result
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


def _open_versions() -> list[DocumentVersion]:
    return db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.status == "published", DocumentVersion.effective_to.is_(None))).all()


def test_same_draft_published_twice_at_once_gives_one_version(app):
    with app.app_context():
        document = new_document()
        published(document, "Rule one.")
        repo.add_version(db.session, user_named("compliance"), document, policy_blocks("Two."))
        db.session.commit()
    done, errors = _publish_concurrently(app, [2, 2, 2, 2])
    assert done == [2]
    assert len(errors) == 3 and all(isinstance(e, InvalidTransition) for e in errors)
    with app.app_context():
        assert [v.number for v in _open_versions()] == [2]


def test_two_drafts_published_at_once_leave_one_in_force(app):
    with app.app_context():
        document = new_document()
        published(document, "Rule one.")
        for text in ("Two.", "Three."):
            repo.add_version(db.session, user_named("compliance"), document,
                             policy_blocks(text))
        db.session.commit()
    done, errors = _publish_concurrently(app, [2, 3])
    assert not errors and sorted(done) == [2, 3]
    with app.app_context():
        document = repo.get_document(db.session, user_named("compliance"), "COL-POL-007")
        assert [v.number for v in _open_versions()] == [done[-1]]
        spans = sorted((repo.aware(v.effective_from), v.effective_to and repo.aware(
            v.effective_to)) for v in document.versions)
        # One unbroken line of versions: each ends exactly where the next begins.
        assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
