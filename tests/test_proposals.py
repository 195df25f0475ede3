"""Redline proposals: the review path, maker-checker, approvals bound to content, publishing."""

import threading

import pytest
from sqlalchemy import select

from documents import proposals as props
from documents import repository as repo
from documents.blocks import BlockKind
from models import DocumentVersion, Notification, RedlineProposal, WorkflowRule
from models.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from models.workflow import history
from portal.extensions import db
from tests.conftest import user_named
from tests.test_documents import new_document, published


def review_rule(approvals: int = 2, signoff: bool = False, category: str = "policy"):
    """Write the review rule for a category: reviewers, approvals needed, SLA hours."""
    rule = WorkflowRule(workflow="redline_proposal", rule_key=category,
                        approvals_required=approvals, reviewer_roles=["reviewer"],
                        compliance_signoff=signoff,
                        sla_hours={"submitted": 24, "in_review": 72, "changes_requested": 120},
                        description="Policies need two reviewers")
    db.session.add(rule)
    db.session.flush()
    return rule


def proposal_on_policy(approvals: int = 2) -> RedlineProposal:
    """COL-POL-007 in force with two clauses and a draft proposal editing the first."""
    review_rule(approvals)
    document = new_document()
    published(document, "Call between 07:00 and 21:00.", "Never call relatives.")
    proposal = props.open_proposal(db.session, user_named("compliance"), document,
                                   "Shorter contact hours", "Complaints rose after 20:00")
    first = props.proposal_blocks(proposal)[1]
    props.edit_block(db.session, user_named("compliance"), proposal, first.id,
                     "Call between 08:00 and 20:00.")
    return proposal


def submitted() -> RedlineProposal:
    proposal = proposal_on_policy()
    props.submit(db.session, user_named("compliance"), proposal)
    return proposal


def test_whole_path_publishes_the_next_version(ctx):
    proposal = submitted()
    assert {u.username for u in proposal.current_reviewers} == {"reviewer1", "reviewer2"}
    r1, r2, author = user_named("reviewer1"), user_named("reviewer2"), user_named("compliance")
    props.request_changes(db.session, r1, proposal, "Keep 21:00 on Saturdays?")
    assert proposal.status == "changes_requested"
    clause = props.proposal_blocks(proposal)[2]
    props.edit_block(db.session, author, proposal, clause.id, "Never call relatives or "
                     "colleagues.")
    props.resubmit(db.session, author, proposal)
    assert props.approve(db.session, r1, proposal, proposal.changes_hash) is False
    assert props.approve(db.session, r2, proposal, proposal.changes_hash) is True
    assert proposal.status == "approved"
    version = props.publish(db.session, author, proposal)
    db.session.commit()
    assert proposal.status == "published" and version.lifecycle().value == "effective"
    texts = [b.text for b in repo.version_blocks(version)]
    assert "Call between 08:00 and 20:00." in texts
    steps = [row.action for row in history(db.session, proposal)]
    assert steps == ["create", "submit", "start_review", "request_changes", "resubmit",
                     "approve", "approve", "complete_review", "publish"]


def test_author_cannot_approve_own_proposal(ctx):
    proposal = submitted()
    author = user_named("compliance")
    author.set_roles(set(author.roles) | {"reviewer"})  # even holding the reviewer role
    with pytest.raises(PermissionDenied):
        props.approve(db.session, author, proposal, proposal.changes_hash)


def test_one_person_approval_counts_once(ctx):
    proposal = submitted()
    r1 = user_named("reviewer1")
    props.approve(db.session, r1, proposal, proposal.changes_hash)
    with pytest.raises(PermissionDenied, match="counts once"):
        props.approve(db.session, r1, proposal, proposal.changes_hash)


def test_unassigned_reviewer_is_refused(ctx):
    proposal = submitted()
    fraud = user_named("fraud")
    fraud.set_roles({"reviewer"})
    with pytest.raises(PermissionDenied, match="not a reviewer"):
        props.approve(db.session, fraud, proposal, proposal.changes_hash)


def test_approval_of_stale_content_is_refused(ctx):
    proposal = submitted()
    with pytest.raises(StaleEdit):
        props.approve(db.session, user_named("reviewer1"), proposal, "0" * 64)


def test_content_change_dismisses_approvals_and_tells_reviewers(ctx):
    proposal = submitted()
    r1, author = user_named("reviewer1"), user_named("compliance")
    props.approve(db.session, r1, proposal, proposal.changes_hash)
    props.request_changes(db.session, user_named("reviewer2"), proposal, "One more thing")
    props.edit_block(db.session, author, proposal, props.proposal_blocks(proposal)[2].id,
                     "Never call relatives, ever.")
    props.resubmit(db.session, author, proposal)
    # reviewer1's approval was of the old text: it no longer counts.
    assert props.approve(db.session, user_named("reviewer2"), proposal,
                         proposal.changes_hash) is False
    assert proposal.status == "in_review"
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == r1.id, Notification.kind == "approval_dismissed")).all()
    assert told


def test_publish_refused_without_approvals(ctx):
    proposal = submitted()
    with pytest.raises(InvalidTransition):
        props.publish(db.session, user_named("compliance"), proposal)


def test_submit_needs_a_change(ctx):
    review_rule()
    document = new_document()
    published(document, "Rule.")
    proposal = props.open_proposal(db.session, user_named("compliance"), document, "Nothing")
    with pytest.raises(ValidationError, match="changes nothing"):
        props.submit(db.session, user_named("compliance"), proposal)


def test_text_is_frozen_while_in_review(ctx):
    proposal = submitted()
    with pytest.raises(InvalidTransition, match="only as a draft"):
        props.edit_block(db.session, user_named("compliance"), proposal,
                         props.proposal_blocks(proposal)[1].id, "Sneaky edit.")


def test_only_the_author_edits(ctx):
    proposal = proposal_on_policy()
    with pytest.raises(PermissionDenied):
        props.delete_block(db.session, user_named("admin"), proposal,
                           props.proposal_blocks(proposal)[1].id)


def test_insert_move_delete_renumber_clauses(ctx):
    proposal = proposal_on_policy()
    author = user_named("compliance")
    blocks = props.proposal_blocks(proposal)
    new = props.insert_block(db.session, author, proposal, blocks[1].id, "list_item",
                             "Record every call.")
    numbers = [(b.number, b.text) for b in props.proposal_blocks(proposal)
               if b.kind == BlockKind.LIST_ITEM]
    assert numbers[1] == ("2.", "Record every call.") and numbers[2][0] == "3."
    props.move_block(db.session, author, proposal, new.id, None)
    assert props.proposal_blocks(proposal)[0].text == "Record every call."
    props.delete_block(db.session, author, proposal, new.id)
    statuses = {c.status for c in props.redline(proposal).changes}
    assert statuses == {"equal", "changed"}


def test_reassigned_reviewer_takes_over_and_the_old_one_cannot_act(ctx):
    proposal = submitted()
    r1, r2 = user_named("reviewer1"), user_named("reviewer2")
    stand_in = user_named("risk")
    stand_in.set_roles({"reviewer"})
    db.session.flush()
    props.reassign_reviewer(db.session, user_named("lead"), proposal, r1, stand_in,
                            "Annual leave")
    with pytest.raises(PermissionDenied, match="not a reviewer"):
        props.approve(db.session, r1, proposal, proposal.changes_hash)
    props.approve(db.session, stand_in, proposal, proposal.changes_hash)
    assert props.approve(db.session, r2, proposal, proposal.changes_hash) is True


def test_collector_cannot_reassign(ctx):
    proposal = submitted()
    with pytest.raises(PermissionDenied):
        props.reassign_reviewer(db.session, user_named("collector1"), proposal,
                                user_named("reviewer1"), user_named("reviewer2"), "x")


def test_publishing_marks_other_proposals_outdated(ctx):
    proposal = submitted()
    other = props.open_proposal(db.session, user_named("lead"), proposal.document,
                                "Add a clause")
    for reviewer in ("reviewer1", "reviewer2"):
        props.approve(db.session, user_named(reviewer), proposal, proposal.changes_hash)
    props.publish(db.session, user_named("compliance"), proposal)
    assert other.base_outdated is True
    assert props.inbox(db.session, user_named("lead")).changes_requested == [other]


def test_inbox_lists_reviews_until_approved(ctx):
    proposal = submitted()
    r1 = user_named("reviewer1")
    assert props.inbox(db.session, r1).reviews == [proposal]
    props.approve(db.session, r1, proposal, proposal.changes_hash)
    assert props.inbox(db.session, r1).reviews == []


def test_drafts_are_private_to_their_author(ctx):
    proposal = proposal_on_policy()
    db.session.commit()
    with pytest.raises(Exception, match="not found"):
        props.get_proposal(db.session, user_named("reviewer1"), proposal.id)
    assert props.get_proposal(db.session, user_named("compliance"), proposal.id) is proposal


def test_comments_on_clauses_reach_the_author(ctx):
    proposal = submitted()
    clause = props.proposal_blocks(proposal)[1]
    props.add_comment(db.session, user_named("reviewer1"), proposal, "Why 20:00?", clause.id)
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user_named("compliance").id)).all()
    assert "comment" in kinds
    with pytest.raises(ValidationError):
        props.add_comment(db.session, user_named("reviewer1"), proposal, "   ")


def test_last_approval_and_publish_at_once_give_one_version(app):
    with app.app_context():
        proposal = submitted()
        props.approve(db.session, user_named("reviewer1"), proposal, proposal.changes_hash)
        props.approve(db.session, user_named("reviewer2"), proposal, proposal.changes_hash)
        db.session.commit()
        proposal_id = proposal.id
    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                mine = db.session.get(RedlineProposal, proposal_id)
                props.publish(db.session, user_named("compliance"), mine)
                db.session.commit()
                outcomes.append("published")
            except Exception as exc:  # the losers' refusals are the point of the test
                db.session.rollback()
                outcomes.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("published") == 1, outcomes
    assert set(outcomes) - {"published"} == {"InvalidTransition"}
    with app.app_context():
        versions = db.session.scalars(select(DocumentVersion.number)).all()
        assert sorted(versions) == [1, 2]


def two_proposals():
    """Proposal A edits clause 1 and is approved; proposal B (by lead) is open on the same text."""
    proposal_a = submitted()
    lead = user_named("lead")
    proposal_b = props.open_proposal(db.session, lead, proposal_a.document, "Relatives rule")
    return proposal_a, proposal_b, lead


def publish_a(proposal_a):
    for reviewer in ("reviewer1", "reviewer2"):
        props.approve(db.session, user_named(reviewer), proposal_a, proposal_a.changes_hash)
    return props.publish(db.session, user_named("compliance"), proposal_a)


def test_clean_rebase_keeps_the_proposal_and_its_approval(ctx):
    proposal_a, proposal_b, lead = two_proposals()
    second = props.proposal_blocks(proposal_b)[2]
    props.edit_block(db.session, lead, proposal_b, second.id, "Never call relatives or "
                     "neighbours.")
    props.submit(db.session, lead, proposal_b)
    props.approve(db.session, user_named("reviewer1"), proposal_b, proposal_b.changes_hash)
    key_before = proposal_b.changes_hash
    publish_a(proposal_a)
    assert proposal_b.base_outdated
    with pytest.raises(InvalidTransition):
        props.publish(db.session, user_named("compliance"), proposal_b)
    result = props.rebase(db.session, lead, proposal_b)
    assert result.conflicts == [] and not proposal_b.base_outdated
    texts = [b.text for b in props.proposal_blocks(proposal_b)]
    assert "Call between 08:00 and 20:00." in texts  # A's published change
    assert "Never call relatives or neighbours." in texts  # B's own change
    assert proposal_b.changes_hash == key_before
    from models.workflow import valid_approvals

    assert len(valid_approvals(db.session, proposal_b, "review")) == 1


def test_conflicting_rebase_waits_for_the_author(ctx):
    proposal_a, proposal_b, lead = two_proposals()
    first = props.proposal_blocks(proposal_b)[1]
    props.edit_block(db.session, lead, proposal_b, first.id, "Call between 09:00 and 19:00.")
    publish_a(proposal_a)
    result = props.rebase(db.session, lead, proposal_b)
    assert len(result.conflicts) == 1
    conflict = proposal_b.conflicts[0]
    assert conflict["theirs"]["text"] == "Call between 08:00 and 20:00."
    assert conflict["ours"]["text"] == "Call between 09:00 and 19:00."
    with pytest.raises(InvalidTransition, match="conflicts"):
        props.submit(db.session, lead, proposal_b)
    props.resolve_conflict(db.session, lead, proposal_b, conflict["id"], "ours")
    assert proposal_b.conflicts == []
    texts = [b.text for b in props.proposal_blocks(proposal_b)]
    assert "Call between 09:00 and 19:00." in texts
    props.submit(db.session, lead, proposal_b)
    assert proposal_b.status == "submitted"


def test_only_the_author_rebases(ctx):
    proposal_a, proposal_b, _lead = two_proposals()
    publish_a(proposal_a)
    with pytest.raises(PermissionDenied):
        props.rebase(db.session, user_named("compliance"), proposal_b)
