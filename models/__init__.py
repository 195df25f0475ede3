"""Typed SQLAlchemy models of the collections portal: one module per concept, no Flask."""

from models.account import AccountStatus, Bucket, DebtGroup, DebtorAccount
from models.assignment import Assignment
from models.audit import AuditEntry, AuditHead
from models.base import Base
from models.document import (
    Acknowledgement,
    ContentBlob,
    DocumentCategory,
    DocumentVersion,
    Lifecycle,
    PolicyDocument,
    VersionStatus,
)
from models.team import MembershipRole, Team, TeamMembership
from models.user import Role, User, UserRole

__all__ = [
    "AccountStatus",
    "Acknowledgement",
    "Assignment",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Bucket",
    "ContentBlob",
    "DebtGroup",
    "DebtorAccount",
    "DocumentCategory",
    "DocumentVersion",
    "Lifecycle",
    "MembershipRole",
    "PolicyDocument",
    "Role",
    "Team",
    "TeamMembership",
    "User",
    "UserRole",
    "VersionStatus",
]
