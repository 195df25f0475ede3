"""Choices for list filters, read at request time as plain (id, name) rows."""

from sqlalchemy import select

from admin_views.base import QueryOptions
from models import Team, User
from portal.extensions import db


def _teams():
    return [tuple(row) for row in db.session.execute(select(Team.id, Team.name)
                                                      .order_by(Team.name))]


def _active_staff():
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.full_name).where(User.active.is_(True)).order_by(User.full_name))]


TEAMS = QueryOptions(_teams)
ACTIVE_STAFF = QueryOptions(_active_staff)
