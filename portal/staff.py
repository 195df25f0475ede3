"""Staff actions: create and update users, roles, deactivation and unlocking."""

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Role, User
from models.errors import ValidationError
from portal import security
from portal.auth import set_password


def apply_user_changes(actor: User, user: User, roles: Sequence[str] | None,
                       new_password: str | None, was_active: bool | None) -> None:
    """Apply roles, password and activation rules after a user form was filled in."""
    security.require(actor, "users.edit")
    if roles is not None:
        wanted = {Role(r) for r in roles}
        if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in wanted:
            raise ValidationError(_("You cannot remove your own administrator role."))
        user.set_roles(wanted)
    if new_password:
        set_password(user, new_password)
    elif not user.password_hash:
        raise ValidationError(_("A new user needs an initial password."))
    if was_active and not user.active:
        if user.id == actor.id:
            raise ValidationError(_("You cannot deactivate your own account."))
        user.end_sessions()


def deactivate_users(session: Session, actor: User, user_ids: Sequence[int]) -> int:
    """Deactivate users and end their sessions; return how many changed."""
    security.require(actor, "users.deactivate")
    users = session.scalars(select(User).where(User.id.in_([int(i) for i in user_ids]))).all()
    if any(u.id == actor.id for u in users):
        raise ValidationError(_("You cannot deactivate your own account."))
    changed = 0
    for user in users:
        if user.active:
            user.active = False
            user.end_sessions()
            changed += 1
    return changed


def unlock_users(session: Session, actor: User, user_ids: Sequence[int]) -> int:
    """Clear lockouts and failed-login counters; return how many changed."""
    security.require(actor, "users.edit")
    users = session.scalars(select(User).where(User.id.in_([int(i) for i in user_ids]))).all()
    changed = 0
    for user in users:
        if user.locked_until or user.failed_logins:
            user.locked_until, user.failed_logins = None, 0
            changed += 1
    return changed
