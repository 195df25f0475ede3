"""Redline proposals: open, edit clause by clause, submit, review, approve, publish, rebase.

Every action takes the acting user, checks permission and state (the workflow engine's
transition table and guards), and leaves the session ready to commit; the caller commits.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from documents import repository as repo
from documents.blocks import (
    Block,
    BlockKind,
    blocks_from_data,
    blocks_to_data,
    content_hash,
    new_block_id,
    normalise_text,
    renumber,
)
from documents.compare import Redline, carry_ids, compare
from documents.merge3 import merge3, own_changes_key
from models import DocumentVersion, PolicyDocument, Role, User, UserRole
from models.base import utcnow
from models.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from models.proposal import (
    COMPLIANCE_STEP,
    EDITABLE_STATES,
    OPEN_STATES,
    Notification,
    ProposalComment,
    RedlineProposal,
    ReviewerAssignment,
)
from models.workflow import REVIEW_STEP, fire, rule_for, start, valid_approvals
from models.workflow import dismiss_approvals as engine_dismiss
from portal import security

MAX_BLOCK_TEXT = 20_000


# --- reading ------------------------------------------------------------------------------------

def proposal_blocks(proposal: RedlineProposal) -> list[Block]:
    """Return the proposed content."""
    return blocks_from_data(proposal.blocks)


def base_blocks(proposal: RedlineProposal) -> list[Block]:
    """Return the content of the version the proposal starts from."""
    return repo.version_blocks(proposal.base_version)


def redline(proposal: RedlineProposal) -> Redline:
    """Compare the base version with the proposed content."""
    return compare(base_blocks(proposal), proposal_blocks(proposal))


def get_proposal(session: Session, actor: User, proposal_id: int) -> RedlineProposal:
    """Return a proposal the user may see, else raise NotFound."""
    security.require(actor, "proposals.view")
    proposal = session.scalar(select(RedlineProposal).where(
        RedlineProposal.id == proposal_id, security.proposal_filter(actor)))
    if proposal is None:
        raise NotFound("Proposal #%(n)s was not found.", n=proposal_id)
    return proposal


def open_proposals(session: Session, document: PolicyDocument) -> list[RedlineProposal]:
    """Return the proposals still open on a document."""
    return list(session.scalars(select(RedlineProposal).where(
        RedlineProposal.document_id == document.id,
        RedlineProposal.status.in_(OPEN_STATES)).order_by(RedlineProposal.id)))


# --- notifications -----------------------------------------------------------------------------

def notify(session: Session, users: Sequence[User], kind: str, message: str, link: str = "",
           **params) -> None:
    """Queue an in-app message (e-mailed after commit when SMTP is configured)."""
    for user in {u.id: u for u in users if u is not None and u.active}.values():
        session.add(Notification(user=user, kind=kind, message=message, link=link,
                                 params=params))


def _link(proposal: RedlineProposal) -> str:
    return f"/proposals/p/{proposal.id}/"


def _tell(session: Session, users, proposal: RedlineProposal, kind: str, message: str,
          **params) -> None:
    notify(session, users, kind, message, _link(proposal), n=proposal.id,
           title=proposal.title, code=proposal.document.code, **params)


# --- opening and editing ------------------------------------------------------------------------

def open_proposal(session: Session, actor: User, document: PolicyDocument, title: str,
                  rationale: str = "", blocks: Sequence[Block] | None = None
                  ) -> RedlineProposal:
    """Open a draft proposal against the version in force (its text as the starting point)."""
    security.require(actor, "proposals.create")
    base = repo.effective_version(document)
    if base is None:
        raise InvalidTransition("%(code)s has no version in force to propose changes to.",
                                code=document.code)
    start_blocks = repo.version_blocks(base) if blocks is None else list(blocks)
    proposal = RedlineProposal(document=document, base_version=base, title=title,
                               rationale=_rationale(rationale), maker=actor,
                               blocks=[], content_hash="", changes_hash="")
    _store(proposal, start_blocks)
    start(session, proposal, actor)
    return proposal


def _rationale(text: str) -> str:
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError("The rationale is limited to 5,000 characters.")
    return text


def _store(proposal: RedlineProposal, blocks: Sequence[Block]) -> bool:
    """Save renumbered content and its hashes; return whether the proposed changes differ."""
    blocks = renumber(blocks)
    if not blocks:
        raise ValidationError("A proposal cannot remove every clause of the document.")
    before = proposal.changes_hash
    proposal.blocks = blocks_to_data(blocks)
    proposal.content_hash = content_hash(blocks)
    proposal.changes_hash = own_changes_key(base_blocks(proposal), blocks)
    return proposal.changes_hash != before


def _require_editable(actor: User, proposal: RedlineProposal) -> None:
    if actor.id != proposal.maker_id:
        raise PermissionDenied("Only the author can change the text of a proposal.")
    if proposal.status not in EDITABLE_STATES:
        raise InvalidTransition("The proposal is %(state)s: its text can change only as a "
                                "draft or when changes are requested.", state=proposal.status)


def set_content(session: Session, actor: User, proposal: RedlineProposal,
                blocks: Sequence[Block], reason: str = "The proposed text changed.") -> bool:
    """Replace the proposed content; dismiss approvals of the old content, tell reviewers."""
    _require_editable(actor, proposal)
    if proposal.conflicts:
        raise InvalidTransition("Resolve the rebase conflicts first.")
    changed = _store(proposal, blocks)
    session.flush()
    if changed:
        dismissed = engine_dismiss(session, proposal, reason)
        if dismissed:
            _tell(session, [a.approver for a in dismissed], proposal, "approval_dismissed",
                  "Your approval of proposal #%(n)s (%(code)s) was dismissed: the text changed.")
    return changed


def _find(blocks: list[Block], block_id: str) -> int:
    for index, block in enumerate(blocks):
        if block.id == block_id:
            return index
    raise NotFound("That clause is no longer in the proposal; reload the page.")


def _clean_text(text: str) -> str:
    text = normalise_text(text)
    if not text:
        raise ValidationError("A clause needs some text; use Delete to remove it.")
    if len(text) > MAX_BLOCK_TEXT:
        raise ValidationError("A clause is limited to %(n)d characters.", n=MAX_BLOCK_TEXT)
    return text


def edit_block(session: Session, actor: User, proposal: RedlineProposal, block_id: str,
               text: str) -> bool:
    """Change the text of one clause."""
    blocks = proposal_blocks(proposal)
    index = _find(blocks, block_id)
    if blocks[index].kind == BlockKind.TABLE:
        raise ValidationError("Tables are edited in Word: upload a revised .docx.")
    blocks[index] = replace(blocks[index], text=_clean_text(text))
    return set_content(session, actor, proposal, blocks)


def insert_block(session: Session, actor: User, proposal: RedlineProposal,
                 after_id: str | None, kind: str, text: str, level: int = 0) -> Block:
    """Insert a new heading, paragraph or clause after a block (at the top when None)."""
    try:
        kind = BlockKind(kind)
    except ValueError as exc:
        raise ValidationError("Choose a heading, a paragraph or a clause.") from exc
    if kind == BlockKind.TABLE:
        raise ValidationError("Tables are added in Word: upload a revised .docx.")
    blocks = proposal_blocks(proposal)
    position = 0 if not after_id else _find(blocks, after_id) + 1
    level = max(1, min(level, 9)) if kind == BlockKind.HEADING else max(0, min(level, 8))
    fmt = ""
    if kind == BlockKind.LIST_ITEM:
        neighbour = next((b for b in reversed(blocks[:position])
                          if b.kind == BlockKind.LIST_ITEM and b.level == level), None)
        fmt = neighbour.number_format if neighbour else "decimal"
    block = Block(new_block_id(), kind, _clean_text(text), level=level, number_format=fmt)
    blocks.insert(position, block)
    set_content(session, actor, proposal, blocks)
    return block


def delete_block(session: Session, actor: User, proposal: RedlineProposal,
                 block_id: str) -> bool:
    """Remove one clause."""
    blocks = proposal_blocks(proposal)
    del blocks[_find(blocks, block_id)]
    return set_content(session, actor, proposal, blocks)


def move_block(session: Session, actor: User, proposal: RedlineProposal, block_id: str,
               after_id: str | None) -> bool:
    """Move one clause to just after another (to the top when None)."""
    if block_id == after_id:
        raise ValidationError("A clause cannot be moved after itself.")
    blocks = proposal_blocks(proposal)
    block = blocks.pop(_find(blocks, block_id))
    position = 0 if not after_id else _find(blocks, after_id) + 1
    blocks.insert(position, block)
    return set_content(session, actor, proposal, blocks)


def upload_revision(session: Session, actor: User, proposal: RedlineProposal, data: bytes,
                    filename: str, limits=None) -> list[str]:
    """Take a revised .docx (tracked changes read as accepted) as the proposed text."""
    from documents.docx_import import import_docx

    _require_editable(actor, proposal)
    result = import_docx(data, limits, filename)
    set_content(session, actor, proposal, carry_ids(base_blocks(proposal), result.blocks))
    return result.notices


# --- review -------------------------------------------------------------------------------------

def reviewer_candidates(session: Session, proposal: RedlineProposal) -> list[User]:
    """Return active users the rule lets review this proposal, least busy first, not the author."""
    roles = [r.value for r in rule_for(session, proposal).reviewer_role_set]
    if not roles:
        return []
    busy = (select(func.count()).select_from(ReviewerAssignment)
            .join(RedlineProposal, RedlineProposal.id == ReviewerAssignment.proposal_id)
            .where(ReviewerAssignment.reviewer_id == User.id,
                   ReviewerAssignment.ended_at.is_(None),
                   RedlineProposal.status.in_(("submitted", "in_review")))
            .scalar_subquery())
    holders = select(UserRole.user_id).where(UserRole.role.in_(roles))
    return list(session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(holders),
                           User.id != proposal.maker_id)
        .order_by(busy, User.username)))


def _assign(session: Session, proposal: RedlineProposal, reviewer: User,
            assigned_by: User | None, reason: str) -> ReviewerAssignment:
    assignment = ReviewerAssignment(proposal=proposal, reviewer=reviewer,
                                    assigned_by=assigned_by, reason=reason[:500])
    session.add(assignment)
    return assignment


def submit(session: Session, actor: User, proposal: RedlineProposal,
           now: datetime | None = None) -> list[User]:
    """Submit a draft for review; reviewers are assigned from the document category's rule."""
    if not redline(proposal).has_changes:
        raise ValidationError("The proposal changes nothing yet: edit a clause or upload a "
                              "revised .docx before submitting.")
    if proposal.conflicts:
        raise InvalidTransition("Resolve the rebase conflicts first.")
    fire(session, proposal, "submit", actor, now=now)
    rule = rule_for(session, proposal)
    wanted = max(rule.required_for(REVIEW_STEP), 1)
    reviewers = reviewer_candidates(session, proposal)[:wanted]
    if len(reviewers) < wanted:
        raise ValidationError("The review rule for %(category)s needs %(n)d reviewers but only "
                              "%(have)d people can review it; ask an administrator.",
                              category=proposal.document.category, n=wanted,
                              have=len(reviewers))
    have = {a.reviewer_id for a in proposal.reviewer_assignments if a.ended_at is None}
    for reviewer in reviewers:
        if reviewer.id not in have:
            _assign(session, proposal, reviewer, None, "Assigned by the review rule")
    session.flush()
    _tell(session, reviewers, proposal, "review_requested",
          "Proposal #%(n)s on %(code)s awaits your review: %(title)s")
    return reviewers


def start_review(session: Session, actor: User, proposal: RedlineProposal) -> None:
    """A reviewer picks a submitted proposal up."""
    fire(session, proposal, "start_review", actor)


def _ensure_in_review(session: Session, actor: User, proposal: RedlineProposal) -> None:
    # Acting on a submitted proposal starts its review first: one click for the reviewer.
    if proposal.status == "submitted":
        start_review(session, actor, proposal)


def approve(session: Session, actor: User, proposal: RedlineProposal, seen_hash: str,
            comment: str = "") -> bool:
    """Approve the content the reviewer saw; return True when the review is complete."""
    _ensure_in_review(session, actor, proposal)
    fire(session, proposal, "approve", actor, comment=comment, content_hash=seen_hash)
    return _complete_if_ready(session, actor, proposal)


def sign_off(session: Session, actor: User, proposal: RedlineProposal, seen_hash: str,
             comment: str = "") -> bool:
    """Give the compliance sign-off the rule may require."""
    _ensure_in_review(session, actor, proposal)
    fire(session, proposal, "sign_off", actor, comment=comment, content_hash=seen_hash)
    return _complete_if_ready(session, actor, proposal)


def _complete_if_ready(session: Session, actor: User, proposal: RedlineProposal) -> bool:
    rule = rule_for(session, proposal)
    if len(valid_approvals(session, proposal, REVIEW_STEP)) < rule.required_for(REVIEW_STEP):
        return False
    if rule.compliance_signoff and not valid_approvals(session, proposal, COMPLIANCE_STEP):
        return False
    fire(session, proposal, "complete_review", actor)
    _tell(session, [proposal.maker], proposal, "approved",
          "Proposal #%(n)s on %(code)s is approved and can be published.")
    return True


def request_changes(session: Session, actor: User, proposal: RedlineProposal,
                    comment: str) -> None:
    """Send the proposal back to its author with what to change."""
    if not (comment or "").strip():
        raise ValidationError("Say what should change: the author needs your reasons.")
    _ensure_in_review(session, actor, proposal)
    fire(session, proposal, "request_changes", actor, comment=comment)
    _tell(session, [proposal.maker], proposal, "changes_requested",
          "Changes were requested on proposal #%(n)s (%(code)s).")


def resubmit(session: Session, actor: User, proposal: RedlineProposal) -> None:
    """Send a revised proposal back to its reviewers."""
    if proposal.conflicts:
        raise InvalidTransition("Resolve the rebase conflicts first.")
    fire(session, proposal, "resubmit", actor)
    _tell(session, proposal.current_reviewers, proposal, "review_requested",
          "Proposal #%(n)s on %(code)s was revised and awaits your review again.")


def reject(session: Session, actor: User, proposal: RedlineProposal, comment: str) -> None:
    """Reject the proposal for good, with the reason."""
    if not (comment or "").strip():
        raise ValidationError("Give the reason for rejecting the proposal.")
    fire(session, proposal, "reject", actor, comment=comment)
    _tell(session, [proposal.maker], proposal, "rejected",
          "Proposal #%(n)s on %(code)s was rejected.")


def withdraw(session: Session, actor: User, proposal: RedlineProposal,
             comment: str = "") -> None:
    """Withdraw an open proposal (its author or an administrator)."""
    fire(session, proposal, "withdraw", actor, comment=comment)
    _tell(session, proposal.current_reviewers, proposal, "withdrawn",
          "Proposal #%(n)s on %(code)s was withdrawn.")


def add_comment(session: Session, actor: User, proposal: RedlineProposal, body: str,
                block_id: str = "", reply_to: ProposalComment | None = None
                ) -> ProposalComment:
    """Comment on a clause (or the whole proposal), or answer another comment."""
    if not proposal.is_open:
        raise InvalidTransition("The proposal is %(state)s; it takes no more comments.",
                                state=proposal.status)
    if block_id and block_id not in {b.id for b in proposal_blocks(proposal)} | \
            {b.id for b in base_blocks(proposal)}:
        raise NotFound("That clause is no longer in the proposal; reload the page.")
    comment = ProposalComment(proposal=proposal, author=actor, body=body, block_id=block_id,
                              reply_to_id=reply_to.id if reply_to else None)
    session.add(comment)
    session.flush()
    others = [proposal.maker, *proposal.current_reviewers]
    if reply_to is not None:
        others.append(reply_to.author)
    _tell(session, [u for u in others if u.id != actor.id], proposal, "comment",
          "%(who)s commented on proposal #%(n)s (%(code)s).", who=actor.full_name)
    return comment


def reassign_reviewer(session: Session, actor: User, proposal: RedlineProposal,
                      old: User, new: User, reason: str) -> ReviewerAssignment:
    """Hand a review to someone else (absence): team leads and administrators."""
    security.require(actor, "proposals.reassign")
    if not proposal.is_open:
        raise InvalidTransition("The proposal is %(state)s; its reviewers stay as they were.",
                                state=proposal.status)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A reason is required to reassign a review.")
    current = next((a for a in proposal.reviewer_assignments
                    if a.reviewer_id == old.id and a.ended_at is None), None)
    if current is None:
        raise ValidationError("%(name)s is not a current reviewer of this proposal.",
                              name=old.full_name)
    if new.id == proposal.maker_id:
        raise PermissionDenied("The author cannot review their own proposal.")
    if new not in reviewer_candidates(session, proposal):
        raise ValidationError("%(name)s cannot review this proposal under its review rule.",
                              name=new.full_name)
    if new in proposal.current_reviewers:
        raise ValidationError("%(name)s already reviews this proposal.", name=new.full_name)
    current.ended_at = utcnow()
    session.flush()
    assignment = _assign(session, proposal, new, actor, reason)
    session.flush()
    _tell(session, [new], proposal, "review_requested",
          "Proposal #%(n)s on %(code)s was handed to you for review.")
    return assignment


# --- publishing and rebasing --------------------------------------------------------------------

def publish(session: Session, actor: User, proposal: RedlineProposal,
            effective_from: datetime | None = None) -> DocumentVersion:
    """Publish an approved proposal as the document's next version (exactly once)."""
    fire(session, proposal, "publish", actor)  # locks the proposal: a second publisher waits
    document = proposal.document
    current = repo.effective_version(document)
    if current is None or current.id != proposal.base_version_id:
        raise InvalidTransition("The version in force is no longer the one this proposal "
                                "started from: rebase it first.")
    summary = proposal.title + (f"\n\n{proposal.rationale}" if proposal.rationale else "")
    version = repo.add_version(session, actor, document, proposal_blocks(proposal),
                               summary[:repo.MAX_SUMMARY], keep_ids=True)
    repo.publish(session, actor, version, effective_from)
    proposal.published_version = version
    for other in open_proposals(session, document):
        if other.id != proposal.id:
            other.base_outdated = True
            _tell(session, [other.maker], other, "base_outdated",
                  "%(code)s has a new version: rebase proposal #%(n)s onto it.")
    watchers = [u for u in (*proposal.current_reviewers, proposal.maker) if u.id != actor.id]
    _tell(session, watchers, proposal, "published",
          "Proposal #%(n)s was published as version %(v)s of %(code)s.", v=version.number)
    session.flush()
    return version


def rebase(session: Session, actor: User, proposal: RedlineProposal):
    """Merge the proposal onto the version now in force (three-way); conflicts wait for the author.

    Approvals stay when the proposal's own changes are the same afterwards.
    """
    if actor.id != proposal.maker_id:
        raise PermissionDenied("Only the author can rebase a proposal.")
    if not proposal.is_open:
        raise InvalidTransition("The proposal is %(state)s; it cannot be rebased.",
                                state=proposal.status)
    current = repo.effective_version(proposal.document)
    if current is None or current.id == proposal.base_version_id:
        raise InvalidTransition("The proposal is already based on the version in force.")
    result = merge3(base_blocks(proposal), proposal_blocks(proposal),
                    repo.version_blocks(current))
    proposal.base_version = current
    proposal.base_outdated = False
    proposal.conflicts = [conflict_data(c) for c in result.conflicts]
    session.flush()
    _store(proposal, result.blocks)
    session.flush()
    engine_dismiss(session, proposal, "The proposal's own changes differ after the rebase.")
    return result


def conflict_data(conflict) -> dict:
    """Store a merge conflict as data the author resolves later."""
    def side(block):
        return block.to_dict() if block is not None else None
    return {"id": conflict.block_id, "kind": conflict.kind.value, "base": side(conflict.base),
            "ours": side(conflict.ours), "theirs": side(conflict.theirs),
            "position": conflict.position}


def resolve_conflict(session: Session, actor: User, proposal: RedlineProposal,
                     conflict_id: str, choice: str) -> None:
    """Settle one rebase conflict by keeping the proposal's, the published or the base text."""
    if actor.id != proposal.maker_id:
        raise PermissionDenied("Only the author can resolve the proposal's conflicts.")
    conflict = next((c for c in proposal.conflicts if c["id"] == conflict_id), None)
    if conflict is None or choice not in ("ours", "theirs", "base"):
        raise NotFound("That conflict was already resolved; reload the page.")
    chosen = conflict[choice]
    blocks = proposal_blocks(proposal)
    index = next((i for i, b in enumerate(blocks) if b.id == conflict_id), None)
    if chosen is None and index is not None:
        del blocks[index]
    elif chosen is not None:
        block = Block.from_dict(chosen).with_id(conflict_id)
        if index is None:  # the proposal had deleted it: back where the merge placed it
            blocks.insert(min(conflict.get("position", len(blocks)), len(blocks)), block)
        else:
            blocks[index] = block
    proposal.conflicts = [c for c in proposal.conflicts if c["id"] != conflict_id]
    _store(proposal, blocks)
    session.flush()
    engine_dismiss(session, proposal, "A rebase conflict was resolved.")


# --- inbox --------------------------------------------------------------------------------------

@dataclass
class Inbox:
    """What awaits the user's action."""

    reviews: list[RedlineProposal]
    changes_requested: list[RedlineProposal]
    acknowledgements: list
    unread: int

    @property
    def total(self) -> int:
        """Count every item awaiting the user."""
        return len(self.reviews) + len(self.changes_requested) + len(self.acknowledgements)


def inbox(session: Session, user: User) -> Inbox:
    """Collect reviews to do, changes requested of the user and acknowledgements due."""
    from documents.acknowledgements import pending_for

    mine = select(ReviewerAssignment.proposal_id).where(
        ReviewerAssignment.reviewer_id == user.id, ReviewerAssignment.ended_at.is_(None))
    reviews = [p for p in session.scalars(select(RedlineProposal).where(
        RedlineProposal.id.in_(mine),
        RedlineProposal.status.in_(("submitted", "in_review"))).order_by(RedlineProposal.id))
        if not any(a.approver_id == user.id for a in _standing(session, p))]
    changes = list(session.scalars(select(RedlineProposal).where(
        RedlineProposal.maker_id == user.id, RedlineProposal.status.in_(OPEN_STATES),
        or_(RedlineProposal.status == "changes_requested",
            RedlineProposal.base_outdated.is_(True),
            RedlineProposal.status == "approved")).order_by(RedlineProposal.id)))
    unread = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
    return Inbox(reviews, changes, pending_for(session, user), unread)


def _standing(session: Session, proposal: RedlineProposal):
    from models.workflow import standing_approvals

    return standing_approvals(session, proposal)


def mark_read(session: Session, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids); return how many."""
    query = select(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_([int(i) for i in ids]))
    rows = session.scalars(query).all()
    for row in rows:
        row.read_at = utcnow()
    return len(rows)


def may_review(user: User) -> bool:
    """Tell whether the user holds a role that review rules usually name."""
    return bool(user.roles & {Role.REVIEWER, Role.COMPLIANCE_EDITOR, Role.ADMIN})
