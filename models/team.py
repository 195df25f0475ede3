"""Collection teams and who belongs to them, with history."""

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models import validation as rules
from models.base import Base, Timestamped, Versioned
from models.errors import N_, ValidationError
from models.user import User


class MembershipRole(StrEnum):
    """A member's role inside one team."""

    LEAD = "lead"
    COLLECTOR = "collector"
    SUPPORT = "support"


class Team(Timestamped, Versioned, Base):
    """A collection team working one region and bucket range."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str] = mapped_column(String(80), index=True)
    bucket_focus: Mapped[str] = mapped_column(String(40), default="")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    memberships: Mapped[list["TeamMembership"]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @validates("name")
    def _check_name(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Team name"), value, 120)

    @validates("region")
    def _check_region(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Region"), value, 80)

    @validates("bucket_focus")
    def _check_focus(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Bucket focus"), value, 40, required=False)

    def __str__(self) -> str:
        return self.name


class TeamMembership(Timestamped, Versioned, Base):
    """A user's membership of a team over a period; open-ended while to_date is empty."""

    __tablename__ = "team_memberships"
    __table_args__ = (Index("ix_team_memberships_team_user", "team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role_in_team: Mapped[str] = mapped_column(String(20), default=MembershipRole.COLLECTOR)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @validates("role_in_team")
    def _check_role(self, _key: str, value: str) -> str:
        return rules.choice(N_("Role in team"), value, [r.value for r in MembershipRole])

    @validates("to_date")
    def _check_dates(self, _key: str, value: date | None) -> date | None:
        if value is not None and self.from_date is not None and value < self.from_date:
            raise ValidationError("The end date must not be before the start date.")
        return value

    def is_active_on(self, day: date) -> bool:
        """Tell whether the membership covers the given day."""
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
