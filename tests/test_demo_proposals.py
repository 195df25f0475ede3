"""Demo review rules and proposals: every state, told through the domain actions, loaded once."""

import pytest
from sqlalchemy import func, select

from documents import proposals as props
from documents import repository as repo
from models import AuditEntry, Notification, RedlineProposal, WorkflowRule
from models.document import Lifecycle
from models.proposal import PROPOSAL_WORKFLOW
from models.workflow import available_actions, history, valid_approvals
from portal import audit
from portal.demo_documents import seed_documents
from portal.demo_proposals import PLANS, seed_proposals
from portal.extensions import db
from tests.conftest import user_named
from tests.test_demo_documents import demo_staff


@pytest.fixture
def seeded(ctx):
    """The demo documents and proposals in the test database."""
    staff = demo_staff()
    seed_documents(db.session, staff)
    assert seed_proposals(db.session, staff) == len(PLANS)
    db.session.commit()


def proposal(title: str) -> RedlineProposal:
    return db.session.scalar(select(RedlineProposal).where(RedlineProposal.title == title))


def steps(p: RedlineProposal) -> list[str]:
    return [row.action for row in history(db.session, p)]


def test_every_state_is_there(seeded):
    states = set(db.session.scalars(select(RedlineProposal.status)))
    assert states == set(PROPOSAL_WORKFLOW.states)
    outdated = db.session.scalars(select(RedlineProposal).where(
        RedlineProposal.base_outdated.is_(True))).all()
    assert [(p.document.code, p.status) for p in outdated] == [("COL-SCN-003", "draft")]


def test_rules_follow_the_categories(seeded):
    rules = {r.rule_key: r for r in db.session.scalars(select(WorkflowRule))}
    assert set(rules) == {"policy", "procedure", "collection_scenario", "default"}
    policy = rules["policy"]
    assert (policy.approvals_required, policy.reviewer_roles) == (2, ["reviewer"])
    assert policy.sla_hours == {"submitted": 24, "in_review": 72, "changes_requested": 120}
    assert [k for k, r in rules.items() if r.compliance_signoff] == ["collection_scenario"]
    assert all(r.approvals_required == 1 for k, r in rules.items() if k != "policy")


def test_reviews_wait_where_the_story_says(seeded):
    submitted = proposal("Rút ngắn giờ liên hệ buổi tối xuống 20:00")
    assert submitted.status == "submitted"
    for reviewer in ("reviewer1", "reviewer2"):
        assert submitted in props.inbox(db.session, user_named(reviewer)).reviews
    halfway = proposal("Allow a second restructuring after 6 months")
    assert halfway.status == "in_review"
    assert [a.approver.username for a in valid_approvals(db.session, halfway, "review")] == \
        ["reviewer1"]
    assert halfway in props.inbox(db.session, user_named("reviewer2")).reviews
    ready = proposal("Tính vỡ hứa trong 90 ngày thay vì 60 ngày")
    assert ready.status == "approved"
    assert "publish" in available_actions(ready, user_named("compliance"))


def test_changes_requested_with_comments_on_clauses(seeded):
    revised = proposal("Clarify when restructuring relief ends")
    assert revised.status == "changes_requested"
    assert revised in props.inbox(db.session, user_named("compliance")).changes_requested
    clauses = {b.id: b.text for b in props.proposal_blocks(revised)}
    comments = [(c.author.username, clauses[c.block_id][:24], c.reply_to_id is not None)
                for c in revised.comments]
    assert comments == [("reviewer2", "If the customer misses t", False),
                        ("compliance", "If the customer misses t", True),
                        ("reviewer1", "The collector tells the ", False)]
    assert steps(revised)[-1] == "request_changes"


def test_published_proposal_is_the_version_in_force(seeded):
    published = proposal("Record the result code within five minutes")
    document = published.document
    assert repo.effective_version(document) == published.published_version
    assert [v.lifecycle() for v in document.versions] == \
        [Lifecycle.SUPERSEDED, Lifecycle.SUPERSEDED, Lifecycle.EFFECTIVE]
    texts = " ".join(b.text for b in repo.version_blocks(published.published_version))
    assert "within five minutes of the call" in texts
    assert steps(published) == ["create", "submit", "start_review", "approve", "sign_off",
                                "complete_review", "publish"]
    outdated = proposal("Add a line for customers who say they already paid")
    assert outdated.base_outdated and outdated.base_version.number == 2


def test_rejected_and_withdrawn_say_why(seeded):
    rejected = proposal("Let team leads approve their own small restructurings")
    last = history(db.session, rejected)[-1]
    assert (last.action, last.actor.username) == ("reject", "reviewer1")
    assert "Maker-checker" in last.comment
    withdrawn = proposal("Thêm nguyên nhân: nợ tại tổ chức tín dụng khác đến hạn")
    assert steps(withdrawn) == ["create", "submit", "withdraw"]


def test_escalate_finds_the_overdue_review_and_tells_the_team_leads(seeded, app):
    overdue = proposal("Lưu ghi âm cuộc gọi nhắc nợ tối thiểu 36 tháng")
    overdue_id = overdue.id
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["workflow", "escalate"])
    assert result.exit_code == 0, result.output
    assert f"redline_proposals {overdue_id} (in_review, due " in result.output
    assert "escalated to level 1, team lead" in result.output
    assert "1 escalations of 1 overdue items." in result.output
    db.session.expire_all()
    told = db.session.scalars(select(Notification).where(Notification.kind == "escalation"))
    assert {n.user.username for n in told} == {"lead", *(f"lead{i}" for i in range(2, 9))}


def test_second_run_adds_nothing_and_the_audit_chain_holds(seeded, app):
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert seed_proposals(db.session, demo_staff()) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert db.session.scalar(select(func.count()).select_from(WorkflowRule)) == 4
    result = audit.verify(db.session, app.config["AUDIT_KEY"].encode())
    assert result.ok, result.message


def test_nothing_without_the_demo_documents(ctx):
    assert seed_proposals(db.session, demo_staff()) == 0
    assert db.session.scalar(select(func.count()).select_from(WorkflowRule)) == 0
