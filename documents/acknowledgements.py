"""Read and acknowledge: who must confirm a version in force, who has, and who has not yet."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from documents.repository import effective_version
from models import Acknowledgement, DocumentVersion, PolicyDocument, TeamMembership, User
from models.base import local_day, utcnow
from models.document import Lifecycle
from models.errors import InvalidTransition, ValidationError
from models.user import UserRole
from portal import security


def audience_clause(document: PolicyDocument, today: date | None = None):
    """Return a WHERE clause on User for the active staff a document is addressed to."""
    today = today or local_day(utcnow())
    team_ids = [t.id for t in document.audience_teams]
    if not team_ids and not document.audience_roles:
        return User.active.is_(True)  # no audience named: every member of staff
    parts = []
    if document.audience_roles:
        parts.append(exists().where(UserRole.user_id == User.id,
                                    UserRole.role.in_(document.audience_roles)))
    if team_ids:
        parts.append(exists().where(
            TeamMembership.user_id == User.id, TeamMembership.team_id.in_(team_ids),
            TeamMembership.from_date <= today,
            or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= today)))
    return User.active.is_(True) & or_(*parts)


def in_audience(session: Session, document: PolicyDocument, user: User) -> bool:
    """Tell whether the user must acknowledge this document's versions."""
    return session.scalar(select(User.id).where(User.id == user.id,
                                                audience_clause(document))) is not None


def acknowledge(session: Session, user: User, version: DocumentVersion) -> Acknowledgement:
    """Record that the user has read the version in force (once; a repeat changes nothing)."""
    security.require(user, "documents.view")
    if version.lifecycle() != Lifecycle.EFFECTIVE:
        raise InvalidTransition("Only the version in force can be acknowledged; version %(n)s "
                                "is %(label)s.", n=version.number,
                                label=version.lifecycle().value)
    if not in_audience(session, version.document, user):
        raise ValidationError("%(code)s is not addressed to you, so there is nothing to "
                              "acknowledge.", code=version.document.code)
    found = session.scalar(select(Acknowledgement).where(
        Acknowledgement.version_id == version.id, Acknowledgement.user_id == user.id))
    if found is not None:
        return found
    ack = Acknowledgement(version=version, user=user, acknowledged_at=utcnow())
    session.add(ack)
    session.flush()
    return ack


def acknowledged_at(session: Session, version: DocumentVersion, user: User):
    """Return when the user acknowledged the version, or None."""
    return session.scalar(select(Acknowledgement.acknowledged_at).where(
        Acknowledgement.version_id == version.id, Acknowledgement.user_id == user.id))


def pending_for(session: Session, user: User) -> list[DocumentVersion]:
    """List the versions in force that the user must acknowledge and has not yet."""
    documents = session.scalars(select(PolicyDocument).where(
        PolicyDocument.retired_at.is_(None), security.document_filter(user))
        .order_by(PolicyDocument.code)).all()
    pending = []
    for document in documents:
        version = effective_version(document)
        if version is None or acknowledged_at(session, version, user) is not None:
            continue
        if in_audience(session, document, user):
            pending.append(version)
    return pending


@dataclass(frozen=True)
class AckRate:
    """How much of a version's audience has acknowledged it."""

    acknowledged: int
    audience: int

    @property
    def percent(self) -> int:
        """Return the share acknowledged, in whole percent (100 for an empty audience)."""
        return round(100 * self.acknowledged / self.audience) if self.audience else 100


def _acked(version: DocumentVersion):
    return exists().where(Acknowledgement.version_id == version.id,
                          Acknowledgement.user_id == User.id)


def rate(session: Session, version: DocumentVersion) -> AckRate:
    """Count the audience of a version and those in it who acknowledged."""
    clause = audience_clause(version.document)
    audience = session.scalar(select(func.count()).select_from(User).where(clause))
    acked = session.scalar(select(func.count()).select_from(User).where(clause,
                                                                        _acked(version)))
    return AckRate(acked or 0, audience or 0)


@dataclass(frozen=True)
class MemberStatus:
    """One audience member and whether (and when) they acknowledged."""

    user: User
    acknowledged_at: object  # datetime | None


def audience_status(session: Session, actor: User, version: DocumentVersion
                    ) -> list[MemberStatus]:
    """List the audience the actor may oversee (team leads: their teams), not-yet first."""
    scope = security.require(actor, "documents.acknowledgements")
    query = select(User, Acknowledgement.acknowledged_at).outerjoin(
        Acknowledgement, (Acknowledgement.user_id == User.id)
        & (Acknowledgement.version_id == version.id)).where(audience_clause(version.document))
    if scope == security.Scope.TEAM:
        query = query.where(exists().where(
            TeamMembership.user_id == User.id,
            TeamMembership.team_id.in_(security.led_team_ids(actor))))
    rows = session.execute(query.order_by(User.full_name)).all()
    statuses = [MemberStatus(user, at) for user, at in rows]
    return sorted(statuses, key=lambda s: s.acknowledged_at is not None)
