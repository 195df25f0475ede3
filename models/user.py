"""Staff users, their roles and the session version that lets the server end sessions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models import validation as rules
from models.base import Base, Timestamped, Versioned
from models.errors import N_


class Role(StrEnum):
    """Portal roles; a user may hold several."""

    ADMIN = "admin"
    COMPLIANCE_EDITOR = "compliance_editor"
    REVIEWER = "reviewer"
    TEAM_LEAD = "team_lead"
    COLLECTOR = "collector"
    RISK_OFFICER = "risk_officer"
    FRAUD_ANALYST = "fraud_analyst"
    AUDITOR = "auditor"


class User(Timestamped, Versioned, Base):
    """A member of staff who can log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by logout, deactivation and password change: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("username")
    def _check_username(self, _key: str, value: str) -> str:
        return rules.username(value)

    @validates("full_name")
    def _check_full_name(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Full name"), value, 200)

    @validates("email")
    def _check_email(self, _key: str, value: str) -> str:
        return rules.email(value).lower()

    @property
    def roles(self) -> set[Role]:
        """Return the roles this user holds."""
        return {Role(link.role) for link in self.role_links}

    def set_roles(self, roles: set[Role] | list[Role]) -> None:
        """Replace the user's roles, keeping unchanged links."""
        wanted = {Role(r) for r in roles}
        self.role_links = [link for link in self.role_links if Role(link.role) in wanted]
        have = {Role(link.role) for link in self.role_links}
        for role in sorted(wanted - have):
            self.role_links.append(UserRole(role=role.value))

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds any of the roles."""
        return bool(self.roles & set(roles))

    def end_sessions(self) -> None:
        """Invalidate every existing login session of this user."""
        self.session_version = (self.session_version or 1) + 1

    # The login-session protocol: the id embeds session_version so bumping it ends sessions.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Tell whether the user may log in."""
        return bool(self.active)

    def get_id(self) -> str:
        """Return the session identity: user id and session version."""
        return f"{self.id}:{self.session_version}"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_links")

    def __str__(self) -> str:
        return self.role
