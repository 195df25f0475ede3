"""The proposal list's columns: links, state badges, due times, and the Author filter's choices."""

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from admin_views import proposal_page as page
from admin_views.formatting import local_time
from models import User, UserRole
from models.proposal import PROPOSERS
from portal.extensions import db


def title_link(view, context, model, name):
    """Link the title to the proposal's page."""
    url = url_for("proposals.proposal_page", proposal_id=model.id)
    return Markup('<a href="{}">{}</a>').format(url, model.title)


def document_link(view, context, model, name):
    """Link the document code to its page."""
    return Markup('<a href="{}" title="{}">{}</a>').format(
        url_for("documents.document_page", code=model.document.code), model.document.title,
        model.document.code)


def status_badge(view, context, model, name):
    """Show the state as a badge."""
    return Markup('<span class="badge pstate pstate-{}">{}</span>').format(
        model.status, page.STATUS.get(model.status, model.status))


def due(view, context, model, name):
    """Show when the proposal is due, overdue ones as a red badge."""
    if model.due_at is None or not model.is_open:
        return ""
    if page.is_overdue(model):
        return Markup('<span class="badge badge-danger" title="{}">{}</span>').format(
            _("Overdue"), _("overdue since %(when)s", when=local_time(model.due_at)))
    return local_time(model.due_at)


def outdated(view, context, model, name):
    """Mark an open proposal whose base is no longer in force."""
    if not model.base_outdated or not model.is_open:
        return ""
    return Markup('<span class="badge badge-warning">{}</span>').format(_("base outdated"))


def proposers():
    """List the people who may author proposals (the Author filter's choices)."""
    return [tuple(r) for r in db.session.execute(
        select(User.id, User.full_name).where(User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_([r.value for r in PROPOSERS]))))
        .order_by(User.full_name))]
