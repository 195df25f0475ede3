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
from models.proposal import Notification, ProposalComment, RedlineProposal, ReviewerAssignment
from models.team import MembershipRole, Team, TeamMembership
from models.user import Role, User, UserRole
from models.workflow import (
    Approval,
    Transition,
    Workflow,
    WorkflowRule,
    WorkflowSubject,
    WorkflowTransitionLog,
)

__all__ = [
    "AccountStatus",
    "Acknowledgement",
    "Approval",
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
    "Notification",
    "PolicyDocument",
    "ProposalComment",
    "RedlineProposal",
    "ReviewerAssignment",
    "Role",
    "Team",
    "TeamMembership",
    "Transition",
    "User",
    "UserRole",
    "VersionStatus",
    "Workflow",
    "WorkflowRule",
    "WorkflowSubject",
    "WorkflowTransitionLog",
]
