"""The one workflow engine: declared transitions, guards, an append-only log, SLAs, escalation.

A subject model (redline proposal, risk-mitigation case, fraud case, credit finding) mixes in
`WorkflowSubject` and declares its `workflow`; domain actions call `fire()`. Review rules
(approvals required, reviewer roles, SLA hours) are `WorkflowRule` rows that admins edit.
Approvals are bound to the subject's content hash, so changed content needs fresh approvals.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    object_session,
    relationship,
    validates,
)

from models import validation as rules
from models.base import Base, Timestamped, Versioned, utcnow
from models.errors import (
    N_,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    StaleEdit,
    ValidationError,
)
from models.user import Role, User

ALL_ROLES = frozenset(Role)
DEFAULT_RULE_KEY = "default"
REVIEW_STEP, COMPLIANCE_STEP = "review", "compliance"
# Actions the engine itself writes to the log; a workflow may not declare them.
CREATE, ESCALATE, DISMISS = "create", "escalate", "dismiss_approvals"
RESERVED_ACTIONS = frozenset({CREATE, ESCALATE, DISMISS})
ESCALATION_TARGETS = {1: N_("team lead"), 2: N_("department head")}
MAX_ESCALATION_LEVEL = max(ESCALATION_TARGETS)
MAX_APPROVALS, MAX_SLA_HOURS, MAX_TEXT = 20, 24 * 366, 2000
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_RULE_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

Guard = Callable[["TransitionContext"], None]


class WorkflowDefinitionError(ValueError):
    """A workflow declaration is inconsistent (a programming error, found at import time)."""


# --- declarations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    """One row of the table: `action` moves a subject from any of `sources` to `target`.

    `approval_step` makes firing it an approval of that step (recorded against the current
    content hash); a self-loop (target among sources) keeps the state's clock running.
    """

    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[Role] = ALL_ROLES
    guards: tuple[Guard, ...] = ()
    approval_step: str | None = None

    def __post_init__(self):
        sources = (self.sources,) if isinstance(self.sources, str) else self.sources
        object.__setattr__(self, "sources", tuple(str(s) for s in sources))
        object.__setattr__(self, "target", str(self.target))
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles))
        object.__setattr__(self, "guards", tuple(self.guards))
        if not _NAME.match(self.action) or self.action in RESERVED_ACTIONS:
            raise WorkflowDefinitionError(f"bad or reserved action name {self.action!r}")
        if not self.sources or not self.roles:
            raise WorkflowDefinitionError(f"{self.action}: needs sources and roles")
        if self.approval_step is not None and not _NAME.match(self.approval_step):
            raise WorkflowDefinitionError(f"{self.action}: bad step {self.approval_step!r}")


@dataclass(frozen=True)
class Workflow:
    """A state machine: states, the initial and terminal ones, and the transition table."""

    name: str
    states: tuple[str, ...]
    initial: str
    terminal: frozenset[str]
    transitions: tuple[Transition, ...]
    _table: dict[tuple[str, str], Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "states", tuple(str(s) for s in self.states))
        object.__setattr__(self, "initial", str(self.initial))
        object.__setattr__(self, "terminal", frozenset(str(s) for s in self.terminal))
        object.__setattr__(self, "transitions", tuple(self.transitions))
        self._check_states()
        table: dict[tuple[str, str], Transition] = {}
        for transition in self.transitions:
            self._check_transition(transition)
            for source in transition.sources:
                if (source, transition.action) in table:
                    raise WorkflowDefinitionError(
                        f"{self.name}: {transition.action!r} declared twice from {source!r}")
                table[source, transition.action] = transition
        object.__setattr__(self, "_table", table)

    def _check_states(self) -> None:
        if not _NAME.match(self.name):
            raise WorkflowDefinitionError(f"bad workflow name {self.name!r}")
        bad = [s for s in self.states if not _NAME.match(s)]
        if bad or len(set(self.states)) != len(self.states):
            raise WorkflowDefinitionError(f"{self.name}: bad or repeated states {bad}")
        if self.initial not in self.states or self.initial in self.terminal:
            raise WorkflowDefinitionError(f"{self.name}: unknown or terminal initial state")
        if not self.terminal <= set(self.states):
            raise WorkflowDefinitionError(
                f"{self.name}: unknown terminal states {sorted(self.terminal - set(self.states))}")

    def _check_transition(self, transition: Transition) -> None:
        unknown = [s for s in (*transition.sources, transition.target) if s not in self.states]
        if unknown:
            raise WorkflowDefinitionError(
                f"{self.name}.{transition.action}: unknown states {unknown}")
        if self.terminal & set(transition.sources):
            raise WorkflowDefinitionError(
                f"{self.name}.{transition.action}: leaves a terminal state")

    def allowed(self, state: str, action: str) -> Transition | None:
        """Return the transition `action` from `state`, or None if the table has none."""
        return self._table.get((state, action))

    def transitions_from(self, state: str) -> list[Transition]:
        """Return the transitions leaving a state, in declaration order."""
        return [t for t in self.transitions if state in t.sources]

    def non_terminal(self) -> list[str]:
        """Return the states an item can still move out of."""
        return [s for s in self.states if s not in self.terminal]


@dataclass(frozen=True)
class TransitionContext:
    """What a guard sees: the subject, who acts, which action and approval step, rule, time."""

    session: Session
    subject: "WorkflowSubject"
    actor: User
    action: str
    step: str | None
    rule: "WorkflowRule"
    now: datetime


def costly(guard: Guard) -> Guard:
    """Mark a guard too slow for `available_actions` (it still runs in `fire`)."""
    guard.costly = True  # type: ignore[attr-defined]
    return guard


# --- registry -----------------------------------------------------------------------------------

_SUBJECTS: dict[str, type] = {}
_WORKFLOWS: dict[str, Workflow] = {}


def register_subject(model: type) -> None:
    """Make a subject model known to escalation and its workflow known to the rule editor."""
    workflow = getattr(model, "workflow", None)
    if not isinstance(workflow, Workflow):
        raise WorkflowDefinitionError(f"{model.__name__} declares no workflow")
    subject_type = model.__dict__.get("subject_type") or model.__tablename__
    known = _SUBJECTS.get(subject_type)
    if known is not None and known.__qualname__ != model.__qualname__:
        raise WorkflowDefinitionError(f"subject type {subject_type!r} registered twice")
    model.subject_type = subject_type
    _SUBJECTS[subject_type] = model
    _WORKFLOWS[workflow.name] = workflow


def subject_models() -> list[type]:
    """Return the registered subject models."""
    return list(_SUBJECTS.values())


def workflow_names() -> list[str]:
    """Return the names of the registered workflows, sorted."""
    return sorted(_WORKFLOWS)


class WorkflowSubject:
    """Mixin of every model that runs on the engine; subclasses set `workflow`."""

    workflow: ClassVar[Workflow]
    # Written to log and approval rows; the table name unless the model sets it.
    subject_type: ClassVar[str]

    @declared_attr
    def status(cls) -> Mapped[str]:
        return mapped_column(String(32), default=cls.workflow.initial, index=True)

    state_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    maker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    @declared_attr
    def maker(cls) -> Mapped[User]:
        return relationship(User, foreign_keys=lambda: [cls.maker_id])

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__tablename__" in cls.__dict__:
            register_subject(cls)

    def rule_key(self) -> str:
        """Return the key that picks this item's review rule (e.g. the document category)."""
        return DEFAULT_RULE_KEY

    def rule_amount(self) -> Decimal | None:
        """Return the amount that picks an amount-banded rule, or None."""
        return None

    def current_content_hash(self) -> str:
        """Return the hash approvals are bound to ("" when the content is not versioned)."""
        return ""


# --- tables -------------------------------------------------------------------------------------

class WorkflowTransitionLog(Base):
    """One step in an item's history; written with the status change, never changed after."""

    __tablename__ = "workflow_transition_log"
    __table_args__ = (Index("ix_workflow_transition_log_subject", "subject_type", "subject_id",
                            "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    # Empty for steps the system takes (escalation, dismissed approvals).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Approval(Base):
    """One person's approval of one step of an item's content; dismissed, never deleted."""

    __tablename__ = "workflow_approvals"
    __table_args__ = (
        Index("ix_workflow_approvals_subject", "subject_type", "subject_id"),
        # One standing approval per person and content: it counts once, for one step only.
        Index("uq_workflow_approvals_one_standing", "subject_type", "subject_id", "approver_id",
              "content_hash", unique=True, sqlite_where=text("dismissed_at IS NULL"),
              postgresql_where=text("dismissed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(Integer)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # active_history: the guard must see the stored value even after an expiring commit.
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          active_history=True)
    dismissed_reason: Mapped[str] = mapped_column(String(500), default="", active_history=True)

    approver: Mapped[User] = relationship(foreign_keys=[approver_id])


def _long_text(label: str, value: str | None, limit: int = MAX_TEXT) -> str:
    """Return free text of several lines, each held to the plain-text rule."""
    lines = [rules.plain_text(label, line, limit, required=False)
             for line in (value or "").strip().splitlines()]
    joined = "\n".join(lines)
    if len(joined) > limit:
        raise ValidationError("%(label)s is longer than %(n)d characters.", label=label, n=limit)
    return joined


class WorkflowRule(Timestamped, Versioned, Base):
    """A review rule admins edit: approvals, reviewer roles, compliance sign-off and SLAs.

    Picked per item by workflow and `rule_key` (falling back to key "default"), and, when
    amount bounds are set, by the item's amount: min inclusive, max exclusive.
    """

    __tablename__ = "workflow_rules"
    __table_args__ = (
        Index("ix_workflow_rules_lookup", "workflow", "rule_key"),
        Index("uq_workflow_rules_unbanded", "workflow", "rule_key", unique=True,
              sqlite_where=text("min_amount IS NULL AND max_amount IS NULL"),
              postgresql_where=text("min_amount IS NULL AND max_amount IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(32))
    rule_key: Mapped[str] = mapped_column(String(64), default=DEFAULT_RULE_KEY)
    approvals_required: Mapped[int] = mapped_column(Integer, default=1)
    # Role values; empty means nobody may review until an admin names the roles.
    reviewer_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    compliance_signoff: Mapped[bool] = mapped_column(Boolean, default=False)
    # {state: hours}: the due time set when an item enters that state.
    sla_hours: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    min_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    max_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    description: Mapped[str] = mapped_column(Text, default="")

    @validates("workflow")
    def _check_workflow(self, _key: str, value: str) -> str:
        return rules.choice(N_("Workflow"), value, workflow_names())

    @validates("rule_key")
    def _check_rule_key(self, _key: str, value: str) -> str:
        value = (value or "").strip()
        if not _RULE_KEY.match(value):
            raise ValidationError("%(label)s must be 1-64 lower-case letters, digits, '_', '.' "
                                  "or '-'.", label=N_("Rule key"))
        return value

    @validates("approvals_required")
    def _check_approvals(self, _key: str, value) -> int:
        return rules.whole_number(N_("Approvals required"), value, 1, MAX_APPROVALS)

    @validates("reviewer_roles")
    def _check_reviewer_roles(self, _key: str, value: Iterable[str] | None) -> list[str]:
        roles = sorted({str(v) for v in value or []})
        for role in roles:
            rules.choice(N_("Reviewer roles"), role, [r.value for r in Role])
        return roles

    @validates("compliance_signoff")
    def _check_signoff(self, _key: str, value) -> bool:
        return bool(value)

    @validates("sla_hours")
    def _check_sla(self, _key: str, value: dict | None) -> dict[str, float]:
        if not isinstance(value or {}, dict):
            raise ValidationError("%(label)s must map states to hours.", label=N_("SLA hours"))
        return {str(state): _hours(state, hours) for state, hours in (value or {}).items()}

    @validates("min_amount", "max_amount")
    def _check_amount(self, key: str, value) -> Decimal | None:
        label = N_("Minimum amount") if key == "min_amount" else N_("Maximum amount")
        return None if value in (None, "") else rules.money(label, value)

    @validates("description")
    def _check_description(self, _key: str, value: str) -> str:
        return _long_text(N_("Description"), value)

    def check(self) -> None:
        """Check what spans fields: SLA states exist and can end, amount bounds are ordered."""
        workflow = _WORKFLOWS.get(self.workflow)
        open_states = workflow.non_terminal() if workflow else []
        for state in self.sla_hours or {}:
            if state not in open_states:
                raise ValidationError("%(label)s: %(state)s is not a state of %(workflow)s that "
                                      "an item can stay in; use one of: %(options)s.",
                                      label=N_("SLA hours"), state=state,
                                      workflow=self.workflow, options=", ".join(open_states))
        if (self.min_amount is not None and self.max_amount is not None
                and self.min_amount >= self.max_amount):
            raise ValidationError("The minimum amount must be below the maximum amount.")

    @property
    def reviewer_role_set(self) -> frozenset[Role]:
        """Return the reviewer roles as Role values."""
        return frozenset(Role(r) for r in self.reviewer_roles or [])

    def required_for(self, step: str) -> int:
        """Return how many approvals a step needs: one compliance sign-off if set, else N."""
        if step == COMPLIANCE_STEP:
            return 1 if self.compliance_signoff else 0
        return self.approvals_required

    def sla_for(self, state: str) -> timedelta | None:
        """Return the time allowed in a state, or None when it has no SLA."""
        hours = (self.sla_hours or {}).get(state)
        return timedelta(hours=hours) if hours else None

    def banded(self) -> bool:
        """Tell whether the rule applies to an amount range only."""
        return self.min_amount is not None or self.max_amount is not None

    def matches_amount(self, amount: Decimal | None) -> bool:
        """Tell whether an item with this amount falls under the rule."""
        if not self.banded():
            return True
        if amount is None:
            return False
        return ((self.min_amount is None or amount >= self.min_amount)
                and (self.max_amount is None or amount < self.max_amount))

    def __str__(self) -> str:
        return f"{self.workflow}/{self.rule_key}"


def _hours(state, hours) -> float:
    if isinstance(hours, bool) or not isinstance(hours, int | float) \
            or not 0 < hours <= MAX_SLA_HOURS:
        raise ValidationError("%(label)s for %(state)s must be a number of hours above 0 and "
                              "at most %(n)d.", label=N_("SLA hours"), state=str(state),
                              n=MAX_SLA_HOURS)
    return int(hours) if float(hours).is_integer() else float(hours)


# --- append-only records ------------------------------------------------------------------------

class ImmutableWorkflowRecord(DomainError):
    """Code tried to rewrite or delete a transition log row or an approval."""


_FIXED_APPROVAL_FIELDS = ("subject_type", "subject_id", "approver_id", "step", "content_hash",
                          "at")


def _stored(obj, field_name: str) -> tuple[bool, Any]:
    # load_history() reads the committed value when the attribute was expired (after a commit).
    history = inspect(obj).attrs[field_name].load_history()
    if not history.has_changes():
        return False, None
    return True, history.deleted[0] if history.deleted else None


def _check_approval(approval: Approval) -> None:
    if any(_stored(approval, name)[0] for name in _FIXED_APPROVAL_FIELDS):
        raise ImmutableWorkflowRecord("An approval stays as given; it can only be dismissed.")
    changed, before = _stored(approval, "dismissed_at")
    reason_changed, _ = _stored(approval, "dismissed_reason")
    if (changed and before is not None) or (reason_changed and not changed):
        raise ImmutableWorkflowRecord("This approval was already dismissed; the dismissal "
                                      "stays as recorded.")


@event.listens_for(Session, "before_flush")
def guard_workflow_records(session: Session, _context, _instances) -> None:
    """Refuse edits and deletes of log rows and approvals; check rules across their fields."""
    for obj in session.dirty:
        if isinstance(obj, WorkflowTransitionLog) and session.is_modified(obj):
            raise ImmutableWorkflowRecord("The workflow history is append-only; the entry was "
                                          "not changed.")
        if isinstance(obj, Approval):
            _check_approval(obj)
    for obj in session.deleted:
        if isinstance(obj, WorkflowTransitionLog | Approval):
            raise ImmutableWorkflowRecord("Workflow history and approvals are kept forever; "
                                          "nothing was deleted.")
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, WorkflowRule):
            obj.check()


# --- firing transitions -------------------------------------------------------------------------

def _moment(now: datetime | None) -> datetime:
    """Return `now` as aware UTC; naive times are taken as UTC."""
    if now is None:
        return utcnow()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive values that were stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def rule_for(session: Session, subject: WorkflowSubject) -> WorkflowRule:
    """Return the review rule of an item: its key over "default", banded over unbanded.

    With no stored rule, an unsaved default applies: one approval, no SLA and no reviewer
    roles, so reviewing is refused until an admin writes the rule (fail closed).
    """
    workflow = type(subject).workflow
    key, amount = subject.rule_key(), subject.rule_amount()
    stored = session.scalars(select(WorkflowRule).where(
        WorkflowRule.workflow == workflow.name,
        WorkflowRule.rule_key.in_({key, DEFAULT_RULE_KEY}))).all()
    fitting = [r for r in stored if r.matches_amount(amount)]
    if fitting:
        return max(fitting, key=lambda r: (r.rule_key == key, r.banded(),
                                           r.min_amount or Decimal(0), -r.id))
    return WorkflowRule(workflow=workflow.name, rule_key=DEFAULT_RULE_KEY, approvals_required=1,
                        reviewer_roles=[], compliance_signoff=False, sla_hours={},
                        description="")


def _lock(session: Session, subject: WorkflowSubject) -> None:
    # Flush first: refresh would otherwise drop the caller's unsaved changes to the subject.
    # PostgreSQL: row lock; SQLite: the transaction already holds the write lock.
    session.flush()
    session.refresh(subject, with_for_update=True)


def _enter(subject: WorkflowSubject, state: str, rule: WorkflowRule, now: datetime) -> None:
    subject.status = state
    subject.state_entered_at = now
    allowed = None if state in type(subject).workflow.terminal else rule.sla_for(state)
    subject.due_at = now + allowed if allowed else None
    subject.escalation_level = 0


def _log(session: Session, subject: WorkflowSubject, from_state: str | None, action: str,
         actor: User | None, now: datetime, comment: str = "", content_hash: str = ""
         ) -> WorkflowTransitionLog:
    row = WorkflowTransitionLog(
        subject_type=type(subject).subject_type, subject_id=subject.id, from_state=from_state,
        to_state=subject.status, action=action, actor_id=actor.id if actor else None, at=now,
        comment=comment, content_hash=content_hash or subject.current_content_hash())
    session.add(row)
    session.flush()
    return row


def start(session: Session, subject: WorkflowSubject, actor: User, *, comment: str = "",
          now: datetime | None = None) -> WorkflowTransitionLog:
    """Put a new item in its initial state (maker: the actor unless set) and log its creation."""
    now, comment = _moment(now), _long_text(N_("Comment"), comment)
    if subject.maker_id is None and subject.maker is None:
        subject.maker = actor
    session.add(subject)
    session.flush()
    if history(session, subject):
        raise InvalidTransition("This item has already started its workflow.")
    _enter(subject, type(subject).workflow.initial, rule_for(session, subject), now)
    return _log(session, subject, None, CREATE, actor, now, comment)


def _require_roles(actor: User, roles: frozenset[Role], action: str) -> None:
    if not actor.active:
        raise PermissionDenied("Your account is deactivated; you cannot %(action)s.",
                               action=action)
    if not actor.roles & roles:
        raise PermissionDenied("Only %(roles)s may %(action)s this item.",
                               roles=", ".join(sorted(roles)), action=action)


def _check_fresh(subject: WorkflowSubject, content_hash: str) -> None:
    if content_hash and content_hash != subject.current_content_hash():
        raise StaleEdit("The content changed after you opened it; review the current version "
                        "before approving.")


def fire(session: Session, subject: WorkflowSubject, action: str, actor: User, *,
         comment: str = "", content_hash: str = "", now: datetime | None = None
         ) -> WorkflowTransitionLog:
    """Take an action on a locked item: check table, roles and guards, move, log; or raise.

    `content_hash` is what the actor saw: an approving action refuses a stale one; the log
    records it (the item's current hash by default). Nothing changes when a check fails.
    """
    now = _moment(now)
    _lock(session, subject)
    workflow, state = type(subject).workflow, subject.status
    transition = workflow.allowed(state, action)
    if transition is None:
        raise InvalidTransition("The action \"%(action)s\" is not possible while the item is "
                                "%(state)s.", action=action, state=state)
    _require_roles(actor, transition.roles, action)
    comment = _long_text(N_("Comment"), comment)
    context = TransitionContext(session, subject, actor, action, transition.approval_step,
                                rule_for(session, subject), now)
    for guard in transition.guards:
        guard(context)
    if transition.approval_step:
        _check_fresh(subject, content_hash)
        _add_approval(session, subject, actor, transition.approval_step, now)
    if transition.target != state:
        _enter(subject, transition.target, context.rule, now)
    return _log(session, subject, state, action, actor, now, comment, content_hash)


def available_actions(subject: WorkflowSubject, actor: User, *, now: datetime | None = None
                      ) -> list[str]:
    """Return the actions the actor could take now (roles and guards not marked costly)."""
    session = object_session(subject)
    found, rule = [], None
    for transition in type(subject).workflow.transitions_from(subject.status):
        if not actor.active or not actor.roles & transition.roles:
            continue
        rule = rule or rule_for(session, subject)
        context = TransitionContext(session, subject, actor, transition.action,
                                    transition.approval_step, rule, _moment(now))
        try:
            for guard in transition.guards:
                if not getattr(guard, "costly", False):
                    guard(context)
        except DomainError:
            continue
        found.append(transition.action)
    return found


def history(session: Session, subject: WorkflowSubject) -> list[WorkflowTransitionLog]:
    """Return an item's log, oldest first."""
    return list(session.scalars(select(WorkflowTransitionLog).where(
        WorkflowTransitionLog.subject_type == type(subject).subject_type,
        WorkflowTransitionLog.subject_id == subject.id).order_by(WorkflowTransitionLog.id)))


# --- approvals ----------------------------------------------------------------------------------

def _approvals_of(subject: WorkflowSubject):
    return (Approval.subject_type == type(subject).subject_type,
            Approval.subject_id == subject.id)


def standing_approvals(session: Session, subject: WorkflowSubject) -> list[Approval]:
    """Return the approvals of every step that count for the item's current content."""
    return list(session.scalars(select(Approval).where(
        *_approvals_of(subject), Approval.dismissed_at.is_(None),
        Approval.content_hash == subject.current_content_hash(),
        # The maker's approval could only come from code around the checks; it never counts.
        Approval.approver_id != subject.maker_id).order_by(Approval.at, Approval.id)))


def valid_approvals(session: Session, subject: WorkflowSubject, step: str) -> list[Approval]:
    """Return the approvals of one step that count: standing, current content, not the maker."""
    return [a for a in standing_approvals(session, subject) if a.step == step]


def _add_approval(session: Session, subject: WorkflowSubject, actor: User, step: str,
                  now: datetime) -> Approval:
    approval = Approval(subject_type=type(subject).subject_type, subject_id=subject.id,
                        approver_id=actor.id, step=step, at=now,
                        content_hash=subject.current_content_hash())
    session.add(approval)
    session.flush()
    return approval


def record_approval(session: Session, subject: WorkflowSubject, actor: User, step: str,
                    content_hash: str, *, roles: Iterable[Role] | None = None,
                    now: datetime | None = None) -> Approval:
    """Record the actor's approval of a step of the content they saw (`content_hash`).

    Who may approve: `roles`, else the rule's reviewer roles. Maker-checker and one approval
    per person hold here as in the guards. Writes no log row: use a transition with
    `approval_step` when the approval should appear in the item's history.
    """
    now = _moment(now)
    _lock(session, subject)
    if subject.status in type(subject).workflow.terminal:
        raise InvalidTransition("The item is %(state)s; it takes no more approvals.",
                                state=subject.status)
    rule = rule_for(session, subject)
    context = TransitionContext(session, subject, actor, N_("approve"), step, rule, now)
    if roles is None:
        reviewer_role_required(context)
    else:
        _require_roles(actor, frozenset(roles), N_("approve"))
    maker_is_not_checker(context)
    distinct_approvers(context)
    _check_fresh(subject, content_hash)
    return _add_approval(session, subject, actor, step, now)


def dismiss_approvals(session: Session, subject: WorkflowSubject, reason: str,
                      now: datetime | None = None, *, stale_only: bool = True
                      ) -> list[Approval]:
    """Dismiss standing approvals of content the item no longer has (all with stale_only off).

    Call it after changing the content; returns the dismissed approvals so the caller can tell
    the reviewers. Logged as "dismiss_approvals" when any was dismissed.
    """
    now = _moment(now)
    reason = rules.plain_text(N_("Reason"), reason, 500)
    _lock(session, subject)
    current = subject.current_content_hash()
    stale = [a for a in session.scalars(select(Approval).where(
        *_approvals_of(subject), Approval.dismissed_at.is_(None)).order_by(Approval.id))
        if not stale_only or a.content_hash != current]
    for approval in stale:
        approval.dismissed_at, approval.dismissed_reason = now, reason
    if stale:
        _log(session, subject, subject.status, DISMISS, None, now, reason)
    return stale


# --- built-in guards ----------------------------------------------------------------------------

def maker_is_not_checker(ctx: TransitionContext) -> None:
    """Refuse the item's maker: the maker never approves their own work."""
    if ctx.actor.id == ctx.subject.maker_id:
        raise PermissionDenied("You made this item, so you cannot %(action)s it: the maker "
                               "never approves (maker-checker). Another person must.",
                               action=ctx.action)


def distinct_approvers(ctx: TransitionContext) -> None:
    """Refuse a second approval by one person: it counts once, and for one step only."""
    mine = [a for a in standing_approvals(ctx.session, ctx.subject)
            if a.approver_id == ctx.actor.id]
    if not mine:
        return
    if mine[0].step == ctx.step:
        raise PermissionDenied("You already approved this at the %(step)s step; one person's "
                               "approval counts once.", step=mine[0].step)
    raise PermissionDenied("You already approved this at the %(step)s step; one person does "
                           "not approve two steps.", step=mine[0].step)


def enough_approvals(step: str) -> Guard:
    """Return a guard requiring the rule's number of valid approvals of a step (N of M)."""
    def guard(ctx: TransitionContext) -> None:
        needed = ctx.rule.required_for(step)
        have = len(valid_approvals(ctx.session, ctx.subject, step))
        if have < needed:
            raise InvalidTransition("To %(action)s, the %(step)s step needs %(needed)d approvals "
                                    "of the current content; it has %(have)d.",
                                    action=ctx.action, step=step, needed=needed, have=have)

    guard.__name__ = guard.__qualname__ = f"enough_approvals({step!r})"
    return guard


def reviewer_role_required(ctx: TransitionContext) -> None:
    """Refuse an actor who holds none of the rule's reviewer roles."""
    roles = ctx.rule.reviewer_role_set
    if not roles:
        raise PermissionDenied("The review rule %(rule)s names no reviewer roles; an "
                               "administrator must set them before anyone can review.",
                               rule=str(ctx.rule))
    _require_roles(ctx.actor, roles, ctx.action)


# --- escalation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    """An overdue item raised to a level: 1 notifies the team lead, 2 the department head."""

    subject: WorkflowSubject
    level: int
    due_at: datetime

    @property
    def target(self) -> str:
        """Return who is told at this level (a label to translate)."""
        return ESCALATION_TARGETS[self.level]


def level_due(subject: WorkflowSubject, now: datetime) -> int:
    """Return the level an item has earned: 1 once overdue, 2 after one more SLA period."""
    if subject.due_at is None or subject.status in type(subject).workflow.terminal:
        return 0
    due, entered = _aware(subject.due_at), _aware(subject.state_entered_at)
    if now < due:
        return 0
    period = due - entered
    if period <= timedelta(0):
        return MAX_ESCALATION_LEVEL
    return min(MAX_ESCALATION_LEVEL, 1 + int((now - due) / period))


def _escalate(session: Session, subject: WorkflowSubject, now: datetime) -> list[Escalation]:
    raised = []
    while subject.escalation_level < level_due(subject, now):
        subject.escalation_level += 1
        _log(session, subject, subject.status, ESCALATE, None, now,
             f"level {subject.escalation_level}")
        raised.append(Escalation(subject, subject.escalation_level, _aware(subject.due_at)))
    return raised


def escalate_overdue(session: Session, now: datetime | None = None) -> list[Escalation]:
    """Raise every overdue, unfinished item of every subject model; each level only once.

    A level skipped because nobody ran the command is still raised (and returned), so both
    the team lead and the department head hear of an item that is long overdue.
    """
    now = _moment(now)
    raised: list[Escalation] = []
    for model in subject_models():
        key = inspect(model).primary_key[0]
        overdue = (select(model).where(
            model.due_at.is_not(None), model.due_at <= now,
            model.status.not_in(sorted(model.workflow.terminal)),
            model.escalation_level < MAX_ESCALATION_LEVEL)
            .order_by(model.due_at, key).with_for_update()
            # Another run may have raised these rows since they were loaded: re-read them.
            .execution_options(populate_existing=True))
        for subject in session.scalars(overdue):
            raised += _escalate(session, subject, now)
    session.flush()
    return raised
