"""Choices for list filters, read as plain (id, name) rows and kept for a few seconds."""

import threading
import time
import weakref
from collections.abc import Callable

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from admin_views.base import QueryOptions
from models import Team, User
from portal.extensions import db

# Every list page with a team or collector filter read both lists again (two queries a page)
# although they change rarely. They are the same for every user, so one copy per database serves
# all requests, for at most TTL_SECONDS; a commit in this process that touched a team or a user
# drops the copy at once. Another worker process sees such a change after
# TTL_SECONDS at the latest, as does an UPDATE statement that bypasses the session.
TTL_SECONDS = 10.0
_WATCHED = (Team, User)
_lock = threading.Lock()
_cache: "weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, list]]]" = (
    weakref.WeakKeyDictionary())


def clear() -> None:
    """Forget every cached option list."""
    with _lock:
        _cache.clear()


def cached(name: str, load: Callable[[], list]) -> Callable[[], list]:
    """Return `load` answered from a short-lived cache per database."""

    def cached_load() -> list:
        engine, now = db.engine, time.monotonic()
        entry = _cache.get(engine, {}).get(name)
        if entry is not None and now < entry[0]:
            return entry[1]
        rows = load()
        with _lock:
            _cache.setdefault(engine, {})[name] = (now + TTL_SECONDS, rows)
        return rows

    return cached_load


@event.listens_for(Session, "after_flush")
def _note_watched_change(session: Session, _flush_context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _WATCHED) for obj in changed):
        session.info["filter_options_stale"] = True


@event.listens_for(Session, "after_commit")
def _drop_after_commit(session: Session) -> None:
    if session.info.pop("filter_options_stale", False):
        clear()


def _teams():
    return [tuple(row) for row in db.session.execute(select(Team.id, Team.name)
                                                      .order_by(Team.name))]


def _active_staff():
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.full_name).where(User.active.is_(True)).order_by(User.full_name))]


TEAMS = QueryOptions(cached("teams", _teams))
ACTIVE_STAFF = QueryOptions(cached("active_staff", _active_staff))
