"""The workflow engine on a toy claim: table, roles, guards, approvals, SLAs, escalation, log."""

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Numeric, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models import (
    AuditEntry,
    Base,
    Role,
    Transition,
    Workflow,
    WorkflowRule,
    WorkflowSubject,
    WorkflowTransitionLog,
)
from models import workflow as wf
from models.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from portal.extensions import db
from tests.conftest import user_named

T0 = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)
R = Role


def only_the_maker(ctx: wf.TransitionContext) -> None:
    """A custom guard: only the person who made the claim withdraws it."""
    if ctx.actor.id != ctx.subject.maker_id:
        raise ValidationError("Only the person who made the claim can withdraw it.")


STAFF = frozenset({R.REVIEWER, R.TEAM_LEAD, R.COMPLIANCE_EDITOR})
TOY = Workflow(
    name="toy_claim",
    states=("draft", "submitted", "changes_requested", "reviewed", "approved", "rejected",
            "withdrawn"),
    initial="draft",
    terminal=frozenset({"approved", "rejected", "withdrawn"}),
    transitions=(
        Transition("submit", ("draft", "changes_requested"), "submitted",
                   roles=frozenset({R.COLLECTOR, R.TEAM_LEAD})),
        Transition("approve", ("submitted",), "submitted", roles=STAFF, approval_step="review",
                   guards=(wf.maker_is_not_checker, wf.reviewer_role_required,
                           wf.distinct_approvers)),
        Transition("request_changes", ("submitted",), "changes_requested", roles=STAFF,
                   guards=(wf.maker_is_not_checker, wf.reviewer_role_required)),
        Transition("accept", ("submitted",), "reviewed", guards=(wf.enough_approvals("review"),)),
        Transition("sign_off", ("reviewed",), "reviewed", roles=frozenset({R.COMPLIANCE_EDITOR}),
                   approval_step="compliance",
                   guards=(wf.maker_is_not_checker, wf.distinct_approvers)),
        Transition("close", ("reviewed",), "approved",
                   guards=(wf.enough_approvals("compliance"),)),
        Transition("reject", ("submitted",), "rejected", roles=STAFF,
                   guards=(wf.maker_is_not_checker,)),
        Transition("withdraw", ("draft", "submitted", "changes_requested"), "withdrawn",
                   guards=(only_the_maker,)),
    ),
)


class ToyClaim(WorkflowSubject, Base):
    """A claim with text to approve, a category that picks its rule and an amount."""

    __tablename__ = "test_toy_claims"
    workflow = TOY

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), default="default")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))

    def rule_key(self) -> str:
        return self.category

    def rule_amount(self) -> Decimal | None:
        return self.amount

    def current_content_hash(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()


SLA = {"draft": 72, "submitted": 24, "changes_requested": 48, "reviewed": 8}


def add_rule(**fields) -> WorkflowRule:
    values = {"workflow": "toy_claim", "rule_key": "default", "approvals_required": 2,
              "reviewer_roles": ["reviewer"], "compliance_signoff": True, "sla_hours": SLA,
              **fields}
    rule = WorkflowRule(**values)
    db.session.add(rule)
    db.session.flush()
    return rule


def new_claim(maker="collector1", body="Waive the late fee.", at=T0, **fields) -> ToyClaim:
    claim = ToyClaim(body=body, **fields)
    wf.start(db.session, claim, user_named(maker), now=at)
    return claim


def act(claim, action, username, at=T0, **kwargs):
    return wf.fire(db.session, claim, action, user_named(username), now=at, **kwargs)


def submitted(maker="collector1", **fields) -> ToyClaim:
    claim = new_claim(maker, **fields)
    act(claim, "submit", maker)
    return claim


def log_of(claim) -> list[tuple]:
    return [(r.action, r.from_state, r.to_state, r.actor.username if r.actor else None)
            for r in wf.history(db.session, claim)]


def with_roles(username: str, *roles: Role) -> None:
    user_named(username).set_roles({*user_named(username).roles, *roles})
    db.session.flush()


# --- declarations -------------------------------------------------------------------------------

def toy_workflow(*transitions, terminal=("done",)):
    return Workflow("probe", ("draft", "done"), "draft", frozenset(terminal), transitions)


@pytest.mark.parametrize("transitions, terminal, problem", [
    ((Transition("finish", ("draft",), "archived"),), ("done",), "unknown states"),
    ((Transition("finish", ("draft",), "done"), Transition("finish", ("draft",), "draft")),
     ("done",), "declared twice"),
    ((Transition("reopen", ("done",), "draft"),), ("done",), "terminal"),
    ((), ("gone",), "unknown terminal"),
    ((), ("draft",), "initial"),
])
def test_inconsistent_workflows_are_refused_when_declared(transitions, terminal, problem):
    with pytest.raises(wf.WorkflowDefinitionError, match=problem):
        toy_workflow(*transitions, terminal=terminal)


@pytest.mark.parametrize("action", ["escalate", "create", "Finish now", ""])
def test_reserved_or_malformed_action_names_are_refused(action):
    with pytest.raises(wf.WorkflowDefinitionError, match="action name"):
        Transition(action, ("draft",), "done")


def test_allowed_looks_up_the_table():
    assert TOY.allowed("draft", "submit").target == "submitted"
    assert TOY.allowed("changes_requested", "submit").target == "submitted"
    assert TOY.allowed("draft", "approve") is None
    assert TOY.allowed("approved", "withdraw") is None
    assert TOY.allowed("draft", "submit").roles == {R.COLLECTOR, R.TEAM_LEAD}
    assert TOY.allowed("draft", "withdraw").roles == frozenset(Role)


# --- firing -------------------------------------------------------------------------------------

def test_start_and_fire_write_status_and_log_together(ctx):
    add_rule()
    claim = new_claim()
    log = act(claim, "submit", "collector1", at=T0 + timedelta(hours=1), comment="Please check")
    db.session.commit()
    assert claim.status == "submitted" and claim.maker.username == "collector1"
    assert log_of(claim) == [("create", None, "draft", "collector1"),
                             ("submit", "draft", "submitted", "collector1")]
    assert log.comment == "Please check"
    assert log.content_hash == claim.current_content_hash()
    assert wf.history(db.session, claim)[1].at.replace(tzinfo=UTC) == T0 + timedelta(hours=1)
    audited = db.session.scalars(select(AuditEntry.entity).where(
        AuditEntry.entity.in_(["WorkflowTransitionLog", "ToyClaim"]))).all()
    assert audited.count("WorkflowTransitionLog") == 2 and "ToyClaim" in audited


def test_a_started_item_cannot_start_again(ctx):
    claim = new_claim()
    with pytest.raises(InvalidTransition, match="already started"):
        wf.start(db.session, claim, user_named("collector1"), now=T0)


def test_action_not_in_the_table_names_state_and_action(ctx):
    claim = new_claim()
    with pytest.raises(InvalidTransition, match='"accept" is not possible while the item is '
                                                "draft"):
        act(claim, "accept", "admin")


def test_role_outside_the_transition_is_refused(ctx):
    claim = new_claim()
    with pytest.raises(PermissionDenied, match="Only collector, team_lead may submit"):
        act(claim, "submit", "reviewer1")
    user = user_named("collector2")
    user.active = False
    with pytest.raises(PermissionDenied, match="deactivated"):
        act(claim, "submit", "collector2")


def test_refused_action_leaves_no_log_row_and_the_status(app):
    with app.app_context():
        add_rule()
        claim = submitted()
        db.session.commit()
        claim_id, before = claim.id, len(log_of(claim))
        with pytest.raises(InvalidTransition, match="needs 2 approvals"):
            act(claim, "accept", "lead")
        db.session.commit()  # whatever the refused call left in the session is committed
        db.session.remove()
    with app.app_context():
        claim = db.session.get(ToyClaim, claim_id)
        assert claim.status == "submitted" and len(log_of(claim)) == before


def test_status_and_log_row_commit_or_roll_back_together(app):
    with app.app_context():
        claim = new_claim()
        db.session.commit()
        claim_id = claim.id
        act(claim, "submit", "collector1")
        db.session.rollback()
        db.session.remove()
    with app.app_context():
        claim = db.session.get(ToyClaim, claim_id)
        assert claim.status == "draft" and [a for a, *_ in log_of(claim)] == ["create"]


def test_custom_guard_refuses_with_its_message(ctx):
    claim = new_claim()
    with pytest.raises(ValidationError, match="Only the person who made the claim"):
        act(claim, "withdraw", "lead")
    act(claim, "withdraw", "collector1")
    assert claim.status == "withdrawn"


def test_comment_is_checked_like_any_text(ctx):
    claim = new_claim()
    with pytest.raises(ValidationError, match="Comment must not contain"):
        act(claim, "submit", "collector1", comment="<script>")
    assert claim.status == "draft"


# --- guards -------------------------------------------------------------------------------------

def test_maker_never_approves_even_as_a_reviewer(ctx):
    add_rule()
    with_roles("collector1", R.REVIEWER)
    claim = submitted()
    with pytest.raises(PermissionDenied, match="maker never approves"):
        act(claim, "approve", "collector1")
    with pytest.raises(PermissionDenied, match="maker never approves"):
        act(claim, "request_changes", "collector1")
    act(claim, "approve", "reviewer1")
    assert [a.approver.username for a in wf.valid_approvals(db.session, claim, "review")] == \
        ["reviewer1"]


def test_reviewer_role_comes_from_the_rule(ctx):
    add_rule(reviewer_roles=["reviewer"])
    claim = submitted()
    with pytest.raises(PermissionDenied, match="Only reviewer may approve"):
        act(claim, "approve", "lead")  # the transition allows team leads; the rule does not
    rule = db.session.scalar(select(WorkflowRule))
    rule.reviewer_roles = ["team_lead", "reviewer"]
    act(claim, "approve", "lead")
    assert len(wf.valid_approvals(db.session, claim, "review")) == 1


def test_without_a_stored_rule_nobody_may_review(ctx):
    claim = submitted()
    with pytest.raises(PermissionDenied, match="names no reviewer roles"):
        act(claim, "approve", "reviewer1")


def test_one_persons_approval_counts_once(ctx):
    add_rule()
    claim = submitted()
    act(claim, "approve", "reviewer1")
    with pytest.raises(PermissionDenied, match="counts once"):
        act(claim, "approve", "reviewer1")
    with pytest.raises(InvalidTransition, match="has 1"):
        act(claim, "accept", "lead")
    assert len(wf.valid_approvals(db.session, claim, "review")) == 1


def test_one_person_does_not_approve_two_steps(ctx):
    add_rule()
    with_roles("reviewer2", R.COMPLIANCE_EDITOR)
    claim = submitted()
    act(claim, "approve", "reviewer1")
    act(claim, "approve", "reviewer2")
    act(claim, "accept", "lead")
    with pytest.raises(PermissionDenied, match="not approve two steps"):
        act(claim, "sign_off", "reviewer2")
    act(claim, "sign_off", "compliance")
    act(claim, "close", "lead")
    assert claim.status == "approved"
    assert [s for s, *_ in log_of(claim)] == ["create", "submit", "approve", "approve", "accept",
                                              "sign_off", "close"]


def test_n_of_m_counts_the_rules_number(ctx):
    add_rule(approvals_required=3)
    claim = submitted()
    for n, reviewer in enumerate(["reviewer1", "reviewer2"], 1):
        act(claim, "approve", reviewer)
        with pytest.raises(InvalidTransition, match=f"needs 3 approvals .* has {n}"):
            act(claim, "accept", "lead")
    with_roles("lead", R.REVIEWER)
    act(claim, "approve", "lead")
    act(claim, "accept", "lead")
    assert claim.status == "reviewed"


def test_compliance_sign_off_only_when_the_rule_asks(ctx):
    add_rule(approvals_required=1, compliance_signoff=True)
    add_rule(rule_key="minor", approvals_required=1, compliance_signoff=False)
    strict, minor = submitted(), submitted(category="minor")
    for claim in (strict, minor):
        act(claim, "approve", "reviewer1")
        act(claim, "accept", "lead")
    with pytest.raises(InvalidTransition, match="compliance step needs 1 approvals"):
        act(strict, "close", "lead")
    act(minor, "close", "lead")
    assert minor.status == "approved" and strict.status == "reviewed"


def test_available_actions_follow_roles_and_guards(ctx):
    add_rule(approvals_required=1)
    claim = new_claim()
    assert wf.available_actions(claim, user_named("collector1")) == ["submit", "withdraw"]
    assert wf.available_actions(claim, user_named("reviewer1")) == []
    act(claim, "submit", "collector1")
    assert wf.available_actions(claim, user_named("reviewer1")) == \
        ["approve", "request_changes", "reject"]
    act(claim, "approve", "reviewer1")
    assert wf.available_actions(claim, user_named("reviewer1")) == \
        ["request_changes", "accept", "reject"]
    assert wf.available_actions(claim, user_named("collector1")) == ["accept", "withdraw"]


# --- approvals and content ----------------------------------------------------------------------

def test_changed_content_dismisses_approvals_and_they_stop_counting(ctx):
    add_rule()
    claim = submitted()
    act(claim, "approve", "reviewer1")
    act(claim, "approve", "reviewer2")
    assert wf.dismiss_approvals(db.session, claim, "Nothing changed", T0) == []
    claim.body = "Waive the late fee and half the interest."
    dismissed = wf.dismiss_approvals(db.session, claim, "The text changed",
                                     T0 + timedelta(hours=2))
    assert sorted(a.approver.username for a in dismissed) == ["reviewer1", "reviewer2"]
    assert all(a.dismissed_reason == "The text changed" for a in dismissed)
    assert wf.valid_approvals(db.session, claim, "review") == []
    with pytest.raises(InvalidTransition, match="has 0"):
        act(claim, "accept", "lead")
    assert log_of(claim)[-1] == ("dismiss_approvals", "submitted", "submitted", None)
    act(claim, "approve", "reviewer1")  # the same reviewer may approve the new text
    assert len(wf.valid_approvals(db.session, claim, "review")) == 1


def test_approvals_of_other_content_never_count_even_undismissed(ctx):
    add_rule(approvals_required=1)
    claim = submitted()
    act(claim, "approve", "reviewer1")
    claim.body = "A different text."
    db.session.flush()
    assert wf.valid_approvals(db.session, claim, "review") == []
    with pytest.raises(InvalidTransition, match="has 0"):
        act(claim, "accept", "lead")


def test_approving_what_one_saw_refuses_stale_content(ctx):
    add_rule()
    claim = submitted()
    seen = claim.current_content_hash()
    claim.body = "Edited while the reviewer read."
    with pytest.raises(StaleEdit, match="changed after you opened it"):
        act(claim, "approve", "reviewer1", content_hash=seen)
    assert wf.valid_approvals(db.session, claim, "review") == []


def test_record_approval_applies_the_same_rules(ctx):
    add_rule()
    claim = submitted()
    digest = claim.current_content_hash()
    with pytest.raises(PermissionDenied, match="maker never approves"):
        wf.record_approval(db.session, claim, user_named("collector1"), "review", digest,
                           roles={R.COLLECTOR})
    with pytest.raises(PermissionDenied, match="Only reviewer"):
        wf.record_approval(db.session, claim, user_named("lead"), "review", digest)
    with pytest.raises(StaleEdit):
        wf.record_approval(db.session, claim, user_named("reviewer1"), "review", "0" * 64)
    wf.record_approval(db.session, claim, user_named("reviewer1"), "review", digest, now=T0)
    with pytest.raises(PermissionDenied, match="counts once"):
        wf.record_approval(db.session, claim, user_named("reviewer1"), "review", digest)
    wf.record_approval(db.session, claim, user_named("compliance"), "compliance", digest,
                       roles={R.COMPLIANCE_EDITOR}, now=T0 + timedelta(hours=1))
    assert [a.step for a in wf.standing_approvals(db.session, claim)] == ["review", "compliance"]
    act(claim, "reject", "reviewer2")
    with pytest.raises(InvalidTransition, match="rejected; it takes no more approvals"):
        wf.record_approval(db.session, claim, user_named("reviewer2"), "review", digest)


# --- due times and escalation -------------------------------------------------------------------

def aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


def test_due_time_is_set_on_entry_from_the_rule(ctx):
    add_rule(approvals_required=1, sla_hours={"draft": 72, "submitted": 24})
    claim = new_claim()
    assert aware(claim.due_at) == T0 + timedelta(hours=72)
    act(claim, "submit", "collector1", at=T0 + timedelta(hours=5))
    assert aware(claim.due_at) == T0 + timedelta(hours=29)
    act(claim, "approve", "reviewer1", at=T0 + timedelta(hours=6))  # a self-loop: same clock
    assert aware(claim.due_at) == T0 + timedelta(hours=29)
    assert aware(claim.state_entered_at) == T0 + timedelta(hours=5)
    act(claim, "request_changes", "reviewer2", at=T0 + timedelta(hours=7))
    assert claim.due_at is None  # no SLA for changes_requested in this rule


def test_rule_is_picked_by_key_then_amount_band(ctx):
    add_rule(sla_hours={"draft": 10})
    add_rule(rule_key="big", sla_hours={"draft": 20})
    add_rule(rule_key="big", min_amount="1000000", sla_hours={"draft": 30})
    add_rule(rule_key="big", min_amount="5000000", max_amount="9000000", sla_hours={"draft": 40})
    cases = [("default", None, 10), ("other", None, 10), ("big", None, 20),
             ("big", "999999.99", 20), ("big", "1000000", 30), ("big", "6000000", 40),
             ("big", "9000000", 30)]
    for category, amount, hours in cases:
        claim = new_claim(category=category, amount=Decimal(amount) if amount else None)
        assert aware(claim.due_at) == T0 + timedelta(hours=hours), (category, amount)


def test_escalation_raises_each_level_once_with_a_controlled_clock(ctx):
    add_rule(sla_hours={"submitted": 24})
    claim = submitted()
    db.session.commit()
    assert wf.escalate_overdue(db.session, T0 + timedelta(hours=23)) == []
    first = wf.escalate_overdue(db.session, T0 + timedelta(hours=25))
    assert [(e.subject.id, e.level, e.target) for e in first] == [(claim.id, 1, "team lead")]
    assert first[0].due_at == T0 + timedelta(hours=24)
    assert wf.escalate_overdue(db.session, T0 + timedelta(hours=30)) == []
    second = wf.escalate_overdue(db.session, T0 + timedelta(hours=49))
    assert [(e.level, e.target) for e in second] == [(2, "department head")]
    assert wf.escalate_overdue(db.session, T0 + timedelta(hours=500)) == []
    assert claim.escalation_level == 2 and claim.status == "submitted"
    assert log_of(claim)[-2:] == [("escalate", "submitted", "submitted", None)] * 2
    assert [r.comment for r in wf.history(db.session, claim)[-2:]] == ["level 1", "level 2"]


def test_a_long_overdue_item_reaches_both_levels_in_one_run(ctx):
    add_rule(sla_hours={"submitted": 24})
    claim = submitted()
    raised = wf.escalate_overdue(db.session, T0 + timedelta(hours=60))
    assert [(e.subject.id, e.level) for e in raised] == [(claim.id, 1), (claim.id, 2)]


def test_finished_or_untimed_items_are_not_escalated_and_entry_resets(ctx):
    add_rule(approvals_required=1, sla_hours={"submitted": 24, "draft": 24})
    done, untimed, moving = submitted(), new_claim(), submitted()
    act(done, "reject", "reviewer1")
    act(untimed, "submit", "collector1")
    db.session.scalar(select(WorkflowRule)).sla_hours = {"draft": 24}
    act(untimed, "request_changes", "reviewer1")  # no SLA for changes_requested: no due time
    assert [e.subject.id for e in wf.escalate_overdue(db.session, T0 + timedelta(hours=30))] \
        == [moving.id]
    act(moving, "approve", "reviewer1", at=T0 + timedelta(hours=31))
    assert moving.escalation_level == 1  # a self-loop keeps the clock and the level
    db.session.scalar(select(WorkflowRule)).sla_hours = {"reviewed": 8}
    act(moving, "accept", "lead", at=T0 + timedelta(hours=32))
    assert moving.escalation_level == 0 and aware(moving.due_at) == T0 + timedelta(hours=40)


def test_escalate_command_prints_each_escalation_and_a_summary(app):
    runner = app.test_cli_runner()
    with app.app_context():
        add_rule(sla_hours={"submitted": 24})
        claim = submitted()
        db.session.commit()
        claim_id = claim.id
    result = runner.invoke(args=["workflow", "escalate", "--now", "2030-03-05T10:00+00:00"])
    assert result.exit_code == 0, result.output
    assert f"test_toy_claims {claim_id} (submitted, due 2030-03-05T08:00+00:00): escalated " \
           "to level 1, team lead" in result.output
    assert "1 escalations of 1 overdue items." in result.output
    again = runner.invoke(args=["workflow", "escalate", "--now", "2030-03-05T11:00+00:00"])
    assert again.exit_code == 0 and "No overdue item needed escalation." in again.output
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry.actor).where(
            AuditEntry.entity == "WorkflowTransitionLog")).all()
        assert "cli:workflow-escalate" in entries


# --- concurrency --------------------------------------------------------------------------------

def _in_threads(app, count: int, work) -> tuple[list, list[Exception]]:
    """Run work() in `count` threads, each with its own session, released together."""
    barrier = threading.Barrier(count)
    done, errors = [], []

    def worker():
        with app.app_context():
            try:
                # Released before any read: SQLite's BEGIN IMMEDIATE queues the rest.
                barrier.wait(timeout=10)
                done.append(work())
                db.session.commit()
            except Exception as exc:  # the losers' errors are part of the result
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


def test_the_same_action_fired_four_times_at_once_moves_once(app):
    with app.app_context():
        add_rule()
        claim = new_claim()
        db.session.commit()
        claim_id = claim.id

    def submit():
        claim = db.session.get(ToyClaim, claim_id)
        return act(claim, "submit", "collector1").id

    done, errors = _in_threads(app, 4, submit)
    assert len(done) == 1, errors
    assert len(errors) == 3 and all(isinstance(e, InvalidTransition) for e in errors)
    with app.app_context():
        claim = db.session.get(ToyClaim, claim_id)
        assert [a for a, *_ in log_of(claim)] == ["create", "submit"]


def test_escalation_run_twice_at_once_raises_the_level_once(app):
    with app.app_context():
        add_rule(sla_hours={"submitted": 24})
        claim = submitted()
        db.session.commit()
        claim_id = claim.id

    done, errors = _in_threads(
        app, 2, lambda: len(wf.escalate_overdue(db.session, T0 + timedelta(hours=25))))
    assert not errors and sorted(done) == [0, 1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkflowTransitionLog).where(
            WorkflowTransitionLog.subject_id == claim_id,
            WorkflowTransitionLog.action == "escalate")) == 1


# --- append-only records and rule validation ----------------------------------------------------

def test_log_rows_are_never_edited_or_deleted(ctx):
    claim = new_claim()
    db.session.commit()
    row = wf.history(db.session, claim)[0]
    row.comment = "rewritten"
    with pytest.raises(wf.ImmutableWorkflowRecord, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(wf.history(db.session, claim)[0])
    with pytest.raises(wf.ImmutableWorkflowRecord, match="kept forever"):
        db.session.flush()
    db.session.rollback()
    assert wf.history(db.session, claim)[0].comment == ""


def test_approvals_change_only_by_one_dismissal(ctx):
    add_rule()
    claim = submitted()
    act(claim, "approve", "reviewer1")
    db.session.commit()
    approval = wf.standing_approvals(db.session, claim)[0]
    approval.step = "compliance"
    with pytest.raises(wf.ImmutableWorkflowRecord, match="stays as given"):
        db.session.flush()
    db.session.rollback()
    wf.dismiss_approvals(db.session, claim, "Reviewer left", T0, stale_only=False)
    db.session.commit()
    approval = db.session.get(wf.Approval, approval.id)
    approval.dismissed_reason = "Another reason"
    with pytest.raises(wf.ImmutableWorkflowRecord, match="already dismissed"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(wf.Approval, approval.id))
    with pytest.raises(wf.ImmutableWorkflowRecord, match="kept forever"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("fields, message", [
    ({"workflow": "payroll"}, "Workflow must be one of"),
    ({"rule_key": "Big Cases"}, "Rule key must be"),
    ({"approvals_required": 0}, "between 1 and 20"),
    ({"reviewer_roles": ["boss"]}, "Reviewer roles must be one of"),
    ({"sla_hours": {"submitted": -4}}, "above 0"),
    ({"sla_hours": {"submitted": True}}, "above 0"),
    ({"sla_hours": {"approved": 4}}, "approved is not a state"),
    ({"sla_hours": {"archived": 4}}, "archived is not a state"),
    ({"min_amount": "5000", "max_amount": "5000"}, "minimum amount must be below"),
    ({"min_amount": "-1"}, "zero or more"),
    ({"description": "Circular 18/2019 <b>"}, "must not contain"),
])
def test_rule_fields_are_validated(ctx, fields, message):
    with pytest.raises(ValidationError, match=message):
        add_rule(**fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WorkflowRule)) == 0


def test_rule_keeps_a_multiline_description_and_normalises_values(ctx):
    rule = add_rule(reviewer_roles=["reviewer", "team_lead", "reviewer"],
                    sla_hours={"submitted": 24.0, "draft": 1.5},
                    description="Approval authority by amount.\nSee Circular 18/2019.")
    assert rule.reviewer_roles == ["reviewer", "team_lead"]
    assert rule.sla_hours == {"submitted": 24, "draft": 1.5}
    assert rule.description.count("\n") == 1
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        add_rule()
