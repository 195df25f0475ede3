"""Roles, permissions and row-level scopes: the one place every view, export and command asks."""

from collections.abc import Callable
from enum import IntEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, exists, false, or_, select, true

from models import (
    Assignment,
    DebtorAccount,
    DocumentVersion,
    PolicyDocument,
    RedlineProposal,
    Role,
    Team,
    TeamMembership,
    User,
)
from models.base import utcnow
from models.document import VersionStatus
from models.errors import PermissionDenied


class Scope(IntEnum):
    """How far a permission reaches; a larger value sees more."""

    NONE = 0
    OWN = 1
    TEAM = 2
    ALL = 3


A, T, OWN = Scope.ALL, Scope.TEAM, Scope.OWN

# The permission matrix as data: permission -> {role: scope}. README's table is generated
# from it and the route-sweep tests read it, so change it here and nowhere else.
PERMISSIONS: dict[str, dict[Role, Scope]] = {
    "dashboard.view": {r: A for r in Role},
    "users.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T},
    "users.edit": {Role.ADMIN: A},
    "users.create": {Role.ADMIN: A},
    "users.export": {Role.ADMIN: A, Role.AUDITOR: A},
    "users.deactivate": {Role.ADMIN: A},
    "teams.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T, Role.COLLECTOR: T},
    "teams.edit": {Role.ADMIN: A},
    "teams.create": {Role.ADMIN: A},
    "teams.delete": {Role.ADMIN: A},
    "teams.export": {Role.ADMIN: A, Role.AUDITOR: A},
    "memberships.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T},
    "memberships.edit": {Role.ADMIN: A},
    "memberships.create": {Role.ADMIN: A},
    "memberships.delete": {Role.ADMIN: A},
    "memberships.export": {Role.ADMIN: A, Role.AUDITOR: A},
    "accounts.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.RISK_OFFICER: A,
                      Role.FRAUD_ANALYST: A, Role.TEAM_LEAD: T, Role.COLLECTOR: OWN},
    "accounts.edit": {Role.ADMIN: A, Role.TEAM_LEAD: T},
    "accounts.create": {Role.ADMIN: A},
    "accounts.delete": {Role.ADMIN: A},
    "accounts.import": {Role.ADMIN: A},
    "accounts.export": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T},
    "accounts.reassign": {Role.ADMIN: A, Role.TEAM_LEAD: T},
    "accounts.national_id": {Role.ADMIN: A, Role.FRAUD_ANALYST: A, Role.AUDITOR: A},
    "accounts.phones": {Role.ADMIN: A, Role.FRAUD_ANALYST: A, Role.TEAM_LEAD: T,
                        Role.COLLECTOR: OWN},
    "assignments.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T, Role.COLLECTOR: OWN},
    "assignments.export": {Role.ADMIN: A, Role.AUDITOR: A, Role.TEAM_LEAD: T},
    "documents.view": {r: A for r in Role},
    "documents.drafts": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A, Role.REVIEWER: A,
                         Role.AUDITOR: A},
    "documents.create": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A},
    "documents.edit": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A},
    "documents.upload": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A},
    "documents.publish": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A},
    "documents.retire": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A},
    "documents.export": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A, Role.AUDITOR: A},
    "documents.acknowledgements": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A, Role.AUDITOR: A,
                                   Role.TEAM_LEAD: T},
    "proposals.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.COMPLIANCE_EDITOR: A,
                       Role.REVIEWER: A, Role.TEAM_LEAD: A},
    "proposals.create": {Role.ADMIN: A, Role.COMPLIANCE_EDITOR: A, Role.TEAM_LEAD: A},
    "proposals.reassign": {Role.ADMIN: A, Role.TEAM_LEAD: A},
    "review_rules.view": {Role.ADMIN: A, Role.AUDITOR: A, Role.COMPLIANCE_EDITOR: A},
    "review_rules.edit": {Role.ADMIN: A},
    "review_rules.create": {Role.ADMIN: A},
    "audit.view": {Role.ADMIN: A, Role.AUDITOR: A},
    "audit.export": {Role.ADMIN: A, Role.AUDITOR: A},
}


@lru_cache(maxsize=4096)
def _scope_for_roles(permission: str, roles: frozenset[Role]) -> Scope:
    grants = PERMISSIONS[permission]
    return max((grants.get(role, Scope.NONE) for role in roles), default=Scope.NONE)


def scope_of(user: User | None, permission: str) -> Scope:
    """Return the widest scope any of the user's roles gives for the permission."""
    if user is None or not user.active:
        return Scope.NONE
    # Pages ask this many times per row (masking, menus): the matrix is fixed, so memoise.
    return _scope_for_roles(permission, frozenset(user.roles))


def can(user: User | None, permission: str) -> bool:
    """Tell whether the user holds the permission at any scope."""
    return scope_of(user, permission) > Scope.NONE


def require(user: User | None, permission: str) -> Scope:
    """Return the user's scope for the permission or raise PermissionDenied."""
    scope = scope_of(user, permission)
    if scope == Scope.NONE:
        raise PermissionDenied("You do not have permission to do this.")
    return scope


def led_team_ids(user: User) -> Select:
    """Select the ids of teams the user leads (as team lead or as a lead member today)."""
    today = utcnow().date()
    member_lead = select(TeamMembership.team_id).where(
        TeamMembership.user_id == user.id,
        TeamMembership.role_in_team == "lead",
        TeamMembership.from_date <= today,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= today),
    )
    return select(Team.id).where(Team.lead_id == user.id).union(member_lead)


def member_team_ids(user: User) -> Select:
    """Select the ids of teams the user belongs to today, in any role."""
    today = utcnow().date()
    return select(TeamMembership.team_id).where(
        TeamMembership.user_id == user.id,
        TeamMembership.from_date <= today,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= today),
    ).union(select(Team.id).where(Team.lead_id == user.id))


def _clause_for(scope: Scope, team: Callable[[], Any], own: Callable[[], Any]):
    """Turn a scope into a WHERE clause; team/own build their clause only when needed."""
    if scope == Scope.ALL:
        return true()
    if scope == Scope.TEAM:
        return team()
    if scope == Scope.OWN:
        return own()
    return false()


def account_filter(user: User | None, permission: str = "accounts.view"):
    """Return a WHERE clause limiting DebtorAccount rows to the user's scope."""
    return _clause_for(
        scope_of(user, permission),
        team=lambda: or_(DebtorAccount.team_id.in_(led_team_ids(user)),
                         DebtorAccount.collector_id == user.id),
        own=lambda: DebtorAccount.collector_id == user.id)


def assignment_filter(user: User | None):
    """Return a WHERE clause limiting Assignment rows to the user's scope."""
    return _clause_for(
        scope_of(user, "assignments.view"),
        team=lambda: or_(Assignment.team_id.in_(led_team_ids(user)),
                         Assignment.collector_id == user.id),
        own=lambda: Assignment.collector_id == user.id)


def team_filter(user: User | None, permission: str = "teams.view"):
    """Return a WHERE clause limiting Team rows to the teams the user belongs to."""
    def mine():
        return Team.id.in_(member_team_ids(user))
    return _clause_for(scope_of(user, permission), team=mine, own=mine)


def membership_filter(user: User | None):
    """Return a WHERE clause limiting TeamMembership rows to the teams the user leads."""
    def led():
        return TeamMembership.team_id.in_(led_team_ids(user))
    return _clause_for(scope_of(user, "memberships.view"), team=led, own=led)


def user_filter(user: User | None):
    """Return a WHERE clause limiting User rows: team leads see their own teams' members."""
    def colleagues():
        in_team = exists().where(TeamMembership.user_id == User.id,
                                 TeamMembership.team_id.in_(led_team_ids(user)))
        return or_(User.id == user.id, in_team)
    return _clause_for(scope_of(user, "users.view"), team=colleagues, own=colleagues)


def version_filter(user: User | None):
    """Return a WHERE clause hiding drafts and withdrawn versions from readers of policies."""
    if not can(user, "documents.view"):
        return false()
    if can(user, "documents.drafts"):
        return true()
    return DocumentVersion.status == VersionStatus.PUBLISHED.value


def document_filter(user: User | None):
    """Return a WHERE clause limiting documents to those with a version the user may read."""
    if not can(user, "documents.view"):
        return false()
    if can(user, "documents.drafts"):
        return true()
    return exists().where(DocumentVersion.document_id == PolicyDocument.id,
                          DocumentVersion.status == VersionStatus.PUBLISHED.value)


def proposal_filter(user: User | None):
    """Return a WHERE clause on proposals: drafts stay with their author (and admins, auditors)."""
    if not can(user, "proposals.view"):
        return false()
    if user.roles & {Role.ADMIN, Role.AUDITOR}:
        return true()
    return or_(RedlineProposal.status != "draft", RedlineProposal.maker_id == user.id)


ROW_FILTERS = {
    PolicyDocument: document_filter,
    DocumentVersion: version_filter,
    DebtorAccount: account_filter,
    Assignment: assignment_filter,
    Team: team_filter,
    TeamMembership: membership_filter,
    User: user_filter,
}


def mask(value: str, visible: int = 3) -> str:
    """Mask all but the last few characters of personal data."""
    value = value or ""
    if len(value) <= visible:
        return "•" * len(value)
    return "•" * (len(value) - visible) + value[-visible:]


def shown_national_id(user: User | None, account: DebtorAccount) -> str:
    """Return the national ID as this user may see it."""
    return account.national_id if can(user, "accounts.national_id") else mask(account.national_id)


def shown_phone(user: User | None, phone: str) -> str:
    """Return a phone number as this user may see it."""
    return phone if can(user, "accounts.phones") else mask(phone)


def matrix_markdown() -> str:
    """Render the permission matrix as the Markdown table README shows."""
    roles = list(Role)
    marks = {Scope.ALL: "all", Scope.TEAM: "team", Scope.OWN: "own", Scope.NONE: "-"}
    lines = ["| permission | " + " | ".join(r.value for r in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for name, grants in PERMISSIONS.items():
        cells = [marks[grants.get(r, Scope.NONE)] for r in roles]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
