"""What the proposal pages show, worked out from the domain: labels, offered actions, reviewer
states, comment threads placed next to their clauses, and the inbox count behind the bell."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from documents.blocks import Block
from documents.compare import Redline, Status
from models import (
    Approval,
    Notification,
    ProposalComment,
    RedlineProposal,
    ReviewerAssignment,
    User,
    WorkflowTransitionLog,
)
from models.base import utcnow
from models.document import aware
from models.proposal import COMPLIANCE_STEP, OPEN_STATES
from models.workflow import REVIEW_STEP, available_actions, standing_approvals
from portal import security

STATUS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "in_review": _l("In review"),
          "changes_requested": _l("Changes requested"), "approved": _l("Approved"),
          "published": _l("Published"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn")}
ACTION = {"create": _l("Opened"), "submit": _l("Submitted for review"),
          "start_review": _l("Review started"), "approve": _l("Approved"),
          "sign_off": _l("Compliance sign-off"), "complete_review": _l("Review complete"),
          "request_changes": _l("Changes requested"), "resubmit": _l("Resubmitted"),
          "reject": _l("Rejected"), "withdraw": _l("Withdrawn"), "publish": _l("Published"),
          "reopen_review": _l("Review reopened"), "dismiss_approvals": _l("Approvals dismissed"),
          "escalate": _l("Escalated (overdue)")}
# The buttons a page may offer; the engine's own steps (complete_review, ...) are not buttons.
BUTTONS = ("submit", "start_review", "approve", "sign_off", "request_changes", "resubmit",
           "reject", "withdraw", "publish")
REVIEW_BUTTONS = ("approve", "sign_off", "request_changes", "reject", "start_review")
AUTHOR_BUTTONS = ("submit", "resubmit", "withdraw", "publish")
REVIEWING = ("submitted", "in_review")


def offered_actions(proposal: RedlineProposal, user: User) -> set[str]:
    """Return the workflow buttons the user may press on the proposal now."""
    found = set(available_actions(proposal, user)) & set(BUTTONS)
    if "start_review" in found:
        # The domain starts a submitted review on the first approval or request for changes:
        # the same reviewer guards hold for both, so one click is enough.
        found |= {"approve", "request_changes"}
    if proposal.conflicts:  # the domain refuses these until the author settles the conflicts
        found -= {"submit", "resubmit", "publish"}
    return found


NEXT_STEP = {
    "draft": _l("Draft: only you and administrators see it. Submit it when the text is ready."),
    "submitted": _l("With the reviewers: the text is frozen until they approve it or ask for "
                    "changes."),
    "in_review": _l("With the reviewers: the text is frozen until they approve it or ask for "
                    "changes."),
    "changes_requested": _l("Changes were requested: edit the text, then resubmit it."),
    "approved": _l("Approved: a compliance editor can publish it as the next version."),
}


def last_request(log: list[WorkflowTransitionLog]) -> WorkflowTransitionLog | None:
    """Return the latest request for changes (what the author is asked to do)."""
    return next((row for row in reversed(log) if row.action == "request_changes"), None)


def is_overdue(proposal: RedlineProposal, now: datetime | None = None) -> bool:
    """Tell whether the proposal has stayed in its state past its due time."""
    return proposal.due_at is not None and proposal.is_open and \
        aware(proposal.due_at) < (now or utcnow())


# --- reviewers ------------------------------------------------------------------------------------

@dataclass
class ReviewerRow:
    """One reviewer of a proposal and where their review stands."""

    assignment: ReviewerAssignment
    state: str  # approved | dismissed | changes_requested | pending | ended
    at: datetime | None = None


def reviewer_rows(session: Session, proposal: RedlineProposal,
                  log: list[WorkflowTransitionLog]) -> list[ReviewerRow]:
    """Return each reviewer (current ones first) with the state of their review."""
    standing = {a.approver_id: a for a in standing_approvals(session, proposal)
                if a.step == REVIEW_STEP}
    dismissed = set(session.scalars(select(Approval.approver_id).where(
        Approval.subject_type == RedlineProposal.subject_type,
        Approval.subject_id == proposal.id, Approval.dismissed_at.is_not(None))))
    asked = {row.actor_id: row.at for row in log if row.action == "request_changes"}
    since = max((row.at for row in log if row.action == "resubmit"), default=None)
    rows = []
    for assignment in proposal.reviewer_assignments:
        who = assignment.reviewer_id
        if assignment.ended_at is not None:
            rows.append(ReviewerRow(assignment, "ended", assignment.ended_at))
        elif who in standing:
            rows.append(ReviewerRow(assignment, "approved", standing[who].at))
        elif who in asked and (since is None or asked[who] > since):
            rows.append(ReviewerRow(assignment, "changes_requested", asked[who]))
        elif who in dismissed:
            rows.append(ReviewerRow(assignment, "dismissed"))
        else:
            rows.append(ReviewerRow(assignment, "pending"))
    return sorted(rows, key=lambda r: r.state == "ended")


def sign_offs(session: Session, proposal: RedlineProposal) -> list[Approval]:
    """Return the compliance sign-offs that stand for the current content."""
    return [a for a in standing_approvals(session, proposal) if a.step == COMPLIANCE_STEP]


# --- comments next to their clauses ---------------------------------------------------------------

@dataclass
class Thread:
    """A comment and the replies to it, oldest first."""

    root: ProposalComment
    replies: list[ProposalComment] = field(default_factory=list)


def threads(comments: list[ProposalComment]) -> list[Thread]:
    """Group comments into threads (a reply to a reply joins the first comment's thread)."""
    by_id = {c.id: c for c in comments}
    found: dict[int, Thread] = {}
    for comment in comments:
        root = comment
        while root.reply_to_id is not None and root.reply_to_id in by_id:
            root = by_id[root.reply_to_id]
        thread = found.setdefault(root.id, Thread(root))
        if comment is not root:
            thread.replies.append(comment)
    return list(found.values())


def clause_index(redline: Redline) -> dict[str, int]:
    """Map block ids to the redline row that shows them (a moved clause: where it is now)."""
    index: dict[str, int] = {}
    for k, change in enumerate(redline.changes):
        if change.status == Status.MOVED_FROM:
            continue
        for block in (change.old, change.new):
            if block is not None:
                index.setdefault(block.id, k)
    return index


# A redline renderer writes each block (inline) or row (side by side) on a line of its own.
_ROW = re.compile(r'^<div class="rl-(?:block|row) [^"]*" id="[A-Za-z][\w-]*?-(?:from-|to-)?(\d+)"')


@dataclass
class RedlineView:
    """A rendered redline cut into lines, with the row index each block line shows."""

    lines: list[tuple[Markup, int | None]]
    by_row: dict[int, list[Thread]]
    general: list[Thread]
    changed_rows: set[int]
    row_blocks: dict[int, str]  # the block a comment on the row is about
    row_labels: dict[int, str]


def place_threads(html: Markup, redline: Redline, comments: list[ProposalComment]
                  ) -> RedlineView:
    """Cut a rendered redline into lines and attach each clause's threads to its row.

    A folded stretch of unchanged clauses that holds a thread is shown open.
    """
    rows = clause_index(redline)
    by_row: dict[int, list[Thread]] = {}
    general = []
    for thread in threads(comments):
        k = rows.get(thread.root.block_id) if thread.root.block_id else None
        if k is None:
            general.append(thread)
        else:
            by_row.setdefault(k, []).append(thread)
    lines: list[list] = []
    fold = None
    for line in str(html).split("\n"):
        if line.startswith("<details"):
            fold = len(lines)
        elif line.startswith("</details"):
            fold = None
        found = _ROW.match(line)
        k = int(found.group(1)) if found else None
        if k is not None and k in by_row and fold is not None:
            lines[fold][0] = lines[fold][0].replace("<details ", "<details open ", 1)
        lines.append([line, k])
    # Every line is a whole part of the renderer's output, which escaped every text.
    marked = [(Markup(line), k) for line, k in lines]  # noqa: S704
    # A comment form sits under each clause whose words changed (a new number alone is not one).
    changed = {k for k, c in enumerate(redline.changes)
               if c.status not in (Status.EQUAL, Status.MOVED_FROM)}
    shown = changed | set(by_row)
    blocks = {k: redline.changes[k].block.id for k in shown}
    labels = {k: short_label(redline.changes[k].block) for k in shown}
    return RedlineView(marked, by_row, general, changed, blocks, labels)


def short_label(block: Block, limit: int = 60) -> str:
    """Return a clause as a reader names it, cut to a line."""
    text = block.label
    return text if len(text) <= limit else text[: limit - 1] + "…"


def conflict_sides(conflict: dict) -> dict[str, Block | None]:
    """Return a stored rebase conflict's three versions of the clause as blocks."""
    return {side: Block.from_dict(conflict[side]) if conflict.get(side) else None
            for side in ("base", "theirs", "ours")}


# --- the inbox count behind the bell --------------------------------------------------------------

def awaiting_count(session: Session, user: User) -> int:
    """Count the user's proposal inbox items and unread notifications in one statement.

    The same items as documents.proposals.inbox() without acknowledgements (those take a query
    per document; the dashboard and "My acknowledgements" show them).
    """
    query = _awaiting_query() if security.can(user, "proposals.view") else _unread_query()
    return sum(n or 0 for n in session.execute(query, {"user_id": user.id}).one())


@lru_cache(maxsize=1)
def _unread_query():
    # Every page asks: the statement is built once (building it costs more than running it).
    return select(_unread().scalar_subquery())


def _unread():
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)))


@lru_cache(maxsize=1)
def _awaiting_query():
    user_id = bindparam("user_id")
    approved_by_me = exists().where(
        Approval.subject_type == RedlineProposal.subject_type,
        Approval.subject_id == RedlineProposal.id, Approval.approver_id == user_id,
        Approval.dismissed_at.is_(None), Approval.content_hash == RedlineProposal.changes_hash)
    reviews = (select(func.count()).select_from(ReviewerAssignment)
               .join(RedlineProposal, RedlineProposal.id == ReviewerAssignment.proposal_id)
               .where(ReviewerAssignment.reviewer_id == user_id,
                      ReviewerAssignment.ended_at.is_(None),
                      RedlineProposal.status.in_(REVIEWING), ~approved_by_me))
    mine = (select(func.count()).select_from(RedlineProposal).where(
        RedlineProposal.maker_id == user_id, RedlineProposal.status.in_(OPEN_STATES),
        or_(RedlineProposal.status.in_(("changes_requested", "approved")),
            RedlineProposal.base_outdated.is_(True))))
    return select(reviews.scalar_subquery(), mine.scalar_subquery(),
                  _unread().scalar_subquery())


def why_mine(proposal: RedlineProposal) -> str:
    """Say why the author's own proposal is in their inbox."""
    if proposal.conflicts:
        return str(_l("Rebase conflicts to resolve"))
    if proposal.base_outdated:
        return str(_l("Base outdated: rebase it"))
    if proposal.status == "changes_requested":
        return str(_l("Changes requested"))
    return str(_l("Approved: ready to publish"))
