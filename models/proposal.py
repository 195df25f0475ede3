"""Redline proposals: a proposed next version of a policy document, reviewed like a pull request."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models import validation as rules
from models.base import Base, Timestamped, utcnow
from models.document import DocumentVersion, PolicyDocument
from models.errors import N_, PermissionDenied, ValidationError, translate
from models.user import Role, User
from models.workflow import (
    REVIEW_STEP,
    Transition,
    TransitionContext,
    Workflow,
    WorkflowSubject,
    distinct_approvers,
    enough_approvals,
    maker_is_not_checker,
    reviewer_role_required,
)

COMPLIANCE_STEP = "compliance"
PROPOSERS = frozenset({Role.COMPLIANCE_EDITOR, Role.ADMIN, Role.TEAM_LEAD})
PUBLISHERS = frozenset({Role.COMPLIANCE_EDITOR, Role.ADMIN})
EDITABLE_STATES = ("draft", "changes_requested")
OPEN_STATES = ("draft", "submitted", "in_review", "changes_requested", "approved")


def maker_only(ctx: TransitionContext) -> None:
    """Only the author moves their own proposal through these steps."""
    if ctx.actor.id != ctx.subject.maker_id:
        raise PermissionDenied("Only the author of the proposal can %(action)s it.",
                               action=ctx.action)


def maker_or_admin(ctx: TransitionContext) -> None:
    """The author, or an administrator covering for them, may withdraw."""
    if ctx.actor.id != ctx.subject.maker_id and Role.ADMIN not in ctx.actor.roles:
        raise PermissionDenied("Only the author or an administrator can withdraw a proposal.")


def assigned_reviewer(ctx: TransitionContext) -> None:
    """The actor must be one of the proposal's current reviewers."""
    if not any(a.reviewer_id == ctx.actor.id and a.ended_at is None
               for a in ctx.subject.reviewer_assignments):
        raise PermissionDenied("You are not a reviewer of this proposal. A team lead or an "
                               "administrator can assign you.")


def not_outdated(ctx: TransitionContext) -> None:
    """Publishing needs a proposal based on the version in force: rebase it first."""
    if ctx.subject.base_outdated:
        raise PermissionDenied("A newer version of the document was published after this "
                               "proposal was made: rebase it before publishing.")


def compliance_signed_off(ctx: TransitionContext) -> None:
    """When the rule asks for it, a compliance sign-off must stand for the current content."""
    if ctx.rule.compliance_signoff:
        enough_approvals(COMPLIANCE_STEP)(ctx)


REVIEWER_GUARDS = (maker_is_not_checker, reviewer_role_required, assigned_reviewer)

PROPOSAL_WORKFLOW = Workflow(
    name="redline_proposal",
    states=("draft", "submitted", "in_review", "changes_requested", "approved", "published",
            "rejected", "withdrawn"),
    initial="draft",
    terminal=frozenset({"published", "rejected", "withdrawn"}),
    transitions=(
        Transition("submit", ("draft",), "submitted", PROPOSERS, (maker_only,)),
        Transition("start_review", ("submitted",), "in_review", frozenset(Role),
                   REVIEWER_GUARDS),
        Transition("approve", ("in_review",), "in_review", frozenset(Role),
                   (*REVIEWER_GUARDS, distinct_approvers), approval_step=REVIEW_STEP),
        Transition("sign_off", ("in_review",), "in_review",
                   frozenset({Role.COMPLIANCE_EDITOR}),
                   (maker_is_not_checker, distinct_approvers), approval_step=COMPLIANCE_STEP),
        Transition("complete_review", ("in_review",), "approved", frozenset(Role),
                   (enough_approvals(REVIEW_STEP), compliance_signed_off)),
        Transition("request_changes", ("in_review",), "changes_requested", frozenset(Role),
                   REVIEWER_GUARDS),
        Transition("resubmit", ("changes_requested",), "in_review", PROPOSERS, (maker_only,)),
        Transition("reject", ("submitted", "in_review"), "rejected", frozenset(Role),
                   REVIEWER_GUARDS),
        Transition("reopen_review", ("approved",), "in_review", frozenset(Role), ()),
        Transition("publish", ("approved",), "published", PUBLISHERS,
                   (not_outdated, enough_approvals(REVIEW_STEP), compliance_signed_off)),
        Transition("withdraw", OPEN_STATES, "withdrawn", frozenset(Role), (maker_or_admin,)),
    ),
)


class RedlineProposal(WorkflowSubject, Timestamped, Base):
    """A proposed text for the next version of a document, against the version it started from."""

    __tablename__ = "redline_proposals"
    __audit_skip__ = ("blocks", "conflicts")
    workflow = PROPOSAL_WORKFLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"), index=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"))
    title: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(Text, default="")
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    # What the proposal changes relative to its base: approvals are bound to this, so a
    # rebase that keeps the proposal's own changes keeps its approvals.
    changes_hash: Mapped[str] = mapped_column(String(64))
    base_outdated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Conflicts left by a rebase, waiting for the author: [{id, base, ours, theirs}, ...].
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))

    document: Mapped[PolicyDocument] = relationship()
    base_version: Mapped[DocumentVersion] = relationship(foreign_keys=[base_version_id])
    published_version: Mapped[DocumentVersion | None] = relationship(
        foreign_keys=[published_version_id])
    reviewer_assignments: Mapped[list["ReviewerAssignment"]] = relationship(
        back_populates="proposal", order_by="ReviewerAssignment.id")
    comments: Mapped[list["ProposalComment"]] = relationship(
        back_populates="proposal", order_by="ProposalComment.id")

    @validates("title")
    def _check_title(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Title"), value, 200)

    def rule_key(self) -> str:
        """Pick the review rule by the document's category."""
        return self.document.category

    def current_content_hash(self) -> str:
        """Bind approvals to what the proposal changes (see changes_hash)."""
        return self.changes_hash

    @property
    def is_open(self) -> bool:
        """Tell whether the proposal can still move."""
        return self.status in OPEN_STATES

    @property
    def current_reviewers(self) -> list[User]:
        """Return the reviewers assigned now."""
        return [a.reviewer for a in self.reviewer_assignments if a.ended_at is None]

    def __str__(self) -> str:
        return f"#{self.id} {self.title}"


class ReviewerAssignment(Base):
    """Who reviews a proposal; ended (never deleted) when someone else takes over."""

    __tablename__ = "proposal_reviewers"
    __table_args__ = (Index("uq_proposal_reviewers_active", "proposal_id", "reviewer_id",
                            unique=True, sqlite_where=text("ended_at IS NULL"),
                            postgresql_where=text("ended_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("redline_proposals.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(500), default="")

    proposal: Mapped[RedlineProposal] = relationship(back_populates="reviewer_assignments")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])


class ProposalComment(Base):
    """A comment on one clause of a proposal (or the whole), with replies."""

    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("redline_proposals.id"), index=True)
    block_id: Mapped[str] = mapped_column(String(32), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comments.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    proposal: Mapped[RedlineProposal] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

    @validates("body")
    def _check_body(self, _key: str, value: str) -> str:
        text_value = (value or "").strip()
        if not text_value:
            raise ValidationError("A comment needs some text.")
        if len(text_value) > 5000:
            raise ValidationError("A comment is limited to 5,000 characters.")
        return text_value


class Notification(Base):
    """An in-app message to one user (e-mailed too when SMTP is configured)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # A message template and its parameters: shown in the reader's language, not the sender's.
    message: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def text(self) -> str:
        """Return the message in the current user's language."""
        template = translate(self.message)
        return template % self.params if self.params else template
