"""Who works which account: assignment history and the reassign rule."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.account import DebtorAccount
from models.base import Base, utcnow
from models.errors import ValidationError
from models.team import Team
from models.user import Role, User

MAX_REASON = 500


class Assignment(Base):
    """An account given to a collector in a team over a period; history is never rewritten."""

    __tablename__ = "assignments"
    __table_args__ = (
        # The database itself guarantees at most one open assignment per account.
        Index(
            "uq_assignments_one_active",
            "account_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_assignments_collector_active", "collector_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("debtor_accounts.id", ondelete="CASCADE"))
    collector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(MAX_REASON), default="")

    account: Mapped[DebtorAccount] = relationship()
    collector: Mapped[User] = relationship(foreign_keys=[collector_id])
    team: Mapped[Team] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @property
    def is_active(self) -> bool:
        """Tell whether this is the account's current assignment."""
        return self.ended_at is None

    def __str__(self) -> str:
        return f"{self.account.account_number} -> {self.collector.username}"


def clean_reason(reason: str) -> str:
    """Return a trimmed reassignment reason or raise ValidationError."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A reason is required for every assignment.")
    if len(reason) > MAX_REASON:
        raise ValidationError("The reason is longer than %(n)d characters.", n=MAX_REASON)
    return reason


def assign(
    session: Session,
    accounts: Iterable[DebtorAccount],
    collector: User,
    team: Team,
    reason: str,
    assigned_by: User | None,
) -> list[Assignment]:
    """Close each account's open assignment and open a new one to the collector."""
    reason = clean_reason(reason)
    if not collector.active:
        raise ValidationError("%(name)s is deactivated and cannot take accounts.",
                              name=collector.full_name)
    if not collector.has_role(Role.COLLECTOR, Role.TEAM_LEAD):
        raise ValidationError("%(name)s is not a collector.", name=collector.full_name)
    accounts = list(accounts)
    open_rows = session.scalars(
        select(Assignment).where(
            Assignment.account_id.in_([a.id for a in accounts]), Assignment.ended_at.is_(None)
        )
    ).all()
    now = utcnow()
    for row in open_rows:
        row.ended_at = now
    # The old rows must be closed in the database before the partial unique index sees new ones.
    session.flush()
    created = []
    for account in accounts:
        new = Assignment(account=account, collector=collector, team=team, reason=reason,
                         assigned_by=assigned_by, started_at=now)
        session.add(new)
        account.collector = collector
        account.team = team
        created.append(new)
    session.flush()
    return created
