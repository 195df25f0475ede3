"""Account actions shared by the portal, bulk actions and the CLI: reassign, delete, edit rules."""

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models import Assignment, DebtorAccount, Role, Team, TeamMembership, User
from models.assignment import assign
from models.base import utcnow
from models.errors import PermissionDenied, ValidationError
from portal import security

# Which account fields each role may change; everything else is read-only for them.
EDITABLE_FIELDS = {
    Role.ADMIN: None,  # every field
    Role.TEAM_LEAD: {"status", "do_not_contact", "dispute", "deceased", "fraud_suspect",
                     "phone_primary", "phone_secondary"},
}
MAX_BULK = 1000


def editable_fields(user: User) -> set[str] | None:
    """Return the fields the user may edit (None means all, empty means none)."""
    allowed: set[str] = set()
    for role in user.roles:
        fields = EDITABLE_FIELDS.get(role, set())
        if fields is None:
            return None
        allowed |= fields
    return allowed


def eligible_collectors(session: Session, actor: User) -> list[tuple[Team, User]]:
    """List (team, collector) pairs the actor may assign accounts to, by team then name."""
    scope = security.require(actor, "accounts.reassign")
    today = utcnow().date()
    stmt = (
        select(Team, User)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .join(User, User.id == TeamMembership.user_id)
        .where(User.active.is_(True),
               TeamMembership.role_in_team.in_(["collector", "lead"]),
               TeamMembership.from_date <= today,
               (TeamMembership.to_date.is_(None)) | (TeamMembership.to_date >= today))
        .order_by(Team.name, User.full_name)
    )
    if scope != security.Scope.ALL:
        stmt = stmt.where(Team.id.in_(security.led_team_ids(actor)))
    return [(team, user) for team, user in session.execute(stmt).all()
            if user.has_role(Role.COLLECTOR, Role.TEAM_LEAD)]


def reassign_accounts(session: Session, actor: User, account_ids: Sequence[int],
                      team_id: int, collector_id: int, reason: str) -> list[Assignment]:
    """Reassign accounts in the actor's scope to a collector of a team the actor manages."""
    security.require(actor, "accounts.reassign")
    ids = sorted({int(i) for i in account_ids})
    if not ids:
        raise ValidationError(_("Select at least one account to reassign."))
    if len(ids) > MAX_BULK:
        raise ValidationError(_("Reassign at most %(n)d accounts at once.", n=MAX_BULK))
    pair = next(((t, u) for t, u in eligible_collectors(session, actor)
                 if t.id == team_id and u.id == collector_id), None)
    if pair is None:
        raise PermissionDenied(_("You cannot assign accounts to that collector and team."))
    accounts = session.scalars(
        select(DebtorAccount)
        .where(DebtorAccount.id.in_(ids), security.account_filter(actor, "accounts.reassign"))
        .with_for_update()
    ).all()
    if len(accounts) != len(ids):
        raise PermissionDenied(_("Some selected accounts are outside your access; "
                                 "nothing was reassigned."))
    team, collector = pair
    return assign(session, accounts, collector, team, reason, assigned_by=actor)


def check_deletable(session: Session, actor: User, account: DebtorAccount) -> None:
    """Allow deleting only accounts without assignment history (close the others instead)."""
    security.require(actor, "accounts.delete")
    if session.scalar(select(exists().where(Assignment.account_id == account.id))):
        raise ValidationError(_("Account %(n)s has assignment history and cannot be deleted; "
                                "set its status to closed instead.", n=account.account_number))
