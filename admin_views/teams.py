"""Teams and team memberships."""

from flask_admin.contrib.sqla import filters
from flask_babel import lazy_gettext as _l

from admin_views import options
from admin_views.base import PortalModelView
from models import TeamMembership
from portal import labels

USER_LOOKUP = {"fields": ["username", "full_name"], "page_size": 10,
               "placeholder": _l("Type a name or username")}
TEAM_LOOKUP = {"fields": ["name", "region"], "page_size": 10,
               "placeholder": _l("Type a team name")}


class TeamView(PortalModelView):
    """Collection teams."""

    permission = "teams"
    column_list = ["name", "region", "bucket_focus", "lead"]
    column_labels = {"bucket_focus": _l("Bucket focus"), "lead": _l("Team lead")}
    column_sortable_list = ["name", "region", "bucket_focus"]
    column_default_sort = "name"
    column_searchable_list = ["name", "region"]
    column_filters = ["region"]
    column_export_list = ["name", "region", "bucket_focus", "lead"]
    form_columns = ["name", "region", "bucket_focus", "lead"]
    form_ajax_refs = {"lead": USER_LOOKUP}


class MembershipView(PortalModelView):
    """Who belongs to which team, from when to when."""

    permission = "memberships"
    column_list = ["team", "user", "role_in_team", "from_date", "to_date"]
    column_labels = {"role_in_team": _l("Role in team"), "from_date": _l("From"),
                     "to_date": _l("To")}
    column_descriptions = {"to_date": _l("Empty while the membership is current.")}
    column_sortable_list = [("team", "team.name"), ("user", "user.full_name"), "role_in_team",
                            "from_date", "to_date"]
    column_default_sort = [("team_id", False), ("from_date", True)]
    column_filters = [
        filters.IntEqualFilter(TeamMembership.team_id, _l("Team"),
                               options=options.TEAMS),
        filters.FilterEqual(TeamMembership.role_in_team, _l("Role in team"),
                            options=labels.choices(labels.MEMBERSHIP_ROLE)),
        filters.FilterEmpty(TeamMembership.to_date, _l("Still active (no end date)")),
    ]
    column_export_list = ["team", "user", "role_in_team", "from_date", "to_date"]
    form_columns = ["team", "user", "role_in_team", "from_date", "to_date"]
    form_choices = {"role_in_team": labels.choices(labels.MEMBERSHIP_ROLE)}
    column_formatters = {"role_in_team": labels.formatter(labels.MEMBERSHIP_ROLE)}
    form_ajax_refs = {"user": USER_LOOKUP, "team": TEAM_LOOKUP}
