"""Demo review rules and redline proposals in every state, on the demo policy documents.

Each proposal is a plan: its edits of the version in force (clauses named by how their text
starts, as in portal.demo_documents) and the steps of its story, each one domain action by a
demo user. Running it again adds nothing: a rule is skipped when its workflow and category
have one, a proposal when its document has one with the same title. Without the demo
documents nothing is written, rules included (tests write the rules they need).

One thing is not done through an action: the overdue proposal's clock. Its review starts
now, then its `state_entered_at` and `due_at` are set four days back, as if the reviewer had
picked it up then; the audit trail records that update under the seeding command. That gives
`flask workflow escalate` an item to escalate on a fresh demo database.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents import proposals as props
from documents import repository as repo
from models import PolicyDocument, RedlineProposal, User, WorkflowRule
from models.base import utcnow
from models.proposal import PROPOSAL_WORKFLOW
from models.workflow import rule_for

OVERDUE_BY = timedelta(days=4)  # in review since then; the policy rule allows 72 hours

RULES = [
    ("policy", 2, False, {"submitted": 24, "in_review": 72, "changes_requested": 120},
     "Policies: two independent reviewers. The author answers requested changes within "
     "five days."),
    ("procedure", 1, False, {"submitted": 48, "in_review": 120, "changes_requested": 240},
     "Procedures: one reviewer."),
    ("collection_scenario", 1, True, {"submitted": 48, "in_review": 96,
                                      "changes_requested": 240},
     "Call scripts are what collectors say to customers: one reviewer and a compliance "
     "sign-off."),
    ("default", 1, False, {"submitted": 48, "in_review": 120, "changes_requested": 240},
     "Work instructions, forms and every other category: one reviewer."),
]


@dataclass(frozen=True)
class ProposalPlan:
    """One demo proposal: where, by whom, what it changes and what happens to it.

    `edits`: ("sub", start, old, new) replaces words inside a clause, ("replace", start, text),
    ("after", start, text) inserts a clause like the one named, ("delete", start).
    `steps`: (action, username, *arguments); "@reviewer" is the first reviewer assigned.
    """

    code: str
    title: str
    maker: str
    rationale: str
    edits: Sequence[tuple]
    steps: Sequence[tuple] = ()


PLANS = [
    ProposalPlan(
        "COL-POL-001", "Giới hạn nhắc nợ qua ứng dụng nhắn tin", "compliance",
        "Khách hàng phản ánh nhận tin nhắn Zalo từ tài khoản cá nhân của cán bộ. Cần quy định "
        "rõ kênh nhắn tin OTT trước khi trình.",
        [("after", "Hệ thống quay số tự động chặn", "Tin nhắn qua ứng dụng nhắn tin (Zalo, "
          "Viber) chỉ được gửi từ tài khoản chính thức của Ngân hàng và được tính là một lần "
          "nhắc nợ.")]),
    ProposalPlan(
        "COL-POL-001", "Rút ngắn giờ liên hệ buổi tối xuống 20:00", "compliance",
        "Số khiếu nại về cuộc gọi sau 20:00 tăng 38% trong quý III/2026; Hội đồng Tuân thủ "
        "đề nghị rút ngắn khung giờ liên hệ.",
        [("sub", "Chỉ liên hệ khách hàng trong khoảng", "21:00", "20:00")],
        [("submit", "compliance")]),
    ProposalPlan(
        "COL-POL-001", "Lưu ghi âm cuộc gọi nhắc nợ tối thiểu 36 tháng", "compliance",
        "Thời hiệu khiếu nại về hoạt động thu hồi nợ có thể kéo dài quá 24 tháng; Khối Pháp "
        "chế đề nghị lưu ghi âm 36 tháng.",
        [("sub", "Mọi cuộc gọi nhắc nợ, kể cả", "24 tháng", "36 tháng")],
        [("submit", "compliance"), ("start_review", "reviewer1"), ("overdue",)]),
    ProposalPlan(
        "COL-POL-007", "Allow a second restructuring after 6 months", "compliance",
        "Customers hit by the 2026 floods needed a second holiday before 12 months had passed.",
        [("sub", "The debt has not been restructured", "12 months", "6 months")],
        [("submit", "compliance"), ("approve", "reviewer1", "Fine for flood cases; the "
                                                             "12-month rule was ours, not the "
                                                             "regulator's.")]),
    ProposalPlan(
        "COL-POL-007", "Clarify when restructuring relief ends", "compliance",
        "Collectors read 7.2 differently; customers were not told when their relief ended.",
        [("sub", "If the customer misses two instalments", "misses two instalments",
          "misses two consecutive instalments"),
         ("after", "If the customer misses two", "The collector tells the customer in writing "
          "within 3 working days that the relief has ended and which schedule applies.")],
        [("submit", "compliance"),
         ("comment", "reviewer2", "If the customer misses two", "Two in a row, or any two? "
          "The new text says consecutive; please say what happens after a single miss."),
         ("reply", "compliance", "A single miss only triggers a reminder; I will add a "
          "sentence."),
         ("comment", "reviewer1", "The collector tells the customer in writing", "3 working "
          "days is tight for the field teams: 5 working days, as in the complaints "
          "procedure?"),
         ("request_changes", "reviewer2", "See the comments on 7.2 and the new 7.3.")]),
    ProposalPlan(
        "COL-POL-007", "Let team leads approve their own small restructurings", "lead",
        "Cases under 20 million VND wait two days for a second approver.",
        [("delete", "The maker of a case never approves it.")],
        [("submit", "lead"),
         ("reject", "reviewer1", "Maker-checker is required by the Credit Committee for "
          "every restructuring, whatever the amount. Faster routing is the way to go.")]),
    ProposalPlan(
        "COL-SCN-003", "Add a line for customers who say they already paid", "lead",
        "Collectors in Hà Nội often hear 'I paid yesterday' and have no line for it.",
        [("after", "Repeat any promise", "If the customer says they already paid, ask for the "
          "date and the channel, thank them, and check the payment before any further "
          "reminder.")]),
    ProposalPlan(
        "COL-SCN-003", "Record the result code within five minutes", "lead3",
        "Quality checks found 12% of result codes entered at the end of the shift, from "
        "memory.",
        [("sub", "Thank the customer and close the call", "before the next call",
          "within five minutes of the call and before the next one")],
        [("submit", "lead3"), ("approve", "@reviewer", "Clear and easy to check."),
         ("sign_off", "compliance", "No customer-facing wording changes."),
         ("publish", "compliance")]),
    ProposalPlan(
        "COL-WI-004", "Tính vỡ hứa trong 90 ngày thay vì 60 ngày", "lead",
        "Khách hàng vỡ hứa hai lần cách nhau 70-80 ngày vẫn được ghi nhận cam kết mới.",
        [("sub", "Khách hàng vỡ hứa 02 lần liên tiếp", "60 ngày", "90 ngày")],
        [("submit", "lead"), ("approve", "@reviewer", "Đồng ý, khớp với báo cáo vỡ hứa.")]),
    ProposalPlan(
        "COL-FRM-005", "Thêm nguyên nhân: nợ tại tổ chức tín dụng khác đến hạn", "compliance",
        "Nhiều khách hàng khó khăn vì khoản vay ở nơi khác đến hạn cùng lúc.",
        [("after", "Kinh doanh thua lỗ", "Khoản vay tại tổ chức tín dụng khác đến hạn / "
          "Other lenders' loans falling due")],
        [("submit", "compliance"),
         ("withdraw", "compliance", "Thay bằng bước tra cứu CIC trong quy trình cơ cấu nợ.")]),
]


def _people(staff: dict) -> dict[str, User]:
    """Return the demo users by username, team leads and collectors included."""
    people = dict(staff["demo"])
    for team in staff["teams"]:
        people[team.lead.username] = team.lead
        people.update((user.username, user) for user in staff["collectors"][team.id])
    return people


# --- rules --------------------------------------------------------------------------------

def seed_rules(session: Session) -> int:
    """Create the demo review rules of proposals not there yet; return how many."""
    have = set(session.scalars(select(WorkflowRule.rule_key).where(
        WorkflowRule.workflow == PROPOSAL_WORKFLOW.name)))
    created = 0
    for key, approvals, signoff, sla, description in RULES:
        if key in have:
            continue
        session.add(WorkflowRule(workflow=PROPOSAL_WORKFLOW.name, rule_key=key,
                                 approvals_required=approvals, reviewer_roles=["reviewer"],
                                 compliance_signoff=signoff, sla_hours=sla,
                                 description=description))
        created += 1
    session.flush()
    return created


# --- edits ----------------------------------------------------------------------------------

def _block(proposal: RedlineProposal, start: str):
    found = [b for b in props.proposal_blocks(proposal) if b.text.startswith(start)]
    if len(found) != 1:
        raise ValueError(f"demo proposal: {len(found)} clauses start with {start!r}")
    return found[0]


def _edit(session: Session, actor: User, proposal: RedlineProposal, edit: tuple) -> None:
    operation, start, *rest = edit
    block = _block(proposal, start)
    if operation == "sub":
        old, new = rest
        if old not in block.text:
            raise ValueError(f"demo proposal: {old!r} is not in {start!r}")
        props.edit_block(session, actor, proposal, block.id, block.text.replace(old, new, 1))
    elif operation == "replace":
        props.edit_block(session, actor, proposal, block.id, rest[0])
    elif operation == "after":
        props.insert_block(session, actor, proposal, block.id, block.kind.value, rest[0],
                           block.level)
    elif operation == "delete":
        props.delete_block(session, actor, proposal, block.id)
    else:
        raise ValueError(f"demo proposal: unknown edit {operation!r}")


# --- steps ----------------------------------------------------------------------------------

def _backdate_review(session: Session, proposal: RedlineProposal, now: datetime) -> None:
    """Demo only: move the review's start back so that its SLA has run out (see above)."""
    allowed = rule_for(session, proposal).sla_for(proposal.status)
    proposal.state_entered_at = now - OVERDUE_BY
    proposal.due_at = proposal.state_entered_at + allowed
    session.flush()


def _step(session: Session, people: dict[str, User], proposal: RedlineProposal, step: tuple,
          now: datetime) -> None:
    action, *rest = step
    if action == "overdue":
        _backdate_review(session, proposal, now)
        return
    who, *args = rest
    actor = proposal.current_reviewers[0] if who == "@reviewer" else people[who]
    seen = proposal.changes_hash
    if action == "submit":
        props.submit(session, actor, proposal)
    elif action == "start_review":
        props.start_review(session, actor, proposal)
    elif action == "approve":
        props.approve(session, actor, proposal, seen, *args)
    elif action == "sign_off":
        props.sign_off(session, actor, proposal, seen, *args)
    elif action == "publish":
        props.publish(session, actor, proposal)
    elif action in ("request_changes", "reject", "withdraw"):
        getattr(props, action)(session, actor, proposal, *args)
    elif action == "comment":
        start, body = args
        props.add_comment(session, actor, proposal, body, _block(proposal, start).id)
    elif action == "reply":
        last = proposal.comments[-1]
        props.add_comment(session, actor, proposal, args[0], last.block_id, reply_to=last)
    else:
        raise ValueError(f"demo proposal: unknown step {action!r}")


# --- seeding --------------------------------------------------------------------------------

def _seed_proposal(session: Session, plan: ProposalPlan, document: PolicyDocument,
                   people: dict[str, User], now: datetime) -> RedlineProposal:
    maker = people[plan.maker]
    proposal = props.open_proposal(session, maker, document, plan.title, plan.rationale)
    for edit in plan.edits:
        _edit(session, maker, proposal, edit)
    for step in plan.steps:
        _step(session, people, proposal, step, now)
    session.flush()
    return proposal


def _documents(session: Session) -> dict[str, PolicyDocument]:
    codes = {plan.code for plan in PLANS}
    found = session.scalars(select(PolicyDocument).where(PolicyDocument.code.in_(codes)))
    return {d.code: d for d in found if repo.effective_version(d) is not None}


def seed_proposals(session: Session, staff: dict, now: datetime | None = None) -> int:
    """Create the demo review rules and proposals not there yet; return how many proposals.

    `staff` is what portal.demo.seed_staff returns. Needs the demo documents (seed them
    first); without them nothing is written.
    """
    now = now or utcnow()
    documents = _documents(session)
    if not documents:
        return 0
    seed_rules(session)
    existing = set(session.execute(select(RedlineProposal.document_id, RedlineProposal.title)))
    people = _people(staff)
    created = 0
    for plan in PLANS:
        document = documents.get(plan.code)
        if document is None or (document.id, plan.title) in existing:
            continue
        _seed_proposal(session, plan, document, people, now)
        created += 1
    return created
