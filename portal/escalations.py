"""Who hears of an escalated item, and the notice they get (in-app, e-mailed when SMTP is on).

Level 1 tells the team leads of the maker's teams (every team lead when the maker belongs to
no team); level 2 tells the department head, who is the administrator role in this portal.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from documents import proposals as props
from models import RedlineProposal, Role, Team, TeamMembership, User, UserRole
from models.base import utcnow
from models.errors import N_
from models.workflow import Escalation
from portal import security

PROPOSAL_NOTICES = {
    1: N_("Proposal #%(n)s on %(code)s is overdue: %(state)s since %(since)s, due %(due)s. "
          "It is escalated to you as team lead."),
    2: N_("Proposal #%(n)s on %(code)s is still overdue: %(state)s since %(since)s, due "
          "%(due)s. It is escalated to you as department head."),
}
ITEM_NOTICES = {
    1: N_("%(item_type)s %(id)s is overdue: %(state)s since %(since)s, due %(due)s. It is "
          "escalated to you as team lead."),
    2: N_("%(item_type)s %(id)s is still overdue: %(state)s since %(since)s, due %(due)s. It is "
          "escalated to you as department head."),
}


def _active_with_role(session: Session, role: Role) -> list[User]:
    return list(session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role.value, User.active.is_(True)).order_by(User.username)))


def team_leads_of(session: Session, user: User) -> list[User]:
    """Return the leads (team lead or lead member today) of the teams the user belongs to."""
    teams = security.member_team_ids(user)
    today = utcnow().date()
    lead_members = select(TeamMembership.user_id).where(
        TeamMembership.team_id.in_(teams), TeamMembership.role_in_team == "lead",
        TeamMembership.from_date <= today,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= today))
    team_leads = select(Team.lead_id).where(Team.id.in_(teams))
    return list(session.scalars(select(User).where(
        User.active.is_(True), or_(User.id.in_(lead_members), User.id.in_(team_leads)))
        .order_by(User.username)))


def recipients(session: Session, escalation: Escalation) -> list[User]:
    """Return who is told of an escalation at its level."""
    if escalation.level >= 2:
        return _active_with_role(session, Role.ADMIN)
    maker = escalation.subject.maker
    leads = team_leads_of(session, maker) if maker is not None else []
    return leads or _active_with_role(session, Role.TEAM_LEAD)


def _moment(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def notify_escalation(session: Session, escalation: Escalation) -> list[User]:
    """Queue the notice of one escalation for its recipients; return them."""
    subject, level = escalation.subject, min(escalation.level, 2)
    told = recipients(session, escalation)
    timing = {"state": subject.status, "since": _moment(subject.state_entered_at),
              "due": _moment(escalation.due_at)}
    if isinstance(subject, RedlineProposal):
        props.notify(session, told, "escalation", PROPOSAL_NOTICES[level],
                     props._link(subject), n=subject.id, code=subject.document.code, **timing)
    else:
        # Named by type and id only, as the command prints them: case titles may be confidential.
        props.notify(session, told, "escalation", ITEM_NOTICES[level], "",
                     item_type=type(subject).subject_type, id=subject.id, **timing)
    return told


def notify_escalations(session: Session, escalations: Iterable[Escalation]) -> int:
    """Queue the notices of every escalation; return how many were queued."""
    return sum(len(notify_escalation(session, e)) for e in escalations)
