"""Demo policy documents: every category and lifecycle state, real histories, loaded once."""

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from documents import acknowledgements as acks
from documents import repository as repo
from documents.blocks import BlockKind
from documents.compare import Status, compare
from models import AuditEntry, DocumentVersion, PolicyDocument
from models.base import utcnow
from models.document import DocumentCategory, Lifecycle, aware
from models.errors import NotFound
from portal import audit
from portal.auth import hasher
from portal.demo import DEMO_PASSWORD, seed_demo, seed_staff
from portal.demo_documents import (
    document_plans,
    logical_lines,
    parse_blocks,
    revise,
    seed_documents,
)
from portal.extensions import db
from tests.conftest import TEST_ACCOUNTS, user_named

CODES = {plan.code for plan in document_plans(utcnow())}


def demo_staff() -> dict:
    """Return the demo staff as seed_demo builds them (they exist already: nothing is added)."""
    return seed_staff(db.session, hasher().hash(DEMO_PASSWORD), random.Random(20261129))


def existing_codes() -> set[str]:
    return set(db.session.scalars(select(PolicyDocument.code)))


@pytest.fixture
def seeded(ctx):
    """Seed the demo documents into the test database; return how many were new."""
    before = existing_codes() & CODES
    created = seed_documents(db.session, demo_staff())
    db.session.commit()
    assert created == len(CODES - before)
    return created


def document(code: str) -> PolicyDocument:
    return repo.get_document(db.session, user_named("compliance"), code)


def lifecycles(code: str) -> list[Lifecycle]:
    return [v.lifecycle() for v in document(code).versions]


def text_of(version: DocumentVersion) -> str:
    return " ".join(b.plain_text for b in repo.version_blocks(version))


def test_every_category_and_a_real_structure(seeded):
    documents = [document(code) for code in sorted(CODES)]
    assert {d.category for d in documents} == {c.value for c in DocumentCategory}
    for d in documents:
        for version in d.versions:
            assert version.word_count >= 250, f"{d.code} v{version.number} is too short"
    blocks = repo.version_blocks(document("COL-POL-001").versions[0])
    numbers = {b.number for b in blocks}
    assert {"1.", "1.1.", "a)", "7.3."} <= numbers
    assert {b.kind for b in blocks} == set(BlockKind)
    assert any(b.kind == BlockKind.HEADING and b.text.startswith("Chương") for b in blocks)


def test_consumer_policy_history_and_draft(seeded):
    policy = document("COL-POL-001")
    assert lifecycles("COL-POL-001") == [Lifecycle.SUPERSEDED, Lifecycle.SUPERSEDED,
                                         Lifecycle.EFFECTIVE, Lifecycle.DRAFT]
    v1, v2, v3, _v4 = policy.versions
    assert repo.effective_version(policy) is v3
    assert repo.effective_version(policy, datetime(2024, 6, 1, tzinfo=UTC)) is v1
    assert repo.effective_version(policy, datetime(2025, 6, 1, tzinfo=UTC)) is v2
    assert repo.effective_version(policy, datetime(2023, 6, 1, tzinfo=UTC)) is None
    # The versions differ as the regulation asks: the daily limit counts every channel from v2.
    assert "Trên mỗi kênh liên hệ" in text_of(v1)
    assert "tính gộp trên mọi kênh" in text_of(v2) and "Trên mỗi kênh" not in text_of(v2)
    assert "07:00 đến 21:00" in text_of(v3)
    assert "Thông tư 18/2019/TT-NHNN" in policy.regulatory_refs
    # Unchanged clauses keep their block id from version to version.
    first_ids = {b.text: b.id for b in repo.version_blocks(v1)}
    kept = [b for b in repo.version_blocks(v3) if first_ids.get(b.text) == b.id]
    assert len(kept) > 20


def test_scheduled_retired_withdrawn_and_draft_only(seeded):
    assert lifecycles("COL-PRC-002") == [Lifecycle.EFFECTIVE, Lifecycle.SCHEDULED]
    scheduled = repo.scheduled_version(document("COL-PRC-002"))
    assert aware(scheduled.effective_from) > utcnow()
    retired = document("COL-POL-006")
    assert retired.retired_at is not None
    assert lifecycles("COL-POL-006") == [Lifecycle.SUPERSEDED, Lifecycle.RETIRED]
    assert lifecycles("COL-POL-007") == [Lifecycle.SUPERSEDED, Lifecycle.EFFECTIVE,
                                         Lifecycle.WITHDRAWN]
    assert lifecycles("COL-PRC-008") == [Lifecycle.DRAFT]
    collector = user_named("collector1")
    with pytest.raises(NotFound, match="COL-PRC-008"):
        repo.get_document(db.session, collector, "COL-PRC-008")  # no published version to read


def test_restructuring_compare_shows_a_move_and_an_edited_table(seeded):
    v1, v2, _v3 = document("COL-POL-007").versions
    redline = compare(repo.version_blocks(v1), repo.version_blocks(v2))
    moved = [c for c in redline.changes if c.status == Status.MOVED_TO]
    assert [c.new.text[:32] for c in moved] == ["Customers with a fraud flag, or "]
    assert moved[0].old.number == "6.2." and moved[0].new.number == "3.4."
    tables = [c for c in redline.changes if c.new is not None and c.new.kind == BlockKind.TABLE]
    assert [c.status for c in tables] == [Status.CHANGED]


def test_review_due_and_acknowledgements(seeded):
    due = {r.document.code: r for r in repo.due_for_review(db.session, user_named("compliance"))}
    assert due["COL-WI-004"].overdue
    assert "COL-FRM-005" not in due and "COL-POL-006" not in due
    policy = repo.effective_version(document("COL-POL-001"))
    rate = acks.rate(db.session, policy)
    assert 0 < rate.percent < 100
    assert policy in acks.pending_for(db.session, user_named("collector2"))
    assert policy not in acks.pending_for(db.session, user_named("collector1"))
    read_on = acks.acknowledged_at(db.session, policy, user_named("collector1"))
    assert aware(policy.effective_from) < aware(read_on) < utcnow()
    team = acks.audience_status(db.session, user_named("lead"), policy)
    not_yet = [s.user.username for s in team if s.acknowledged_at is None]
    assert "collector2" in not_yet and "collector1" not in not_yet


def test_second_run_adds_nothing_and_the_audit_chain_holds(seeded, app):
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert seed_documents(db.session, demo_staff()) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    result = audit.verify(db.session, app.config["AUDIT_KEY"].encode())
    assert result.ok, result.message


def test_seed_demo_reports_documents(ctx):
    missing = len(CODES - existing_codes())
    result = seed_demo(db.session, hasher().hash(DEMO_PASSWORD), accounts=TEST_ACCOUNTS)
    db.session.commit()
    assert result["documents_created"] == missing
    assert existing_codes() >= CODES
    assert seed_demo(db.session, "unused", accounts=TEST_ACCOUNTS,
                     documents=False)["documents_created"] == 0


def test_cli_seed_demo_names_the_documents(runner):
    result = runner.invoke(args=["seed-demo", "--accounts", str(TEST_ACCOUNTS)])
    assert result.exit_code == 0, result.output
    assert "new policy documents" in result.output
    again = runner.invoke(args=["seed-demo", "--accounts", str(TEST_ACCOUNTS)])
    assert "0 new accounts, 0 new policy documents" in again.output


def test_edits_name_exactly_one_block():
    lines = logical_lines("1. Call hours\n1.1. From 07:00\n    to 21:00.\n1.2. Five a day.\n")
    assert lines[1] == "1.1. From 07:00 to 21:00."
    moved = revise(lines, [("move", "1.2.", "1. Call")])
    assert [b.number for b in parse_blocks(moved)] == ["1.", "1.1.", "1.2."]
    assert parse_blocks(moved)[1].text == "Five a day."
    with pytest.raises(ValueError, match="3 blocks"):
        revise(lines, [("delete", "1.")])
