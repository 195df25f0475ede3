"""Assignment history: read-only; new assignments come from the reassign action."""

from flask_admin.contrib.sqla import filters
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from admin_views import options
from admin_views.base import ReadOnlyView
from models import Assignment


class AssignmentView(ReadOnlyView):
    """Who worked which account, and why it moved."""

    permission = "assignments"
    column_list = ["account", "collector", "team", "started_at", "ended_at", "assigned_by",
                   "reason"]
    column_labels = {"started_at": _l("From"), "ended_at": _l("To"),
                     "assigned_by": _l("Assigned by")}
    column_descriptions = {"ended_at": _l("Empty for the account's current assignment.")}
    column_sortable_list = ["started_at", "ended_at"]
    column_default_sort = [("started_at", True), ("id", True)]
    column_filters = [
        filters.IntEqualFilter(Assignment.collector_id, _l("Collector"),
                               options=options.ACTIVE_STAFF),
        filters.IntEqualFilter(Assignment.team_id, _l("Team"), options=options.TEAMS),
        filters.IntEqualFilter(Assignment.account_id, _l("Account id")),
        filters.FilterEmpty(Assignment.ended_at, _l("Active (no end)")),
    ]

    def get_query(self):
        return super().get_query().options(
            joinedload(Assignment.account), joinedload(Assignment.collector),
            joinedload(Assignment.team), joinedload(Assignment.assigned_by))
