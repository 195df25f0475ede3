"""Typed SQLAlchemy models of the collections portal: one module per concept, no Flask."""

from models.account import AccountStatus, Bucket, DebtGroup, DebtorAccount
from models.assignment import Assignment
from models.audit import AuditEntry, AuditHead
from models.base import Base
from models.team import MembershipRole, Team, TeamMembership
from models.user import Role, User, UserRole

__all__ = [
    "AccountStatus",
    "Assignment",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Bucket",
    "DebtGroup",
    "DebtorAccount",
    "MembershipRole",
    "Role",
    "Team",
    "TeamMembership",
    "User",
    "UserRole",
]
