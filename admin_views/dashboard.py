"""Home dashboard: counts in the user's scope and "my work"."""

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from admin_views import proposal_page
from admin_views.base import refuse_access
from documents import acknowledgements as acks
from documents import proposals as props
from documents import repository as repo
from models import Assignment, DebtorAccount, Team, User
from models.account import Bucket
from portal import security
from portal.extensions import db


def bucket_counts() -> list[tuple[str, int]]:
    """Count in-scope accounts per delinquency bucket, in bucket order."""
    rows = dict(db.session.execute(
        select(DebtorAccount.bucket, func.count())
        .where(security.account_filter(current_user))
        .group_by(DebtorAccount.bucket)
    ).all())
    return [(b.value, rows.get(b.value, 0)) for b in Bucket]


def my_accounts(limit: int = 10) -> list[DebtorAccount]:
    """Return the user's own most overdue accounts."""
    return db.session.scalars(
        select(DebtorAccount).where(DebtorAccount.collector_id == current_user.id)
        .order_by(DebtorAccount.days_past_due.desc(), DebtorAccount.id).limit(limit)
    ).all()


def recent_assignments(limit: int = 8) -> list[Assignment]:
    """Return the latest assignments the user may see."""
    if not security.can(current_user, "assignments.view"):
        return []
    return db.session.scalars(
        select(Assignment).where(security.assignment_filter(current_user))
        .order_by(Assignment.started_at.desc(), Assignment.id.desc()).limit(limit)
    ).all()


def headline_counts() -> dict[str, int | None]:
    """Count accounts, teams and active users visible to the user."""
    def count(model, clause):
        return db.session.scalar(select(func.count()).select_from(model).where(clause))

    return {
        "accounts": count(DebtorAccount, security.account_filter(current_user))
        if security.can(current_user, "accounts.view") else None,
        "mine": count(DebtorAccount, DebtorAccount.collector_id == current_user.id),
        "teams": count(Team, security.team_filter(current_user))
        if security.can(current_user, "teams.view") else None,
        "users": count(User, security.user_filter(current_user) & User.active.is_(True))
        if security.can(current_user, "users.view") else None,
    }


def documents_due(limit: int = 8) -> list:
    """Return documents due for periodic review soon or overdue, for those who maintain them."""
    if not security.can(current_user, "documents.edit") and \
            not security.can(current_user, "documents.drafts"):
        return []
    return repo.due_for_review(db.session, current_user, within_days=30)[:limit]


def my_inbox():
    """Return what awaits the user in the proposal workflow (None if they take no part in it)."""
    if not security.can(current_user, "proposals.view"):
        return None
    return props.inbox(db.session, current_user._get_current_object())


class DashboardView(AdminIndexView):
    """The portal's home page."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return refuse_access()

    @expose("/")
    def index(self):
        box = my_inbox()
        return self.render(
            "admin/dashboard.html",
            counts=headline_counts(),
            buckets=bucket_counts() if security.can(current_user, "accounts.view") else [],
            mine=my_accounts(),
            recent=recent_assignments(),
            roles=sorted(r.value for r in current_user.roles),
            due=documents_due(),
            pending=box.acknowledgements if box else acks.pending_for(db.session, current_user),
            inbox=box, proposal_page=proposal_page,
        )
