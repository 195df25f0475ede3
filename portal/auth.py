"""Login and logout, password hashing, throttling and lockout."""

import time
from collections import defaultdict, deque
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from models import User
from models.base import utcnow
from models.errors import ValidationError
from portal.extensions import db, login_manager
from portal.redirects import safe_target

bp = Blueprint("auth", __name__)

# Per-process sliding window of failed logins per client address; the per-user lockout
# below is the durable control, this one slows spraying many usernames from one place.
_FAILURES_BY_ADDRESS: dict[str, deque] = defaultdict(deque)
ADDRESS_WINDOW_SECONDS = 300
ADDRESS_MAX_FAILURES = 30


def hasher() -> PasswordHasher:
    """Return the argon2 hasher with the configured cost."""
    if current_app.config.get("PASSWORD_FAST_HASH"):
        # Tests only: the same algorithm at a tiny cost keeps the suite quick.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password after checking the length rule."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationError(_("The password must be at least %(n)d characters long.", n=minimum))
    return hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    """Tell whether the password matches the user's hash."""
    try:
        return hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end their existing sessions."""
    user.password_hash = hash_password(password)
    user.end_sessions()


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Load the session's user only while its session version is still current."""
    user_id, _sep, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


def _address_blocked(address: str) -> bool:
    window = _FAILURES_BY_ADDRESS[address]
    cutoff = time.monotonic() - ADDRESS_WINDOW_SECONDS
    while window and window[0] < cutoff:
        window.popleft()
    return len(window) >= ADDRESS_MAX_FAILURES


def _is_locked(user: User) -> bool:
    locked = user.locked_until
    if locked is None:
        return False
    if locked.tzinfo is None:  # SQLite hands back naive UTC
        locked = locked.replace(tzinfo=utcnow().tzinfo)
    return locked > utcnow()


def _record_failure(user: User | None, address: str) -> None:
    _FAILURES_BY_ADDRESS[address].append(time.monotonic())
    if user is None:
        return
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
    db.session.commit()


def authenticate(username: str, password: str, address: str) -> tuple[User | None, str | None]:
    """Return the user for valid credentials, or None and a message to show."""
    if _address_blocked(address):
        return None, _("Too many failed logins from this computer. Wait a few minutes.")
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is not None and _is_locked(user):
        return None, _("This account is locked after repeated failed logins. "
                       "Try again later or ask an administrator to unlock it.")
    if user is None or not user.active or not check_password(user, password):
        _record_failure(user, address)
        return None, _("Invalid username or password.")
    if user.failed_logins:
        user.failed_logins = 0
        db.session.commit()
    return user, None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    target = safe_target(request.args.get("next"), url_for("admin.index"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, error = authenticate(form.username.data, form.password.data,
                                   request.remote_addr or "-")
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            return redirect(target)
        flash(error, "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this session and every other session of the user."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))
