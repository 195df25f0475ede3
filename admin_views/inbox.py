"""Every user's inbox ("awaiting my action") and notifications, and the bell in the navbar."""

from flask import abort, flash, g, redirect, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin_views import proposal_page as page
from admin_views.base import refuse_access
from documents import proposals as props
from models import Notification, PolicyDocument, RedlineProposal
from models.proposal import OPEN_STATES
from portal import security
from portal.extensions import db
from portal.redirects import is_local_path

NOTIFICATIONS_SHOWN = 50
MAX_ID = 2**31 - 1  # PostgreSQL refuses larger numbers for an integer key


class InboxView(BaseView):
    """What awaits the user: reviews, their own proposals, acknowledgements; notifications."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return refuse_access()

    @expose("/")
    def index(self):
        me = current_user._get_current_object()
        notes = db.session.scalars(select(Notification).where(Notification.user_id == me.id)
                                   .order_by(Notification.id.desc())
                                   .limit(NOTIFICATIONS_SHOWN)).all()
        return self.render("admin/proposal_inbox.html", box=props.inbox(db.session, me),
                           notes=notes, page=page)

    @expose("/read", methods=("POST",))
    def mark_all_read(self):
        count = props.mark_read(db.session, current_user._get_current_object())
        db.session.commit()
        flash(_("%(n)d notification(s) marked read.", n=count), "success")
        return redirect(url_for(".index"))

    @expose("/n/<int:notification_id>")
    def open_notification(self, notification_id: int):
        me = current_user._get_current_object()
        note = db.session.get(Notification, notification_id) if notification_id <= MAX_ID \
            else None
        if note is None or note.user_id != me.id:
            abort(404)
        props.mark_read(db.session, me, [note.id])
        db.session.commit()
        return redirect(note.link if is_local_path(note.link) else url_for(".index"))


def inbox_badge() -> int:
    """Count what the bell shows (inbox items and unread notifications), once per request."""
    if not current_user.is_authenticated:
        return 0
    if "inbox_badge" not in g:
        g.inbox_badge = page.awaiting_count(db.session, current_user._get_current_object())
    return g.inbox_badge


def document_proposals(document: PolicyDocument) -> list[tuple[RedlineProposal, str]]:
    """Return the open proposals on a document that the current user may see, with states."""
    if not security.can(current_user, "proposals.view"):
        return []
    found = db.session.scalars(select(RedlineProposal).where(
        RedlineProposal.document_id == document.id, RedlineProposal.status.in_(OPEN_STATES),
        security.proposal_filter(current_user)).order_by(RedlineProposal.id))
    return [(p, str(page.STATUS.get(p.status, p.status))) for p in found]
